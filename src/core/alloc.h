/* src/core/alloc.h: the allocation funnel. Tests make the n-th allocation fail to prove
 * that every exit path frees what it took. */
#ifndef NXCORE_ALLOC_H
#define NXCORE_ALLOC_H

#include <stddef.h>
#include "nx/scope.h"

/* Like nx_alloc but zero-filled; the size is count * size, checked for overflow. */
void *nxalloc_zeroed(size_t count, size_t size);
void *nxalloc_realloc(void *p, size_t bytes);
/* Memory for tensor data: `bytes`, not zeroed, or NULL. Large buffers are mapped on huge
 * page boundaries and recycled; give them back with nxalloc_buffer_free and the same
 * `bytes`, never nx_free. */
void *nxalloc_buffer(size_t bytes);
void nxalloc_buffer_free(void *p, size_t bytes);
/* Memory for a tensor header of `bytes`, zeroed, from a per-thread cache of freed ones;
 * give it back with nxalloc_header_free. */
void *nxalloc_header(size_t bytes);
void nxalloc_header_free(void *p, size_t bytes);
/* Fails the n-th allocation from now (1 = the next one) and every later one while
 * `sticky`; n = 0 turns failure injection off. Thread-local. Returns allocations made
 * since the last call. */
long nxalloc_fail_at(long n, int sticky);

#endif
