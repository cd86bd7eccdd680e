/* src/cli/nxlib_sort.c: the interpreter's bindings of Nx.sort, Nx.argsort and Nx.top_k
 * (spec/functions.md §16): options read as Nx reads them (keyword!/2 for sort and
 * argsort, Elixir's Keyword.validate!/2 for top_k), then the C API; top_k returns the
 * tuple {values, indices}. */
#include <string.h>
#include "cli/nxlib_args.h"
#include "nx.h"

static nxv *opt_arg(int argc, nxv **argv, int i)
{
    return argc > i ? argv[i] : NULL;
}

/* :direction (absent: :asc); -1 after raising. */
static int direction_of(nxv *v, nx_direction *out)
{
    if (!v || nxv_is_atom(v, "asc")) {
        *out = NX_ASC;
        return 0;
    }
    if (nxv_is_atom(v, "desc")) {
        *out = NX_DESC;
        return 0;
    }
    nxi_raise("ArgumentError", "unknown value for :direction, expected :asc or :desc, got: %s", nxi_inspect_plain(v));
    return -1;
}

/* The options sort and argsort share: the tensor, :axis, :direction, :stable. */
static int sort_args(nxv *arg, nxv **vals, nx_tensor **t, nx_axis *axis, nx_direction *dir, bool *stable)
{
    *t = nxi_to_tensor(arg);
    if (!*t || direction_of(vals[1], dir) < 0)
        return -1;
    *axis = (nx_axis){ 0 };
    if (vals[0] && nxi_to_axis(vals[0], nx_rank(*t), axis) < 0)
        return -1;
    *stable = vals[2] && nxv_truthy(vals[2]);
    return 0;
}

static nxv *sort_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "axis", "direction", "stable" };
    nxv *vals[3];
    nx_tensor *t;
    nx_sort_opts o;
    if (nxi_opts(opt_arg(argc, argv, 1), allowed, 3, vals) < 0 ||
        sort_args(argv[0], vals, &t, &o.axis, &o.direction, &o.stable) < 0)
        return NULL;
    return nxi_tensor_value(nx_sort_(t, o));
}

static nxv *argsort_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "axis", "direction", "stable", "type" };
    nxv *vals[4];
    nx_tensor *t;
    nx_argsort_opts o = { .type = NX_S32 };
    if (nxi_opts(opt_arg(argc, argv, 1), allowed, 4, vals) < 0 ||
        sort_args(argv[0], vals, &t, &o.axis, &o.direction, &o.stable) < 0)
        return NULL;
    if (vals[3] && !(o.type = nxi_to_type(vals[3])))
        return NULL;
    return nxi_tensor_value(nx_argsort_(t, o));
}

/* Elixir's Keyword.validate!(opts, allowed) for allowed keys without defaults: fills
 * vals[i] (NULL when absent); -1 after raising its messages. Unknown keys are listed
 * last-seen first, as Elixir accumulates them. */
static int keyword_validate(nxv *opts, const char *const *allowed, int nallowed, nxv **vals)
{
    for (int i = 0; i < nallowed; i++)
        vals[i] = NULL;
    if (!opts)
        return 0;
    if (opts->kind != NXV_LIST || opts->list.tail) {
        nxi_raise("FunctionClauseError", "no function clause matching in Keyword.validate/2");
        return -1;
    }
    int64_t n = opts->list.n, nbad = 0, nunknown = 0;
    nxv **bad = nxv_items(n);
    for (int64_t j = 0; j < n; j++) {
        nxv *pair = opts->list.items[j];
        if (pair->kind != NXV_TUPLE || pair->tuple.n != 2 || pair->tuple.items[0]->kind != NXV_ATOM) {
            if (nbad > 0)
                break;   /* Elixir has no clause for this: the bad keys are reported */
            nxi_raise("ArgumentError", "expected a keyword list as first argument, got invalid entry: %s",
                      nxi_inspect_plain(pair));
            return -1;
        }
        nxv *key = pair->tuple.items[0];
        int found = -1, known = 0;
        for (int i = 0; i < nallowed; i++)
            if (!strcmp(key->atom, allowed[i])) {
                known = 1;
                if (!vals[i])
                    found = i;
            }
        if (found >= 0) {
            vals[found] = pair->tuple.items[1];
        } else {
            bad[nbad++] = key;
            nunknown += !known;
        }
    }
    if (nbad == 0)
        return 0;
    /* Elixir lists the bad keys last-seen first and reports unknown ones before duplicates. */
    nxv **list = nxv_items(nbad);
    int64_t m = 0;
    for (int64_t j = nbad - 1; j >= 0; j--) {
        int known = 0;
        for (int i = 0; i < nallowed; i++)
            known |= !strcmp(bad[j]->atom, allowed[i]);
        if (nunknown ? !known : known)
            list[m++] = bad[j];
    }
    char *text = nxi_inspect_plain(nxv_list(m, list));
    if (nunknown)
        nxi_raise("ArgumentError", "unknown keys %s in %s, the allowed keys are: %s", text, nxi_inspect_plain(opts),
                  nxi_keys_text(allowed, nallowed));
    else
        nxi_raise("ArgumentError", "duplicate keys %s in %s", text, nxi_inspect_plain(opts));
    return -1;
}

static nxv *top_k_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "k" };
    nxv *vals[1];
    if (keyword_validate(opt_arg(argc, argv, 1), allowed, 1, vals) < 0)
        return NULL;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    if (!t)
        return NULL;
    nx_top_k_opts o = { .k = 1 };
    nxv *kv = vals[0];
    if (kv && (kv->kind != NXV_INT || kv->i < 1 || kv->i > INT64_MAX)) {
        /* The library takes k = 0 as the default: Nx's message for bad k is raised here, after
         * the rank check the library would make first. */
        if (nx_rank(t) == 0)
            return nxi_tensor_value(nx_top_k_(t, NULL, o));
        if (kv->kind == NXV_INT && kv->i > INT64_MAX)
            return nxi_raise("ArgumentError",
                             "top_k input last axis size must be greater than or equal to k, got size=%lld and k=%s",
                             (long long)nx_shape_of(t).dims[nx_rank(t) - 1], nxi_inspect_plain(kv));
        return nxi_raise("ArgumentError", "top_k k must be an integer greater than or equal to 1, got k=%s",
                         nxi_inspect_plain(kv));
    }
    if (kv)
        o.k = (int64_t)kv->i;
    nx_tensor *indices;
    nx_tensor *values = nx_top_k_(t, &indices, o);
    if (!values)
        return nxi_raise_from_nx();
    nxv **items = nxv_items(2);
    items[0] = nxv_tensor(values);
    items[1] = nxv_tensor(indices);
    return nxv_tuple(2, items);
}

const nxi_func nxi_sort_funcs[] = {
    { "Nx", "sort", 1, 2, sort_b },
    { "Nx", "argsort", 1, 2, argsort_b },
    { "Nx", "top_k", 1, 2, top_k_b },
    { NULL, NULL, 0, 0, NULL },
};
