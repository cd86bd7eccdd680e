/* src/backend/cpu/cumulative.c: the cumulative kernels (cumulative_sum, _product, _min,
 * _max): a sequential scan along one axis of a tensor seen as {outer, n, inner}, forward
 * or reversed, in the compute type the front end chose (integers wrap, floats propagate
 * NaN through min and max; complex for sum and product). Lanes run on the pool. */
#include "backend/cpu/cpu.h"

#include "backend/cpu/pool.h"
#include "core/error.h"
#include "core/nxmath.h"
#include "core/tensor.h"

typedef void scan_loop(const void *x, void *y, int64_t n, int64_t inner, int reverse);

typedef struct {
    const unsigned char *x;
    unsigned char *y;
    int64_t n, inner;
    size_t width;
    int reverse;
    scan_loop *loop;
} scan_job;

/* Lanes [begin, end): lane l is outer index l / inner, inner offset l % inner. */
static void lanes(void *ctx, int64_t begin, int64_t end)
{
    const scan_job *j = ctx;
    for (int64_t l = begin; l < end; l++) {
        size_t off = (size_t)((l / j->inner) * j->n * j->inner + l % j->inner) * j->width;
        j->loop(j->x + off, j->y + off, j->n, j->inner, j->reverse);
    }
}

/* One lane: y[i] = y[i - 1] op x[i] along a stride of `inner` elements. */
#define LOOP(name, E, T, OUT_T, expr) \
    static void name##_##E(const void *xv, void *yv, int64_t n, int64_t inner, int reverse) \
    { \
        const T *X = xv; \
        OUT_T *Y = yv; \
        int64_t step = reverse ? -inner : inner, i = reverse ? (n - 1) * inner : 0; \
        T acc = X[i]; \
        Y[i] = acc; \
        for (int64_t k = 1; k < n; k++) { \
            i += step; \
            T a = acc, b = X[i]; \
            acc = (T)(expr); \
            Y[i] = acc; \
        } \
    }

#define DEFINE_KERNEL(name) \
    int nxcpu_##name(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p) \
    { \
        const nx_tensor *x = in[0]; \
        scan_loop *loop = name##_loops[x->type]; \
        if (!loop) \
            return nxerr_set(NX_RUNTIME_ERROR, "nxc has no " #name " kernel for %s", nx_type_name(x->type)); \
        return scan(x, out, p, loop); \
    }

static int scan(const nx_tensor *x, nx_tensor *out, const nxop_params *p, scan_loop *loop)
{
    if (x->size == 0)
        return 0;
    int64_t inner = 1;
    for (int i = p->axis + 1; i < x->rank; i++)
        inner *= x->dims[i];
    scan_job j = { nxtensor_data(x), nxtensor_data(out), x->dims[p->axis], inner,
                   (size_t)nx_type_bits(x->type) / 8, p->reverse, loop };
    nxcpu_parallel(x->size / j.n, 4096 / j.n + 1, lanes, &j);
    return 0;
}

#define LOOP_TYPE scan_loop
#include "backend/cpu/typegen.h"

#define SUM_I(T) nxm_add(T, a, b)
#define SUM_F(T) a + b
#define PROD_I(T) nxm_mul(T, a, b)
#define PROD_F(T) a * b
#define MIN_I(T) (b < a ? b : a)
#define MIN_F(T) nxm_fmin(a, b)
#define MAX_I(T) (b > a ? b : a)
#define MAX_F(T) nxm_fmax(a, b)

ALL(cumulative_sum, SAME, SUM_I, SUM_F, SUM_F)
ALL(cumulative_product, SAME, PROD_I, PROD_F, PROD_F)
BOTH(cumulative_min, SAME, MIN_I, MIN_F)
BOTH(cumulative_max, SAME, MAX_I, MAX_F)
