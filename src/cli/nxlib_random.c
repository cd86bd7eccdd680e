/* src/cli/nxlib_random.c: the interpreter's bindings of Nx.Random (spec/random.md):
 * options checked with Keyword.validate! in Nx's key order, numbers handed to the C API
 * as number tensors (which it reads as defn does), and the {sample, new_key} tuples of
 * the samplers built here. */
#include "cli/nxlib_args.h"
#include "nx.h"

static nxv *opt_at(int argc, nxv **argv, int i)
{
    return argc > i ? argv[i] : NULL;
}

/* {t, key} or the pending error. */
static nxv *pair_value(nx_tensor *t, nx_tensor *key)
{
    if (!t)
        return nxi_raise_from_nx();
    nxv **items = nxv_items(2);
    items[0] = nxv_tensor(t);
    items[1] = nxv_tensor(key);
    return nxv_tuple(2, items);
}

/* :shape, :type and :names (vals in that order) into o; -1 after raising. */
static int sampler_opts(nxv **vals, nx_random_opts *o)
{
    *o = (nx_random_opts){ 0 };
    if (vals[0] && nxi_to_shape(vals[0], &o->shape) < 0)
        return -1;
    if (vals[1] && !(o->type = nxi_to_type(vals[1])))
        return -1;
    if (vals[2] && nxi_to_names(vals[2], o->shape.rank, &o->names) < 0)
        return -1;
    return 0;
}

/* Validates a sampler's options (keys in the order of Nx's keyword! call, for the
 * message of unknown keys). */
static int sampler_args(nxv *opts, nx_random_opts *o)
{
    static const char *const allowed[] = { "names", "type", "shape" };
    nxv *v[3];
    if (nxi_validate_keywords(opts, allowed, 3, v) < 0)
        return -1;
    nxv *vals[3] = { v[2], v[1], v[0] };
    return sampler_opts(vals, o);
}

/* ---------------------------------------------------------------- keys */

static nxv *key_b(int argc, nxv **argv)
{
    (void)argc;
    nxv *s = argv[0];
    if (s->kind == NXV_INT)
        return nxi_tensor_value(nx_random_key((uint64_t)(unsigned __int128)s->i));
    if (s->kind == NXV_TENSOR)
        return nxi_tensor_value(nx_random_key_tensor(s->tensor));
    return nxi_raise("ArgumentError", "expected seed to be an integer, u64 tensor or s64 tensor, got: %s",
                     nxi_inspect_plain(s));
}

static nxv *split_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "parts" };
    nxv *vals[1];
    nx_tensor *key = nxi_to_tensor(argv[0]);
    if (!key || nxi_validate_keywords(opt_at(argc, argv, 1), allowed, 1, vals) < 0)
        return NULL;
    int64_t parts = 2;
    if (vals[0]) {
        if (vals[0]->kind != NXV_INT || vals[0]->i < 1 || vals[0]->i > INT64_MAX)
            return nxi_raise("ArgumentError", "split expects :parts to be a positive integer, got: %s",
                             nxi_inspect_plain(vals[0]));
        parts = (int64_t)vals[0]->i;
    }
    return nxi_tensor_value(nx_random_split(key, .parts = parts));
}

static nxv *fold_in_b(int argc, nxv **argv)
{
    (void)argc;
    nx_tensor *key = nxi_to_tensor(argv[0]), *data = key ? nxi_to_tensor(argv[1]) : NULL;
    return data ? nxi_tensor_value(nx_random_fold_in(key, data)) : NULL;
}

static nxv *threefry_b(int argc, nxv **argv)
{
    (void)argc;
    nx_tensor *xs = nxi_to_tensor(argv[0]), *key = xs ? nxi_to_tensor(argv[1]) : NULL;
    return key ? nxi_tensor_value(nx_random_threefry2x32_20_concat(xs, key)) : NULL;
}

/* ---------------------------------------------------------------- uniform, normal, randint */

typedef nx_tensor *bounded_fn(const nx_tensor *, const nx_tensor *, const nx_tensor *, nx_tensor **,
                              nx_random_opts);
typedef nx_tensor *bounded_split_fn(const nx_tensor *, const nx_tensor *, const nx_tensor *, nx_random_opts);

/* f(key, opts) or f(key, a, b, opts): bounds are optional only where `optional`. */
static nxv *bounded(bounded_fn *fn, bounded_split_fn *split, int optional, int argc, nxv **argv)
{
    nx_random_opts o;
    nx_tensor *a = NULL, *b = NULL, *key = nxi_to_tensor(argv[0]), *new_key = NULL;
    int has_bounds = !optional || argc >= 3;
    if (!key)
        return NULL;
    if (has_bounds && (!(a = nxi_to_tensor(argv[1])) || !(b = nxi_to_tensor(argv[2]))))
        return NULL;
    if (sampler_args(opt_at(argc, argv, has_bounds ? 3 : 1), &o) < 0)
        return NULL;
    if (split)
        return nxi_tensor_value(split(key, a, b, o));
    nx_tensor *t = fn(key, a, b, &new_key, o);
    return pair_value(t, new_key);
}

static nxv *uniform_b(int argc, nxv **argv) { return bounded(nx_random_uniform_, NULL, 1, argc, argv); }
static nxv *uniform_split_b(int argc, nxv **argv) { return bounded(NULL, nx_random_uniform_split_, 1, argc, argv); }
static nxv *normal_b(int argc, nxv **argv) { return bounded(nx_random_normal_, NULL, 1, argc, argv); }
static nxv *normal_split_b(int argc, nxv **argv) { return bounded(NULL, nx_random_normal_split_, 1, argc, argv); }
static nxv *randint_b(int argc, nxv **argv) { return bounded(nx_random_randint_, NULL, 0, argc, argv); }
static nxv *randint_split_b(int argc, nxv **argv) { return bounded(NULL, nx_random_randint_split_, 0, argc, argv); }

/* ---------------------------------------------------------------- gumbel */

static nxv *gumbel_any(int split, int argc, nxv **argv)
{
    static const char *const allowed[] = { "shape", "type" };
    nxv *vals[3] = { NULL, NULL, NULL };
    nx_random_opts o;
    nx_tensor *key = nxi_to_tensor(argv[0]), *new_key = NULL;
    if (!key || nxi_validate_keywords(opt_at(argc, argv, 1), allowed, 2, vals) < 0 || sampler_opts(vals, &o) < 0)
        return NULL;
    if (split)
        return nxi_tensor_value(nx_random_gumbel_split_(key, o));
    nx_tensor *t = nx_random_gumbel_(key, &new_key, o);
    return pair_value(t, new_key);
}

static nxv *gumbel_b(int argc, nxv **argv) { return gumbel_any(0, argc, argv); }
static nxv *gumbel_split_b(int argc, nxv **argv) { return gumbel_any(1, argc, argv); }

/* ---------------------------------------------------------------- shuffle, choice */

static nxv *shuffle_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "axis", "independent" };
    nxv *vals[2];
    nx_shuffle_opts o = { 0 };
    nx_tensor *key = nxi_to_tensor(argv[0]), *t = key ? nxi_to_tensor(argv[1]) : NULL, *new_key = NULL;
    if (!t || nxi_validate_keywords(opt_at(argc, argv, 2), allowed, 2, vals) < 0)
        return NULL;
    if (vals[0] && nxi_to_axis(vals[0], nx_rank(t), &o.axis) < 0)
        return NULL;
    o.independent = vals[1] && nxv_truthy(vals[1]);
    nx_tensor *r = nx_random_shuffle(key, t, &new_key, .axis = o.axis, .independent = o.independent);
    return pair_value(r, new_key);
}

static nxv *choice_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "samples", "axis", "replace" };
    nxv *vals[3], *opts = NULL;
    nx_choice_opts o = { 0 };
    nx_tensor *key = nxi_to_tensor(argv[0]), *t = key ? nxi_to_tensor(argv[1]) : NULL, *p = NULL, *new_key = NULL;
    if (!t)
        return NULL;
    if (argc >= 3 && argv[2]->kind == NXV_LIST)
        opts = argv[2];
    else if (argc >= 3 && !(p = nxi_to_tensor(argv[2])))
        return NULL;
    if (argc == 4)
        opts = argv[3];
    if (nxi_validate_keywords(opts, allowed, 3, vals) < 0)
        return NULL;
    if (vals[0]) {
        if (vals[0]->kind != NXV_INT)
            return nxi_raise("ArgumentError", "expected :samples to be an integer, got: %s", nxi_inspect_plain(vals[0]));
        if (vals[0]->i < 1)
            return nxi_raise("RuntimeError", "must take at least one sample, got samples=%s",
                             nxi_inspect_plain(vals[0]));
        o.samples = (int64_t)vals[0]->i;
    }
    if (vals[1] && !nxv_is_nil(vals[1]) && nxi_to_axis(vals[1], nx_rank(t), &o.axis) < 0)
        return NULL;
    o.no_replace = vals[2] && !nxv_truthy(vals[2]);
    nx_tensor *r = nx_random_choice_(key, t, p, &new_key, o);
    return pair_value(r, new_key);
}

/* ---------------------------------------------------------------- multivariate_normal */

static nxv *mvn_any(int split, int argc, nxv **argv)
{
    static const char *const allowed[] = { "names", "type", "shape", "method" };
    nxv *vals[4];
    nx_mvn_opts o = { 0 };
    nx_tensor *key = nxi_to_tensor(argv[0]), *new_key = NULL;
    nx_tensor *mean = key ? nxi_to_tensor(argv[1]) : NULL, *cov = mean ? nxi_to_tensor(argv[2]) : NULL;
    if (!cov || nxi_validate_keywords(opt_at(argc, argv, 3), allowed, 4, vals) < 0)
        return NULL;
    nxv *m = vals[3];
    if (m && !nxv_is_atom(m, "cholesky")) {
        if (nxv_is_atom(m, "svd"))
            o.method = NX_MVN_SVD;
        else if (nxv_is_atom(m, "eigh"))
            o.method = NX_MVN_EIGH;
        else
            return nxi_raise("ArgumentError", "method must be one of :svd, :eigh, and :cholesky\n");
    }
    if (vals[1] && !(o.type = nxi_to_type(vals[1])))
        return NULL;
    if (vals[2]) {
        nxv *s = vals[2];
        int ok = s->kind == NXV_TUPLE;
        for (int64_t i = 0; ok && i < s->tuple.n; i++)
            ok = s->tuple.items[i]->kind == NXV_INT;
        if (!ok)
            return nxi_raise("ArgumentError", "shape must be a tuple of integers\n");
        if (nxi_to_shape(s, &o.shape) < 0)
            return NULL;
    }
    if (vals[0] && nxi_to_names(vals[0], o.shape.rank + 1, &o.names) < 0)
        return NULL;
    if (split)
        return nxi_tensor_value(nx_random_multivariate_normal_split_(key, mean, cov, o));
    nx_tensor *r = nx_random_multivariate_normal_(key, mean, cov, &new_key, o);
    return pair_value(r, new_key);
}

static nxv *mvn_b(int argc, nxv **argv) { return mvn_any(0, argc, argv); }
static nxv *mvn_split_b(int argc, nxv **argv) { return mvn_any(1, argc, argv); }

const nxi_func nxi_random_funcs[] = {
    { "Nx.Random", "key", 1, 1, key_b },
    { "Nx.Random", "split", 1, 2, split_b },
    { "Nx.Random", "fold_in", 2, 2, fold_in_b },
    { "Nx.Random", "threefry2x32_20_concat", 2, 2, threefry_b },
    { "Nx.Random", "uniform", 1, 4, uniform_b },
    { "Nx.Random", "uniform_split", 1, 4, uniform_split_b },
    { "Nx.Random", "normal", 1, 4, normal_b },
    { "Nx.Random", "normal_split", 1, 4, normal_split_b },
    { "Nx.Random", "randint", 3, 4, randint_b },
    { "Nx.Random", "randint_split", 3, 4, randint_split_b },
    { "Nx.Random", "gumbel", 1, 2, gumbel_b },
    { "Nx.Random", "gumbel_split", 1, 2, gumbel_split_b },
    { "Nx.Random", "shuffle", 2, 3, shuffle_b },
    { "Nx.Random", "choice", 2, 4, choice_b },
    { "Nx.Random", "multivariate_normal", 3, 4, mvn_b },
    { "Nx.Random", "multivariate_normal_split", 3, 4, mvn_split_b },
    { NULL, NULL, 0, 0, NULL },
};
