/* src/backend/cpu/window.c: the window kernels: window_sum, window_product, window_max,
 * window_min (a fold over every window, padding skipped: the init value the front end
 * passes is the fold's identity and its padding value at once) and window_scatter_max/min
 * (select a position per window, then add the source there). Inputs arrive in one of the
 * native types (src/ops/window.c converts narrow ones). A window lying wholly inside the
 * input reads precomputed flat offsets; one that touches the padding checks each cell.
 * Integer sums and products wrap (accumulated in 64 bits and truncated); floats
 * accumulate in double, complex in double pairs; max/min propagate NaN. */
#include "backend/cpu/cpu.h"

#include <string.h>
#include "backend/cpu/pool.h"
#include "core/error.h"
#include "core/tensor.h"
#include "nx/scope.h"

#define R NX_MAX_RANK
#define WORK_PER_THREAD 32768   /* window cells below which a second thread costs more than it saves */

typedef struct wjob wjob;
typedef void wfold_fn(const wjob *j, int64_t begin, int64_t end);

struct wjob {
    int rank;
    int64_t in_dims[R], in_str[R], out_dims[R], win[R], stride[R], dil[R], low[R];
    int64_t k;          /* cells per window */
    int64_t *rel;       /* flat input offset of each cell from the window's corner */
    int64_t *woff;      /* per cell, per axis: its offset w * dilation (k * rank) */
    const void *x, *init;
    void *y;            /* window_sum...: the output; scatter: int64 selections */
    wfold_fn *fold;
};

/* Fills the plan from t's shape, the output's and the params; -1 with an error. */
static int plan(wjob *j, const nx_tensor *t, const int64_t *out_dims, const nxop_params *p)
{
    memset(j, 0, sizeof *j);
    j->rank = t->rank;
    j->k = 1;
    int64_t s = 1;
    for (int a = t->rank - 1; a >= 0; a--) {
        j->in_dims[a] = t->dims[a];
        j->in_str[a] = s;
        s *= t->dims[a];
    }
    for (int a = 0; a < t->rank; a++) {
        j->out_dims[a] = out_dims[a];
        j->win[a] = p->window.window[a];
        j->stride[a] = p->window.stride[a];
        j->dil[a] = p->window.dilation[a];
        j->low[a] = p->window.low[a];
        j->k *= j->win[a];
    }
    j->rel = nx_alloc((size_t)j->k * sizeof *j->rel);
    j->woff = nx_alloc((size_t)(j->k * (t->rank ? t->rank : 1)) * sizeof *j->woff);
    if (!j->rel || !j->woff) {
        nx_free(j->rel);
        nx_free(j->woff);
        return -1;
    }
    int64_t w[R] = { 0 };
    for (int64_t c = 0; c < j->k; c++) {
        int64_t rel = 0;
        for (int a = 0; a < t->rank; a++) {
            j->woff[c * t->rank + a] = w[a] * j->dil[a];
            rel += w[a] * j->dil[a] * j->in_str[a];
        }
        j->rel[c] = rel;
        for (int a = t->rank - 1; a >= 0; a--) {
            if (++w[a] < j->win[a])
                break;
            w[a] = 0;
        }
    }
    return 0;
}

static void unplan(wjob *j)
{
    nx_free(j->rel);
    nx_free(j->woff);
}

/* The output coordinates of flat position o. */
static void coords_of(const wjob *j, int64_t o, int64_t *c)
{
    for (int a = j->rank - 1; a >= 0; a--) {
        c[a] = o % j->out_dims[a];
        o /= j->out_dims[a];
    }
}

static void coords_next(const wjob *j, int64_t *c)
{
    for (int a = j->rank - 1; a >= 0; a--) {
        if (++c[a] < j->out_dims[a])
            return;
        c[a] = 0;
    }
}

/* The flat position of the window's corner; 1 when the whole window is inside. */
static int corner(const wjob *j, const int64_t *c, int64_t *base)
{
    int inside = 1;
    int64_t b = 0;
    for (int a = 0; a < j->rank; a++) {
        int64_t q = c[a] * j->stride[a] - j->low[a];
        inside &= q >= 0 && q + (j->win[a] - 1) * j->dil[a] < j->in_dims[a];
        b += q * j->in_str[a];
    }
    *base = b;
    return inside;
}

/* The flat input position of cell w of the window at c, or -1 in the padding. */
static int64_t cell(const wjob *j, const int64_t *c, int64_t w)
{
    int64_t at = 0;
    for (int a = 0; a < j->rank; a++) {
        int64_t q = c[a] * j->stride[a] - j->low[a] + j->woff[w * j->rank + a];
        if (q < 0 || q >= j->in_dims[a])
            return -1;
        at += q * j->in_str[a];
    }
    return at;
}

/* ---------------------------------------------------------------- folds */

typedef struct { double re, im; } cacc;

/* One fold over windows [begin, end) of the output: START(init) then STEP(acc, v) for
 * every cell inside the input, STORE(acc) into the output. */
#define FOLD(name, E, T, ACC, START, STEP, STORE) \
    static void name##_##E(const wjob *j, int64_t begin, int64_t end) \
    { \
        const T *x = j->x; \
        T *y = j->y; \
        const T init = *(const T *)j->init; \
        int64_t c[R]; \
        coords_of(j, begin, c); \
        for (int64_t o = begin; o < end; o++) { \
            ACC acc = START(init); \
            int64_t base; \
            if (corner(j, c, &base)) { \
                const T *b = x + base; \
                for (int64_t w = 0; w < j->k; w++) { \
                    T v = b[j->rel[w]]; \
                    STEP(acc, v); \
                } \
            } else { \
                for (int64_t w = 0; w < j->k; w++) { \
                    int64_t at = cell(j, c, w); \
                    if (at >= 0) { \
                        T v = x[at]; \
                        STEP(acc, v); \
                    } \
                } \
            } \
            y[o] = STORE(T, acc); \
            coords_next(j, c); \
        } \
    }

#define U64_START(v) ((uint64_t)(v))
#define F64_START(v) ((double)(v))
#define C_START(v) ((cacc){ __real__(v), __imag__(v) })
#define SAME_START(v) (v)
#define CAST_STORE(T, acc) ((T)(acc))
#define C_STORE(T, acc) c_store_##T(acc)

#define ADD_STEP(acc, v) ((acc) += (v))
#define MUL_STEP(acc, v) ((acc) *= (v))
#define U64_ADD_STEP(acc, v) ((acc) += (uint64_t)(v))
#define U64_MUL_STEP(acc, v) ((acc) *= (uint64_t)(v))
#define C_ADD_STEP(acc, v) ((acc).re += __real__(v), (acc).im += __imag__(v))
/* Complex product as Nx's Complex module computes it: (ac - bd) + (ad + bc)i. */
#define C_MUL_STEP(acc, v) \
    do { \
        double re_ = __real__(v), im_ = __imag__(v); \
        cacc n_ = { (acc).re * re_ - (acc).im * im_, (acc).re * im_ + (acc).im * re_ }; \
        (acc) = n_; \
    } while (0)
#define INT_MAX_STEP(acc, v) ((acc) = (v) > (acc) ? (v) : (acc))
#define INT_MIN_STEP(acc, v) ((acc) = (v) < (acc) ? (v) : (acc))
/* NaN wins and stays. */
#define FLOAT_MAX_STEP(acc, v) ((acc) = ((acc) != (acc) || (v) <= (acc)) ? (acc) : (v))
#define FLOAT_MIN_STEP(acc, v) ((acc) = ((acc) != (acc) || (v) >= (acc)) ? (acc) : (v))

typedef float _Complex c64_t;
typedef double _Complex c128_t;

static inline c64_t c_store_c64_t(cacc a)
{
    c64_t z;
    __real__ z = (float)a.re;
    __imag__ z = (float)a.im;
    return z;
}

static inline c128_t c_store_c128_t(cacc a)
{
    c128_t z;
    __real__ z = a.re;
    __imag__ z = a.im;
    return z;
}

#define INT_TYPES(X) \
    X(u8, uint8_t) X(u16, uint16_t) X(u32, uint32_t) X(u64, uint64_t) \
    X(s8, int8_t) X(s16, int16_t) X(s32, int32_t) X(s64, int64_t)
#define FLOAT_TYPES(X) X(f32, float) X(f64, double)
#define COMPLEX_TYPES(X) X(c64, c64_t) X(c128, c128_t)

#define SUM_INT(E, T) FOLD(sum, E, T, uint64_t, U64_START, U64_ADD_STEP, CAST_STORE)
#define SUM_FLOAT(E, T) FOLD(sum, E, T, double, F64_START, ADD_STEP, CAST_STORE)
#define SUM_COMPLEX(E, T) FOLD(sum, E, T, cacc, C_START, C_ADD_STEP, C_STORE)
#define PROD_INT(E, T) FOLD(prod, E, T, uint64_t, U64_START, U64_MUL_STEP, CAST_STORE)
#define PROD_FLOAT(E, T) FOLD(prod, E, T, double, F64_START, MUL_STEP, CAST_STORE)
#define PROD_COMPLEX(E, T) FOLD(prod, E, T, cacc, C_START, C_MUL_STEP, C_STORE)
#define MAX_INT(E, T) FOLD(max, E, T, T, SAME_START, INT_MAX_STEP, CAST_STORE)
#define MAX_FLOAT(E, T) FOLD(max, E, T, T, SAME_START, FLOAT_MAX_STEP, CAST_STORE)
#define MIN_INT(E, T) FOLD(min, E, T, T, SAME_START, INT_MIN_STEP, CAST_STORE)
#define MIN_FLOAT(E, T) FOLD(min, E, T, T, SAME_START, FLOAT_MIN_STEP, CAST_STORE)

INT_TYPES(SUM_INT)
FLOAT_TYPES(SUM_FLOAT)
COMPLEX_TYPES(SUM_COMPLEX)
INT_TYPES(PROD_INT)
FLOAT_TYPES(PROD_FLOAT)
COMPLEX_TYPES(PROD_COMPLEX)
INT_TYPES(MAX_INT)
FLOAT_TYPES(MAX_FLOAT)
INT_TYPES(MIN_INT)
FLOAT_TYPES(MIN_FLOAT)

#define INT_ENTRIES(name) \
    [NX_U8] = name##_u8, [NX_U16] = name##_u16, [NX_U32] = name##_u32, [NX_U64] = name##_u64, \
    [NX_S8] = name##_s8, [NX_S16] = name##_s16, [NX_S32] = name##_s32, [NX_S64] = name##_s64,
#define FLOAT_ENTRIES(name) [NX_F32] = name##_f32, [NX_F64] = name##_f64,
#define COMPLEX_ENTRIES(name) [NX_C64] = name##_c64, [NX_C128] = name##_c128,

static wfold_fn *const sum_folds[NX_TYPE_COUNT] = { INT_ENTRIES(sum) FLOAT_ENTRIES(sum) COMPLEX_ENTRIES(sum) };
static wfold_fn *const prod_folds[NX_TYPE_COUNT] = { INT_ENTRIES(prod) FLOAT_ENTRIES(prod) COMPLEX_ENTRIES(prod) };
static wfold_fn *const max_folds[NX_TYPE_COUNT] = { INT_ENTRIES(max) FLOAT_ENTRIES(max) };
static wfold_fn *const min_folds[NX_TYPE_COUNT] = { INT_ENTRIES(min) FLOAT_ENTRIES(min) };

static void run_chunk(void *ctx, int64_t begin, int64_t end)
{
    const wjob *j = ctx;
    j->fold(j, begin, end);
}

static int window_fold(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p,
                       wfold_fn *const *folds, const char *name)
{
    const nx_tensor *t = in[0];
    wfold_fn *fold = (unsigned)t->type < NX_TYPE_COUNT ? folds[t->type] : NULL;
    if (!fold || out->type != t->type || in[1]->type != t->type)
        return nxerr_set(NX_RUNTIME_ERROR, "%s: no cpu kernel for type %s", name, nx_type_name(t->type));
    wjob j;
    if (plan(&j, t, out->dims, p) < 0)
        return -1;
    j.x = nxtensor_data(t);
    j.init = nxtensor_data(in[1]);
    j.y = nxtensor_data(out);
    j.fold = fold;
    int64_t per = WORK_PER_THREAD / (j.k > 0 ? j.k : 1);
    nxcpu_parallel(out->size, per > 0 ? per : 1, run_chunk, &j);
    unplan(&j);
    return 0;
}

int nxcpu_window_sum(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    return window_fold(out, in, p, sum_folds, "window_sum");
}

int nxcpu_window_product(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    return window_fold(out, in, p, prod_folds, "window_product");
}

int nxcpu_window_max(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    return window_fold(out, in, p, max_folds, "window_max");
}

int nxcpu_window_min(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    return window_fold(out, in, p, min_folds, "window_min");
}

/* ---------------------------------------------------------------- scatter */

/* For windows [begin, end): the flat input position of the selected cell (the first
 * maximum, or minimum, in row-major order; padding cells hold init), -1 when a padding
 * cell wins. A NaN counts as the extreme value. */
#define SELECT(name, E, T, BETTER) \
    static void name##_##E(const wjob *j, int64_t begin, int64_t end) \
    { \
        const T *x = j->x; \
        const T init = *(const T *)j->init; \
        int64_t *sel = j->y, c[R]; \
        coords_of(j, begin, c); \
        for (int64_t o = begin; o < end; o++) { \
            T best = 0; \
            int64_t at_best = -2; \
            for (int64_t w = 0; w < j->k; w++) { \
                int64_t at = cell(j, c, w); \
                T v = at >= 0 ? x[at] : init; \
                if (at_best == -2 || BETTER(v, best)) { \
                    best = v; \
                    at_best = at; \
                } \
            } \
            sel[o] = at_best; \
            coords_next(j, c); \
        } \
    }
#define INT_GT(v, b) ((v) > (b))
#define INT_LT(v, b) ((v) < (b))
#define FLOAT_GT(v, b) ((b) == (b) && ((v) > (b) || (v) != (v)))
#define FLOAT_LT(v, b) ((b) == (b) && ((v) < (b) || (v) != (v)))
#define SEL_MAX_INT(E, T) SELECT(selmax, E, T, INT_GT)
#define SEL_MAX_FLOAT(E, T) SELECT(selmax, E, T, FLOAT_GT)
#define SEL_MIN_INT(E, T) SELECT(selmin, E, T, INT_LT)
#define SEL_MIN_FLOAT(E, T) SELECT(selmin, E, T, FLOAT_LT)
INT_TYPES(SEL_MAX_INT)
FLOAT_TYPES(SEL_MAX_FLOAT)
INT_TYPES(SEL_MIN_INT)
FLOAT_TYPES(SEL_MIN_FLOAT)
static wfold_fn *const selmax_folds[NX_TYPE_COUNT] = { INT_ENTRIES(selmax) FLOAT_ENTRIES(selmax) };
static wfold_fn *const selmin_folds[NX_TYPE_COUNT] = { INT_ENTRIES(selmin) FLOAT_ENTRIES(selmin) };

/* out = init everywhere, then out[sel[w]] += source[w] in order (integers wrap). */
typedef void scatter_fn(void *out, int64_t n, const void *init, const int64_t *sel, const void *src, int64_t nsel);
#define SCATTER(E, T, ADD) \
    static void scatter_##E(void *outv, int64_t n, const void *initv, const int64_t *sel, const void *srcv, \
                            int64_t nsel) \
    { \
        T *out = outv; \
        const T *src = srcv, init = *(const T *)initv; \
        for (int64_t i = 0; i < n; i++) \
            out[i] = init; \
        for (int64_t w = 0; w < nsel; w++) \
            if (sel[w] >= 0) \
                out[sel[w]] = ADD(T, out[sel[w]], src[w]); \
    }
#define WRAP_ADD(T, a, b) ((T)((uint64_t)(a) + (uint64_t)(b)))
#define PLAIN_ADD(T, a, b) ((a) + (b))
#define SCATTER_INT(E, T) SCATTER(E, T, WRAP_ADD)
#define SCATTER_FLOAT(E, T) SCATTER(E, T, PLAIN_ADD)
INT_TYPES(SCATTER_INT)
FLOAT_TYPES(SCATTER_FLOAT)
static scatter_fn *const scatters[NX_TYPE_COUNT] = { INT_ENTRIES(scatter) FLOAT_ENTRIES(scatter) };

/* in: t, source (the windows' shape), init in t's type, init in out's type. */
static int window_scatter(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p,
                          wfold_fn *const *selects, const char *name)
{
    const nx_tensor *t = in[0], *src = in[1];
    wfold_fn *select = (unsigned)t->type < NX_TYPE_COUNT ? selects[t->type] : NULL;
    scatter_fn *scatter = (unsigned)out->type < NX_TYPE_COUNT ? scatters[out->type] : NULL;
    if (!select || !scatter || src->type != out->type || in[2]->type != t->type || in[3]->type != out->type)
        return nxerr_set(NX_RUNTIME_ERROR, "%s: no cpu kernel for types %s and %s", name, nx_type_name(t->type),
                         nx_type_name(out->type));
    int64_t *sel = nx_alloc((size_t)(src->size ? src->size : 1) * sizeof *sel);
    wjob j;
    if (!sel || plan(&j, t, src->dims, p) < 0) {
        nx_free(sel);
        return -1;
    }
    j.x = nxtensor_data(t);
    j.init = nxtensor_data(in[2]);
    j.y = sel;
    j.fold = select;
    int64_t per = WORK_PER_THREAD / (j.k > 0 ? j.k : 1);
    nxcpu_parallel(src->size, per > 0 ? per : 1, run_chunk, &j);
    scatter(nxtensor_data(out), out->size, nxtensor_data(in[3]), sel, nxtensor_data(src), src->size);
    unplan(&j);
    nx_free(sel);
    return 0;
}

int nxcpu_window_scatter_max(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    return window_scatter(out, in, p, selmax_folds, "window_scatter_max");
}

int nxcpu_window_scatter_min(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    return window_scatter(out, in, p, selmin_folds, "window_scatter_min");
}
