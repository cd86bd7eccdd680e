/* src/core/alloc.c: the one allocation funnel (nx_alloc/nx_free), with failure injection
 * so that tests can prove every exit path frees what it took, and the allocator of
 * tensor data (nxalloc_buffer), which keeps large buffers cheap to get. */
#define _DEFAULT_SOURCE   /* mmap's MAP_ANONYMOUS, madvise */
#include "core/alloc.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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

/* ---- tensor data ----
 * Fresh pages cost a page fault each (4 KiB: about 1000 faults for 1M f32, more time than
 * an add spends computing), and the C library hands large blocks back to the kernel on
 * free. So buffers from BIG_BYTES up are mapped on 2 MiB boundaries with transparent huge
 * pages asked for (512 times fewer faults, and fewer TLB misses for gathers), and up to
 * CACHE_SLOTS freed ones (CACHE_MAX_BYTES in all) are kept for the next buffer of the same
 * rounded size, already paged in. Under AddressSanitizer every buffer goes through malloc,
 * so that out-of-bounds accesses and uses after free are still caught. */

#if defined(__SANITIZE_ADDRESS__)
#define NO_BUFFER_CACHE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NO_BUFFER_CACHE 1
#endif
#endif

#ifndef NO_BUFFER_CACHE
#define BIG_BYTES ((size_t)1 << 20)
#define HUGE_PAGE ((size_t)2 << 20)
#define CACHE_SLOTS 8
#define CACHE_MAX_BYTES ((size_t)128 << 20)

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    void *p;
    size_t bytes;
} cache[CACHE_SLOTS];
static size_t cache_bytes;
static int cache_next;   /* the next slot to evict */

static size_t mapped_size(size_t bytes)
{
    return (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
}

/* A mapping of `size` bytes (a multiple of HUGE_PAGE) that starts on a HUGE_PAGE boundary. */
static void *map_aligned(size_t size)
{
    unsigned char *p = mmap(NULL, size + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                            -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    size_t lead = (HUGE_PAGE - (uintptr_t)p % HUGE_PAGE) % HUGE_PAGE;
    if (lead)
        munmap(p, lead);
    if (HUGE_PAGE - lead)
        munmap(p + lead + size, HUGE_PAGE - lead);
    p += lead;
    (void)madvise(p, size, MADV_HUGEPAGE);   /* a hint: without THP, 4 KiB pages still work */
    return p;
}
#endif

void *nxalloc_buffer(size_t bytes)
{
#ifdef NO_BUFFER_CACHE
    return nx_alloc(bytes);
#else
    if (bytes < BIG_BYTES)
        return nx_alloc(bytes);
    if (should_fail() || should_fail_size(bytes))
        return NULL;
    size_t size = mapped_size(bytes);
    void *p = NULL;
    pthread_mutex_lock(&cache_lock);
    for (int i = 0; i < CACHE_SLOTS; i++) {
        if (cache[i].p && cache[i].bytes == size) {
            p = cache[i].p;
            cache[i].p = NULL;
            cache_bytes -= size;
            break;
        }
    }
    pthread_mutex_unlock(&cache_lock);
    return p ? p : map_aligned(size);
#endif
}

void nxalloc_buffer_free(void *p, size_t bytes)
{
#ifdef NO_BUFFER_CACHE
    (void)bytes;
    nx_free(p);
#else
    if (!p || bytes < BIG_BYTES) {
        nx_free(p);
        return;
    }
    size_t size = mapped_size(bytes);
    void *evicted = NULL;
    size_t evicted_size = 0;
    pthread_mutex_lock(&cache_lock);
    if (size <= CACHE_MAX_BYTES) {
        /* Room: a free slot within the byte budget, else the next slot in turn is evicted
         * (the sizes in use change from one workload to the next). */
        int slot = -1;
        for (int i = 0; i < CACHE_SLOTS && slot < 0; i++)
            if (!cache[i].p && cache_bytes + size <= CACHE_MAX_BYTES)
                slot = i;
        for (int tries = 0; slot < 0 && tries < CACHE_SLOTS; tries++) {
            int i = cache_next;
            cache_next = (cache_next + 1) % CACHE_SLOTS;
            if (cache[i].p && cache_bytes - cache[i].bytes + size <= CACHE_MAX_BYTES && !evicted) {
                evicted = cache[i].p;
                evicted_size = cache[i].bytes;
                cache_bytes -= evicted_size;
                cache[i].p = NULL;
                slot = i;
            }
        }
        if (slot >= 0) {
            cache[slot].p = p;
            cache[slot].bytes = size;
            cache_bytes += size;
            p = NULL;
        }
    }
    pthread_mutex_unlock(&cache_lock);
    if (evicted)
        munmap(evicted, evicted_size);
    if (p)
        munmap(p, size);
#endif
}

/* ---- tensor headers ----
 * Every op makes a few headers (its result, reshaped views of its operands), each a calloc
 * and a free: on small tensors a visible share of the call (a 64 x 64 dot makes four).
 * So each thread keeps up to HEADER_CACHE freed headers (about 6 KiB) for its next ones,
 * given back to the C library when the thread ends. Not under AddressSanitizer, which
 * must see every use after free. */
#define HEADER_CACHE 16

#ifndef NO_BUFFER_CACHE
typedef struct {
    void *p[HEADER_CACHE];
    int n;
    size_t bytes;   /* the one size kept (the header's) */
} header_cache;

static _Thread_local header_cache headers;
static pthread_key_t headers_key;
static pthread_once_t headers_once = PTHREAD_ONCE_INIT;

static void headers_release(void *cache)
{
    header_cache *c = cache;
    while (c->n > 0)
        free(c->p[--c->n]);
}

static void headers_key_make(void)
{
    pthread_key_create(&headers_key, headers_release);
}
#endif

void *nxalloc_header(size_t bytes)
{
#ifndef NO_BUFFER_CACHE
    if (headers.n > 0 && headers.bytes == bytes) {
        if (should_fail() || should_fail_size(bytes))
            return NULL;
        void *p = headers.p[--headers.n];
        memset(p, 0, bytes);
        return p;
    }
#endif
    return nxalloc_zeroed(1, bytes);
}

void nxalloc_header_free(void *p, size_t bytes)
{
#ifndef NO_BUFFER_CACHE
    if (p && headers.n < HEADER_CACHE && (headers.n == 0 || headers.bytes == bytes)) {
        if (headers.n == 0) {
            pthread_once(&headers_once, headers_key_make);
            pthread_setspecific(headers_key, &headers);   /* frees the cache at thread exit */
            headers.bytes = bytes;
        }
        headers.p[headers.n++] = p;
        return;
    }
#else
    (void)bytes;
#endif
    free(p);
}
