/* src/backend/cpu/reduce.c: the reduction kernels (sum, product, reduce_max, reduce_min,
 * all, any, argmax, argmin). The output has the input's rank, reduced axes of size 1, and
 * the type the front end chose (src/ops/reduce.c). A plan collapses the axes into kept and
 * reduced groups; each op is a fold (an accumulator with init, folds of contiguous runs
 * and of rows into rows of accumulators, merge and store), generated per native type.
 *
 * Order (include/nx/reduce.h): the reduced positions of one output are cut into segments
 * whose size depends only on the shapes; each segment is folded into a fresh accumulator
 * and the segment results are merged in order (the first one is the start). Threads take
 * whole tiles of outputs or whole segments, so the result is the same for any thread
 * count. */
#include "backend/cpu/cpu.h"

#include <stdatomic.h>
#include <string.h>
#include "backend/cpu/clones.h"
#include "backend/cpu/isa.h"
#include "backend/cpu/pool.h"
#include "core/error.h"
#include "core/nxmath.h"
#include "core/tensor.h"
#include "nx/scope.h"

#define SEG 4096            /* elements per segment of a reduced run (part of the order) */
#define SEG_ROWS 64         /* fewest rows per segment when the innermost axis is kept (idem) */
#define LANES 8             /* interleaved partial sums in a contiguous run (idem) */
#define TILE_ROWS 4096      /* accumulators per tile when the innermost axis is kept */
#define TILE_RUNS 32        /* outputs per tile when the innermost axis is reduced */
#define ARG_UNROLL 4        /* vectors per step of those passes */
/* argmax's vector passes are built for 16-byte vectors (SSE2, the x86-64 baseline, or
 * NEON) and, on x86-64, for AVX2's 32 bytes, used where the processor has it. */
#ifdef NXCPU_X86_BUILDS
#define ARG_AVX2(...) __VA_ARGS__
#else
#define ARG_AVX2(...)
#endif
#define ACC_MAX 16          /* the largest accumulator: complex, or argmax of f64 */
#define PARALLEL_MIN 32768  /* input elements below which a second thread costs more than it saves */
#define R NX_MAX_RANK

/* ---------------------------------------------------------------- folds */

/* `first` is the position of the first element (or row) among the reduced positions of
 * its output, in row-major order: argmax's index. */
typedef struct fold {
    size_t acc;                                                       /* bytes per accumulator */
    void (*init)(void *acc, int64_t n);
    void (*run)(void *acc, const void *x, int64_t n, int64_t first); /* *acc ⊕= x[0..n) */
    /* acc[j] ⊕= the run x[j n .. (j + 1) n), j < count (each run's first is 0) */
    void (*runs)(void *acc, const void *x, int64_t n, int64_t count);
    /* acc[k] ⊕= x[r stride + k], k < n, for the rows r < count in order */
    void (*rows)(void *acc, const void *x, int64_t n, int64_t count, int64_t stride, int64_t first);
    void (*merge)(void *acc, const void *part, int64_t n);            /* acc[k] ⊕= part[k] */
    void (*store)(void *out, nx_type type, int64_t at, const void *acc, int64_t n);
} fold;

/* Complex accumulators, in double. */
typedef struct { double re, im; } cacc;

static void init_zero_u64(void *a, int64_t n) { memset(a, 0, (size_t)n * 8); }
static void init_one_u64(void *a, int64_t n) { for (int64_t i = 0; i < n; i++) ((uint64_t *)a)[i] = 1; }
static void init_zero_f64(void *a, int64_t n) { for (int64_t i = 0; i < n; i++) ((double *)a)[i] = 0.0; }
static void init_one_f64(void *a, int64_t n) { for (int64_t i = 0; i < n; i++) ((double *)a)[i] = 1.0; }
static void init_zero_c(void *a, int64_t n) { for (int64_t i = 0; i < n; i++) ((cacc *)a)[i] = (cacc){ 0.0, 0.0 }; }
static void init_one_c(void *a, int64_t n) { for (int64_t i = 0; i < n; i++) ((cacc *)a)[i] = (cacc){ 1.0, 0.0 }; }
static void init_one_u8(void *a, int64_t n) { memset(a, 1, (size_t)n); }
static void init_zero_u8(void *a, int64_t n) { memset(a, 0, (size_t)n); }

/* Complex product as Nx's Complex module computes it: (a+bi)(c+di) = (ac-bd) + (ad+bc)i. */
static inline cacc cmul(cacc x, cacc y)
{
    return (cacc){ x.re * y.re - x.im * y.im, x.re * y.im + x.im * y.re };
}

#define MERGE(name, A, EXPR) \
    static void merge_##name(void *av, const void *pv, int64_t n) \
    { \
        A *a = av; \
        const A *p = pv; \
        for (int64_t i = 0; i < n; i++) \
            a[i] = EXPR; \
    }
MERGE(add_u64, uint64_t, a[i] + p[i])
MERGE(mul_u64, uint64_t, a[i] * p[i])
MERGE(add_f64, double, a[i] + p[i])
MERGE(mul_f64, double, a[i] * p[i])
MERGE(add_c, cacc, ((cacc){ a[i].re + p[i].re, a[i].im + p[i].im }))
MERGE(mul_c, cacc, cmul(a[i], p[i]))
MERGE(and_u8, uint8_t, (uint8_t)(a[i] & p[i]))
MERGE(or_u8, uint8_t, (uint8_t)(a[i] | p[i]))

/* Stores: integer accumulators wrap into any integer type; doubles round once into f32 or
 * f64; complex into c64 or c128; u8 flags as they are. */
#define STORE_INT_CASE(E, sfx, T) \
    case NX_##E: \
        for (int64_t i = 0; i < n; i++) ((T *)out)[at + i] = (T)a[i]; \
        break;
static void store_u64(void *out, nx_type type, int64_t at, const void *acc, int64_t n)
{
    const uint64_t *a = acc;
    switch (type) {
    NXM_INT_TYPES(STORE_INT_CASE)
    default: break;
    }
}
static void store_f64(void *out, nx_type type, int64_t at, const void *acc, int64_t n)
{
    const double *a = acc;
    if (type == NX_F32)
        for (int64_t i = 0; i < n; i++) ((float *)out)[at + i] = (float)a[i];
    else if (type == NX_F64)
        memcpy((double *)out + at, a, (size_t)n * sizeof *a);
}
static void store_c(void *out, nx_type type, int64_t at, const void *acc, int64_t n)
{
    const cacc *a = acc;
    for (int64_t i = 0; i < n; i++) {
        if (type == NX_C64) {
            ((float *)out)[2 * (at + i)] = (float)a[i].re;
            ((float *)out)[2 * (at + i) + 1] = (float)a[i].im;
        } else if (type == NX_C128) {
            ((double *)out)[2 * (at + i)] = a[i].re;
            ((double *)out)[2 * (at + i) + 1] = a[i].im;
        }
    }
}
static void store_u8(void *out, nx_type type, int64_t at, const void *acc, int64_t n)
{
    (void)type;
    memcpy((uint8_t *)out + at, acc, (size_t)n);
}
/* An index written in any native type (argmax's :type). */
#define PUT_INDEX_CASE(E, sfx, T) case NX_##E: ((T *)out)[at] = (T)v; break;
static void put_index(void *out, nx_type type, int64_t at, int64_t v)
{
    switch (type) {
    NXM_INT_TYPES(PUT_INDEX_CASE)
    NXM_FLOAT_TYPES(PUT_INDEX_CASE)
    default: break;
    }
}

/* The batched forms, written once: `runs` folds consecutive runs into consecutive
 * accumulators; `rows` applies ROW(a, x, k, idx) to each element k of each row. W is the
 * number of T per element (2 for complex). */
#define RUNS(name, sfx, T, A, W) \
    static void name##_runs_##sfx(void *acc, const void *xv, int64_t n, int64_t count) \
    { \
        for (int64_t j = 0; j < count; j++) \
            name##_run_##sfx((A *)acc + j, (const T *)xv + j * n * (W), n, 0); \
    }
/* Four rows go through each accumulator while it sits in a register (the same operations
 * in the same order as row by row, with a quarter of the loads and stores of acc). */
#define ROWS(name, sfx, T, A, W, ROW) \
    static void name##_rows_##sfx(void *acc, const void *xv, int64_t n, int64_t count, int64_t stride, \
                                  int64_t first) \
    { \
        A *restrict a = acc; \
        int64_t r = 0; \
        for (; r + 4 <= count; r += 4) { \
            const T *restrict x0 = (const T *)xv + r * stride * (W); \
            const T *restrict x1 = x0 + stride * (W); \
            const T *restrict x2 = x1 + stride * (W); \
            const T *restrict x3 = x2 + stride * (W); \
            for (int64_t k = 0; k < n; k++) { \
                A t[1] = { a[k] }; \
                { int64_t idx = first + r; (void)idx; ROW(t, (x0 + k * (W)), 0, idx); } \
                { int64_t idx = first + r + 1; (void)idx; ROW(t, (x1 + k * (W)), 0, idx); } \
                { int64_t idx = first + r + 2; (void)idx; ROW(t, (x2 + k * (W)), 0, idx); } \
                { int64_t idx = first + r + 3; (void)idx; ROW(t, (x3 + k * (W)), 0, idx); } \
                a[k] = t[0]; \
            } \
        } \
        for (; r < count; r++) { \
            const T *x = (const T *)xv + r * stride * (W); \
            int64_t idx = first + r; \
            (void)idx; \
            for (int64_t k = 0; k < n; k++) \
                ROW(a, x, k, idx); \
        } \
    }

/* ---- sum and product: integers in uint64 (wrapping), floats in double ---- */

#define ADD_ROW(a, x, k, idx) a[k] += (uint64_t)x[k]
#define MUL_ROW(a, x, k, idx) a[k] *= (uint64_t)x[k]
#define SUM_INT(E, sfx, T) \
    static void sum_run_##sfx(void *acc, const void *xv, int64_t n, int64_t first) \
    { \
        const T *x = xv; \
        uint64_t s = 0; \
        (void)first; \
        for (int64_t i = 0; i < n; i++) s += (uint64_t)x[i]; \
        *(uint64_t *)acc += s; \
    } \
    static void prod_run_##sfx(void *acc, const void *xv, int64_t n, int64_t first) \
    { \
        const T *x = xv; \
        uint64_t s = 1; \
        (void)first; \
        for (int64_t i = 0; i < n; i++) s *= (uint64_t)x[i]; \
        *(uint64_t *)acc *= s; \
    } \
    RUNS(sum, sfx, T, uint64_t, 1) ROWS(sum, sfx, T, uint64_t, 1, ADD_ROW) \
    RUNS(prod, sfx, T, uint64_t, 1) ROWS(prod, sfx, T, uint64_t, 1, MUL_ROW)

/* A run: lanes l[j] take x[i + j], combine pairwise, then the tail follows in order. */
#define FADD_ROW(a, x, k, idx) a[k] += (double)x[k]
#define FMUL_ROW(a, x, k, idx) a[k] *= (double)x[k]
#define SUM_FLOAT(E, sfx, T) \
    NXCPU_CLONES static void sum_run_##sfx(void *acc, const void *xv, int64_t n, int64_t first) \
    { \
        const T *x = xv; \
        double l[LANES] = { 0 }; \
        int64_t i = 0; \
        (void)first; \
        for (; i + LANES <= n; i += LANES) \
            for (int j = 0; j < LANES; j++) l[j] += (double)x[i + j]; \
        double s = ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7])); \
        for (; i < n; i++) s += (double)x[i]; \
        *(double *)acc += s; \
    } \
    static void prod_run_##sfx(void *acc, const void *xv, int64_t n, int64_t first) \
    { \
        const T *x = xv; \
        double l[LANES] = { 1, 1, 1, 1, 1, 1, 1, 1 }; \
        int64_t i = 0; \
        (void)first; \
        for (; i + LANES <= n; i += LANES) \
            for (int j = 0; j < LANES; j++) l[j] *= (double)x[i + j]; \
        double s = ((l[0] * l[1]) * (l[2] * l[3])) * ((l[4] * l[5]) * (l[6] * l[7])); \
        for (; i < n; i++) s *= (double)x[i]; \
        *(double *)acc *= s; \
    } \
    RUNS(sum, sfx, T, double, 1) ROWS(sum, sfx, T, double, 1, FADD_ROW) \
    RUNS(prod, sfx, T, double, 1) ROWS(prod, sfx, T, double, 1, FMUL_ROW)

/* Complex: T is the component type; elements are (re, im) pairs, folded in order. */
#define CADD_ROW(a, x, k, idx) a[k] = (cacc){ a[k].re + (double)x[2 * k], a[k].im + (double)x[2 * k + 1] }
#define CMUL_ROW(a, x, k, idx) a[k] = cmul(a[k], (cacc){ (double)x[2 * k], (double)x[2 * k + 1] })
#define SUM_COMPLEX(E, sfx, T) \
    static void sum_run_##sfx(void *acc, const void *xv, int64_t n, int64_t first) \
    { \
        sum_rows_##sfx(acc, xv, 1, n, 1, first); \
    } \
    static void prod_run_##sfx(void *acc, const void *xv, int64_t n, int64_t first) \
    { \
        prod_rows_##sfx(acc, xv, 1, n, 1, first); \
    }
#define SUM_COMPLEX_ROWS(E, sfx, T) ROWS(sum, sfx, T, cacc, 2, CADD_ROW) ROWS(prod, sfx, T, cacc, 2, CMUL_ROW)
#define SUM_COMPLEX_RUNS(E, sfx, T) RUNS(sum, sfx, T, cacc, 2) RUNS(prod, sfx, T, cacc, 2)

#define NX_COMPLEX_TYPES(X) X(C64, c64, float) X(C128, c128, double)

NXM_INT_TYPES(SUM_INT)
NXM_FLOAT_TYPES(SUM_FLOAT)
NX_COMPLEX_TYPES(SUM_COMPLEX_ROWS)
NX_COMPLEX_TYPES(SUM_COMPLEX)
NX_COMPLEX_TYPES(SUM_COMPLEX_RUNS)

#define FOLD(name, sfx, size, init, merge, store) \
    { size, init, name##_run_##sfx, name##_runs_##sfx, name##_rows_##sfx, merge, store }
#define SUM_I_ENTRY(E, sfx, T) [NX_##E] = FOLD(sum, sfx, 8, init_zero_u64, merge_add_u64, store_u64),
#define SUM_F_ENTRY(E, sfx, T) [NX_##E] = FOLD(sum, sfx, 8, init_zero_f64, merge_add_f64, store_f64),
#define SUM_C_ENTRY(E, sfx, T) [NX_##E] = FOLD(sum, sfx, 16, init_zero_c, merge_add_c, store_c),
#define PROD_I_ENTRY(E, sfx, T) [NX_##E] = FOLD(prod, sfx, 8, init_one_u64, merge_mul_u64, store_u64),
#define PROD_F_ENTRY(E, sfx, T) [NX_##E] = FOLD(prod, sfx, 8, init_one_f64, merge_mul_f64, store_f64),
#define PROD_C_ENTRY(E, sfx, T) [NX_##E] = FOLD(prod, sfx, 16, init_one_c, merge_mul_c, store_c),

static const fold sum_folds[NX_TYPE_COUNT] = {
    NXM_INT_TYPES(SUM_I_ENTRY) NXM_FLOAT_TYPES(SUM_F_ENTRY) NX_COMPLEX_TYPES(SUM_C_ENTRY)
};
static const fold product_folds[NX_TYPE_COUNT] = {
    NXM_INT_TYPES(PROD_I_ENTRY) NXM_FLOAT_TYPES(PROD_F_ENTRY) NX_COMPLEX_TYPES(PROD_C_ENTRY)
};

/* ---- reduce_max and reduce_min: in the input type; a NaN sticks ---- */

#define GT_I(v, m) ((v) > (m))
#define LT_I(v, m) ((v) < (m))
#define GT_F(v, m) ((v) > (m) || (v) != (v))
#define LT_F(v, m) ((v) < (m) || (v) != (v))

/* The extreme m of x[0..n) (n >= L lanes) by EXT over VS-byte vectors of T, in
 * ARG_UNROLL independent chains (they hide the latency of compare-and-select), and
 * whether a NaN or an infinity showed (odd): declares m and odd in the caller. */
#define VEC_EXTREME(T, EXT, VS, x, n, m, odd) \
    T m; \
    int odd = 0; \
    do { \
        typedef T vec __attribute__((vector_size(VS))); \
        typedef __typeof__((vec){ 0 } > (vec){ 0 }) mask; \
        enum { L = VS / sizeof(T) }; \
        vec l[ARG_UNROLL], z[ARG_UNROLL]; \
        for (int u = 0; u < ARG_UNROLL; u++) { \
            memcpy(&l[u], x, sizeof l[u]); \
            z[u] = (vec){ 0 }; \
        } \
        int64_t i = L; \
        for (; i + ARG_UNROLL * L <= n; i += ARG_UNROLL * L) \
            for (int u = 0; u < ARG_UNROLL; u++) { \
                vec v; \
                memcpy(&v, x + i + u * L, sizeof v); \
                mask take = EXT(v, l[u]); \
                l[u] = (vec)(((mask)v & take) | ((mask)l[u] & ~take)); \
                z[u] += v - v; \
            } \
        for (int u = 1; u < ARG_UNROLL; u++) { \
            mask take = EXT(l[u], l[0]); \
            l[0] = (vec)(((mask)l[u] & take) | ((mask)l[0] & ~take)); \
            z[0] += z[u]; \
        } \
        m = l[0][0]; \
        for (int j = 0; j < L; j++) { \
            m = EXT(l[0][j], m) ? l[0][j] : m; \
            odd |= z[0][j] != 0 || l[0][j] != l[0][j]; \
        } \
        for (; i < n; i++) { \
            m = EXT(x[i], m) ? x[i] : m; \
            odd |= x[i] != x[i]; \
        } \
    } while (0)

/* A run's extreme in vectors of VS bytes (as argmax's passes below), by EXT (> or <),
 * with a check for NaN and infinities. Returns 0, leaving *acc alone, when the
 * element-by-element fold must decide: a NaN (the last one sticks), or an extreme of
 * zero (the first of -0.0 and 0.0 stays). */
#define EXT_PASS(name, sfx, T, EXT, VS, VATTR) \
    VATTR static int name##_fast_##sfx##_##VS(T *acc, const T *x, int64_t n) \
    { \
        VEC_EXTREME(T, EXT, VS, x, n, m, odd); \
        T a = *acc; \
        if (odd || m == 0 || a != a) \
            return 0; \
        if (EXT(m, a)) \
            *acc = m; \
        return 1; \
    }

#define EXTREME(name, sfx, T, BETTER, START, EXT) \
    static void name##_init_##sfx(void *a, int64_t n) \
    { \
        for (int64_t i = 0; i < n; i++) ((T *)a)[i] = (START); \
    } \
    EXT_PASS(name, sfx, T, EXT, 16, ) \
    ARG_AVX2(EXT_PASS(name, sfx, T, EXT, 32, NXCPU_AVX2)) \
    static void name##_run_##sfx(void *acc, const void *xv, int64_t n, int64_t first) \
    { \
        const T *x = xv; \
        (void)first; \
        if (n >= 2 * ARG_UNROLL * 32 / (int64_t)sizeof(T)) { \
            ARG_AVX2(if (nxcpu_isa_avx2() && name##_fast_##sfx##_32(acc, x, n)) return;) \
            if (ARG_AVX2(!nxcpu_isa_avx2() &&) name##_fast_##sfx##_16(acc, x, n)) \
                return; \
        } \
        T m = *(T *)acc; \
        for (int64_t i = 0; i < n; i++) { \
            T v = x[i]; \
            m = BETTER(v, m) ? v : m; \
        } \
        *(T *)acc = m; \
    } \
    RUNS(name, sfx, T, T, 1) \
    ROWS(name, sfx, T, T, 1, name##_ROW) \
    static void name##_merge_##sfx(void *acc, const void *pv, int64_t n) \
    { \
        name##_rows_##sfx(acc, pv, n, 1, 0, 0); \
    } \
    static void name##_store_##sfx(void *out, nx_type type, int64_t at, const void *acc, int64_t n) \
    { \
        (void)type; \
        memcpy((T *)out + at, acc, (size_t)n * sizeof(T)); \
    }

#define INT_MAXV(T) (NXM_IS_SIGNED(T) ? (T)~NXM_MIN(T) : (T)~(T)0)
#define MAX_ROW(a, x, k, idx) a[k] = BETTER_NOW(x[k], a[k]) ? x[k] : a[k]
#define max_ROW MAX_ROW
#define min_ROW MAX_ROW
#define BETTER_NOW GT_I
#define MAX_INT(E, sfx, T) EXTREME(max, sfx, T, GT_I, NXM_MIN(T), GT_I)
NXM_INT_TYPES(MAX_INT)
#undef BETTER_NOW
#define BETTER_NOW LT_I
#define MIN_INT(E, sfx, T) EXTREME(min, sfx, T, LT_I, INT_MAXV(T), LT_I)
NXM_INT_TYPES(MIN_INT)
#undef BETTER_NOW
#define BETTER_NOW GT_F
#define MAX_FLOAT(E, sfx, T) EXTREME(max, sfx, T, GT_F, (T)-INFINITY, GT_I)
NXM_FLOAT_TYPES(MAX_FLOAT)
#undef BETTER_NOW
#define BETTER_NOW LT_F
#define MIN_FLOAT(E, sfx, T) EXTREME(min, sfx, T, LT_F, (T)INFINITY, LT_I)
NXM_FLOAT_TYPES(MIN_FLOAT)
#undef BETTER_NOW

#define MAX_ENTRY(E, sfx, T) [NX_##E] = FOLD(max, sfx, sizeof(T), max_init_##sfx, max_merge_##sfx, max_store_##sfx),
#define MIN_ENTRY(E, sfx, T) [NX_##E] = FOLD(min, sfx, sizeof(T), min_init_##sfx, min_merge_##sfx, min_store_##sfx),
static const fold max_folds[NX_TYPE_COUNT] = { NXM_INT_TYPES(MAX_ENTRY) NXM_FLOAT_TYPES(MAX_ENTRY) };
static const fold min_folds[NX_TYPE_COUNT] = { NXM_INT_TYPES(MIN_ENTRY) NXM_FLOAT_TYPES(MIN_ENTRY) };

/* ---- all and any: u8 flags; NaN and complex with a non-zero part are non-zero ---- */

#define NZ_REAL(x, i) ((x)[i] != 0)
#define NZ_COMPLEX(x, i) ((x)[2 * (i)] != 0 || (x)[2 * (i) + 1] != 0)
#define LOGIC(sfx, T, W, NZ) \
    static void all_run_##sfx(void *acc, const void *xv, int64_t n, int64_t first) \
    { \
        const T *x = xv; \
        uint8_t *a = acc; \
        (void)first; \
        for (int64_t i = 0; *a && i < n; i++) \
            if (!NZ(x, i)) \
                *a = 0; \
    } \
    static void any_run_##sfx(void *acc, const void *xv, int64_t n, int64_t first) \
    { \
        const T *x = xv; \
        uint8_t *a = acc; \
        (void)first; \
        for (int64_t i = 0; !*a && i < n; i++) \
            if (NZ(x, i)) \
                *a = 1; \
    } \
    RUNS(all, sfx, T, uint8_t, W) ROWS(all, sfx, T, uint8_t, W, AND_ROW_##W) \
    RUNS(any, sfx, T, uint8_t, W) ROWS(any, sfx, T, uint8_t, W, OR_ROW_##W)
#define AND_ROW_1(a, x, k, idx) a[k] &= (uint8_t)NZ_REAL(x, k)
#define OR_ROW_1(a, x, k, idx) a[k] |= (uint8_t)NZ_REAL(x, k)
#define AND_ROW_2(a, x, k, idx) a[k] &= (uint8_t)NZ_COMPLEX(x, k)
#define OR_ROW_2(a, x, k, idx) a[k] |= (uint8_t)NZ_COMPLEX(x, k)
#define LOGIC_REAL(E, sfx, T) LOGIC(sfx, T, 1, NZ_REAL)
#define LOGIC_COMPLEX(E, sfx, T) LOGIC(sfx, T, 2, NZ_COMPLEX)
NXM_INT_TYPES(LOGIC_REAL)
NXM_FLOAT_TYPES(LOGIC_REAL)
NX_COMPLEX_TYPES(LOGIC_COMPLEX)

#define ALL_ENTRY(E, sfx, T) [NX_##E] = FOLD(all, sfx, 1, init_one_u8, merge_and_u8, store_u8),
#define ANY_ENTRY(E, sfx, T) [NX_##E] = FOLD(any, sfx, 1, init_zero_u8, merge_or_u8, store_u8),
static const fold all_folds[NX_TYPE_COUNT] = {
    NXM_INT_TYPES(ALL_ENTRY) NXM_FLOAT_TYPES(ALL_ENTRY) NX_COMPLEX_TYPES(ALL_ENTRY)
};
static const fold any_folds[NX_TYPE_COUNT] = {
    NXM_INT_TYPES(ANY_ENTRY) NXM_FLOAT_TYPES(ANY_ENTRY) NX_COMPLEX_TYPES(ANY_ENTRY)
};

/* ---- argmax and argmin: (best value, its position); idx < 0 before the first element.
 * BETTER(v, b) says whether v, coming later, replaces b: strictly better for tie_break
 * :low, better or equal for :high; a NaN beats every number and no later NaN replaces
 * it (the first NaN wins). ---- */

#define NAN_WINS(v, b) ((v) != (v) && (b) == (b))
#define AMAX_LOW_F(v, b) ((v) > (b) || NAN_WINS(v, b))
#define AMAX_HIGH_F(v, b) ((v) >= (b) || NAN_WINS(v, b))
#define AMIN_LOW_F(v, b) ((v) < (b) || NAN_WINS(v, b))
#define AMIN_HIGH_F(v, b) ((v) <= (b) || NAN_WINS(v, b))
#define AMAX_LOW_I(v, b) ((v) > (b))
#define AMAX_HIGH_I(v, b) ((v) >= (b))
#define AMIN_LOW_I(v, b) ((v) < (b))
#define AMIN_HIGH_I(v, b) ((v) <= (b))

#define ARG_ACC(E, sfx, T) \
    typedef struct { T best; int64_t idx; } arg_##sfx; \
    static void arg_init_##sfx(void *a, int64_t n) \
    { \
        for (int64_t i = 0; i < n; i++) ((arg_##sfx *)a)[i] = (arg_##sfx){ (T)0, -1 }; \
    } \
    static void arg_store_##sfx(void *out, nx_type type, int64_t at, const void *acc, int64_t n) \
    { \
        for (int64_t i = 0; i < n; i++) put_index(out, type, at + i, ((const arg_##sfx *)acc)[i].idx); \
    }

#define ARG_ROW(a, x, k, idx) \
    if (a[k].idx < 0 || ARG_BETTER(x[k], a[k].best)) { \
        a[k].best = x[k]; \
        a[k].idx = idx; \
    }
/* A run is found in two passes over vectors of VS bytes (GNU C vector types, which
 * the compiler maps to the machine's SIMD registers): the run's extreme by ARG_EXT and a
 * check for NaN and infinities (v - v is not 0), then the first (tie :low) or last
 * (:high) position holding that value. The result is the one the element-by-element scan
 * gives: equal values compare equal (so -0.0 and 0.0 tie), and a run holding a NaN or an
 * infinity is scanned element by element. */
#define ARG_PASSES(name, sfx, T, BETTER, VS, VATTR) \
    /* The position in x[0..n) of the first (or last) element equal to m; n if none. */ \
    VATTR static int64_t name##_find_##sfx##_##VS(const T *x, int64_t n, T m) \
    { \
        typedef T vec __attribute__((vector_size(VS))); \
        typedef __typeof__((vec){ 0 } == (vec){ 0 }) mask; \
        enum { L = VS / sizeof(T) }; \
        vec mv = (vec){ 0 } + m; \
        enum { B = ARG_UNROLL * L }; \
        int64_t blocks = n / B; \
        for (int64_t k = 0; k < blocks; k++) { \
            int64_t at = ARG_HIGH ? n - (k + 1) * B : k * B; \
            mask eq = mv < mv;   /* all false (the type cannot be initialised) */ \
            for (int u = 0; u < ARG_UNROLL; u++) { \
                vec v; \
                memcpy(&v, x + at + u * L, sizeof v); \
                eq |= v == mv; \
            } \
            uint64_t h[VS / 8]; \
            memcpy(h, &eq, sizeof h); \
            uint64_t hit = 0; \
            for (int j = 0; j < VS / 8; j++) hit |= h[j]; \
            if (!hit) \
                continue; \
            for (int j = 0; j < B; j++) { \
                int jj = ARG_HIGH ? B - 1 - j : j; \
                if (x[at + jj] == m) \
                    return at + jj; \
            } \
        } \
        int64_t rest = n - blocks * B; \
        for (int64_t j = 0; j < rest; j++) { \
            int64_t at = ARG_HIGH ? rest - 1 - j : blocks * B + j; \
            if (x[at] == m) \
                return at; \
        } \
        return n; \
    } \
    VATTR static void name##_fast_##sfx##_##VS(arg_##sfx *a, const T *x, int64_t n, int64_t first) \
    { \
        if (a->idx >= 0 && a->best != a->best) \
            return;   /* a NaN is never replaced */ \
        if (n < 2 * (int64_t)(VS / sizeof(T))) { \
            name##_scan_##sfx(a, x, n, first); \
            return; \
        } \
        VEC_EXTREME(T, ARG_EXT, VS, x, n, m, odd); \
        if (odd) { \
            name##_scan_##sfx(a, x, n, first); \
            return; \
        } \
        if (a->idx >= 0 && !BETTER(m, a->best)) \
            return; \
        int64_t at = name##_find_##sfx##_##VS(x, n, m); \
        a->best = x[at]; \
        a->idx = first + at; \
    }

#define ARG(name, sfx, T, BETTER) \
    static void name##_scan_##sfx(arg_##sfx *a, const T *x, int64_t n, int64_t first) \
    { \
        T b = a->best; \
        int64_t bi = a->idx; \
        for (int64_t i = 0; i < n; i++) { \
            T v = x[i]; \
            if (bi < 0 || BETTER(v, b)) { \
                b = v; \
                bi = first + i; \
            } \
        } \
        a->best = b; \
        a->idx = bi; \
    } \
    ARG_PASSES(name, sfx, T, BETTER, 16, ) \
    ARG_AVX2(ARG_PASSES(name, sfx, T, BETTER, 32, NXCPU_AVX2)) \
    static void name##_run_##sfx(void *acc, const void *xv, int64_t n, int64_t first) \
    { \
        ARG_AVX2(if (nxcpu_isa_avx2()) { name##_fast_##sfx##_32(acc, xv, n, first); return; }) \
        name##_fast_##sfx##_16(acc, xv, n, first); \
    } \
    RUNS(name, sfx, T, arg_##sfx, 1) \
    ROWS(name, sfx, T, arg_##sfx, 1, ARG_ROW) \
    static void name##_merge_##sfx(void *acc, const void *pv, int64_t n) \
    { \
        arg_##sfx *a = acc; \
        const arg_##sfx *p = pv; \
        for (int64_t i = 0; i < n; i++) \
            if (p[i].idx >= 0 && (a[i].idx < 0 || BETTER(p[i].best, a[i].best))) \
                a[i] = p[i]; \
    }

/* Each variant is expanded with ARG_BETTER bound to its comparison (ARG_ROW reads it). */
NXM_INT_TYPES(ARG_ACC)
NXM_FLOAT_TYPES(ARG_ACC)
#define ARG_ONE(name, E, sfx, T) ARG(name, sfx, T, ARG_BETTER)
#define AMAX_LOW_ONE(E, sfx, T) ARG_ONE(amax_low, E, sfx, T)
#define AMAX_HIGH_ONE(E, sfx, T) ARG_ONE(amax_high, E, sfx, T)
#define AMIN_LOW_ONE(E, sfx, T) ARG_ONE(amin_low, E, sfx, T)
#define AMIN_HIGH_ONE(E, sfx, T) ARG_ONE(amin_high, E, sfx, T)
#define ARG_BETTER AMAX_LOW_I
#define ARG_EXT GT_I
#define ARG_HIGH 0
NXM_INT_TYPES(AMAX_LOW_ONE)
#undef ARG_BETTER
#undef ARG_EXT
#undef ARG_HIGH
#define ARG_BETTER AMAX_HIGH_I
#define ARG_EXT GT_I
#define ARG_HIGH 1
NXM_INT_TYPES(AMAX_HIGH_ONE)
#undef ARG_BETTER
#undef ARG_EXT
#undef ARG_HIGH
#define ARG_BETTER AMIN_LOW_I
#define ARG_EXT LT_I
#define ARG_HIGH 0
NXM_INT_TYPES(AMIN_LOW_ONE)
#undef ARG_BETTER
#undef ARG_EXT
#undef ARG_HIGH
#define ARG_BETTER AMIN_HIGH_I
#define ARG_EXT LT_I
#define ARG_HIGH 1
NXM_INT_TYPES(AMIN_HIGH_ONE)
#undef ARG_BETTER
#undef ARG_EXT
#undef ARG_HIGH
#define ARG_BETTER AMAX_LOW_F
#define ARG_EXT GT_I
#define ARG_HIGH 0
NXM_FLOAT_TYPES(AMAX_LOW_ONE)
#undef ARG_BETTER
#undef ARG_EXT
#undef ARG_HIGH
#define ARG_BETTER AMAX_HIGH_F
#define ARG_EXT GT_I
#define ARG_HIGH 1
NXM_FLOAT_TYPES(AMAX_HIGH_ONE)
#undef ARG_BETTER
#undef ARG_EXT
#undef ARG_HIGH
#define ARG_BETTER AMIN_LOW_F
#define ARG_EXT LT_I
#define ARG_HIGH 0
NXM_FLOAT_TYPES(AMIN_LOW_ONE)
#undef ARG_BETTER
#undef ARG_EXT
#undef ARG_HIGH
#define ARG_BETTER AMIN_HIGH_F
#define ARG_EXT LT_I
#define ARG_HIGH 1
NXM_FLOAT_TYPES(AMIN_HIGH_ONE)
#undef ARG_BETTER
#undef ARG_EXT
#undef ARG_HIGH

#define ARG_ENTRY(name, E, sfx) \
    [NX_##E] = { sizeof(arg_##sfx), arg_init_##sfx, name##_run_##sfx, name##_runs_##sfx, name##_rows_##sfx, \
                 name##_merge_##sfx, arg_store_##sfx },
#define AMAX_LOW_ENTRY(E, sfx, T) ARG_ENTRY(amax_low, E, sfx)
#define AMAX_HIGH_ENTRY(E, sfx, T) ARG_ENTRY(amax_high, E, sfx)
#define AMIN_LOW_ENTRY(E, sfx, T) ARG_ENTRY(amin_low, E, sfx)
#define AMIN_HIGH_ENTRY(E, sfx, T) ARG_ENTRY(amin_high, E, sfx)
static const fold argmax_low[NX_TYPE_COUNT] = { NXM_INT_TYPES(AMAX_LOW_ENTRY) NXM_FLOAT_TYPES(AMAX_LOW_ENTRY) };
static const fold argmax_high[NX_TYPE_COUNT] = { NXM_INT_TYPES(AMAX_HIGH_ENTRY) NXM_FLOAT_TYPES(AMAX_HIGH_ENTRY) };
static const fold argmin_low[NX_TYPE_COUNT] = { NXM_INT_TYPES(AMIN_LOW_ENTRY) NXM_FLOAT_TYPES(AMIN_LOW_ENTRY) };
static const fold argmin_high[NX_TYPE_COUNT] = { NXM_INT_TYPES(AMIN_HIGH_ENTRY) NXM_FLOAT_TYPES(AMIN_HIGH_ENTRY) };

/* ---------------------------------------------------------------- the plan */

/* The input's axes collapsed (size-1 axes dropped, neighbours of one kind merged) into
 * groups. Runs mode (innermost group reduced): each output folds runs of `inner`
 * contiguous elements, one per position of the other reduced groups; tiles are
 * TILE_RUNS consecutive outputs. Rows mode (innermost group kept): each reduced position
 * is a row of `inner` contiguous elements folded into a row of accumulators; tiles are
 * up to TILE_ROWS of them. */
typedef struct {
    const fold *f;
    const unsigned char *x;
    size_t xw;
    unsigned char *out;
    nx_type otype;
    int rows;
    int nk, nr;                              /* groups walked: kept (outer) and reduced */
    int64_t kdim[R], kstride[R], rdim[R], rstride[R];
    int64_t inner;                           /* run length, or kept row width */
    int64_t npos;                            /* reduced positions walked per output */
    int64_t per_seg, pieces, nseg;           /* positions per segment; pieces of one long run */
    int64_t nout, tiles_per_row, units;
    int packed;                              /* runs: output o is exactly x[o inner, (o + 1) inner) */
    atomic_int *failed;                      /* set when a thread could not get its buffers */
} plan;

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

static int64_t offset_of(int n, const int64_t *dim, const int64_t *stride, int64_t pos)
{
    int64_t off = 0;
    for (int i = n - 1; i >= 0; i--) {
        off += (pos % dim[i]) * stride[i];
        pos /= dim[i];
    }
    return off;
}

/* Walks reduced positions in row-major order, keeping the element offset. */
typedef struct {
    const plan *p;
    int64_t idx[R], off;
} walker;

static void walk_seek(walker *w, const plan *p, int64_t pos)
{
    w->p = p;
    w->off = 0;
    for (int i = p->nr - 1; i >= 0; i--) {
        w->idx[i] = pos % p->rdim[i];
        pos /= p->rdim[i];
        w->off += w->idx[i] * p->rstride[i];
    }
}

/* Moves count positions on; count never passes the end of the innermost group. */
static void walk_advance(walker *w, int64_t count)
{
    const plan *p = w->p;
    int i = p->nr - 1;
    if (i < 0)
        return;
    w->idx[i] += count;
    w->off += count * p->rstride[i];
    while (i >= 0 && w->idx[i] == p->rdim[i]) {
        w->off -= w->idx[i] * p->rstride[i];
        w->idx[i] = 0;
        if (--i >= 0) {
            w->idx[i]++;
            w->off += p->rstride[i];
        }
    }
}

static void build(plan *p, const fold *f, nx_tensor *out, const nx_tensor *in)
{
    int64_t gdim[R], gstride[R];
    int gred[R], g = 0;
    memset(p, 0, sizeof *p);
    p->f = f;
    p->x = nxtensor_data(in);
    p->xw = (size_t)nx_type_bits(in->type) / 8;
    p->out = nxtensor_data(out);
    p->otype = out->type;
    p->nout = out->size;
    for (int i = 0; i < in->rank; i++) {
        if (in->dims[i] == 1)
            continue;
        int red = out->dims[i] != in->dims[i];
        if (g > 0 && gred[g - 1] == red) {
            gdim[g - 1] *= in->dims[i];
        } else {
            gdim[g] = in->dims[i];
            gred[g++] = red;
        }
    }
    int64_t s = 1;
    for (int i = g - 1; i >= 0; i--) {
        gstride[i] = s;
        s *= gdim[i];
    }
    p->rows = g > 0 && !gred[g - 1];
    p->inner = g > 0 ? gdim[g - 1] : 1;
    for (int i = 0; i < g - 1; i++) {   /* the innermost group is the run or the row */
        if (gred[i]) {
            p->rdim[p->nr] = gdim[i];
            p->rstride[p->nr++] = gstride[i];
        } else {
            p->kdim[p->nk] = gdim[i];
            p->kstride[p->nk++] = gstride[i];
        }
    }
    p->npos = 1;
    for (int i = 0; i < p->nr; i++)
        p->npos *= p->rdim[i];
    if (p->rows) {
        p->per_seg = max64(SEG_ROWS, SEG / p->inner);
        p->nseg = (p->npos + p->per_seg - 1) / p->per_seg;
        p->tiles_per_row = (p->inner + TILE_ROWS - 1) / TILE_ROWS;
        p->units = p->nout / p->inner * p->tiles_per_row;
        return;
    }
    if (p->inner > SEG) {
        p->pieces = (p->inner + SEG - 1) / SEG;
        p->nseg = p->npos * p->pieces;
    } else {
        p->per_seg = SEG / p->inner;
        p->nseg = (p->npos + p->per_seg - 1) / p->per_seg;
    }
    p->units = (p->nout + TILE_RUNS - 1) / TILE_RUNS;
    p->packed = p->nr == 0 && p->nseg == 1;
}

/* ---------------------------------------------------------------- segments and tiles */

/* Folds segment s of the output(s) whose kept elements start at element koff (rows:
 * `width` of them) into `part`, initialised here. */
static void fold_segment(const plan *p, int64_t koff, int64_t width, int64_t s, void *part)
{
    const fold *f = p->f;
    walker w;
    f->init(part, width);
    if (p->pieces) {   /* one piece of a run longer than a segment */
        int64_t pos = s / p->pieces, start = (s % p->pieces) * SEG;
        walk_seek(&w, p, pos);
        f->run(part, p->x + (size_t)(koff + w.off + start) * p->xw, min64(SEG, p->inner - start),
               pos * p->inner + start);
        return;
    }
    int64_t p0 = s * p->per_seg, p1 = min64(p->npos, p0 + p->per_seg);
    walk_seek(&w, p, p0);
    if (!p->rows) {
        for (int64_t pos = p0; pos < p1; pos++, walk_advance(&w, 1))
            f->run(part, p->x + (size_t)(koff + w.off) * p->xw, p->inner, pos * p->inner);
        return;
    }
    /* Rows along the innermost reduced group are evenly spaced: fold them in one call. */
    int last = p->nr - 1;
    for (int64_t pos = p0; pos < p1;) {
        int64_t count = last < 0 ? 1 : min64(p1 - pos, p->rdim[last] - w.idx[last]);
        f->rows(part, p->x + (size_t)(koff + w.off) * p->xw, width, count, last < 0 ? 0 : p->rstride[last], pos);
        walk_advance(&w, count);
        pos += count;
    }
}

/* Every segment of one output (or row tile): the first is the start, the others merge in
 * order. */
static void fold_all(const plan *p, int64_t koff, int64_t width, void *acc, void *part)
{
    fold_segment(p, koff, width, 0, acc);
    for (int64_t s = 1; s < p->nseg; s++) {
        fold_segment(p, koff, width, s, part);
        p->f->merge(acc, part, width);
    }
}

static void tiles_chunk(void *ctx, int64_t begin, int64_t end)
{
    const plan *p = ctx;
    const fold *f = p->f;
    /* On the heap: a tile of complex accumulators is 64 KiB, too much for small stacks. */
    unsigned char *acc = nx_alloc(2 * TILE_ROWS * ACC_MAX), *part = acc + TILE_ROWS * ACC_MAX;
    if (!acc) {
        atomic_store(p->failed, 1);
        return;
    }
    for (int64_t u = begin; u < end; u++) {
        if (p->rows) {
            int64_t outer = u / p->tiles_per_row, col = (u % p->tiles_per_row) * TILE_ROWS;
            int64_t width = min64(TILE_ROWS, p->inner - col);
            fold_all(p, offset_of(p->nk, p->kdim, p->kstride, outer) + col, width, acc, part);
            f->store(p->out, p->otype, outer * p->inner + col, acc, width);
            continue;
        }
        int64_t at = u * TILE_RUNS, width = min64(TILE_RUNS, p->nout - at);
        if (p->packed) {
            f->init(acc, width);
            f->runs(acc, p->x + (size_t)(at * p->inner) * p->xw, p->inner, width);
        } else {
            for (int64_t j = 0; j < width; j++)
                fold_all(p, offset_of(p->nk, p->kdim, p->kstride, at + j), 1, acc + (size_t)j * f->acc, part);
        }
        f->store(p->out, p->otype, at, acc, width);
    }
    nx_free(acc);
}

/* Few tiles but many segments: the segments of one output (or row tile) run on the pool
 * into their own accumulators, then merge in order, exactly as fold_all would. */
typedef struct {
    const plan *p;
    int64_t koff, width;
    unsigned char *parts;
    size_t stride;
} segments_job;

static void segments_chunk(void *ctx, int64_t begin, int64_t end)
{
    const segments_job *j = ctx;
    for (int64_t s = begin; s < end; s++)
        fold_segment(j->p, j->koff, j->width, s, j->parts + (size_t)s * j->stride);
}

/* One output (runs) or row tile (rows) at a time, each split over its segments. Returns
 * -1 when the accumulators do not fit (the caller then goes tile by tile). */
static int run_by_segments(const plan *p, int64_t size)
{
    const fold *f = p->f;
    int64_t width_max = p->rows ? min64(TILE_ROWS, p->inner) : 1;
    size_t stride = f->acc * (size_t)width_max;
    if ((uint64_t)p->nseg > ((uint64_t)64 << 20) / stride)
        return -1;
    segments_job j = { .p = p, .stride = stride };
    j.parts = nx_alloc(stride * (size_t)p->nseg);
    if (!j.parts)
        return -1;
    int64_t count = p->rows ? p->units : p->nout, per_seg = size / count / p->nseg;
    for (int64_t u = 0; u < count; u++) {
        int64_t at;
        if (p->rows) {
            int64_t outer = u / p->tiles_per_row, col = (u % p->tiles_per_row) * TILE_ROWS;
            j.width = min64(TILE_ROWS, p->inner - col);
            j.koff = offset_of(p->nk, p->kdim, p->kstride, outer) + col;
            at = outer * p->inner + col;
        } else {
            j.width = 1;
            j.koff = offset_of(p->nk, p->kdim, p->kstride, u);
            at = u;
        }
        nxcpu_parallel(p->nseg, PARALLEL_MIN / max64(per_seg, 1) + 1, segments_chunk, &j);
        for (int64_t s = 1; s < p->nseg; s++)
            f->merge(j.parts, j.parts + (size_t)s * stride, j.width);
        f->store(p->out, p->otype, at, j.parts, j.width);
    }
    nx_free(j.parts);
    return 0;
}

static void run_plan(const plan *p, int64_t size)
{
    int threads = nxcpu_threads();
    if (threads >= 2 && size >= 2 * PARALLEL_MIN && p->units < 2 * threads && p->nseg >= 2 &&
        run_by_segments(p, size) == 0)
        return;
    int64_t per_unit = max64(size / p->units, 1);
    nxcpu_parallel(p->units, PARALLEL_MIN / per_unit + 1, tiles_chunk, (void *)p);
}

/* ---------------------------------------------------------------- kernels */

static int reduce_with(const fold *table, const char *name, nx_tensor *out, const nx_tensor *in)
{
    const fold *f = &table[in->type];
    if (!f->run)
        return nxerr_set(NX_RUNTIME_ERROR, "nxc has no %s kernel for %s", name, nx_type_name(in->type));
    plan p;
    atomic_int failed = 0;
    build(&p, f, out, in);
    p.failed = &failed;
    run_plan(&p, in->size);
    if (atomic_load(&failed))
        return nxerr_oom(2 * TILE_ROWS * ACC_MAX), -1;
    return 0;
}

#define REDUCE_KERNEL(name, table) \
    int nxcpu_##name(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p) \
    { \
        (void)p; \
        return reduce_with(table, #name, out, in[0]); \
    }
REDUCE_KERNEL(sum, sum_folds)
REDUCE_KERNEL(product, product_folds)
REDUCE_KERNEL(reduce_max, max_folds)
REDUCE_KERNEL(reduce_min, min_folds)
REDUCE_KERNEL(all, all_folds)
REDUCE_KERNEL(any, any_folds)

int nxcpu_argmax(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    return reduce_with(p->tie_high ? argmax_high : argmax_low, "argmax", out, in[0]);
}

int nxcpu_argmin(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    return reduce_with(p->tie_high ? argmin_high : argmin_low, "argmin", out, in[0]);
}
