/* fuzz/fuzz_npz.c: libFuzzer target for the .npz reader: the zip directory, stored and
 * deflated members, nx_load_numpy_archive (fuzz_reader.h says what every input must give). */
#include "fuzz_reader.h"

static void read_input(const uint8_t *data, size_t size)
{
    nx_named_tensors l;
    if (nx_load_numpy_archive(data, size, &l) == 0)
        nx_named_tensors_free(&l);
}
