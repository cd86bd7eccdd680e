/* src/backend/cpu/pool.c: a small persistent pool. Workers sleep on a condition variable
 * (no spinning: the cores stay free for OpenBLAS and the rest of the process) and wake
 * for each parallel call. The range is cut into a few chunks per thread that the caller
 * and the workers claim one at a time, so a worker that wakes late (a busy or descheduled
 * core) costs the call only the chunks it actually takes. */
#include "backend/cpu/pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_THREADS 64
/* Chunks per thread: enough for the caller to absorb a late worker's share, few enough
 * that claiming one stays negligible. */
#define CHUNKS_PER_THREAD 4

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t call_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_cv = PTHREAD_COND_INITIALIZER, done_cv = PTHREAD_COND_INITIALIZER;
static int nthreads = 1;          /* the caller included */
static unsigned long generation;
static int active;                /* workers inside the current job */
static struct {
    nxcpu_chunk_fn *fn;
    void *ctx;
    int64_t n;
    int64_t chunks;
    atomic_llong next;            /* the next chunk to claim */
} job;
static _Thread_local int inside;  /* a kernel calling back into the pool runs inline */

/* Claims and runs chunks of the current job until none is left. */
static void run_chunks(void)
{
    for (;;) {
        int64_t c = atomic_fetch_add_explicit(&job.next, 1, memory_order_relaxed);
        if (c >= job.chunks)
            return;
        int64_t begin = job.n * c / job.chunks, end = job.n * (c + 1) / job.chunks;
        if (begin < end)
            job.fn(job.ctx, begin, end);
    }
}

/* A worker joins whichever job is current when it wakes; the caller does not replace the
 * job while a worker is still inside it (active > 0). */
static void *worker(void *arg)
{
    (void)arg;
    unsigned long seen = 0;
    inside = 1;
    pthread_mutex_lock(&lock);
    for (;;) {
        while (generation == seen)
            pthread_cond_wait(&work_cv, &lock);
        seen = generation;
        active++;
        pthread_mutex_unlock(&lock);
        run_chunks();
        pthread_mutex_lock(&lock);
        if (--active == 0)
            pthread_cond_signal(&done_cv);
    }
    return NULL;
}

static void start(void)
{
    const char *env = getenv("NXC_NUM_THREADS");
    long want = env && *env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
    if (want < 1)
        want = 1;
    if (want > MAX_THREADS)
        want = MAX_THREADS;
    int started = 1;
    for (int i = 1; i < want; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, worker, NULL) != 0)
            break;   /* fewer threads is still correct */
        pthread_detach(t);
        started++;
    }
    nthreads = started;
}

int nxcpu_threads(void)
{
    pthread_once(&once, start);
    return nthreads;
}

void nxcpu_parallel(int64_t n, int64_t min_per_thread, nxcpu_chunk_fn *fn, void *ctx)
{
    if (n <= 0)
        return;
    int threads = n >= 2 * min_per_thread && !inside ? nxcpu_threads() : 1;
    if (threads > 1 && (n / min_per_thread) < threads)
        threads = (int)(n / min_per_thread);
    if (threads <= 1 || pthread_mutex_trylock(&call_lock) != 0) {
        fn(ctx, 0, n);
        return;
    }
    int64_t chunks = n / min_per_thread;
    if (chunks > (int64_t)threads * CHUNKS_PER_THREAD)
        chunks = (int64_t)threads * CHUNKS_PER_THREAD;
    pthread_mutex_lock(&lock);
    while (active > 0)   /* a late worker may still be leaving the previous job */
        pthread_cond_wait(&done_cv, &lock);
    job.fn = fn;
    job.ctx = ctx;
    job.n = n;
    job.chunks = chunks;
    atomic_store_explicit(&job.next, 0, memory_order_relaxed);
    generation++;
    pthread_cond_broadcast(&work_cv);
    pthread_mutex_unlock(&lock);
    inside = 1;
    run_chunks();
    inside = 0;
    pthread_mutex_lock(&lock);
    while (active > 0)
        pthread_cond_wait(&done_cv, &lock);
    pthread_mutex_unlock(&lock);
    pthread_mutex_unlock(&call_lock);
}
