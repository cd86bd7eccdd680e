/* src/cli/nxlib_vectorize.c: the interpreter's bindings of Nx.reshape_vectors,
 * Nx.broadcast_vectors and Nx.revectorize (spec/functions.md §19): lists of tensor-likes
 * in and out, containers mapped leaf by leaf, then include/nx/vectorize.h; and of
 * Nx.to_batched, whose stream is a list here (Enum functions take both). */
#include <string.h>
#include "cli/nxlib_args.h"
#include "nx.h"

typedef int vectors_fn(const nx_tensor *const *, int, nx_tensor **, nx_vectors_opts);

static nxv *vectors(vectors_fn *fn, int argc, nxv **argv)
{
    static const char *const allowed[] = { "align_ranks" };
    nxv *vals[1], *list = argv[0];
    if (list->kind != NXV_LIST || list->list.tail)
        return nxi_raise("ArgumentError", "expected a list of tensors, got: %s", nxi_inspect_plain(list));
    if (list->list.n > 4096)
        return nxi_raise("ArgumentError", "nxc takes at most 4096 tensors here, got %lld", (long long)list->list.n);
    if (nxi_opts(argc > 1 ? argv[1] : NULL, allowed, 1, vals) < 0)
        return NULL;
    int n = (int)list->list.n;
    const nx_tensor *in[n > 0 ? n : 1];
    nx_tensor *out[n > 0 ? n : 1];
    for (int i = 0; i < n; i++)
        if (!(in[i] = nxi_to_tensor(list->list.items[i])))
            return NULL;
    if (fn(in, n, out, (nx_vectors_opts){ .align_ranks = vals[0] && nxv_truthy(vals[0]) }) < 0)
        return nxi_raise_from_nx();
    nxv **items = nxv_items(n);
    for (int i = 0; i < n; i++)
        items[i] = nxv_tensor(out[i]);
    return nxv_list(n, items);
}

static nxv *reshape_vectors_b(int argc, nxv **argv) { return vectors(nx_reshape_vectors_, argc, argv); }
static nxv *broadcast_vectors_b(int argc, nxv **argv) { return vectors(nx_broadcast_vectors_, argc, argv); }

typedef struct {
    int n;
    const char *names[NX_MAX_RANK];
    int64_t sizes[NX_MAX_RANK];
    nx_revectorize_opts o;
} revectorize_args;

static nxv *revectorize_leaf(nxv *leaf, void *ctx)
{
    const revectorize_args *a = ctx;
    nx_tensor *t = nxi_to_tensor(leaf);
    return t ? nxi_tensor_value(nx_revectorize_(t, a->n, a->names, a->sizes, a->o)) : NULL;
}

/* Nx.revectorize(tensor_or_container, [name: size_or_auto, ...], target_shape:, target_names:) */
static nxv *revectorize_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "target_shape", "target_names" };
    nxv *vals[2], *axes = argv[1];
    revectorize_args a = { 0 };
    if (axes->kind != NXV_LIST || axes->list.tail || !nxv_is_keyword(axes) || axes->list.n > NX_MAX_RANK)
        return nxi_raise("ArgumentError", "expected target_axes to be a keyword list of names and sizes, got: %s",
                         nxi_inspect_plain(axes));
    a.n = (int)axes->list.n;
    for (int i = 0; i < a.n; i++) {
        nxv *pair = axes->list.items[i], *size = pair->tuple.items[1];
        a.names[i] = nx_atom(pair->tuple.items[0]->atom);
        if (nxv_is_atom(size, "auto"))
            a.sizes[i] = NX_AUTO;
        else if (size->kind == NXV_INT && size->i > 0 && size->i <= INT64_MAX)
            a.sizes[i] = (int64_t)size->i;
        else
            return nxi_raise("ArgumentError", "expected vectorized axis size to be a positive integer or :auto, got: %s",
                             nxi_inspect_plain(size));
    }
    if (nxi_validate_keywords(argc > 2 ? argv[2] : NULL, allowed, 2, vals) < 0)
        return NULL;
    if (vals[0] && !nxv_is_nil(vals[0])) {
        nxv *s = vals[0];
        if (s->kind != NXV_TUPLE || s->tuple.n > NX_MAX_RANK)
            return nxi_raise("ArgumentError", "expected :target_shape to be a tuple, got: %s", nxi_inspect_plain(s));
        a.o.has_target_shape = true;
        a.o.target_shape.rank = (int)s->tuple.n;
        for (int i = 0; i < a.o.target_shape.rank; i++) {
            nxv *d = s->tuple.items[i];
            if (nxv_is_atom(d, "auto"))
                a.o.target_shape.dims[i] = NX_AUTO;
            else if (d->kind == NXV_INT && d->i > 0 && d->i <= INT64_MAX)
                a.o.target_shape.dims[i] = (int64_t)d->i;
            else
                return nxi_raise("ArgumentError", "invalid dimension in :target_shape, got: %s", nxi_inspect_plain(s));
        }
    }
    if (vals[1] && !nxv_is_nil(vals[1]) &&
        nxi_to_names(vals[1], a.o.has_target_shape ? a.o.target_shape.rank : (int)vals[1]->list.n, &a.o.target_names) < 0)
        return NULL;
    return nxi_map_leaves(argv[0], revectorize_leaf, &a);
}

/* Nx.to_batched(tensor, batch_size, leftover: :repeat | :discard) */
static nxv *to_batched_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "leftover" };
    nxv *vals[1], *size = argv[1];
    nx_tensor *t = nxi_to_tensor(argv[0]);
    if (!t || nxi_opts(argc > 2 ? argv[2] : NULL, allowed, 1, vals) < 0)
        return NULL;
    if (size->kind != NXV_INT || size->i < 1 || size->i > INT64_MAX)
        return nxi_raise("FunctionClauseError", "no function clause matching in Nx.to_batched/3");
    nx_to_batched_opts o = { .leftover = vals[0] && nxv_is_atom(vals[0], "discard") ? NX_LEFTOVER_DISCARD
                                                                                    : NX_LEFTOVER_REPEAT };
    int64_t n = nx_to_batched_(t, (int64_t)size->i, NULL, 0, o);
    if (n < 0)
        return nxi_raise_from_nx();
    nx_tensor **batches = nx_alloc((size_t)(n > 0 ? n : 1) * sizeof *batches);
    if (!batches)
        return nxi_raise_from_nx();
    if (nx_to_batched_(t, (int64_t)size->i, batches, n, o) < 0) {
        nx_free(batches);
        return nxi_raise_from_nx();
    }
    nxv **items = nxv_items(n);
    for (int64_t i = 0; i < n; i++)
        items[i] = nxv_tensor(batches[i]);
    nx_free(batches);
    return nxv_list(n, items);
}

const nxi_func nxi_vectorize_funcs[] = {
    { "Nx", "to_batched", 2, 3, to_batched_b },
    { "Nx", "reshape_vectors", 1, 2, reshape_vectors_b },
    { "Nx", "broadcast_vectors", 1, 2, broadcast_vectors_b },
    { "Nx", "revectorize", 2, 3, revectorize_b },
    { NULL, NULL, 0, 0, NULL },
};
