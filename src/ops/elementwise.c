/* src/ops/elementwise.c: front end of the element-wise unary and binary primitives:
 * output types (spec/functions.md §0.3, §6-§9), broadcasting and name merging
 * (spec/shapes-and-names.md §2.1, §4), vectorized axes, and the mapping of every stored
 * type onto a native compute type (narrow floats compute in f32, sub-byte integers in 8
 * bits) with one rounding on store. The public nx_<op> functions are generated from
 * ops.def. */
#include <stdio.h>
#include <string.h>
#include "core/elem.h"
#include "core/shape.h"
#include "ops/front.h"
#include "defn/node.h"

/* How an op types its output and which inputs it takes. */
typedef enum {
    R_NONE,
    R_MATH,        /* float out (to_floating); complex stays complex */
    R_MATH_REAL,   /* erf, erfc, erf_inv: Nx rejects complex */
    R_SAME,        /* negate, sign: input type */
    R_ABS,         /* unsigned: unchanged; complex: its real type */
    R_ROUNDING,    /* floor, ceil, round: integers unchanged; complex rejected */
    R_BITWISE1,    /* integer only */
    R_PRED,        /* is_nan, is_infinity: u8 */
    R_REAL,        /* real, imag: complex → to_real; other types handled in front */
    R_CONJUGATE,   /* to_complex(T) */
    R_ARITH,       /* binary type */
    R_ARITH_REAL,  /* remainder, min, max: complex rejected */
    R_FLOAT2,      /* divide: to_floating(binary type) */
    R_FLOAT2_REAL, /* atan2: the same; complex rejected (spec §7 allows nxc to) */
    R_QUOTIENT,    /* integer binary type */
    R_BITWISE2,    /* integer binary type */
    R_EQUALITY,    /* equal, not_equal, logical_*: u8, compared in the binary type */
    R_ORDER,       /* greater, less...: u8; complex rejected */
} rule;

static const rule rules[NX_OP_COUNT] = {
    [NX_OP_exp] = R_MATH, [NX_OP_expm1] = R_MATH, [NX_OP_log] = R_MATH, [NX_OP_log1p] = R_MATH,
    [NX_OP_sigmoid] = R_MATH, [NX_OP_cos] = R_MATH, [NX_OP_sin] = R_MATH, [NX_OP_tan] = R_MATH,
    [NX_OP_cosh] = R_MATH, [NX_OP_sinh] = R_MATH, [NX_OP_tanh] = R_MATH, [NX_OP_acos] = R_MATH,
    [NX_OP_asin] = R_MATH, [NX_OP_atan] = R_MATH, [NX_OP_acosh] = R_MATH, [NX_OP_asinh] = R_MATH,
    [NX_OP_atanh] = R_MATH, [NX_OP_sqrt] = R_MATH, [NX_OP_rsqrt] = R_MATH, [NX_OP_cbrt] = R_MATH,
    [NX_OP_erf] = R_MATH_REAL, [NX_OP_erfc] = R_MATH_REAL, [NX_OP_erf_inv] = R_MATH_REAL,
    [NX_OP_negate] = R_SAME, [NX_OP_sign] = R_SAME, [NX_OP_abs] = R_ABS,
    [NX_OP_floor] = R_ROUNDING, [NX_OP_ceil] = R_ROUNDING, [NX_OP_round] = R_ROUNDING,
    [NX_OP_bitwise_not] = R_BITWISE1, [NX_OP_population_count] = R_BITWISE1,
    [NX_OP_count_leading_zeros] = R_BITWISE1, [NX_OP_is_nan] = R_PRED, [NX_OP_is_infinity] = R_PRED,
    [NX_OP_real] = R_REAL, [NX_OP_imag] = R_REAL, [NX_OP_conjugate] = R_CONJUGATE,
    [NX_OP_add] = R_ARITH, [NX_OP_subtract] = R_ARITH, [NX_OP_multiply] = R_ARITH, [NX_OP_pow] = R_ARITH,
    [NX_OP_remainder] = R_ARITH_REAL, [NX_OP_min] = R_ARITH_REAL, [NX_OP_max] = R_ARITH_REAL,
    [NX_OP_divide] = R_FLOAT2, [NX_OP_atan2] = R_FLOAT2_REAL, [NX_OP_quotient] = R_QUOTIENT,
    [NX_OP_bitwise_and] = R_BITWISE2, [NX_OP_bitwise_or] = R_BITWISE2, [NX_OP_bitwise_xor] = R_BITWISE2,
    [NX_OP_left_shift] = R_BITWISE2, [NX_OP_right_shift] = R_BITWISE2,
    [NX_OP_equal] = R_EQUALITY, [NX_OP_not_equal] = R_EQUALITY, [NX_OP_logical_and] = R_EQUALITY,
    [NX_OP_logical_or] = R_EQUALITY, [NX_OP_logical_xor] = R_EQUALITY,
    [NX_OP_greater] = R_ORDER, [NX_OP_less] = R_ORDER, [NX_OP_greater_equal] = R_ORDER,
    [NX_OP_less_equal] = R_ORDER,
};

/* ---------------------------------------------------------------- numbers as operands */

nx_tensor *nx_number_tensor(nx_number n)
{
    nx_tensor *t = nx_scalar(n, NX_TYPE_NONE);
    if (t) {
        t->weak = true;
        t->weak_value = n;
    }
    return t;
}

/* The type of a binary op's operands (spec/types-and-inspect.md §3.3). */
static nx_type binary_type(const nx_tensor *a, const nx_tensor *b)
{
    if (a->weak && b->weak) {
        if (a->type == NX_C64 || b->type == NX_C64)
            return NX_C64;
        return a->type == NX_F32 || b->type == NX_F32 ? NX_F32 : NX_S32;
    }
    if (a->weak)
        return nx_type_merge_number(b->type, a->weak_value);
    if (b->weak)
        return nx_type_merge_number(a->type, b->weak_value);
    return nx_type_merge(a->type, b->type);
}

/* A type in which two operands compare exactly: the binary type when it holds both
 * (it does unless integers meet floats or u64 meets a signed type), else f64. */
static nx_type comparison_type(nx_type a, nx_type b, nx_type bt)
{
    int ia = nx_type_is_integer(a), ib = nx_type_is_integer(b);
    if (ia != ib && !nx_type_is_complex(bt))
        return NX_F64;
    if (ia && ib && (a == NX_U64 || b == NX_U64) && (!nx_type_is_unsigned(a) || !nx_type_is_unsigned(b)))
        return NX_F64;
    return bt;
}

/* ---------------------------------------------------------------- messages */

static nx_tensor *no_complex(nx_op op, int arity)
{
    return nxerr_null(NX_ARGUMENT_ERROR, "Nx.%s/%d does not support complex inputs", nxop_table[op].name, arity);
}

static nx_tensor *not_integer(const char *what, nx_type t)
{
    return nxerr_null(NX_ARGUMENT_ERROR, "%s expect integer tensors as inputs and outputs an integer tensor, got: %s",
                      what, nx_type_tuple(t));
}

/* ---------------------------------------------------------------- running */

/* Converts t to `type` (a view when it already has it). */
static nx_tensor *converted(const nx_tensor *t, nx_type type)
{
    return nx_as_type(t, type);
}

/* Runs a kernel into a fresh tensor shaped like `shape_of` with the kernel's native output
 * type, then rounds once into `out_type` when that differs. */
static nx_tensor *run(nx_op op, const nx_tensor *shape_of, nx_type native_out, nx_type out_type,
                      const nx_tensor *const *in, nxop_params *p)
{
    nx_tensor *out = nxtensor_like(shape_of, native_out);
    out = nxop_run(op, out, in, p);
    if (!out || native_out == out_type)
        return out;
    nx_tensor *rounded = nx_as_type(out, out_type);
    nx_release(out);
    return rounded;
}

/* Nx.real and Nx.imag of a real tensor: the tensor itself (integers as f32), or zeros of
 * its floating type. */
static nx_tensor *real_part_of_real(nx_op op, const nx_tensor *t)
{
    nx_type type = nx_type_to_floating(t->type);
    if (op == NX_OP_real)
        return type == t->type ? nxfront_view(t, type, t->rank, t->dims, t->names, t->vrank) : nx_as_type(t, type);
    nx_tensor *zeros = nxtensor_like(t, type);
    if (zeros && (zeros->backend = t->node ? &nxcpu_backend : t->backend,  /* traced: concrete zeros */ nxtensor_alloc_data(zeros)) == 0) {
        memset(nxtensor_data(zeros), 0, (size_t)nxelem_bytes(type, zeros->size));
        return zeros;
    }
    nx_release(zeros);
    return NULL;
}

static nx_tensor *unary(nx_op op, const nx_tensor *t);
static nx_tensor *binary(nx_op op, const nx_tensor *a, const nx_tensor *b);

/* Evaluating the Nx-level nodes a trace records (src/defn). */
static nx_tensor *call_unary(const nx_tensor *const *in, const void *opts)
{
    return unary(*(const nx_op *)opts, in[0]);
}

static nx_tensor *call_binary(const nx_tensor *const *in, const void *opts)
{
    return binary(*(const nx_op *)opts, in[0], in[1]);
}

static nx_tensor *unary(nx_op op, const nx_tensor *t)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    nx_type in = t->type, out;
    int complex = nx_type_is_complex(in);
    switch (rules[op]) {
    case R_MATH:
        out = nx_type_to_floating(in);
        break;
    case R_MATH_REAL:
        if (complex)
            return no_complex(op, 1);
        out = nx_type_to_floating(in);
        break;
    case R_SAME:
        out = in;
        break;
    case R_ABS:
        if (nx_type_is_unsigned(in))
            return nxfront_view(t, in, t->rank, t->dims, t->names, t->vrank);
        out = complex ? nx_type_to_real(in) : in;
        break;
    case R_ROUNDING:
        if (complex)
            return no_complex(op, 1);
        if (nx_type_is_integer(in))
            return nxfront_view(t, in, t->rank, t->dims, t->names, t->vrank);
        out = in;
        break;
    case R_BITWISE1:
        if (!nx_type_is_integer(in))
            return not_integer("bitwise operators", in);
        out = in;
        break;
    case R_PRED:
        out = NX_U8;
        break;
    case R_REAL:
        if (!complex)
            return real_part_of_real(op, t);
        out = nx_type_to_real(in);
        break;
    case R_CONJUGATE:
        out = nx_type_to_complex(in);
        break;
    default:
        return nxerr_null(NX_RUNTIME_ERROR, "%s is not a unary op", nxop_table[op].name);
    }
    /* Math on integers computes in the float output type; everything else in the input's.
     * Math on the narrow floats goes through f64 so that it rounds once, to the narrow
     * type (through f32 it would round twice). */
    int math = rules[op] == R_MATH || rules[op] == R_MATH_REAL;
    nx_type compute = nxfront_compute_type(math || rules[op] == R_CONJUGATE ? out : in);
    if (math && compute == NX_F32 && out != NX_F32)
        compute = NX_F64;
    nx_tensor *x = converted(t, compute);
    if (!x)
        return NULL;
    nxop_params p = { .bits = nx_type_bits(in) };
    nx_type native_out = rules[op] == R_PRED ? NX_U8
                         : complex && out != in ? nx_type_to_real(compute) : compute;
    nx_tensor *r = run(op, t, native_out, out, (const nx_tensor *const *)&x, &p);
    nx_release(x);
    if (nxdefn_traced(r))
        r = nxdefn_wrap(r, nxop_table[op].name, "%0", call_unary, &op, sizeof op, &t, 1);
    return r;
}

/* The output type of a binary op from its operand type, or NONE after an error. */
static nx_type binary_out_type(nx_op op, nx_type bt, int complex)
{
    switch (rules[op]) {
    case R_ARITH:
        return bt;
    case R_ARITH_REAL:
        if (complex)
            return no_complex(op, 2), NX_TYPE_NONE;
        return bt;
    case R_FLOAT2_REAL:
        if (complex)
            return no_complex(op, 2), NX_TYPE_NONE;
        return nx_type_to_floating(bt);
    case R_FLOAT2:
        return nx_type_to_floating(bt);
    case R_QUOTIENT:
        if (!nx_type_is_integer(bt))
            return nxerr_set(NX_ARGUMENT_ERROR, "quotient expects integer tensors as inputs and outputs an integer tensor, got: %s",
                             nx_type_tuple(bt)), NX_TYPE_NONE;
        return bt;
    case R_BITWISE2:
        if (!nx_type_is_integer(bt))
            return not_integer("bitwise operators", bt), NX_TYPE_NONE;
        return bt;
    case R_EQUALITY:
        return NX_U8;
    case R_ORDER:
        if (complex)
            return no_complex(op, 2), NX_TYPE_NONE;
        return NX_U8;
    default:
        return nxerr_set(NX_RUNTIME_ERROR, "%s is not a binary op", nxop_table[op].name), NX_TYPE_NONE;
    }
}

/* Broadcasts two inner shapes right-aligned, merging names (shapes-and-names §4.1, §2.1),
 * after the vectorized axes have been laid out alike. Writes the output rank, dims and
 * names; -1 with an error. */
static int broadcast_shapes(const nx_tensor *a, const nx_tensor *b, int vrank, int *rank,
                            int64_t *dims, const char **names)
{
    int ra = a->rank - a->vrank, rb = b->rank - b->vrank;
    int r = ra > rb ? ra : rb;
    if (vrank + r > NX_MAX_RANK)
        return nxerr_set(NX_ARGUMENT_ERROR, "rank %d is not supported (nxc allows at most %d axes)", vrank + r, NX_MAX_RANK);
    for (int i = 0; i < r; i++) {
        int ia = i - (r - ra), ib = i - (r - rb);
        int64_t da = ia >= 0 ? a->dims[a->vrank + ia] : 1, db = ib >= 0 ? b->dims[b->vrank + ib] : 1;
        const char *na = ia >= 0 ? a->names[a->vrank + ia] : NULL, *nb = ib >= 0 ? b->names[b->vrank + ib] : NULL;
        if (da != db && da != 1 && db != 1) {
            char sa[512], sb[512];
            return nxerr_set(NX_ARGUMENT_ERROR, "cannot broadcast tensor of dimensions %s to %s",
                             nxshape_text(sa, sizeof sa, ra, a->dims + a->vrank),
                             nxshape_text(sb, sizeof sb, rb, b->dims + b->vrank));
        }
        if (na && nb && na != nb)
            return nxerr_set(NX_ARGUMENT_ERROR, "cannot merge name :%s on axis %d with name :%s on axis %d", na, i, nb, i);
        dims[vrank + i] = da == 1 ? db : da;
        names[vrank + i] = na ? na : nb;
    }
    *rank = vrank + r;
    return 0;
}

static nx_tensor *binary(nx_op op, const nx_tensor *a, const nx_tensor *b)
{
    const nx_tensor *args[2] = { a, b };
    if (nxtensor_check_inputs(args, 2) < 0)
        return NULL;
    nx_type bt = binary_type(a, b);
    int complex = nx_type_is_complex(bt);
    nx_type out_type = binary_out_type(op, bt, complex);
    if (out_type == NX_TYPE_NONE)
        return NULL;
    /* Comparisons compare values, whatever the types: in a type that holds both exactly
     * (f64 for integers against floats); arithmetic computes in the output type. */
    int compares = rules[op] == R_EQUALITY || rules[op] == R_ORDER;
    nx_type compute = compares ? comparison_type(a->type, b->type, bt) : out_type;
    nx_type native = nxfront_compute_type(compute);
    /* pow and atan2 on narrow floats round once, from f64. */
    if ((op == NX_OP_pow || op == NX_OP_atan2) && native == NX_F32 && out_type != NX_F32)
        native = NX_F64;

    int64_t dims[NX_MAX_RANK];
    const char *names[NX_MAX_RANK] = { 0 };
    int nv = nxfront_vectorized_union(args, 2, dims, names), rank = 0;
    if (nv < 0 || broadcast_shapes(a, b, nv, &rank, dims, names) < 0)
        return NULL;
    nx_tensor *shape_of = nxtensor_new(out_type, rank, dims, names);
    if (!shape_of)
        return NULL;
    shape_of->vrank = nv;
    nx_tensor *x = converted(a, native), *y = x ? converted(b, native) : NULL;
    nx_tensor *xa = y ? nxfront_aligned(x, nv, names, rank - nv) : NULL;
    nx_tensor *ya = xa ? nxfront_aligned(y, nv, names, rank - nv) : NULL;
    nx_tensor *r = NULL;
    if (ya) {
        const nx_tensor *in[2] = { xa, ya };
        nxop_params p = { 0 };
        nx_type native_out = out_type == NX_U8 && (rules[op] == R_EQUALITY || rules[op] == R_ORDER) ? NX_U8 : native;
        r = run(op, shape_of, native_out, out_type, in, &p);
    }
    nx_release(ya);
    nx_release(xa);
    nx_release(y);
    nx_release(x);
    nx_release(shape_of);
    if (nxdefn_traced(r))
        r = nxdefn_wrap_binary(r, op, a, b, call_binary);
    return r;
}

/* nx_exp, nx_add, ...: one public function per element-wise op of ops.def. */
#define DEFINE_UNARY(name) \
    nx_tensor *nx_##name(const nx_tensor *t) \
    { \
        return unary(NX_OP_##name, t); \
    }
#define DEFINE_BINARY(name) \
    nx_tensor *nx_##name(const nx_tensor *a, const nx_tensor *b) \
    { \
        return binary(NX_OP_##name, a, b); \
    }
#define DEFINE_CREATE(name)
#define DEFINE_CONVERT(name)
#define DEFINE_SHAPE(name)
#define DEFINE_REDUCE(name)
#define DEFINE_INDEX(name)
#define DEFINE_SORT(name)
#define DEFINE_DOT(name)
#define DEFINE_CUMULATIVE(name)
#define DEFINE_WINDOW(name)
#define DEFINE_CONV(name)
#define DEFINE_FFT(name)
#define DEFINE_LINALG(name)
#define NX_OP(name, arity, kind, flags) DEFINE_##kind(name)
#include "ops.def"
#undef NX_OP
