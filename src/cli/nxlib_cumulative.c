/* src/cli/nxlib_cumulative.c: the interpreter's bindings of Nx.cumulative_sum, _product,
 * _min, _max and Nx.diff (spec/functions.md §13), options read as keyword!/2 reads them. */
#include "cli/nxlib_args.h"
#include "nx.h"

typedef nx_tensor *cumulative_fn(const nx_tensor *, nx_cumulative_opts);

static nxv *cumulative(cumulative_fn *fn, int argc, nxv **argv)
{
    static const char *const allowed[] = { "axis", "reverse" };
    nxv *vals[2];
    nx_cumulative_opts o = { 0 };
    nx_tensor *t = nxi_to_tensor(argv[0]);
    if (!t || nxi_opts(argc > 1 ? argv[1] : NULL, allowed, 2, vals) < 0)
        return NULL;
    if (vals[0] && nxi_to_axis(vals[0], nx_rank(t), &o.axis) < 0)
        return NULL;
    o.reverse = vals[1] && nxv_truthy(vals[1]);
    return nxi_tensor_value(fn(t, o));
}

static nxv *cumulative_sum_b(int argc, nxv **argv) { return cumulative(nx_cumulative_sum_, argc, argv); }
static nxv *cumulative_product_b(int argc, nxv **argv) { return cumulative(nx_cumulative_product_, argc, argv); }
static nxv *cumulative_min_b(int argc, nxv **argv) { return cumulative(nx_cumulative_min_, argc, argv); }
static nxv *cumulative_max_b(int argc, nxv **argv) { return cumulative(nx_cumulative_max_, argc, argv); }

static nxv *diff_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "order", "axis" };
    nxv *vals[2];
    nx_diff_opts o = { 0 };
    nx_tensor *t = nxi_to_tensor(argv[0]);
    if (!t || nxi_opts(argc > 1 ? argv[1] : NULL, allowed, 2, vals) < 0)
        return NULL;
    if (vals[0]) {
        if (vals[0]->kind != NXV_INT || vals[0]->i < -1000000 || vals[0]->i > 1000000)
            return nxi_raise("ArgumentError", "order must be non-negative but got: %s", nxi_inspect_plain(vals[0]));
        o.order = vals[0]->i == 0 ? NX_DIFF_ORDER_ZERO : (int)vals[0]->i;
    }
    if (vals[1] && nxi_to_axis(vals[1], nx_rank(t), &o.axis) < 0)
        return NULL;
    return nxi_tensor_value(nx_diff(t, .order = o.order, .axis = o.axis));
}

const nxi_func nxi_cumulative_funcs[] = {
    { "Nx", "cumulative_sum", 1, 2, cumulative_sum_b },
    { "Nx", "cumulative_product", 1, 2, cumulative_product_b },
    { "Nx", "cumulative_min", 1, 2, cumulative_min_b },
    { "Nx", "cumulative_max", 1, 2, cumulative_max_b },
    { "Nx", "diff", 1, 2, diff_b },
    { NULL, NULL, 0, 0, NULL },
};
