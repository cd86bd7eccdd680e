/* src/backend/cpu/pool.h: the CPU backend's own thread pool (pthreads, one worker per
 * extra core), so that kernels use every core without an OpenMP runtime spinning beside
 * OpenBLAS. */
#ifndef NXCPU_POOL_H
#define NXCPU_POOL_H

#include <stdint.h>

typedef void nxcpu_chunk_fn(void *ctx, int64_t begin, int64_t end);

/* Calls fn over [0, n) in contiguous chunks, on several threads when n >= min_per_thread
 * * 2, else inline. Returns when every chunk is done. Safe to call from several threads
 * (calls are serialised while the pool is busy; nested calls run inline). */
void nxcpu_parallel(int64_t n, int64_t min_per_thread, nxcpu_chunk_fn *fn, void *ctx);
/* The number of threads kernels use ($NXC_NUM_THREADS, else the cores). */
int nxcpu_threads(void);

#endif
