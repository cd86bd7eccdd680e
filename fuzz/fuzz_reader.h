/* fuzz/fuzz_reader.h: the entry point the file-reader fuzz targets share. A target
 * defines `static void read_input(const uint8_t *data, size_t size)`, which loads the
 * input with one reader and frees what it got, then includes this header. Any input must
 * give a result or a clean error, never a crash, a leak, a sanitizer report or an
 * allocation out of proportion to the input (the 64 MiB limit turns one into a failure).
 *
 * Built and run by scripts/fuzz.sh (CI runs each target for 30 seconds). */
#ifndef FUZZ_READER_H
#define FUZZ_READER_H

#include <stddef.h>
#include <stdint.h>
#include "nx.h"

static void read_input(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        nx_set_alloc_limit(64 << 20);
        ready = 1;
    }
    nx_scope_begin();
    read_input(data, size);
    nx_error_clear();
    nx_scope_end();
    return 0;
}

#endif
