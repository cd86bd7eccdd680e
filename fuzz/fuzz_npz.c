/* fuzz/fuzz_npz.c: libFuzzer target for the .npz reader (zip directory, stored and deflated members, nx_load_numpy_archive): any input must give a result or a
 * clean error, never a crash, a leak, a sanitizer report or an allocation out of
 * proportion to the input (the 64 MiB limit turns one into a failure).
 *
 * Built and run by scripts/fuzz.sh (CI runs it for 30 seconds). */
#include <stddef.h>
#include <stdint.h>
#include "nx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        nx_set_alloc_limit(64 << 20);
        ready = 1;
    }
    nx_scope_begin();
    nx_named_tensors l;
    if (nx_load_numpy_archive(data, size, &l) == 0)
        nx_named_tensors_free(&l);
    nx_error_clear();
    nx_scope_end();
    return 0;
}
