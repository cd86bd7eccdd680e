/* src/cli/nxlib_composite.c: the interpreter's bindings of the composites of issue #4:
 * Nx.logical_not, log/2, tri, tril, triu, take_diagonal, make_diagonal, put_diagonal,
 * fill, linspace, weighted_mean, median, mode, covariance, all_close and reduce/4 (which
 * calls an Elixir fn per element). Options are checked as Nx checks them (keyword!/2, or
 * Keyword.validate!/2 for fill) and handed to include/nx/{diagonal,stats,reduce_fn}.h. */
#include <stdio.h>
#include <string.h>
#include "cli/eval.h"
#include "cli/nxlib_args.h"

static nxv *opt_arg(int argc, nxv **argv, int i)
{
    return argc > i ? argv[i] : NULL;
}

static int given(const nxv *v)
{
    return v && !nxv_is_nil(v);
}

/* An integer option (absent or nil: `fallback`); -1 after raising for other values. */
static int int_opt(nxv *v, const char *key, int64_t fallback, int64_t *out)
{
    char what[64];
    *out = fallback;
    if (!given(v))
        return 0;
    snprintf(what, sizeof what, "expected :%s to be an integer", key);
    return nxi_to_int64(v, out, what);
}

/* An optional :axis (nil: not set). */
static int axis_opt(nxv *v, int rank, nx_axis *out)
{
    *out = (nx_axis){ 0 };
    return given(v) ? nxi_to_axis(v, rank, out) : 0;
}

/* ---------------------------------------------------------------- element-wise */

static nxv *log2_b(int argc, nxv **argv)
{
    (void)argc;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    return t ? nxi_tensor_value(nx_log2(t)) : NULL;
}

static nxv *log10_b(int argc, nxv **argv)
{
    (void)argc;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    return t ? nxi_tensor_value(nx_log10(t)) : NULL;
}

static nxv *logical_not_b(int argc, nxv **argv)
{
    (void)argc;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    return t ? nxi_tensor_value(nx_logical_not(t)) : NULL;
}

static nxv *log_with_base_b(int argc, nxv **argv)
{
    (void)argc;
    nx_tensor *t = nxi_to_tensor(argv[0]), *base = t ? nxi_to_tensor(argv[1]) : NULL;
    return base ? nxi_tensor_value(nx_log_base(t, base)) : NULL;
}

/* ---------------------------------------------------------------- triangles, diagonals */

static nxv *tri_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "k" };
    nxv *vals[1];
    int64_t n, m, k;
    if (nxi_to_int64(argv[0], &n, "expected n to be an integer") < 0 ||
        nxi_to_int64(argv[1], &m, "expected m to be an integer") < 0 ||
        nxi_opts(opt_arg(argc, argv, 2), allowed, 1, vals) < 0 || int_opt(vals[0], "k", 0, &k) < 0)
        return NULL;
    return nxi_tensor_value(nx_tri(n, m, .k = k));
}

static nxv *triangle_call(nx_tensor *(*fn)(const nx_tensor *, nx_tri_opts), int argc, nxv **argv)
{
    static const char *const allowed[] = { "k" };
    nxv *vals[1];
    nx_tri_opts o;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    if (!t || nxi_opts(opt_arg(argc, argv, 1), allowed, 1, vals) < 0 || int_opt(vals[0], "k", 0, &o.k) < 0)
        return NULL;
    return nxi_tensor_value(fn(t, o));
}

static nxv *tril_b(int argc, nxv **argv)
{
    return triangle_call(nx_tril_, argc, argv);
}

static nxv *triu_b(int argc, nxv **argv)
{
    return triangle_call(nx_triu_, argc, argv);
}

/* The :offset option at argv[i]. */
static int offset_opts(int argc, nxv **argv, int i, nx_diagonal_opts *o)
{
    static const char *const allowed[] = { "offset" };
    nxv *vals[1];
    if (nxi_opts(opt_arg(argc, argv, i), allowed, 1, vals) < 0)
        return -1;
    return int_opt(vals[0], "offset", 0, &o->offset);
}

static nxv *take_diagonal_b(int argc, nxv **argv)
{
    nx_diagonal_opts o;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    if (!t || offset_opts(argc, argv, 1, &o) < 0)
        return NULL;
    return nxi_tensor_value(nx_take_diagonal_(t, o));
}

static nxv *make_diagonal_b(int argc, nxv **argv)
{
    nx_diagonal_opts o;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    if (!t || offset_opts(argc, argv, 1, &o) < 0)
        return NULL;
    return nxi_tensor_value(nx_make_diagonal_(t, o));
}

static nxv *put_diagonal_b(int argc, nxv **argv)
{
    nx_diagonal_opts o;
    nx_tensor *t = nxi_to_tensor(argv[0]), *d = t ? nxi_to_tensor(argv[1]) : NULL;
    if (!d || offset_opts(argc, argv, 2, &o) < 0)
        return NULL;
    return nxi_tensor_value(nx_put_diagonal_(t, d, o));
}

/* ---------------------------------------------------------------- creation */

static nxv *fill_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "type" };
    nxv *vals[1];
    nx_fill_opts o = { 0 };
    nx_tensor *t = nxi_to_tensor(argv[0]), *value = t ? nxi_to_tensor(argv[1]) : NULL;
    if (!value || nxi_validate_keywords(opt_arg(argc, argv, 2), allowed, 1, vals) < 0)
        return NULL;
    if (given(vals[0]) && !(o.type = nxi_to_type(vals[0])))
        return NULL;
    return nxi_tensor_value(nx_fill_(t, value, o));
}

static nxv *linspace_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "n", "name", "type", "endpoint" };
    enum { N, NAME, TYPE, ENDPOINT };
    nxv *vals[4];
    nx_linspace_opts o = { 0 };
    nx_tensor *start = nxi_to_tensor(argv[0]), *stop = start ? nxi_to_tensor(argv[1]) : NULL;
    if (!stop || nxi_opts(opt_arg(argc, argv, 2), allowed, 4, vals) < 0)
        return NULL;
    nxv *n = vals[N];
    if (!n || n->kind != NXV_INT || n->i < 1 || n->i > INT64_MAX)
        return nxi_raise("ArgumentError", "expected n to be a non-negative integer, got: %s",
                         n ? nxi_inspect_plain(n) : "nil");
    o.n = (int64_t)n->i;
    if (given(vals[NAME])) {
        if (vals[NAME]->kind != NXV_ATOM)
            return nxi_raise("ArgumentError", "expected :name to be an atom or nil, got: %s",
                             nxi_inspect_plain(vals[NAME]));
        o.name = vals[NAME]->atom;
    }
    if (given(vals[TYPE]) && !(o.type = nxi_to_type(vals[TYPE])))
        return NULL;
    o.exclude_endpoint = vals[ENDPOINT] && !nxv_truthy(vals[ENDPOINT]);
    return nxi_tensor_value(nx_linspace_(start, stop, o));
}

/* ---------------------------------------------------------------- statistics */

static nxv *weighted_mean_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "axes", "keep_axes" };
    nxv *vals[2];
    nx_weighted_mean_opts o = { 0 };
    nx_tensor *t = nxi_to_tensor(argv[0]), *w = t ? nxi_to_tensor(argv[1]) : NULL;
    if (!w || nxi_opts(opt_arg(argc, argv, 2), allowed, 2, vals) < 0 ||
        nxi_to_axes(vals[0], nx_rank(t), &o.axes, 0) < 0)
        return NULL;
    o.keep_axes = vals[1] && nxv_truthy(vals[1]);
    return nxi_tensor_value(nx_weighted_mean_(t, w, o));
}

static nxv *median_call(nx_tensor *(*fn)(const nx_tensor *, nx_median_opts), int argc, nxv **argv)
{
    static const char *const allowed[] = { "axis", "keep_axis" };
    nxv *vals[2];
    nx_median_opts o = { 0 };
    nx_tensor *t = nxi_to_tensor(argv[0]);
    if (!t || nxi_opts(opt_arg(argc, argv, 1), allowed, 2, vals) < 0 || axis_opt(vals[0], nx_rank(t), &o.axis) < 0)
        return NULL;
    o.keep_axis = vals[1] && nxv_truthy(vals[1]);
    return nxi_tensor_value(fn(t, o));
}

static nxv *median_b(int argc, nxv **argv)
{
    return median_call(nx_median_, argc, argv);
}

static nxv *mode_b(int argc, nxv **argv)
{
    return median_call(nx_mode_, argc, argv);
}

/* covariance(t), covariance(t, opts), covariance(t, mean), covariance(t, mean, opts). */
static nxv *covariance_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "ddof" };
    nxv *vals[1], *opts = NULL;
    nx_covariance_opts o = { 0 };
    nx_tensor *t = nxi_to_tensor(argv[0]);
    if (!t)
        return NULL;
    if (argc == 2 && argv[1]->kind == NXV_LIST)
        opts = argv[1];
    else if (argc >= 2 && !(o.mean = nxi_to_tensor(argv[1])))
        return NULL;
    if (argc == 3)
        opts = argv[2];
    if (nxi_opts(opts, allowed, 1, vals) < 0)
        return NULL;
    if (vals[0]) {
        nxv *d = vals[0];
        if (d->kind != NXV_INT || d->i < 0 || d->i > INT64_MAX)
            return nxi_raise("ArgumentError", "expected ddof to be a non-negative integer, got %s", nxi_inspect_plain(d));
        o.ddof = (int64_t)d->i;
    }
    return nxi_tensor_value(nx_covariance_(t, o));
}

/* A tolerance: a number; an explicit 0 is NX_TOL_ZERO (plain 0 means the default). */
static int tol_opt(nxv *v, const char *key, double *out)
{
    if (!given(v))
        return 0;
    if (!nxi_is_number(v)) {
        nxi_raise("ArgumentError", "expected :%s to be a number, got: %s", key, nxi_inspect_plain(v));
        return -1;
    }
    *out = v->kind == NXV_INT ? (double)v->i : v->f;
    if (*out == 0)
        *out = NX_TOL_ZERO;
    return 0;
}

static nxv *all_close_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "equal_nan", "rtol", "atol" };
    enum { EQUAL_NAN, RTOL, ATOL };
    nxv *vals[3];
    nx_all_close_opts o = { 0 };
    nx_tensor *a = nxi_to_tensor(argv[0]), *b = a ? nxi_to_tensor(argv[1]) : NULL;
    if (!b || nxi_opts(opt_arg(argc, argv, 2), allowed, 3, vals) < 0 || tol_opt(vals[RTOL], "rtol", &o.rtol) < 0 ||
        tol_opt(vals[ATOL], "atol", &o.atol) < 0)
        return NULL;
    o.equal_nan = vals[EQUAL_NAN] && nxv_truthy(vals[EQUAL_NAN]);
    return nxi_tensor_value(nx_all_close_(a, b, o));
}

/* ---------------------------------------------------------------- reduce/4 */

/* Calls the Elixir fn with (element, acc) and takes its result as a tensor. */
static nx_tensor *call_elixir(const nx_tensor *elem, const nx_tensor *acc, void *ctx)
{
    nxv *args[2] = { nxv_tensor((nx_tensor *)elem), nxv_tensor((nx_tensor *)acc) };
    nxv *r = nxi_call_fun((nxv *)ctx, 2, args);
    return r ? nxi_to_tensor(r) : NULL;
}

/* reduce(t, acc, fun) and reduce(t, acc, opts, fun). */
static nxv *reduce_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "axes", "type", "keep_axes" };
    enum { AXES, TYPE, KEEP };
    nxv *vals[3], *fun = argv[argc - 1];
    nx_reduce_fn_opts o = { 0 };
    nx_tensor *t = nxi_to_tensor(argv[0]), *acc = t ? nxi_to_tensor(argv[1]) : NULL;
    if (!acc || nxi_opts(argc == 4 ? argv[2] : NULL, allowed, 3, vals) < 0 ||
        nxi_to_axes(vals[AXES], nx_rank(t), &o.axes, 1) < 0)
        return NULL;
    if (given(vals[TYPE]) && !(o.type = nxi_to_type(vals[TYPE])))
        return NULL;
    o.keep_axes = vals[KEEP] && nxv_truthy(vals[KEEP]);
    if (fun->kind != NXV_FUN)
        return nxi_raise("ArgumentError", "expected a function as the last argument of Nx.reduce/4, got: %s",
                         nxi_inspect_plain(fun));
    nx_tensor *r = nx_reduce_(t, acc, call_elixir, fun, o);
    if (!r && nxi_raised()) {   /* the fn raised: its exception wins */
        nx_error_clear();
        return NULL;
    }
    return nxi_tensor_value(r);
}

const nxi_func nxi_composite_funcs[] = {
    { "Nx", "logical_not", 1, 1, logical_not_b },
    { "Nx", "log2", 1, 1, log2_b },
    { "Nx", "log10", 1, 1, log10_b },
    { "Nx", "log", 2, 2, log_with_base_b },
    { "Nx", "tri", 2, 3, tri_b },
    { "Nx", "tril", 1, 2, tril_b },
    { "Nx", "triu", 1, 2, triu_b },
    { "Nx", "take_diagonal", 1, 2, take_diagonal_b },
    { "Nx", "make_diagonal", 1, 2, make_diagonal_b },
    { "Nx", "put_diagonal", 2, 3, put_diagonal_b },
    { "Nx", "fill", 2, 3, fill_b },
    { "Nx", "linspace", 2, 3, linspace_b },
    { "Nx", "weighted_mean", 2, 3, weighted_mean_b },
    { "Nx", "median", 1, 2, median_b },
    { "Nx", "mode", 1, 2, mode_b },
    { "Nx", "covariance", 1, 3, covariance_b },
    { "Nx", "all_close", 2, 3, all_close_b },
    { "Nx", "reduce", 3, 4, reduce_b },
    { NULL, NULL, 0, 0, NULL },
};
