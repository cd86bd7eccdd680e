/* src/cli/nxlib_math.c: the interpreter's bindings of the element-wise primitives (Nx.exp,
 * Nx.add, ...), generated from ops.def like every other table of ops: a new unary or
 * binary op is callable from nxc as soon as its line and its nx_ function exist; plus the
 * complex composites phase and complex. */
#include "cli/nxlib.h"
#include "cli/nxlib_args.h"
#include "nx.h"

static nxv *apply1(nx_tensor *(*fn)(const nx_tensor *), nxv **argv)
{
    nx_tensor *t = nxi_to_tensor(argv[0]);
    if (!t)
        return NULL;
    nx_tensor *r = fn(t);
    return r ? nxi_tensor_value(r) : nxi_raise_from_nx();
}

static nxv *apply2(nx_tensor *(*fn)(const nx_tensor *, const nx_tensor *), nxv **argv)
{
    nx_tensor *a = nxi_to_tensor(argv[0]);
    nx_tensor *b = a ? nxi_to_tensor(argv[1]) : NULL;
    if (!b)
        return NULL;
    nx_tensor *r = fn(a, b);
    return r ? nxi_tensor_value(r) : nxi_raise_from_nx();
}

#define BIND_UNARY(name) \
    static nxv *name##_b(int argc, nxv **argv) \
    { \
        (void)argc; \
        return apply1(nx_##name, argv); \
    }
#define BIND_BINARY(name) \
    static nxv *name##_b(int argc, nxv **argv) \
    { \
        (void)argc; \
        return apply2(nx_##name, argv); \
    }
#define BIND_CREATE(name)
#define BIND_CONVERT(name)
#define BIND_SHAPE(name)
#define BIND_REDUCE(name)
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

#define ENTRY_UNARY(name) { "Nx", #name, 1, 1, name##_b },
#define ENTRY_BINARY(name) { "Nx", #name, 2, 2, name##_b },
#define ENTRY_CREATE(name)
#define ENTRY_CONVERT(name)
#define ENTRY_SHAPE(name)
#define ENTRY_REDUCE(name)
#define ENTRY_INDEX(name)
#define ENTRY_SORT(name)
#define ENTRY_DOT(name)
#define ENTRY_CUMULATIVE(name)
#define ENTRY_WINDOW(name)
#define ENTRY_CONV(name)
#define ENTRY_FFT(name)
#define ENTRY_LINALG(name)
/* The complex composites (src/ops/complex.c). */
BIND_UNARY(phase)
BIND_BINARY(complex)

const nxi_func nxi_math_funcs[] = {
#define NX_OP(name, arity, kind, flags) ENTRY_##kind(name)
#include "ops.def"
#undef NX_OP
    ENTRY_UNARY(phase)
    ENTRY_BINARY(complex)
    { NULL, NULL, 0, 0, NULL },
};
