/* src/core/alloc.c: the one allocation funnel (nx_alloc/nx_free), with failure injection
 * so that tests can prove every exit path frees what it took. */
#include "core/alloc.h"

#include <stdint.h>
#include <stdlib.h>

static _Thread_local long fail_countdown;   /* 0: off */
static _Thread_local int fail_sticky;
static _Thread_local long made;

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
    if (should_fail())
        return NULL;
    return malloc(bytes ? bytes : 1);
}

void *nxalloc_zeroed(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    if (should_fail())
        return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void *nxalloc_realloc(void *p, size_t bytes)
{
    if (should_fail())
        return NULL;
    return realloc(p, bytes ? bytes : 1);
}

void nx_free(void *p)
{
    free(p);
}
