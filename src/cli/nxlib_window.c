/* src/cli/nxlib_window.c: the interpreter's bindings of the window operations
 * (window_sum, window_product, window_max, window_min, window_mean, window_reduce,
 * window_scatter_max, window_scatter_min) and Nx.conv: options checked as keyword!/2 does,
 * integers for strides and dilations expanded to one entry per axis as Nx does, padding
 * read with Nx's messages, then the C API of include/nx/window.h and conv.h. */
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

static int is_int(const nxv *v)
{
    return v && v->kind == NXV_INT && v->i >= INT64_MIN && v->i <= INT64_MAX;
}

static int is_list(const nxv *v)
{
    return v && v->kind == NXV_LIST && !v->list.tail;
}

/* An integer (repeated n times) or a list of integers; -1 after raising. */
static int ints_opt(nxv *v, const char *key, int n, nx_ints *out)
{
    *out = (nx_ints){ 0 };
    if (!given(v))
        return 0;
    if (is_int(v)) {
        out->n = n < 0 ? 0 : n > NX_MAX_RANK ? NX_MAX_RANK : n;
        for (int i = 0; i < out->n; i++)
            out->v[i] = (int64_t)v->i;
        return 0;
    }
    int ok = is_list(v) && v->list.n <= NX_MAX_RANK;
    for (int64_t i = 0; ok && i < v->list.n; i++)
        ok = is_int(v->list.items[i]);
    if (!ok) {
        nxi_raise("ArgumentError", "expected :%s to be an integer or a list of integers, got: %s", key,
                  nxi_inspect_plain(v));
        return -1;
    }
    out->n = (int)v->list.n;
    for (int i = 0; i < out->n; i++)
        out->v[i] = (int64_t)v->list.items[i]->i;
    return 0;
}

/* :padding: :valid, :same or a list of {low, high} integer pairs; -1 after raising. */
static int padding_opt(nxv *v, nx_window_padding *mode, nx_pad_pairs *pads)
{
    *mode = NX_PADDING_VALID;
    *pads = (nx_pad_pairs){ 0 };
    if (!given(v) || nxv_is_atom(v, "valid"))
        return 0;
    if (nxv_is_atom(v, "same")) {
        *mode = NX_PADDING_SAME;
        return 0;
    }
    if (!is_list(v)) {
        nxi_raise("ArgumentError",
                  "invalid padding mode specified, padding must be one of :valid, :same, or a padding configuration, got: %s",
                  nxi_inspect_plain(v));
        return -1;
    }
    int ok = v->list.n <= NX_MAX_RANK;
    for (int64_t i = 0; ok && i < v->list.n; i++) {
        nxv *e = v->list.items[i];
        ok = e->kind == NXV_TUPLE && e->tuple.n == 2 && is_int(e->tuple.items[0]) && is_int(e->tuple.items[1]);
        if (ok)
            pads->v[i] = (nx_pad_pair){ (int64_t)e->tuple.items[0]->i, (int64_t)e->tuple.items[1]->i };
    }
    if (!ok) {
        nxi_raise("ArgumentError",
                  "padding must be a list of {high, low} tuples, where each element is an integer. Got: %s",
                  nxi_inspect_plain(v));
        return -1;
    }
    *mode = NX_PADDING_EXPLICIT;
    pads->n = (int)v->list.n;
    return 0;
}

/* ---------------------------------------------------------------- window reductions */

typedef nx_tensor *window_fn(const nx_tensor *t, nx_shape window, nx_window_opts o);

/* The shared options of the window reductions: keyword!(opts, [:window_dilations,
 * padding: :valid, strides: 1]). */
static int window_opts(nxv *opts, int rank, nx_window_opts *o)
{
    static const char *const allowed[] = { "window_dilations", "padding", "strides" };
    enum { DILATIONS, PADDING, STRIDES };
    nxv *vals[3];
    *o = (nx_window_opts){ 0 };
    if (nxi_opts(opts, allowed, 3, vals) < 0 || ints_opt(vals[STRIDES], "strides", rank, &o->strides) < 0 ||
        ints_opt(vals[DILATIONS], "window_dilations", rank, &o->window_dilations) < 0 ||
        padding_opt(vals[PADDING], &o->padding, &o->pads) < 0)
        return -1;
    return 0;
}

static nxv *window_call(window_fn *fn, const char *complex_name, int argc, nxv **argv)
{
    nx_tensor *t = nxi_to_tensor(argv[0]);
    if (!t)
        return NULL;
    if (complex_name && nx_type_is_complex(nx_type_of(t)))
        return nxi_raise("ArgumentError", "Nx.%s/3 does not support complex inputs", complex_name);
    nx_window_opts o;
    nx_shape window;
    if (window_opts(opt_arg(argc, argv, 2), nx_rank(t), &o) < 0 ||
        nxi_to_shape_tuple(argv[1], "window_dimensions", &window) < 0)
        return NULL;
    return nxi_tensor_value(fn(t, window, o));
}

static nxv *window_sum_b(int argc, nxv **argv)
{
    return window_call(nx_window_sum_, NULL, argc, argv);
}

static nxv *window_product_b(int argc, nxv **argv)
{
    return window_call(nx_window_product_, NULL, argc, argv);
}

static nxv *window_max_b(int argc, nxv **argv)
{
    return window_call(nx_window_max_, "window_max", argc, argv);
}

static nxv *window_min_b(int argc, nxv **argv)
{
    return window_call(nx_window_min_, "window_min", argc, argv);
}

static nxv *window_mean_b(int argc, nxv **argv)
{
    return window_call(nx_window_mean_, NULL, argc, argv);
}

/* ---------------------------------------------------------------- window_reduce */

static nx_tensor *call_elixir(const nx_tensor *elem, const nx_tensor *acc, void *ctx)
{
    nxv *args[2] = { nxv_tensor((nx_tensor *)elem), nxv_tensor((nx_tensor *)acc) };
    nxv *r = nxi_call_fun((nxv *)ctx, 2, args);
    return r ? nxi_to_tensor(r) : NULL;
}

/* window_reduce(t, acc, window_dimensions, opts \\ [], fun). */
static nxv *window_reduce_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "window_dilations", "strides", "padding" };
    enum { DILATIONS, STRIDES, PADDING };
    nxv *vals[3], *fun = argv[argc - 1];
    if (argv[2]->kind != NXV_TUPLE || fun->kind != NXV_FUN)
        return nxi_raise("FunctionClauseError", "no function clause matching in Nx.window_reduce/5");
    nx_tensor *t = nxi_to_tensor(argv[0]), *acc = t ? nxi_to_tensor(argv[1]) : NULL;
    nx_window_opts o = { 0 };
    nx_shape window;
    if (!acc || nxi_opts(argc == 5 ? argv[3] : NULL, allowed, 3, vals) < 0)
        return NULL;
    int rank = nx_rank(t);
    if (ints_opt(vals[STRIDES], "strides", rank, &o.strides) < 0 ||
        ints_opt(vals[DILATIONS], "window_dilations", rank, &o.window_dilations) < 0 ||
        padding_opt(vals[PADDING], &o.padding, &o.pads) < 0 ||
        nxi_to_shape_tuple(argv[2], "window_dimensions", &window) < 0)
        return NULL;
    nx_tensor *r = nx_window_reduce_(t, acc, window, call_elixir, fun, o);
    if (!r && nxi_raised()) {   /* the fn raised: its exception wins */
        nx_error_clear();
        return NULL;
    }
    return nxi_tensor_value(r);
}

/* ---------------------------------------------------------------- window_scatter */

typedef nx_tensor *scatter_fn(const nx_tensor *t, const nx_tensor *source, const nx_tensor *init, nx_shape window,
                              nx_window_scatter_opts o);

/* window_scatter_max/min(t, source, init_value, window_dimensions, opts \\ []). */
static nxv *scatter_call(scatter_fn *fn, int argc, nxv **argv)
{
    static const char *const allowed[] = { "padding", "strides" };
    enum { PADDING, STRIDES };
    nxv *vals[2];
    nx_window_scatter_opts o = { 0 };
    nx_shape window;
    if (nxi_opts(opt_arg(argc, argv, 4), allowed, 2, vals) < 0 ||
        nxi_to_shape_tuple(argv[3], "window_dimensions", &window) < 0)
        return NULL;
    nx_tensor *t = nxi_to_tensor(argv[0]), *source = t ? nxi_to_tensor(argv[1]) : NULL;
    nx_tensor *init = source ? nxi_to_tensor(argv[2]) : NULL;
    if (!init || ints_opt(vals[STRIDES], "strides", nx_rank(t), &o.strides) < 0 ||
        padding_opt(vals[PADDING], &o.padding, &o.pads) < 0)
        return NULL;
    return nxi_tensor_value(fn(t, source, init, window, o));
}

static nxv *window_scatter_max_b(int argc, nxv **argv)
{
    return scatter_call(nx_window_scatter_max_, argc, argv);
}

static nxv *window_scatter_min_b(int argc, nxv **argv)
{
    return scatter_call(nx_window_scatter_min_, argc, argv);
}

/* ---------------------------------------------------------------- conv */

/* :input_dilation / :kernel_dilation: a positive integer (repeated) or a list; -1 after
 * raising Nx's messages for what the library cannot receive. */
static int dilation_opt(nxv *v, const char *which, int nsp, nx_ints *out)
{
    *out = (nx_ints){ 0 };
    if (!given(v))
        return 0;
    if (!is_int(v) && !is_list(v)) {
        nxi_raise("ArgumentError", "%s dilation must be a positive integer or list of positive integers, got %s",
                  which, nxi_inspect_plain(v));
        return -1;
    }
    if (is_list(v)) {
        int ok = v->list.n <= NX_MAX_RANK;
        for (int64_t i = 0; ok && i < v->list.n; i++)
            ok = is_int(v->list.items[i]);
        if (!ok && v->list.n != nsp) {
            nxi_raise("ArgumentError",
                      "must specify dilation for each spatial dimension of the %s or specify an integer dilation factor",
                      which);
            return -1;
        }
        if (!ok) {
            nxi_raise("ArgumentError", "%s dilation of each dimension must be a positive integer, got %s", which,
                      nxi_inspect_plain(v));
            return -1;
        }
    }
    return ints_opt(v, which, nsp, out);
}

static int group_opt(nxv *v, const char *key, int64_t *out)
{
    *out = 1;
    if (!given(v))
        return 0;
    if (!is_int(v) || v->i < 1) {
        nxi_raise("ArgumentError", "expected :%s to be a positive integer, got: %s", key, nxi_inspect_plain(v));
        return -1;
    }
    *out = (int64_t)v->i;
    return 0;
}

static nxv *conv_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "input_permutation", "kernel_permutation", "output_permutation",
                                           "padding", "strides", "input_dilation", "kernel_dilation",
                                           "feature_group_size", "batch_group_size" };
    enum { IPERM, KPERM, OPERM, PADDING, STRIDES, IDIL, KDIL, FGROUPS, BGROUPS };
    nxv *vals[9];
    nx_conv_opts o = { 0 };
    nx_tensor *x = nxi_to_tensor(argv[0]), *w = x ? nxi_to_tensor(argv[1]) : NULL;
    if (!w || nxi_opts(opt_arg(argc, argv, 2), allowed, 9, vals) < 0)
        return NULL;
    int rx = nx_rank(x), rw = nx_rank(w);
    if (nxi_to_axes(vals[IPERM], rx, &o.input_permutation, 0) < 0 ||
        nxi_to_axes(vals[KPERM], rw, &o.kernel_permutation, 0) < 0 ||
        nxi_to_axes(vals[OPERM], rx, &o.output_permutation, 0) < 0 ||
        ints_opt(vals[STRIDES], "strides", rx - 2, &o.strides) < 0 ||
        dilation_opt(vals[IDIL], "input", rx - 2, &o.input_dilation) < 0 ||
        dilation_opt(vals[KDIL], "kernel", rw - 2, &o.kernel_dilation) < 0 ||
        padding_opt(vals[PADDING], &o.padding, &o.pads) < 0 ||
        group_opt(vals[FGROUPS], "feature_group_size", &o.feature_group_size) < 0 ||
        group_opt(vals[BGROUPS], "batch_group_size", &o.batch_group_size) < 0)
        return NULL;
    return nxi_tensor_value(nx_conv_(x, w, o));
}

const nxi_func nxi_window_funcs[] = {
    { "Nx", "window_sum", 2, 3, window_sum_b },
    { "Nx", "window_product", 2, 3, window_product_b },
    { "Nx", "window_max", 2, 3, window_max_b },
    { "Nx", "window_min", 2, 3, window_min_b },
    { "Nx", "window_mean", 2, 3, window_mean_b },
    { "Nx", "window_reduce", 4, 5, window_reduce_b },
    { "Nx", "window_scatter_max", 4, 5, window_scatter_max_b },
    { "Nx", "window_scatter_min", 4, 5, window_scatter_min_b },
    { "Nx", "conv", 2, 3, conv_b },
    { NULL, NULL, 0, 0, NULL },
};
