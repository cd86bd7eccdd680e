/* fuzz/fuzz_safetensors.c: libFuzzer target for the safetensors reader: the JSON header
 * and the data slices (fuzz_reader.h says what every input must give). */
#include "fuzz_reader.h"

static void read_input(const uint8_t *data, size_t size)
{
    nx_named_tensors l;
    if (nx_load_safetensors(data, size, &l) == 0)
        nx_named_tensors_free(&l);
}
