/* fuzz/fuzz_npy.c: libFuzzer target for the .npy reader (nx_load_numpy): any input must give a result or a
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
    nx_tensor *t = nx_load_numpy(data, size);
    (void)t;
    nx_error_clear();
    nx_scope_end();
    return 0;
}
