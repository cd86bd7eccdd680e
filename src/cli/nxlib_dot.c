/* src/cli/nxlib_dot.c: the interpreter's bindings of Nx.dot/2, dot/4, dot/6 and
 * Nx.outer (spec/functions.md §17): axis lists read as lists of integers and names, then
 * the C API of include/nx/dot.h. */
#include "cli/nxlib_args.h"
#include "nx.h"

/* An axes list argument of dot/4 or dot/6 ([] is empty); -1 after raising. */
static int axes_arg(nxv *v, nx_tensor *t, nx_axes *out)
{
    if (nxi_to_axes(v, nx_rank(t), out, 0) < 0)
        return -1;
    return 0;
}

static nxv *dot2_b(int argc, nxv **argv)
{
    (void)argc;
    nx_tensor *a = nxi_to_tensor(argv[0]), *b = a ? nxi_to_tensor(argv[1]) : NULL;
    return b ? nxi_tensor_value(nx_dot(a, b)) : NULL;
}

/* dot(a, contract_a, b, contract_b) and dot(a, contract_a, batch_a, b, contract_b, batch_b). */
static nxv *dot_axes_b(int argc, nxv **argv)
{
    int six = argc == 6;
    nx_tensor *a = nxi_to_tensor(argv[0]), *b = a ? nxi_to_tensor(argv[six ? 3 : 2]) : NULL;
    nx_dot_opts o = { 0 };
    if (!b || axes_arg(argv[1], a, &o.contract_a) < 0 || axes_arg(argv[six ? 4 : 3], b, &o.contract_b) < 0)
        return NULL;
    if (six && (axes_arg(argv[2], a, &o.batch_a) < 0 || axes_arg(argv[5], b, &o.batch_b) < 0))
        return NULL;
    return nxi_tensor_value(nx_dot_general_(a, b, o));
}

static nxv *outer_b(int argc, nxv **argv)
{
    (void)argc;
    nx_tensor *a = nxi_to_tensor(argv[0]), *b = a ? nxi_to_tensor(argv[1]) : NULL;
    return b ? nxi_tensor_value(nx_outer(a, b)) : NULL;
}

const nxi_func nxi_dot_funcs[] = {
    { "Nx", "dot", 2, 2, dot2_b },
    { "Nx", "dot", 4, 4, dot_axes_b },
    { "Nx", "dot", 6, 6, dot_axes_b },
    { "Nx", "outer", 2, 2, outer_b },
    { NULL, NULL, 0, 0, NULL },
};
