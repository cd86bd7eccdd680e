/* src/cli/nxlib_type.c: the Nx.Type module: normalising, naming, inferring and merging
 * types, the type predicates, cast_number!/2 and the constants' bit patterns
 * (*_binary/1), mapped onto include/nx/types.h. */
#include <string.h>
#include "cli/nxlib_args.h"

static nxv *type_result(nx_type t)
{
    return t == NX_TYPE_NONE ? NULL : nxi_type_value(t);
}

static nxv *normalize_b(int argc, nxv **argv)
{
    (void)argc;
    return type_result(nxi_to_type(argv[0]));
}

static nxv *to_string_b(int argc, nxv **argv)
{
    (void)argc;
    nx_type t = nxi_to_type(argv[0]);
    return t ? nxv_string(nx_type_name(t)) : NULL;
}

static nxv *infer_b(int argc, nxv **argv)
{
    (void)argc;
    nxv *v = argv[0];
    nx_number n;
    if (nxv_is_atom(v, "true") || nxv_is_atom(v, "false"))
        return nxi_type_value(NX_U8);
    if (nxi_number_of(v, &n) < 0)
        return nxi_raise("FunctionClauseError", "no function clause matching in Nx.Type.infer/1");
    return nxi_type_value(nx_type_infer(n));
}

static nxv *merge_b(int argc, nxv **argv)
{
    (void)argc;
    nx_type a = nxi_to_type(argv[0]);
    nx_type b = a ? nxi_to_type(argv[1]) : NX_TYPE_NONE;
    return b ? type_result(nx_type_merge(a, b)) : NULL;
}

static nxv *merge_number_b(int argc, nxv **argv)
{
    (void)argc;
    nx_number n;
    nx_type t = nxi_to_type(argv[0]);
    if (!t)
        return NULL;
    if (nxi_number_of(argv[1], &n) < 0)
        return nxi_raise("FunctionClauseError", "no function clause matching in Nx.Type.merge_number/2");
    return type_result(nx_type_merge_number(t, n));
}

/* Type -> type conversions, one table. */
typedef nx_type type_fn(nx_type);
#define TYPE_FNS(X) X(to_floating) X(to_real) X(to_complex) X(to_aggregate)
#define TYPE_FN(name) \
    static nxv *name##_b(int argc, nxv **argv) \
    { \
        (void)argc; \
        nx_type t = nxi_to_type(argv[0]); \
        return t ? type_result(nx_type_##name(t)) : NULL; \
    }
TYPE_FNS(TYPE_FN)
#undef TYPE_FN

/* The kind of a type argument for the predicates, which (as in Nx) look only at the kind
 * of any {kind, size} pair; atoms are normalised first. NULL after raising. */
static const char *kind_of(nxv *v)
{
    if (v->kind == NXV_TUPLE && v->tuple.n == 2 && v->tuple.items[0]->kind == NXV_ATOM)
        return v->tuple.items[0]->atom;
    nx_type t = nxi_to_type(v);
    if (!t)
        return NULL;
    const char *tuple = nx_type_tuple(t);   /* "{:f8_e4m3fn, 8}": the kind follows "{:" */
    size_t len = strcspn(tuple + 2, ",");
    return nxi_strndup(tuple + 2, len);
}

static int is_float_kind(const char *k)
{
    return !strcmp(k, "f") || !strcmp(k, "bf") || !strcmp(k, "c") || !strcmp(k, "f8_e4m3fn");
}

#define PREDICATES(X) \
    X(integer, !strcmp(k, "u") || !strcmp(k, "s")) \
    X(float, is_float_kind(k)) \
    X(complex, !strcmp(k, "c")) \
    X(infinite_float, is_float_kind(k) && strcmp(k, "f8_e4m3fn") != 0)
#define PREDICATE(name, test) \
    static nxv *name##_p_b(int argc, nxv **argv) \
    { \
        (void)argc; \
        const char *k = kind_of(argv[0]); \
        return k ? nxv_bool(test) : NULL; \
    }
PREDICATES(PREDICATE)
#undef PREDICATE

/* cast_number!/2: Nx matches on the kind of the (unnormalised) type tuple. */
static nxv *cast_number_b(int argc, nxv **argv)
{
    (void)argc;
    nxv *type = argv[0], *n = argv[1];
    const char *k = type->kind == NXV_TUPLE && type->tuple.n == 2 && type->tuple.items[0]->kind == NXV_ATOM
                        ? type->tuple.items[0]->atom : "";
    if (n->kind == NXV_INT && ((!strcmp(k, "u") && n->i >= 0) || !strcmp(k, "s")))
        return n;
    if (nxi_is_number(n) && (!strcmp(k, "f") || !strcmp(k, "bf") || !strcmp(k, "f8_e4m3fn")))
        return n->kind == NXV_INT ? nxv_float((double)n->i) : n;
    if (nxi_is_number(n) && !strcmp(k, "c"))
        return nxv_complex(n->kind == NXV_INT ? (double)n->i : n->f, 0.0);
    if (n->kind == NXV_COMPLEX && !strcmp(k, "c"))
        return n;
    return nxi_raise("ArgumentError", "cannot cast number %s to %s", nxi_inspect_plain(n), nxi_inspect_plain(type));
}

/* The bits of a constant in a type, as a (bit)string. */
static nxv *constant_binary(nx_constant_kind which, nxv *type_arg)
{
    nx_type t = nxi_to_type(type_arg);
    if (!t)
        return NULL;
    nx_tensor *c = nx_constant(which, t);
    int64_t bits = c ? nx_to_binary(c, NULL, 0) : -1;
    if (bits < 0)
        return nxi_raise_from_nx();
    unsigned char *bytes = nxi_alloc((size_t)(bits + 7) / 8 + 1);
    if (nx_to_binary(c, bytes, (bits + 7) / 8) < 0)
        return nxi_raise_from_nx();
    return nxv_binary(bytes, bits);
}

#define BINARIES(X) \
    X(min_finite, MIN_FINITE) X(min, MIN) X(max_finite, MAX_FINITE) X(max, MAX) X(nan, NAN) \
    X(infinity, INFINITY) X(neg_infinity, NEG_INFINITY) \
    X(smallest_positive_normal, SMALLEST_POSITIVE_NORMAL) X(epsilon, EPSILON) X(pi, PI) X(e, E) \
    X(euler_gamma, EULER_GAMMA)
#define BINARY_FN(name, K) \
    static nxv *name##_binary_b(int argc, nxv **argv) \
    { \
        (void)argc; \
        return constant_binary(NX_CONST_##K, argv[0]); \
    }
BINARIES(BINARY_FN)
#undef BINARY_FN

const nxi_func nxi_type_funcs[] = {
    { "Nx.Type", "normalize!", 1, 1, normalize_b },
    { "Nx.Type", "to_string", 1, 1, to_string_b },
    { "Nx.Type", "infer", 1, 1, infer_b },
    { "Nx.Type", "merge", 2, 2, merge_b },
    { "Nx.Type", "merge_number", 2, 2, merge_number_b },
#define ENTRY(name) { "Nx.Type", #name, 1, 1, name##_b },
    TYPE_FNS(ENTRY)
#undef ENTRY
#define ENTRY(name, test) { "Nx.Type", #name "?", 1, 1, name##_p_b },
    PREDICATES(ENTRY)
#undef ENTRY
    { "Nx.Type", "cast_number!", 2, 2, cast_number_b },
#define ENTRY(name, K) { "Nx.Type", #name "_binary", 1, 1, name##_binary_b },
    BINARIES(ENTRY)
#undef ENTRY
    { NULL, NULL, 0, 0, NULL },
};
