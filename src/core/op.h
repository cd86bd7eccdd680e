/* src/core/op.h: the primitive ops of src/ops.def, their parameters and the backend
 * vtable generated from the table. */
#ifndef NXCORE_OP_H
#define NXCORE_OP_H

#include "nx/tensor.h"

typedef enum nx_op {
#define NX_OP(name, arity, kind, flags) NX_OP_##name,
#include "ops.def"
#undef NX_OP
    NX_OP_COUNT
} nx_op;

typedef enum {
    NX_OPK_CREATE, NX_OPK_CONVERT, NX_OPK_SHAPE, NX_OPK_UNARY, NX_OPK_BINARY, NX_OPK_REDUCE,
    NX_OPK_INDEX, NX_OPK_SORT, NX_OPK_DOT, NX_OPK_CUMULATIVE, NX_OPK_WINDOW, NX_OPK_CONV, NX_OPK_FFT,
    NX_OPK_LINALG
} nx_op_kind;

/* Op flags (the last column of ops.def). */
#define NX_OPF_COMMUTATIVE 1u

typedef struct nxop_info {
    const char *name;
    int arity;
    nx_op_kind kind;
    unsigned flags;
} nxop_info;
extern const nxop_info nxop_table[NX_OP_COUNT];

/* Parameters the front end decides for a kernel; each op reads its own fields. */
typedef struct nxop_params {
    int axis;                 /* iota: the counted axis, or -1 for row-major position */
    int axes[NX_MAX_RANK];    /* broadcast: output axis of each input axis */
    int bits;                 /* population_count, count_leading_zeros: the logical width */
    int tie_high;             /* argmax, argmin (axis: the reduced one): 1 for tie_break: :high */
    int reverse;              /* cumulative ops (axis: the scanned one): scan from the end */
    /* layout ops (src/ops/layout*.c). axis: concatenate, stack; axes: transpose (output axis
     * i is input axis axes[i]), reverse (the first count entries, sorted). */
    int count;                /* concatenate, stack: inputs; reverse: axes */
    struct {
        int64_t low[NX_MAX_RANK], high[NX_MAX_RANK], interior[NX_MAX_RANK];
    } pad;
    struct {                  /* slice, put_slice: starts already clamped unless dynamic */
        int64_t start[NX_MAX_RANK], length[NX_MAX_RANK], stride[NX_MAX_RANK];
        int dynamic[NX_MAX_RANK];   /* > 0: in[dynamic] is the axis's scalar start tensor */
    } slice;
    /* sorting (src/ops/sort.c). axis: sort, argsort (top_k: always the last). */
    struct {
        int desc;             /* 1: descending (NaN first), 0: ascending (NaN last) */
        int stable;           /* equal keys keep their input order (the cpu kernels always do) */
        int64_t k;            /* top_k: how many along the last axis */
        nx_tensor *indices;   /* top_k's second result, its buffer already allocated */
    } sort;
    /* dot (src/ops/dot.c): a batched matrix product in one type. trans_a: a is stored as
     * {B, K, M}; trans_b: b as {B, N, K}. */
    struct {
        int trans_a, trans_b;
    } dot;
    /* fft, ifft (axis: the transformed one, already of the transform's length): parts
     * with |x| <= eps are flushed to +0.0. */
    struct {
        double eps;
    } fft;
    /* window ops (src/ops/window.c): one entry per axis of the input, vectorized axes
     * included (window 1, stride 1). An output position o reads the input at
     * o * stride - low + w * dilation for w < window, skipping positions outside it. */
    struct {
        int64_t window[NX_MAX_RANK], stride[NX_MAX_RANK], dilation[NX_MAX_RANK], low[NX_MAX_RANK];
        int64_t high[NX_MAX_RANK];   /* the padding's high side, as given (printed by defn) */
    } window;
    /* conv (src/ops/conv.c): canonical layouts input {V, N, C, s...}, kernel {V, O, I, k...},
     * out {V, N / bgroups, O, o...}; nsp spatial axes. An output position o reads the
     * zero-padded, dilated input at o * stride - low + k * kdil, which is an input element
     * when divisible by idil. */
    struct {
        int nsp;
        int64_t stride[NX_MAX_RANK], low[NX_MAX_RANK], idil[NX_MAX_RANK], kdil[NX_MAX_RANK];
        int64_t high[NX_MAX_RANK];   /* the padding's high side, as given (printed by defn) */
        int64_t fgroups, bgroups;
        /* set on a traced conv over the operands as given (nxdefn_wrap_op): the resolved
         * permutations it prints and its grad rule applies; the kernel ignores them */
        int perms;
        int iperm[NX_MAX_RANK], kperm[NX_MAX_RANK], operm[NX_MAX_RANK];
    } conv;
    /* triangular_solve (src/ops/linalg.c): transform is an nx_transform (include/nx/linalg.h). */
    struct {
        int upper, right_side, transform;
    } tsolve;
} nxop_params;

/* A kernel fills `out` (its buffer already allocated) from `in`; returns 0, or -1 with an
 * error. Arguments are valid: the front end checked them. */
typedef int nx_kernel(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p);

typedef struct nxbackend {
    const char *name;
    nx_kernel *kernels[NX_OP_COUNT];
} nxbackend;

extern const nxbackend nxcpu_backend;

/* Runs op on the backend of the first input (the cpu backend for creation ops): gives
 * `out` a buffer, then calls the kernel. Returns out, or NULL (out released) on error. */
nx_tensor *nxop_run(nx_op op, nx_tensor *out, const nx_tensor *const *in, const nxop_params *p);

#endif
