/* src/cli/nxlib_batch.c: Nx.Batch in the interpreter (Nx 0.13.1's lib/nx/batch.ex):
 * entries stacked (a new leading axis each) or concatenated (along their first axis),
 * merged, split and padded, then concatenated and zero-padded when the batch reaches
 * defn/jit as an argument (its Nx.LazyContainer side: nxi_map_leaves calls
 * nxi_batch_materialize).
 *
 * A batch is the struct %Nx.Batch{key, stack, size, template, pad}. nxc keeps `stack` in
 * entry order as a list of {container, rows}, each container holding the entry's leaves
 * already shaped for concatenation along axis 0, and `template` as the first entry's
 * container of Nx.TemplateBackend tensors (the leaves without their batch axis). */
#include <string.h>
#include "cli/eval.h"
#include "cli/nxlib.h"
#include "cli/nxlib_args.h"
#include "core/tensor.h"
#include "nx.h"

static const char *const batch_fields[] = { "key", "stack", "size", "template", "pad" };
enum { F_KEY, F_STACK, F_SIZE, F_TEMPLATE, F_PAD, NFIELDS };

typedef struct {
    nxv *f[NFIELDS];
} batch;

int nxi_is_batch(const nxv *v)
{
    if (!v || v->kind != NXV_MAP)
        return 0;
    for (int64_t i = 0; i < v->map.n; i++)
        if (nxv_is_atom(v->map.keys[i], "__struct__"))
            return nxv_is_atom(v->map.vals[i], "Elixir.Nx.Batch");
    return 0;
}

static nxv *batch_value(const batch *b)
{
    nxv **k = nxv_items(NFIELDS + 1), **v = nxv_items(NFIELDS + 1);
    k[0] = nxv_atom("__struct__");
    v[0] = nxv_atom("Elixir.Nx.Batch");
    for (int i = 0; i < NFIELDS; i++) {
        k[i + 1] = nxv_atom(batch_fields[i]);
        v[i + 1] = b->f[i];
    }
    return nxv_map(NFIELDS + 1, k, v);
}

static batch new_batch(void)
{
    return (batch){ { nxv_atom("default"), nxv_list(0, NULL), nxv_int(0), nxv_nil(), nxv_int(0) } };
}

/* The fields of a batch argument; FunctionClauseError for anything else. */
static int batch_of(nxv *v, batch *b, const char *fname, int arity)
{
    if (!nxi_is_batch(v)) {
        nxi_raise("FunctionClauseError", "no function clause matching in Nx.Batch.%s/%d", fname, arity);
        return -1;
    }
    *b = new_batch();
    for (int i = 0; i < NFIELDS; i++)
        for (int64_t j = 0; j < v->map.n; j++)
            if (nxv_is_atom(v->map.keys[j], batch_fields[i]))
                b->f[i] = v->map.vals[j];
    return 0;
}

static int64_t int_field(const batch *b, int f)
{
    return b->f[f]->kind == NXV_INT ? (int64_t)b->f[f]->i : 0;
}

/* ---- templates ---- */

/* The entry's batch template of leaf t: its shape without axis 0 when concatenating. */
static nx_tensor *leaf_template(const nx_tensor *t, int stacked)
{
    nx_shape s = nx_shape_of(t);
    nx_names names = nx_names_of(t);
    if (!stacked) {
        memmove(s.dims, s.dims + 1, (size_t)(s.rank - 1) * sizeof *s.dims);
        memmove(names.v, names.v + 1, (size_t)(s.rank - 1) * sizeof *names.v);
        s.rank--;
        names.n = s.rank;
    }
    return nx_template(s, nx_type_of(t), .names = names);
}

static int same_leaf(const nx_tensor *a, const nx_tensor *b)
{
    if (a->type != b->type || a->rank != b->rank)
        return 0;
    for (int i = 0; i < a->rank; i++)
        if (a->dims[i] != b->dims[i] || (a->names[i] != b->names[i] && (!a->names[i] || !b->names[i] ||
                                                                        strcmp(a->names[i], b->names[i]))))
            return 0;
    return 1;
}

/* Nx.compatible?/2 on two containers of template tensors: same structure, same leaves. */
static int compatible(const nxv *a, const nxv *b)
{
    if (a->kind != b->kind)
        return 0;
    switch (a->kind) {
    case NXV_TUPLE:
        if (a->tuple.n != b->tuple.n)
            return 0;
        for (int64_t i = 0; i < a->tuple.n; i++)
            if (!compatible(a->tuple.items[i], b->tuple.items[i]))
                return 0;
        return 1;
    case NXV_MAP:
        if (a->map.n != b->map.n)
            return 0;
        for (int64_t i = 0; i < a->map.n; i++)
            if (!nxv_equal(a->map.keys[i], b->map.keys[i], 1) || !compatible(a->map.vals[i], b->map.vals[i]))
                return 0;
        return 1;
    case NXV_TENSOR:
        return same_leaf(a->tensor, b->tensor);
    default:
        return nxv_equal(a, b, 1);
    }
}

/* ---- entries ---- */

typedef struct {
    nxv *container;   /* the leaves ready to concatenate along axis 0 */
    nxv *tmpl;        /* the batch template of the entry */
    int64_t rows;
} entry;

/* Nx.Batch's traverse/2 of one entry: stacked leaves gain a leading axis; concatenated
 * ones must share their first axis. */
static int traverse(nxv *container, int stacked, entry *e)
{
    nx_tensor **leaves;
    int n = nxi_gather_leaves(container, &leaves);
    if (n < 0)
        return -1;
    e->rows = stacked ? 1 : -1;
    nx_tensor **ready = nxi_alloc((size_t)(n + 1) * sizeof *ready);
    nx_tensor **tmpl = nxi_alloc((size_t)(n + 1) * sizeof *tmpl);
    for (int i = 0; i < n; i++) {
        nx_tensor *t = leaves[i];
        if (!stacked && t->rank - t->vrank == 0) {
            nxi_raise("ArgumentError", "cannot concatenate scalar tensor in %s", nxi_inspect_plain(container));
            return -1;
        }
        if (!stacked && e->rows >= 0 && t->dims[0] != e->rows) {
            nxi_raise("ArgumentError",
                      "concatenate expects all tensors in the same container to have the same value for first "
                      "axis, got %lld and %lld in %s",
                      (long long)t->dims[0], (long long)e->rows, nxi_inspect_plain(container));
            return -1;
        }
        if (!stacked)
            e->rows = t->dims[0];
        ready[i] = stacked ? nx_new_axis(t, 0, NULL) : t;
        tmpl[i] = ready[i] ? leaf_template(t, stacked) : NULL;
        if (!tmpl[i]) {
            nxi_raise_nx_or_pending();
            return -1;
        }
    }
    if (e->rows < 0) {
        nxi_raise("ArgumentError", "cannot have an empty container in concatenate: %s", nxi_inspect_plain(container));
        return -1;
    }
    nxi_refill r = { ready, 0 }, rt = { tmpl, 0 };
    e->container = nxi_map_leaves(container, nxi_refill_leaf, &r);
    e->tmpl = e->container ? nxi_map_leaves(container, nxi_refill_leaf, &rt) : NULL;
    return e->tmpl ? 0 : -1;
}

static nxv *incompatible(const char *what, nxv *have, const char *other, nxv *tmpl, nxv *from)
{
    return nxi_raise("ArgumentError",
                     "cannot add to batch due to incompatible tensors/containers.\n\nThe %s has shape:\n\n%s\n\n"
                     "But %s has template:\n\n%s\n\nFrom entry:\n\n%s\n",
                     what, nxi_inspect_plain(have), other, nxi_inspect_plain(tmpl), nxi_inspect_plain(from));
}

static nxv *entry_item(const entry *e)
{
    nxv **pair = nxv_items(2);
    pair[0] = e->container;
    pair[1] = nxv_int(e->rows);
    return nxv_tuple(2, pair);
}

/* concatenate/2 and stack/2: the entries appended to batch b. */
static nxv *add(batch b, nxv *entries, int stacked)
{
    if (entries->kind != NXV_LIST)
        return nxi_raise("FunctionClauseError", "no function clause matching in Nx.Batch.add/3");
    if (entries->list.n == 0)
        return batch_value(&b);
    nxv *stack = b.f[F_STACK];
    int64_t n0 = stack->kind == NXV_LIST ? stack->list.n : 0, n = entries->list.n;
    nxv **items = nxv_items(n0 + n);
    if (n0)
        memcpy(items, stack->list.items, (size_t)n0 * sizeof *items);
    int64_t size = int_field(&b, F_SIZE);
    entry head = { 0 };
    for (int64_t i = 0; i < n; i++) {
        entry e;
        if (traverse(entries->list.items[i], stacked, &e) < 0)
            return NULL;
        if (i == 0)
            head = e;
        else if (!compatible(e.tmpl, head.tmpl))
            return incompatible("head of the list", head.tmpl, "another list element", e.tmpl,
                                entries->list.items[i]);
        items[n0 + i] = entry_item(&e);
        size += e.rows;
    }
    if (!nxv_is_nil(b.f[F_TEMPLATE]) && !compatible(b.f[F_TEMPLATE], head.tmpl))
        return incompatible("batch", b.f[F_TEMPLATE], "then the head of the list", head.tmpl, entries->list.items[0]);
    b.f[F_TEMPLATE] = head.tmpl;
    b.f[F_STACK] = nxv_list(n0 + n, items);
    b.f[F_SIZE] = nxv_int(size);
    return batch_value(&b);
}

/* ---- the functions ---- */

static nxv *batch_new(int argc, nxv **argv)
{
    (void)argc;
    (void)argv;
    batch b = new_batch();
    return batch_value(&b);
}

static nxv *batch_key(int argc, nxv **argv)
{
    (void)argc;
    batch b;
    if (batch_of(argv[0], &b, "key", 2) < 0)
        return NULL;
    b.f[F_KEY] = argv[1];
    return batch_value(&b);
}

static nxv *add_entries(int argc, nxv **argv, int stacked, const char *fname)
{
    batch b = new_batch();
    if (argc == 2 && batch_of(argv[0], &b, fname, 2) < 0)
        return NULL;
    return add(b, argv[argc - 1], stacked);
}

static nxv *batch_concatenate(int argc, nxv **argv)
{
    return add_entries(argc, argv, 0, "concatenate");
}

static nxv *batch_stack(int argc, nxv **argv)
{
    return add_entries(argc, argv, 1, "stack");
}

static nxv *batch_pad(int argc, nxv **argv)
{
    (void)argc;
    batch b;
    if (batch_of(argv[0], &b, "pad", 2) < 0)
        return NULL;
    if (argv[1]->kind != NXV_INT || argv[1]->i < 0 || argv[1]->i > INT64_MAX)
        return nxi_raise("FunctionClauseError", "no function clause matching in Nx.Batch.pad/2");
    b.f[F_PAD] = argv[1];
    return batch_value(&b);
}

/* merge/1 of a list and merge/2 of two batches. */
static nxv *merge_list(nxv *list)
{
    batch acc = new_batch();
    if (list->kind != NXV_LIST)
        return nxi_raise("FunctionClauseError", "no function clause matching in Nx.Batch.merge/1");
    int64_t total = 0;
    for (int64_t i = 0; i < list->list.n; i++) {
        batch b;
        if (batch_of(list->list.items[i], &b, "merge", 1) < 0)
            return NULL;
        total += b.f[F_STACK]->kind == NXV_LIST ? b.f[F_STACK]->list.n : 0;
    }
    nxv **items = nxv_items(total);
    int64_t k = 0;
    for (int64_t i = 0; i < list->list.n; i++) {
        batch b;
        batch_of(list->list.items[i], &b, "merge", 1);
        nxv *t = b.f[F_TEMPLATE], *have = acc.f[F_TEMPLATE];
        if (!nxv_is_nil(t) && !nxv_is_nil(have) && !compatible(t, have))
            return nxi_raise("ArgumentError",
                             "cannot merge batches due to incompatible templates:\n\n    %s\n\nand:\n\n    %s\n",
                             nxi_inspect_plain(t), nxi_inspect_plain(have));
        if (i == 0)
            acc.f[F_KEY] = b.f[F_KEY];
        if (nxv_is_nil(have))
            acc.f[F_TEMPLATE] = t;
        for (int64_t j = 0; b.f[F_STACK]->kind == NXV_LIST && j < b.f[F_STACK]->list.n; j++)
            items[k++] = b.f[F_STACK]->list.items[j];
        acc.f[F_PAD] = nxv_int(int_field(&acc, F_PAD) + int_field(&b, F_PAD));
        acc.f[F_SIZE] = nxv_int(int_field(&acc, F_SIZE) + int_field(&b, F_SIZE));
    }
    acc.f[F_STACK] = nxv_list(k, items);
    return batch_value(&acc);
}

static nxv *batch_merge(int argc, nxv **argv)
{
    if (argc == 1)
        return merge_list(argv[0]);
    nxv **pair = nxv_items(2);
    pair[0] = argv[0];
    pair[1] = argv[1];
    return merge_list(nxv_list(2, pair));
}

/* The rows [start, start + len) of an entry's container. */
static nxv *entry_rows(nxv *container, int64_t start, int64_t len)
{
    nx_tensor **leaves;
    int n = nxi_gather_leaves(container, &leaves);
    if (n < 0)
        return NULL;
    for (int i = 0; i < n; i++)
        if (!(leaves[i] = nx_slice_along_axis(leaves[i], start, len)))
            return nxi_raise_nx_or_pending();
    nxi_refill r = { leaves, 0 };
    nxv **pair = nxv_items(2);
    pair[0] = nxi_map_leaves(container, nxi_refill_leaf, &r);
    pair[1] = nxv_int(len);
    return pair[0] ? nxv_tuple(2, pair) : NULL;
}

/* split/2: the first n rows, and the rest; padding goes where Nx puts it. */
static nxv *batch_split(int argc, nxv **argv)
{
    (void)argc;
    batch b;
    if (batch_of(argv[0], &b, "split", 2) < 0)
        return NULL;
    if (argv[1]->kind != NXV_INT || argv[1]->i <= 0 || argv[1]->i > INT64_MAX)
        return nxi_raise("FunctionClauseError", "no function clause matching in Nx.Batch.split/2");
    int64_t n = (int64_t)argv[1]->i, size = int_field(&b, F_SIZE), pad = int_field(&b, F_PAD);
    batch left = b, right = new_batch();
    right.f[F_KEY] = b.f[F_KEY];
    right.f[F_TEMPLATE] = b.f[F_TEMPLATE];
    if (n < size) {
        nxv *stack = b.f[F_STACK];
        int64_t m = stack->list.n, rows = 0, i = 0;
        nxv **l = nxv_items(m + 1), **r = nxv_items(m + 1);
        int64_t nl = 0, nr = 0;
        for (; i < m && rows < n; i++) {
            nxv *item = stack->list.items[i];
            int64_t len = (int64_t)item->tuple.items[1]->i;
            if (rows + len <= n) {
                l[nl++] = item;
            } else {   /* the entry straddles the cut */
                int64_t keep = n - rows;
                if (!(l[nl++] = entry_rows(item->tuple.items[0], 0, keep)) ||
                    !(r[nr++] = entry_rows(item->tuple.items[0], keep, len - keep)))
                    return NULL;
            }
            rows += len;
        }
        for (; i < m; i++)
            r[nr++] = stack->list.items[i];
        left.f[F_STACK] = nxv_list(nl, l);
        left.f[F_SIZE] = nxv_int(n);
        left.f[F_PAD] = nxv_int(0);
        right.f[F_STACK] = nxv_list(nr, r);
        right.f[F_SIZE] = nxv_int(size - n);
        right.f[F_PAD] = nxv_int(pad);
    } else {
        int64_t right_pad = size + pad - n > 0 ? size + pad - n : 0;
        left.f[F_PAD] = nxv_int(pad - right_pad);
        right.f[F_PAD] = nxv_int(right_pad);
    }
    nxv **pair = nxv_items(2);
    pair[0] = batch_value(&left);
    pair[1] = batch_value(&right);
    return nxv_tuple(2, pair);
}

/* ---- Nx.LazyContainer ---- */

nxv *nxi_batch_materialize(nxv *v)
{
    batch b;
    batch_of(v, &b, "materialize", 1);
    nxv *stack = b.f[F_STACK];
    if (stack->kind != NXV_LIST || stack->list.n == 0)
        return nxi_raise("ArgumentError", "cannot traverse/jit/compile Nx.Batch without entries");
    int64_t m = stack->list.n, pad = int_field(&b, F_PAD);
    nx_tensor ***per = nxi_alloc((size_t)m * sizeof *per);
    int nleaves = 0;
    for (int64_t i = 0; i < m; i++)
        if ((nleaves = nxi_gather_leaves(stack->list.items[i]->tuple.items[0], &per[i])) < 0)
            return NULL;
    nx_tensor **out = nxi_alloc(((size_t)nleaves + 1) * sizeof *out);
    const nx_tensor **col = nxi_alloc((size_t)m * sizeof *col);
    for (int j = 0; j < nleaves; j++) {
        for (int64_t i = 0; i < m; i++)
            col[i] = per[i][j];
        nx_tensor_list all = { .n = (int)m, .v = col };
        nx_tensor *t = nx_concatenate(all);
        if (t && pad > 0) {
            nx_padding p = { .n = t->rank - t->vrank };
            p.v[0].high = pad;
            t = nx_pad(t, nx_scalar(NX_INT(0), t->type), p);
        }
        if (!(out[j] = t))
            return nxi_raise_nx_or_pending();
    }
    nxi_refill r = { out, 0 };
    return nxi_map_leaves(stack->list.items[0]->tuple.items[0], nxi_refill_leaf, &r);
}

const nxi_func nxi_batch_funcs[] = {
    { "Nx.Batch", "new", 0, 0, batch_new },
    { "Nx.Batch", "key", 2, 2, batch_key },
    { "Nx.Batch", "concatenate", 1, 2, batch_concatenate },
    { "Nx.Batch", "stack", 1, 2, batch_stack },
    { "Nx.Batch", "pad", 2, 2, batch_pad },
    { "Nx.Batch", "merge", 1, 2, batch_merge },
    { "Nx.Batch", "split", 2, 2, batch_split },
    { NULL, NULL, 0, 0, NULL },
};
