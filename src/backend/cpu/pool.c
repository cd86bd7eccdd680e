/* src/backend/cpu/pool.c: a small persistent pool. Workers sleep on a condition variable
 * (no spinning: the cores stay free for OpenBLAS and the rest of the process) and wake
 * for each parallel call; the caller runs the first chunk itself. */
#include "backend/cpu/pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_THREADS 64

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t call_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_cv = PTHREAD_COND_INITIALIZER, done_cv = PTHREAD_COND_INITIALIZER;
static int nthreads = 1;          /* the caller included */
static unsigned long generation;
static int remaining;
static struct {
    nxcpu_chunk_fn *fn;
    void *ctx;
    int64_t n;
    int parts;
} job;
static _Thread_local int inside;  /* a kernel calling back into the pool runs inline */

static void run_part(int part)
{
    int64_t begin = job.n * part / job.parts, end = job.n * (part + 1) / job.parts;
    if (begin < end)
        job.fn(job.ctx, begin, end);
}

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    unsigned long seen = 0;
    inside = 1;
    pthread_mutex_lock(&lock);
    for (;;) {
        while (generation == seen)
            pthread_cond_wait(&work_cv, &lock);
        seen = generation;
        int parts = job.parts;
        pthread_mutex_unlock(&lock);
        if (id < parts)
            run_part(id);
        pthread_mutex_lock(&lock);
        if (id < parts && --remaining == 0)
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
        if (pthread_create(&t, NULL, worker, (void *)(intptr_t)i) != 0)
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
    pthread_mutex_lock(&lock);
    job.fn = fn;
    job.ctx = ctx;
    job.n = n;
    job.parts = threads;
    remaining = threads - 1;
    generation++;
    pthread_cond_broadcast(&work_cv);
    pthread_mutex_unlock(&lock);
    inside = 1;
    run_part(0);
    inside = 0;
    pthread_mutex_lock(&lock);
    while (remaining > 0)
        pthread_cond_wait(&done_cv, &lock);
    pthread_mutex_unlock(&lock);
    pthread_mutex_unlock(&call_lock);
}
