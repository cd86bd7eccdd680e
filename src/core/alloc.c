/* src/core/alloc.c: the one allocation funnel (nx_alloc/nx_free), with failure injection
 * so that tests can prove every exit path frees what it took. */
#include "core/alloc.h"

#include <stdint.h>
#include <stdlib.h>

static _Atomic size_t single_limit;          /* 0: none */
static _Thread_local long fail_countdown;   /* 0: off */
static _Thread_local int fail_sticky;
static _Thread_local long made;

void nx_set_alloc_limit(size_t bytes)
{
    single_limit = bytes;
}

static int should_fail_size(size_t bytes)
{
    size_t limit = single_limit;
    return limit && bytes > limit;
}

static int should_fail(void)
{
    made++;
    if (fail_countdown == 0)
        return 0;
    if (fail_countdown == 1) {
        if (!fail_sticky)
            fail_countdown = 0;
        return 1;
    }
    fail_countdown--;
    return 0;
}

long nxalloc_fail_at(long n, int sticky)
{
    long m = made;
    made = 0;
    fail_countdown = n;
    fail_sticky = sticky;
    return m;
}

void *nx_alloc(size_t bytes)
{
    if (should_fail() || should_fail_size(bytes))
        return NULL;
    return malloc(bytes ? bytes : 1);
}

void *nxalloc_zeroed(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    if (should_fail() || should_fail_size(count * size))
        return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void *nxalloc_realloc(void *p, size_t bytes)
{
    if (should_fail() || should_fail_size(bytes))
        return NULL;
    return realloc(p, bytes ? bytes : 1);
}

void nx_free(void *p)
{
    free(p);
}
