/* src/cli/nxlib_const.c: the Nx.Constants module (scalar constants of a type, with only the
 * :backend option; i/2 takes Nx.tensor's options) and Nx.Floating (narrow float bit
 * patterns to and from Elixir floats), mapped onto nx_constant, nx_scalar, nx_from_binary
 * and nx_to_binary. */
#include <string.h>
#include "cli/nxlib_args.h"

/* ---------------------------------------------------------------- Nx.Constants */

/* name(type \\ f32, opts \\ []): the type first, then the bits, then the options, in
 * Nx's order of checks. */
static nxv *constant(nx_constant_kind which, int argc, nxv **argv)
{
    static const char *const allowed[] = { "backend" };
    nxv *vals[1];
    nx_type t = argc > 0 ? nxi_to_type(argv[0]) : NX_F32;
    if (!t)
        return NULL;
    nx_tensor *c = nx_constant(which, t);
    if (!c)
        return nxi_raise_from_nx();
    if (argc > 1 && (nxi_opts(argv[1], allowed, 1, vals) < 0 || nxi_check_backend(vals[0]) < 0))
        return NULL;
    return nxv_tensor(c);
}

/* X(name, kind, min arity): the zero-argument forms exist for the f32 constants only. */
#define CONSTANTS(X) \
    X(nan, NAN, 0) X(infinity, INFINITY, 0) X(neg_infinity, NEG_INFINITY, 0) \
    X(max_finite, MAX_FINITE, 1) X(min_finite, MIN_FINITE, 1) X(max, MAX, 1) X(min, MIN, 1) \
    X(smallest_positive_normal, SMALLEST_POSITIVE_NORMAL, 1) X(epsilon, EPSILON, 1) \
    X(pi, PI, 0) X(e, E, 0) X(euler_gamma, EULER_GAMMA, 0)
#define CONSTANT_FN(name, K, min) \
    static nxv *name##_b(int argc, nxv **argv) \
    { \
        return constant(NX_CONST_##K, argc, argv); \
    }
CONSTANTS(CONSTANT_FN)
#undef CONSTANT_FN

/* i(type \\ :c64, opts \\ []): Nx.tensor(Complex.new(0, 1), [type: type] ++ opts). */
static nxv *i_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "type", "names", "backend" };
    nxv *vals[3];
    nxv *opts = argc > 1 ? argv[1] : NULL;
    if (opts && opts->kind == NXV_LIST && nxv_is_keyword(opts) && nxv_keyword_get(opts, "type"))
        return nxi_raise("RuntimeError", "type must not be passed as an option");
    if (nxi_opts(opts, allowed, 3, vals) < 0)
        return NULL;
    nx_type t = argc > 0 ? nxi_to_type(argv[0]) : NX_C64;
    if (!t)
        return NULL;
    nx_tensor *c = nx_constant(NX_CONST_I, t);
    if (!c)
        return nxi_raise_from_nx();
    nx_names names;
    if (nxi_to_names(vals[1], 0, &names) < 0 || nxi_check_backend(vals[2]) < 0)
        return NULL;
    return nxv_tensor(c);
}

/* ---------------------------------------------------------------- Nx.Floating */

/* load_<type>(<<bits>>): the value of one element as Elixir holds it (a float, or :nan,
 * :infinity, :neg_infinity). */
static nxv *load(nx_type type, const char *fname, nxv *bin)
{
    int w = nx_type_bits(type);
    nx_number n;
    if (bin->kind != NXV_BINARY || bin->bin.bits != w)
        return nxi_raise("FunctionClauseError", "no function clause matching in Nx.Floating.%s/1", fname);
    nx_tensor *t = nx_from_binary(bin->bin.bytes, w, type);
    if (!t || nx_to_number(nx_reshape(t, NX_SHAPE()), &n) < 0)
        return nxi_raise_from_nx();
    return nxi_number_value(n);
}

/* dump_<type>(value): the element's bits for a number or :nan/:infinity/:neg_infinity,
 * rounded as nxc writes that type (spec/decisions.md 1). */
static nxv *dump(nx_type type, const char *fname, nxv *v)
{
    nx_number n;
    if (v->kind == NXV_COMPLEX || nxi_number_of(v, &n) < 0)
        return nxi_raise("FunctionClauseError", "no function clause matching in Nx.Floating.%s/1", fname);
    if (n.kind != NX_NUM_FLOAT)   /* integers are written as the float they equal */
        n = NX_FLOAT(n.kind == NX_NUM_INT ? (double)n.i : (double)n.u);
    nx_tensor *t = nx_scalar(n, type);
    unsigned char bytes[8] = { 0 };
    int64_t bits = t ? nx_to_binary(t, bytes, sizeof bytes) : -1;
    if (bits < 0)
        return nxi_raise_from_nx();
    return nxv_binary(bytes, bits);
}

#define FLOATINGS(X) X(bf16, BF16) X(f8, F8) X(f8_e4m3fn, F8_E4M3FN)
#define FLOATING_FNS(name, E) \
    static nxv *load_##name##_b(int argc, nxv **argv) \
    { \
        (void)argc; \
        return load(NX_##E, "load_" #name, argv[0]); \
    } \
    static nxv *dump_##name##_b(int argc, nxv **argv) \
    { \
        (void)argc; \
        return dump(NX_##E, "dump_" #name, argv[0]); \
    }
FLOATINGS(FLOATING_FNS)
#undef FLOATING_FNS

const nxi_func nxi_const_funcs[] = {
#define ENTRY(name, K, min) { "Nx.Constants", #name, min, 2, name##_b },
    CONSTANTS(ENTRY)
#undef ENTRY
    { "Nx.Constants", "i", 0, 2, i_b },
#define ENTRY(name, E) \
    { "Nx.Floating", "load_" #name, 1, 1, load_##name##_b }, \
    { "Nx.Floating", "dump_" #name, 1, 1, dump_##name##_b },
    FLOATINGS(ENTRY)
#undef ENTRY
    { NULL, NULL, 0, 0, NULL },
};
