/* src/cli/nxlib_index.c: the interpreter's bindings of selection and indexing (Nx.select,
 * clip, gather, take, take_along_axis, indexed_add, indexed_put) and of the Access syntax
 * tensor[...] (Nx.__access__/2, which src/cli/eval.c calls; spec/functions.md §15 "Access
 * syntax", Nx.Tensor.fetch/2). Access is built as Nx builds it: one slice (an integer or
 * scalar tensor takes one position, a range its span with its step), then a squeeze of
 * the axes given by an integer or scalar tensor. */
#include <string.h>
#include "cli/nxlib_args.h"

static nxv *opt_arg(int argc, nxv **argv, int i)
{
    return argc > i ? argv[i] : NULL;
}

/* ---------------------------------------------------------------- select, clip */

static nxv *select_b(int argc, nxv **argv)
{
    (void)argc;
    nx_tensor *p = nxi_to_tensor(argv[0]);
    nx_tensor *t = p ? nxi_to_tensor(argv[1]) : NULL;
    nx_tensor *f = t ? nxi_to_tensor(argv[2]) : NULL;
    return f ? nxi_tensor_value(nx_select(p, t, f)) : NULL;
}

static nxv *clip_b(int argc, nxv **argv)
{
    (void)argc;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    nx_tensor *lo = t ? nxi_to_tensor(argv[1]) : NULL;
    nx_tensor *hi = lo ? nxi_to_tensor(argv[2]) : NULL;
    return hi ? nxi_tensor_value(nx_clip(t, lo, hi)) : NULL;
}

/* ---------------------------------------------------------------- gather, take */

static nxv *gather_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "axes" };
    nxv *vals[1];
    nx_axes axes;
    if (nxi_opts(opt_arg(argc, argv, 2), allowed, 1, vals) < 0)
        return NULL;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    nx_tensor *i = t ? nxi_to_tensor(argv[1]) : NULL;
    if (!i || nxi_to_axes(vals[0], nx_rank(t), &axes, 0) < 0)
        return NULL;
    return nxi_tensor_value(nx_gather(t, i, .axes = axes));
}

/* take and take_along_axis: Nx checks the indices' type before the options. */
static nxv *take_with(nx_tensor *(*fn)(const nx_tensor *, const nx_tensor *, nx_take_opts), int argc, nxv **argv)
{
    static const char *const allowed[] = { "axis" };
    nxv *vals[1];
    nx_take_opts o = { 0 };
    nx_tensor *t = nxi_to_tensor(argv[0]);
    nx_tensor *i = t ? nxi_to_tensor(argv[1]) : NULL;
    if (!i)
        return NULL;
    if (nx_type_is_integer(nx_type_of(i))) {
        if (nxi_opts(opt_arg(argc, argv, 2), allowed, 1, vals) < 0)
            return NULL;
        if (vals[0] && nxi_to_axis(vals[0], nx_rank(t), &o.axis) < 0)
            return NULL;
    }
    return nxi_tensor_value(fn(t, i, o));
}

static nxv *take_b(int argc, nxv **argv)
{
    return take_with(nx_take_, argc, argv);
}

static nxv *take_along_axis_b(int argc, nxv **argv)
{
    return take_with(nx_take_along_axis_, argc, argv);
}

/* ---------------------------------------------------------------- indexed_add, indexed_put */

static nxv *indexed_with(nx_tensor *(*fn)(const nx_tensor *, const nx_tensor *, const nx_tensor *, nx_indexed_opts),
                         int argc, nxv **argv)
{
    static const char *const allowed[] = { "axes" };
    nxv *vals[1];
    nx_indexed_opts o;
    if (nxi_opts(opt_arg(argc, argv, 3), allowed, 1, vals) < 0)
        return NULL;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    nx_tensor *i = t ? nxi_to_tensor(argv[1]) : NULL;
    nx_tensor *u = i ? nxi_to_tensor(argv[2]) : NULL;
    if (!u || nxi_to_axes(vals[0], nx_rank(t), &o.axes, 0) < 0)
        return NULL;
    return nxi_tensor_value(fn(t, i, u, o));
}

static nxv *indexed_add_b(int argc, nxv **argv)
{
    return indexed_with(nx_indexed_add_, argc, argv);
}

static nxv *indexed_put_b(int argc, nxv **argv)
{
    return indexed_with(nx_indexed_put_, argc, argv);
}

/* ---------------------------------------------------------------- tensor[...] */

/* What one axis of an access asks for (Nx.Tensor.fetch_axes). */
typedef struct {
    enum { PICK_ALL, PICK_INDEX, PICK_TENSOR, PICK_RANGE } kind;
    int64_t index, step, len;     /* INDEX: index; RANGE: first, step, last - first + 1 */
    nx_tensor *tensor;            /* TENSOR: a scalar index (clamped) */
} pick;

static nxv *out_of_bounds(nxi_int index, int axis, const nx_tensor *t)
{
    nx_shape s = nx_shape_of(t);
    return nxi_raise("ArgumentError", "index %s is out of bounds for axis %d in shape %s",
                     nxi_inspect_plain(nxv_int(index)), axis, nxi_inspect_plain(nxi_shape_value(s)));
}

/* A negative index counts from the end; -1 after raising when out of range. */
static int normalize_index(nxi_int index, int axis, const nx_tensor *t, int64_t *out)
{
    int64_t dim = nx_shape_of(t).dims[axis];
    nxi_int norm = index < 0 ? dim + index : index;
    if (norm < 0 || norm >= dim) {
        out_of_bounds(index, axis, t);
        return -1;
    }
    *out = (int64_t)norm;
    return 0;
}

/* Reads the spec `v` for `axis` into *p; -1 after raising. */
static int read_pick(nxv *v, int axis, const nx_tensor *t, pick *p)
{
    if (v->kind == NXV_TENSOR) {
        if (nx_rank(v->tensor) != 0) {
            nxi_raise("ArgumentError", "tensor must be a scalar when accessing a list/keyword of dimensions, got: %s",
                      nxi_inspect_plain(v));
            return -1;
        }
        p->kind = PICK_TENSOR;
        p->tensor = v->tensor;
        return 0;
    }
    if (v->kind == NXV_INT) {
        p->kind = PICK_INDEX;
        return normalize_index(v->i, axis, t, &p->index);
    }
    if (v->kind == NXV_RANGE) {
        nxi_int first = v->range.first, last = v->range.last, step = v->range.step;
        if (step < 0) {
            if (step == -1)
                nxi_raise("ArgumentError", "range step must be positive, got range: %s. Did you mean to pass the range %s instead?",
                          nxi_inspect_plain(v), nxi_inspect_plain(nxv_range(first, last, 1)));
            else
                nxi_raise("ArgumentError", "range step must be positive, got range: %s", nxi_inspect_plain(v));
            return -1;
        }
        int64_t f, l;
        if (normalize_index(first, axis, t, &f) < 0 || normalize_index(last, axis, t, &l) < 0)
            return -1;
        if (f > l) {
            nxi_raise("ArgumentError", "slicing a tensor requires a non-empty range, got: %s",
                      nxi_inspect_plain(nxv_range(f, l, step)));
            return -1;
        }
        p->kind = PICK_RANGE;
        p->index = f;
        p->len = l - f + 1;
        p->step = (int64_t)step;
        return 0;
    }
    nxi_raise("ArgumentError", "slicing a tensor on an axis requires an integer, a scalar tensor or a range, got: %s",
              nxi_inspect_plain(v));
    return -1;
}

static nxv *bad_access(nxv *k)
{
    return nxi_raise("RuntimeError",
                     "tensor[slice] expects slice to be one of:\n\n"
                     "  * an integer or a scalar tensor representing a zero-based index\n"
                     "  * a first..last//step range representing inclusive start-stop indexes with an optional positive step\n"
                     "  * a list of integers, scalar tensors, and ranges\n"
                     "  * a keyword list of integers, scalar tensors, and ranges\n\n"
                     "Got %s\n", nxi_inspect_plain(k));
}

/* Nx.Tensor.fetch_axes: entries[i] is the spec for axis axis_of[i]. Axes are read from
 * the last to the first, as Nx reads them, so the same error comes first. */
static nxv *fetch_axes(nx_tensor *t, nxv **entries, const int *axis_of, int64_t n)
{
    int rank = nx_rank(t);
    pick picks[NX_MAX_RANK] = { 0 };
    char *used = nxi_alloc((size_t)(n ? n : 1));
    memset(used, 0, (size_t)(n ? n : 1));
    for (int ax = rank - 1; ax >= 0; ax--) {
        /* Nx looks entries up from the last given: with a repeated axis the last one counts. */
        int64_t e = n - 1;
        while (e >= 0 && (used[e] || axis_of[e] != ax))
            e--;
        if (e < 0)
            continue;
        used[e] = 1;
        if (read_pick(entries[e], ax, t, &picks[ax]) < 0)
            return NULL;
    }
    for (int64_t e = n - 1; e >= 0; e--)
        if (!used[e])
            return nxi_raise("ArgumentError", "unknown or duplicate axis %d found when slicing shape %s", axis_of[e],
                             nxi_inspect_plain(nxi_shape_value(nx_shape_of(t))));
    /* Nx.slice then checks the scalar tensor indices, from the first axis. */
    for (int ax = 0; ax < rank; ax++) {
        if (picks[ax].kind != PICK_TENSOR)
            continue;
        nx_type type = nx_type_of(picks[ax].tensor);
        if (!nx_type_is_integer(type))
            return nxi_raise("ArgumentError", "index must be integer type, got %s for axis %d", nx_type_tuple(type), ax);
        if (nx_vectorized_rank(picks[ax].tensor) > 0)
            return nxi_raise("ArgumentError", "nxc does not support vectorized tensors as indices in tensor[...] yet");
    }
    /* Nx.slice(start, lengths, strides: ...) |> Nx.squeeze(axes: the indexed axes) */
    nx_starts starts = { .n = rank };
    nx_ints lengths = { .n = rank }, strides = { .n = rank };
    nx_axes squeeze = { 0 };
    for (int ax = 0; ax < rank; ax++) {
        const pick *p = &picks[ax];
        starts.v[ax] = p->kind == PICK_ALL ? 0 : p->index;
        starts.t[ax] = p->kind == PICK_TENSOR ? p->tensor : NULL;
        lengths.v[ax] = p->kind == PICK_ALL ? nx_shape_of(t).dims[ax] : p->kind == PICK_RANGE ? p->len : 1;
        strides.v[ax] = p->kind == PICK_RANGE ? p->step : 1;
        if (p->kind == PICK_INDEX || p->kind == PICK_TENSOR)
            squeeze.index[squeeze.n++] = ax;
    }
    nx_tensor *r = nx_slice(t, starts, lengths, .strides = strides);
    if (r && squeeze.n > 0)
        r = nx_squeeze(r, .axes = squeeze);
    return nxi_tensor_value(r);
}

static nxv *access_b(int argc, nxv **argv)
{
    (void)argc;
    nxv *tv = argv[0], *k = argv[1];
    if (tv->kind != NXV_TENSOR)
        return nxi_raise("ArgumentError", "expected a tensor, got: %s", nxi_inspect_plain(tv));
    nx_tensor *t = tv->tensor;
    if (nx_rank(t) == 0)
        return nxi_raise("ArgumentError", "cannot use the tensor[index] syntax on scalar tensor %s", nxi_inspect_plain(tv));
    if (k->kind == NXV_TENSOR) {
        if (nx_rank(k->tensor) != 0)
            return nxi_tensor_value(nx_take(t, k->tensor));
        int axis = 0;
        return fetch_axes(t, &k, &axis, 1);
    }
    if (k->kind == NXV_INT || k->kind == NXV_RANGE) {
        int axis = 0;
        return fetch_axes(t, &k, &axis, 1);
    }
    if (k->kind != NXV_LIST || k->list.tail)
        return bad_access(k);
    int64_t n = k->list.n;
    if (n == 0)
        return tv;
    nxv **entries = nxv_items(n);
    int *axis_of = nxi_alloc((size_t)n * sizeof *axis_of);
    nxv *first = k->list.items[0];
    int keyword = first->kind == NXV_TUPLE && first->tuple.n == 2;
    nx_names names = nx_names_of(t);
    for (int64_t i = 0; i < n; i++) {
        nxv *e = k->list.items[i];
        if (!keyword) {
            entries[i] = e;
            axis_of[i] = i < 1000000 ? (int)i : 1000000;
            continue;
        }
        /* Nx.Shape.find_name!: the key must name an axis. */
        nxv *key = e->kind == NXV_TUPLE && e->tuple.n == 2 ? e->tuple.items[0] : e;
        int found = -1;
        for (int a = 0; a < names.n && found < 0; a++)
            if (key->kind == NXV_ATOM && names.v[a] && !strcmp(names.v[a], key->atom))
                found = a;
        if (found < 0) {
            char *list = nxi_inspect_plain(nxi_names_value(names));
            return nxi_raise("ArgumentError", "tensor does not have name %s. The tensor names are: %s",
                             nxi_inspect_plain(key), list);
        }
        entries[i] = e->tuple.items[1];
        axis_of[i] = found;
    }
    return fetch_axes(t, entries, axis_of, n);
}

const nxi_func nxi_index_funcs[] = {
    { "Nx", "select", 3, 3, select_b },
    { "Nx", "clip", 3, 3, clip_b },
    { "Nx", "gather", 2, 3, gather_b },
    { "Nx", "take", 2, 3, take_b },
    { "Nx", "take_along_axis", 2, 3, take_along_axis_b },
    { "Nx", "indexed_add", 3, 4, indexed_add_b },
    { "Nx", "indexed_put", 3, 4, indexed_put_b },
    { "Nx", "__access__", 2, 2, access_b },
    { NULL, NULL, 0, 0, NULL },
};
