/* fuzz/fuzz_npy.c: libFuzzer target for the .npy reader (nx_load_numpy) (fuzz_reader.h says what every input must give). */
#include "fuzz_reader.h"

static void read_input(const uint8_t *data, size_t size)
{
    nx_load_numpy(data, size);   /* the tensor belongs to the scope */
}
