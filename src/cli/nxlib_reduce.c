/* src/cli/nxlib_reduce.c: the interpreter's bindings of the reductions: the primitives of
 * kind REDUCE in ops.def (Nx.sum, product, reduce_max, reduce_min, all, any, argmax,
 * argmin), generated from the table, and the composites mean, logsumexp, variance and
 * standard_deviation. Options are checked as Nx's keyword!/2 checks them, in Nx's
 * declaration order (spec/functions.md §12). */
#include "cli/nxlib_args.h"
#include "core/op.h"

static nxv *opt_arg(int argc, nxv **argv, int i)
{
    return argc > i ? argv[i] : NULL;
}

/* A tensor argument and the options [:axes, ...more, :keep_axes] into vals. */
static nx_tensor *tensor_and_opts(int argc, nxv **argv, const char *const *allowed, int n, nxv **vals)
{
    nx_tensor *t = nxi_to_tensor(argv[0]);
    if (!t || nxi_opts(opt_arg(argc, argv, 1), allowed, n, vals) < 0)
        return NULL;
    return t;
}

/* ---------------------------------------------------------------- primitives */

typedef nx_tensor *axes_fn(const nx_tensor *, nx_reduce_opts);
typedef nx_tensor *arg_fn(const nx_tensor *, nx_argmax_opts);
static axes_fn *const axes_fns[NX_OP_COUNT] = {
    [NX_OP_sum] = nx_sum_, [NX_OP_product] = nx_product_, [NX_OP_reduce_max] = nx_reduce_max_,
    [NX_OP_reduce_min] = nx_reduce_min_, [NX_OP_all] = nx_all_, [NX_OP_any] = nx_any_,
};
static arg_fn *const arg_fns[NX_OP_COUNT] = { [NX_OP_argmax] = nx_argmax_, [NX_OP_argmin] = nx_argmin_ };

/* Nx.sum(t, axes: ..., keep_axes: ...) and the other axis reductions. */
static nxv *axes_call(axes_fn *fn, int argc, nxv **argv)
{
    static const char *const allowed[] = { "axes", "keep_axes" };
    nxv *vals[2];
    nx_reduce_opts o;
    nx_tensor *t = tensor_and_opts(argc, argv, allowed, 2, vals);
    if (!t || nxi_to_axes(vals[0], nx_rank(t), &o.axes, 1) < 0)
        return NULL;
    o.keep_axes = vals[1] && nxv_truthy(vals[1]);
    return nxi_tensor_value(fn(t, o));
}

/* Nx.argmax(t, axis: ..., tie_break: ..., keep_axis: ..., type: ...), checked in Nx's
 * order: keys, tie_break, complex input, axis, type. */
static nxv *arg_call(nx_op op, arg_fn *fn, int argc, nxv **argv)
{
    static const char *const allowed[] = { "axis", "tie_break", "keep_axis", "type" };
    enum { AXIS, TIE, KEEP, TYPE };
    nxv *vals[4];
    nx_argmax_opts o = { 0 };
    nx_tensor *t = tensor_and_opts(argc, argv, allowed, 4, vals);
    if (!t)
        return NULL;
    if (vals[TIE]) {
        if (nxv_is_atom(vals[TIE], "high"))
            o.tie_break = NX_TIE_HIGH;
        else if (!nxv_is_atom(vals[TIE], "low"))
            return nxi_raise("ArgumentError", "unknown value for :tie_break, expected :high or :low, got: %s",
                             nxi_inspect_plain(vals[TIE]));
    }
    if (nx_type_is_complex(nx_type_of(t)))
        return nxi_raise("ArgumentError", "Nx.%s/2 does not support complex inputs", nxop_table[op].name);
    if (vals[AXIS] && !nxv_is_nil(vals[AXIS]) && nxi_to_axis(vals[AXIS], nx_rank(t), &o.axis) < 0)
        return NULL;
    o.keep_axis = vals[KEEP] && nxv_truthy(vals[KEEP]);
    if (vals[TYPE] && !(o.type = nxi_to_type(vals[TYPE])))
        return NULL;
    return nxi_tensor_value(fn(t, o));
}

static nxv *primitive(nx_op op, int argc, nxv **argv)
{
    if (arg_fns[op])
        return arg_call(op, arg_fns[op], argc, argv);
    if (axes_fns[op])
        return axes_call(axes_fns[op], argc, argv);
    return nxi_raise("RuntimeError", "Nx.%s has no binding in nxc yet", nxop_table[op].name);
}

#define BIND_REDUCE(name) \
    static nxv *name##_b(int argc, nxv **argv) \
    { \
        return primitive(NX_OP_##name, argc, argv); \
    }
#define BIND_UNARY(name)
#define BIND_BINARY(name)
#define BIND_CREATE(name)
#define BIND_CONVERT(name)
#define BIND_SHAPE(name)
#define BIND_INDEX(name)
#define BIND_SORT(name)
#define BIND_DOT(name)
#define BIND_CUMULATIVE(name)
#define BIND_WINDOW(name)
#define BIND_CONV(name)
#define BIND_FFT(name)
#define BIND_LINALG(name)
#define NX_OP(name, arity, kind, flags) BIND_##kind(name)
#include "ops.def"
#undef NX_OP

/* ---------------------------------------------------------------- composites */

static nxv *mean_b(int argc, nxv **argv)
{
    return axes_call(nx_mean_, argc, argv);
}

static nxv *logsumexp_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "axes", "exp_scaling_factor", "keep_axes" };
    enum { AXES, SCALE, KEEP };
    nxv *vals[3];
    nx_logsumexp_opts o = { 0 };
    nx_tensor *t = tensor_and_opts(argc, argv, allowed, 3, vals);
    if (!t || nxi_to_axes(vals[AXES], nx_rank(t), &o.axes, 1) < 0)
        return NULL;
    if (vals[SCALE] && !(o.exp_scaling_factor = nxi_to_tensor(vals[SCALE])))
        return NULL;
    o.keep_axes = vals[KEEP] && nxv_truthy(vals[KEEP]);
    return nxi_tensor_value(nx_logsumexp_(t, o));
}

static nxv *variance_call(nx_tensor *(*fn)(const nx_tensor *, nx_variance_opts), int argc, nxv **argv)
{
    static const char *const allowed[] = { "axes", "ddof", "keep_axes" };
    enum { AXES, DDOF, KEEP };
    nxv *vals[3];
    nx_variance_opts o = { 0 };
    nx_tensor *t = tensor_and_opts(argc, argv, allowed, 3, vals);
    if (!t || nxi_to_axes(vals[AXES], nx_rank(t), &o.axes, 1) < 0)
        return NULL;
    if (vals[DDOF]) {
        if (!nxi_is_number(vals[DDOF]))
            return nxi_raise("ArgumentError", "expected :ddof to be a number, got: %s", nxi_inspect_plain(vals[DDOF]));
        o.ddof = vals[DDOF]->kind == NXV_INT ? (double)vals[DDOF]->i : vals[DDOF]->f;
    }
    o.keep_axes = vals[KEEP] && nxv_truthy(vals[KEEP]);
    return nxi_tensor_value(fn(t, o));
}

static nxv *variance_b(int argc, nxv **argv)
{
    return variance_call(nx_variance_, argc, argv);
}

static nxv *standard_deviation_b(int argc, nxv **argv)
{
    return variance_call(nx_standard_deviation_, argc, argv);
}

#define ENTRY_REDUCE(name) { "Nx", #name, 1, 2, name##_b },
#define ENTRY_UNARY(name)
#define ENTRY_BINARY(name)
#define ENTRY_CREATE(name)
#define ENTRY_CONVERT(name)
#define ENTRY_SHAPE(name)
#define ENTRY_INDEX(name)
#define ENTRY_SORT(name)
#define ENTRY_DOT(name)
#define ENTRY_CUMULATIVE(name)
#define ENTRY_WINDOW(name)
#define ENTRY_CONV(name)
#define ENTRY_FFT(name)
#define ENTRY_LINALG(name)
const nxi_func nxi_reduce_funcs[] = {
#define NX_OP(name, arity, kind, flags) ENTRY_##kind(name)
#include "ops.def"
#undef NX_OP
    { "Nx", "mean", 1, 2, mean_b },
    { "Nx", "logsumexp", 1, 2, logsumexp_b },
    { "Nx", "variance", 1, 2, variance_b },
    { "Nx", "standard_deviation", 1, 2, standard_deviation_b },
    { NULL, NULL, 0, 0, NULL },
};
