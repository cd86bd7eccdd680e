/* src/backend/cpu/fft.c: the fft and ifft kernels on FFTW (Debian's libfftw3): a complex
 * DFT along one axis of a c64 (fftwf) or c128 (fftw) tensor whose axis already has the
 * transform length, seen as {outer, n, inner} and planned once with the guru interface
 * (one strided transform per lane, no copies). ifft scales by 1/n. Components with
 * |x| <= eps become +0.0, as Nx's reference flushes them.
 *
 * FFTW's planner is not thread-safe, its execute functions are: plans are made under one
 * mutex with FFTW_ESTIMATE | FFTW_UNALIGNED, kept in a cache keyed by the transform's
 * geometry and never freed while cached, and run with the new-array execute functions
 * on any buffers. Past the cache's capacity a plan is made, run and destroyed. */
#include "backend/cpu/cpu.h"

#include <complex.h>
#include <fftw3.h>
#include <math.h>
#include <pthread.h>
#include "core/error.h"
#include "core/tensor.h"

typedef struct {
    int dbl, sign;
    int64_t n, outer, inner;
    void *plan;
} cached_plan;

#define CACHE_CAP 64
static cached_plan cache[CACHE_CAP];
static int cache_len;
static pthread_mutex_t planner = PTHREAD_MUTEX_INITIALIZER;

/* A plan for the geometry; *owned set when the caller must destroy it. NULL on failure. */
static void *plan_for(int dbl, int sign, int64_t n, int64_t outer, int64_t inner, void *in, void *out, int *owned)
{
    pthread_mutex_lock(&planner);
    for (int i = 0; i < cache_len; i++) {
        cached_plan *c = &cache[i];
        if (c->dbl == dbl && c->sign == sign && c->n == n && c->outer == outer && c->inner == inner) {
            pthread_mutex_unlock(&planner);
            *owned = 0;
            return c->plan;
        }
    }
    fftw_iodim64 dim = { n, inner, inner };
    fftw_iodim64 many[2] = { { outer, n * inner, n * inner }, { inner, 1, 1 } };
    unsigned flags = FFTW_ESTIMATE | FFTW_UNALIGNED;
    void *plan = dbl ? (void *)fftw_plan_guru64_dft(1, &dim, 2, many, in, out, sign, flags)
                     : (void *)fftwf_plan_guru64_dft(1, (fftwf_iodim64 *)&dim, 2, (fftwf_iodim64 *)many, in, out,
                                                     sign, flags);
    *owned = plan && cache_len == CACHE_CAP;
    if (plan && !*owned)
        cache[cache_len++] = (cached_plan){ dbl, sign, n, outer, inner, plan };
    pthread_mutex_unlock(&planner);
    return plan;
}

static void destroy(int dbl, void *plan)
{
    pthread_mutex_lock(&planner);
    if (dbl)
        fftw_destroy_plan(plan);
    else
        fftwf_destroy_plan(plan);
    pthread_mutex_unlock(&planner);
}

/* Divides by `divisor` (ifft: n; a division keeps 6/6 exactly 1) and flushes parts with
 * |x| <= eps to +0.0. */
#define FINISH(T, data, count, divisor, eps) \
    do { \
        T *v = (T *)(data); \
        for (int64_t i = 0; i < 2 * (count); i++) { \
            T x = v[i] / (T)(divisor); \
            v[i] = fabs((double)x) <= (eps) ? (T)0 : x; \
        } \
    } while (0)

static int transform(nx_tensor *out, const nx_tensor *x, const nxop_params *p, int sign)
{
    int dbl = x->type == NX_C128;
    if (!dbl && x->type != NX_C64)
        return nxerr_set(NX_RUNTIME_ERROR, "nxc has no fft kernel for %s", nx_type_name(x->type));
    int64_t n = x->dims[p->axis], inner = 1;
    for (int i = p->axis + 1; i < x->rank; i++)
        inner *= x->dims[i];
    if (x->size == 0)
        return 0;
    int64_t outer = x->size / (n * inner);
    void *in = nxtensor_data(x), *o = nxtensor_data(out);
    int owned;
    void *plan = plan_for(dbl, sign, n, outer, inner, in, o, &owned);
    if (!plan)
        return nxerr_set(NX_RUNTIME_ERROR, "FFTW could not plan a transform of length %lld", (long long)n);
    if (dbl)
        fftw_execute_dft(plan, in, o);
    else
        fftwf_execute_dft(plan, in, o);
    if (owned)
        destroy(dbl, plan);
    double divisor = sign == FFTW_BACKWARD ? (double)n : 1.0;
    if (dbl)
        FINISH(double, o, x->size, divisor, p->fft.eps);
    else
        FINISH(float, o, x->size, divisor, p->fft.eps);
    return 0;
}

int nxcpu_fft(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    return transform(out, in[0], p, FFTW_FORWARD);
}

int nxcpu_ifft(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    return transform(out, in[0], p, FFTW_BACKWARD);
}
