/* src/cli/nxlib_layout.c: the interpreter's bindings of the layout functions (Nx.transpose,
 * Nx.squeeze, Nx.new_axis, Nx.flatten, Nx.tile, Nx.pad, Nx.pad_outer, Nx.reflect,
 * Nx.reverse, Nx.concatenate, Nx.stack, Nx.split, Nx.slice, Nx.slice_along_axis,
 * Nx.put_slice). Each converts its arguments and options as Nx does (strict keywords, or
 * Keyword.validate! for flatten) and calls include/nx/layout.h. */
#include <string.h>
#include "cli/nxlib_args.h"

static nxv *opt_arg(int argc, nxv **argv, int i)
{
    return argc > i ? argv[i] : NULL;
}

static int is_int(const nxv *v)
{
    return v && v->kind == NXV_INT && v->i >= INT64_MIN && v->i <= INT64_MAX;
}

static int is_list(const nxv *v)
{
    return v && v->kind == NXV_LIST && !v->list.tail;
}

/* ---------------------------------------------------------------- arguments */

/* One axis option (:axis): an integer or a name; absent means 0. */
static int axis_arg(nxv *v, int rank, nx_axis *out)
{
    *out = (nx_axis){ 0 };
    if (!v)
        return 0;
    return nxi_to_axis(v, rank, out);
}

/* A list of integers; -1 (nothing raised) when v is not one. */
static int ints_of(nxv *v, nx_ints *out)
{
    if (!is_list(v) || v->list.n > NX_MAX_RANK)
        return -1;
    out->n = (int)v->list.n;
    for (int64_t i = 0; i < v->list.n; i++) {
        if (!is_int(v->list.items[i]))
            return -1;
        out->v[i] = (int64_t)v->list.items[i]->i;
    }
    return 0;
}

/* Start indices: integers or scalar tensors (other numbers become tensors, which the
 * library rejects as non-integer indices). */
static int starts_arg(nxv *v, nx_starts *out)
{
    *out = (nx_starts){ 0 };
    if (!is_list(v) || v->list.n > NX_MAX_RANK) {
        nxi_raise("ArgumentError", "expected start indices to be a list of integers or scalar tensors, got: %s",
                  nxi_inspect_plain(v));
        return -1;
    }
    out->n = (int)v->list.n;
    for (int64_t i = 0; i < v->list.n; i++) {
        nxv *s = v->list.items[i];
        if (is_int(s)) {
            out->v[i] = (int64_t)s->i;
            continue;
        }
        if (s->kind == NXV_INT) {   /* beyond 64 bits: clamps like any far-out start */
            out->v[i] = s->i < 0 ? INT64_MIN : INT64_MAX;
            continue;
        }
        if (!(out->t[i] = nxi_to_tensor(s)))
            return -1;
    }
    return 0;
}

static nxv *tuple2(nxv *a, nxv *b)
{
    nxv **items = nxv_items(2);
    items[0] = a;
    items[1] = b;
    return nxv_tuple(2, items);
}

/* ---------------------------------------------------------------- axes functions */

/* transpose, squeeze, reverse: (tensor, opts) with only :axes. */
static nxv *axes_only(int argc, nxv **argv, int which)
{
    static const char *const allowed[] = { "axes" };
    nxv *vals[1];
    nx_axes axes;
    if (nxi_opts(opt_arg(argc, argv, 1), allowed, 1, vals) < 0)
        return NULL;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    if (!t || nxi_to_axes(vals[0], nx_rank(t), &axes, 1) < 0)
        return NULL;
    switch (which) {
    case 0: return nxi_tensor_value(nx_transpose(t, .axes = axes));
    case 1: return nxi_tensor_value(nx_squeeze(t, .axes = axes));
    default: return nxi_tensor_value(nx_reverse(t, .axes = axes));
    }
}

static nxv *transpose_b(int argc, nxv **argv)
{
    return axes_only(argc, argv, 0);
}

static nxv *squeeze_b(int argc, nxv **argv)
{
    return axes_only(argc, argv, 1);
}

static nxv *reverse_b(int argc, nxv **argv)
{
    return axes_only(argc, argv, 2);
}

static nxv *flatten_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "axes" };
    nxv *vals[1];
    nx_axes axes;
    if (nxi_validate_keywords(opt_arg(argc, argv, 1), allowed, 1, vals) < 0)
        return NULL;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    if (!t || nxi_to_axes(vals[0], nx_rank(t), &axes, 1) < 0)
        return NULL;
    return nxi_tensor_value(nx_flatten(t, .axes = axes));
}

static nxv *new_axis_b(int argc, nxv **argv)
{
    nx_tensor *t = nxi_to_tensor(argv[0]);
    if (!t)
        return NULL;
    nxv *name = opt_arg(argc, argv, 2);
    if (!is_int(argv[1]) || argv[1]->i < -1000000 || argv[1]->i > 1000000)
        return nxi_raise("ArgumentError", "new axis position must be an integer, got: %s", nxi_inspect_plain(argv[1]));
    if (name && !nxv_is_nil(name) && name->kind != NXV_ATOM)
        return nxi_raise("ArgumentError", "expected the axis name to be an atom or nil, got: %s",
                         nxi_inspect_plain(name));
    return nxi_tensor_value(nx_new_axis(t, (int)argv[1]->i, name && !nxv_is_nil(name) ? name->atom : NULL));
}

static nxv *tile_b(int argc, nxv **argv)
{
    (void)argc;
    nx_ints reps;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    if (!t)
        return NULL;
    int ok = ints_of(argv[1], &reps) == 0;
    for (int i = 0; ok && i < reps.n; i++)
        ok = reps.v[i] >= 1;
    if (!ok)
        return nxi_raise("ArgumentError", "repetitions must be a list of integers, got: %s", nxi_inspect_plain(argv[1]));
    return nxi_tensor_value(nx_tile(t, reps));
}

/* ---------------------------------------------------------------- pad */

static nxv *pad_b(int argc, nxv **argv)
{
    (void)argc;
    nxv *config = argv[2];
    nx_padding pad = { 0 };
    nx_tensor *t = nxi_to_tensor(argv[0]);
    nx_tensor *value = t ? nxi_to_tensor(argv[1]) : NULL;
    if (!value)
        return NULL;
    int ok = is_list(config) && config->list.n <= NX_MAX_RANK;
    for (int64_t i = 0; ok && i < config->list.n; i++) {
        nxv *e = config->list.items[i];
        ok = e->kind == NXV_TUPLE && e->tuple.n == 3 && is_int(e->tuple.items[0]) && is_int(e->tuple.items[1]) &&
             is_int(e->tuple.items[2]);
        if (ok)
            pad.v[i] = (nx_pad_axis){ (int64_t)e->tuple.items[0]->i, (int64_t)e->tuple.items[1]->i,
                                      (int64_t)e->tuple.items[2]->i };
    }
    if (!ok)
        return nxi_raise("ArgumentError",
                         "padding_config must be a list of {low, high, interior} tuples of integers, got: %s",
                         nxi_inspect_plain(config));
    pad.n = (int)config->list.n;
    return nxi_tensor_value(nx_pad(t, value, pad));
}

static const struct {
    const char *name;
    nx_pad_mode mode;
} pad_modes[] = {
    { "cyclic", NX_PAD_CYCLIC }, { "mirror", NX_PAD_MIRROR }, { "reflect", NX_PAD_REFLECT },
    { "replicate", NX_PAD_REPLICATE },
};

/* Nx.pad_outer: a number or scalar tensor pads like Nx.pad; a mode atom repeats the
 * tensor. Entries are {left, right} integer pairs (non-negative with a mode). */
static nxv *pad_outer_with(nxv *tv, nxv *how, nxv *config)
{
    nx_tensor *t = nxi_to_tensor(tv);
    if (!t)
        return NULL;
    int is_mode = how->kind == NXV_ATOM && !nxi_is_tensor_like(how);
    nx_pad_mode mode = 0;
    if (is_mode) {
        for (size_t i = 0; i < sizeof pad_modes / sizeof *pad_modes; i++)
            if (nxv_is_atom(how, pad_modes[i].name))
                mode = pad_modes[i].mode;
        if (!mode)
            return nxi_raise("ArgumentError",
                             "expected padding type to be either of [:cyclic, :mirror, :replicate, :reflect], got %s",
                             nxi_inspect_plain(how));
        if (nx_rank(t) == 0)
            return nxi_raise("ArgumentError", "expected tensor to have rank greater than 0");
        if (!is_list(config) || config->list.n != nx_rank(t))
            return nxi_raise("ArgumentError", "expected to have one padding_config entry each tensor axis");
    } else if (!is_list(config) || config->list.n > NX_MAX_RANK) {
        return nxi_raise("ArgumentError", "expected padding_config to be a list of {left, right} tuples, got: %s",
                         nxi_inspect_plain(config));
    }
    nx_pad_pairs pad = { .n = (int)config->list.n };
    for (int i = 0; i < pad.n; i++) {
        nxv *e = config->list.items[i];
        int ok = e->kind == NXV_TUPLE && e->tuple.n == 2 && is_int(e->tuple.items[0]) && is_int(e->tuple.items[1]);
        if (ok)
            pad.v[i] = (nx_pad_pair){ (int64_t)e->tuple.items[0]->i, (int64_t)e->tuple.items[1]->i };
        if (is_mode && ok && (pad.v[i].low < 0 || pad.v[i].high < 0))
            ok = 0;
        if (!ok)
            return nxi_raise("ArgumentError",
                             "expected padding config for axis %d to be of the format {left, right}, with left and right as %sintegers, got: %s",
                             i, is_mode ? "non-negative " : "", nxi_inspect_plain(e));
    }
    if (is_mode)
        return nxi_tensor_value(nx_pad_outer_mode(t, mode, pad));
    nx_tensor *value = nxi_to_tensor(how);
    return value ? nxi_tensor_value(nx_pad_outer(t, value, pad)) : NULL;
}

static nxv *pad_outer_b(int argc, nxv **argv)
{
    (void)argc;
    return pad_outer_with(argv[0], argv[1], argv[2]);
}

static nxv *reflect_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "padding_config" };
    nxv *vals[1];
    if (nxi_opts(opt_arg(argc, argv, 1), allowed, 1, vals) < 0)
        return NULL;
    if (!vals[0])
        return nxi_raise("ArgumentError", "missing mandatory option :padding_config");
    nxv reflect = { .kind = NXV_ATOM, .atom = nx_atom("reflect") };
    return pad_outer_with(argv[0], &reflect, vals[0]);
}

/* ---------------------------------------------------------------- concatenate, stack */

typedef struct {
    nx_tensor **v;
    int n, cap;
} tensor_vec;

/* Collects the tensors of a list or container, depth first; numbers become tensors. */
static int collect(nxv *v, tensor_vec *out)
{
    nxv **items = NULL;
    int64_t n = 0;
    if (is_list(v)) {
        items = v->list.items;
        n = v->list.n;
    } else if (v->kind == NXV_TUPLE) {
        items = v->tuple.items;
        n = v->tuple.n;
    } else if (v->kind == NXV_MAP) {
        items = v->map.vals;
        n = v->map.n;
    } else {
        nx_tensor *t = nxi_to_tensor(v);
        if (!t)
            return -1;
        if (out->n == out->cap) {
            int cap = out->cap ? out->cap * 2 : 8;
            nx_tensor **more = nxi_alloc((size_t)cap * sizeof *more);
            if (out->n)
                memcpy(more, out->v, (size_t)out->n * sizeof *more);
            out->v = more;
            out->cap = cap;
        }
        out->v[out->n++] = t;
        return 0;
    }
    for (int64_t i = 0; i < n; i++) {
        nxv *item = items[i];
        /* Inside a list, a nested list is not a container (Nx.LazyContainer). */
        if (is_list(v) && is_list(item)) {
            nxi_raise_not_container(item);
            return -1;
        }
        if (collect(item, out) < 0)
            return -1;
    }
    return 0;
}

static nxv *concatenate_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "axis" };
    nxv *vals[1];
    tensor_vec ts = { 0 };
    nx_axis axis;
    if (nxi_opts(opt_arg(argc, argv, 1), allowed, 1, vals) < 0 || collect(argv[0], &ts) < 0)
        return NULL;
    if (axis_arg(vals[0], ts.n ? nx_rank(ts.v[0]) : 0, &axis) < 0)
        return NULL;
    nx_tensor_list list = { ts.n, (const nx_tensor *const *)ts.v };
    return nxi_tensor_value(nx_concatenate(list, .axis = axis));
}

static nxv *stack_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "axis", "name" };
    nxv *vals[2];
    tensor_vec ts = { 0 };
    if (nxi_opts(opt_arg(argc, argv, 1), allowed, 2, vals) < 0 || collect(argv[0], &ts) < 0)
        return NULL;
    int axis = 0;
    if (vals[0]) {
        if (!is_int(vals[0]) || vals[0]->i < -1000000 || vals[0]->i > 1000000)
            return nxi_raise("ArgumentError", "expected :axis to be an integer, got: %s", nxi_inspect_plain(vals[0]));
        axis = (int)vals[0]->i;
    }
    const char *name = NULL;
    if (vals[1] && !nxv_is_nil(vals[1])) {
        if (vals[1]->kind != NXV_ATOM)
            return nxi_raise("ArgumentError", "expected :name to be an atom or nil, got: %s", nxi_inspect_plain(vals[1]));
        name = vals[1]->atom;
    }
    nx_tensor_list list = { ts.n, (const nx_tensor *const *)ts.v };
    return nxi_tensor_value(nx_stack(list, .axis = axis, .name = name));
}

/* ---------------------------------------------------------------- split, slice */

static nxv *split_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "axis" };
    nxv *vals[1];
    nx_axis axis;
    nx_number split;
    if (nxi_opts(opt_arg(argc, argv, 2), allowed, 1, vals) < 0)
        return NULL;
    nx_tensor *t = nxi_to_tensor(argv[0]), *left, *right;
    if (!t || axis_arg(vals[0], nx_rank(t), &axis) < 0)
        return NULL;
    if (argv[1]->kind == NXV_INT)
        split = is_int(argv[1]) ? NX_INT((int64_t)argv[1]->i) : NX_INT(argv[1]->i < 0 ? INT64_MIN : INT64_MAX);
    else if (argv[1]->kind == NXV_FLOAT)
        split = NX_FLOAT(argv[1]->f);
    else
        return nxi_raise("ArgumentError", "split must be an integer or a float, got: %s", nxi_inspect_plain(argv[1]));
    if (nx_split(t, split, &left, &right, .axis = axis) < 0)
        return nxi_raise_from_nx();
    return tuple2(nxv_tensor(left), nxv_tensor(right));
}

/* Nx's slice messages for lengths and strides that are not integers (the library sees
 * only integers), checked in Nx's order after the rank checks. */
static nxv *slice_shape_error(nx_tensor *t, nxv *starts, nxv *lengths, nxv *strides)
{
    int r = nx_rank(t);
    if (is_list(strides) && strides->list.n != r)
        return nxi_raise("ArgumentError", "invalid strides rank for shape of rank %d", r);
    if (is_list(starts) && starts->list.n != r)
        return nxi_raise("ArgumentError", "invalid start indices rank for shape of rank %d", r);
    if (!is_list(lengths) || lengths->list.n != r)
        return nxi_raise("ArgumentError", "invalid limit indices rank for shape of rank %d", r);
    for (int i = 0; i < r; i++) {
        nxv *len = lengths->list.items[i], *s = is_list(strides) ? strides->list.items[i] : strides;
        if (!is_int(len) || len->i < 1)
            return nxi_raise("ArgumentError", "length at axis %d must be greater than or equal to 1, got: %s", i,
                             nxi_inspect_plain(len));
        if (!is_int(s) || s->i < 1)
            return nxi_raise("ArgumentError", "stride at axis %d must be greater than or equal to 1, got: %s", i,
                             nxi_inspect_plain(s));
    }
    return NULL;
}

static nxv *slice_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "strides" };
    nxv *vals[1];
    nx_starts starts;
    nx_ints lengths, strides = { 0 };
    if (nxi_opts(opt_arg(argc, argv, 3), allowed, 1, vals) < 0)
        return NULL;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    if (!t || starts_arg(argv[1], &starts) < 0)
        return NULL;
    nxv *sv = vals[0] ? vals[0] : NULL;
    int ok = ints_of(argv[2], &lengths) == 0;
    if (sv && is_int(sv)) {
        strides.n = nx_rank(t);
        for (int i = 0; i < strides.n; i++)
            strides.v[i] = (int64_t)sv->i;
    } else if (sv) {
        ok &= ints_of(sv, &strides) == 0;
    }
    if (!ok) {
        nxv one = { .kind = NXV_INT, .i = 1 };
        if (slice_shape_error(t, argv[1], argv[2], sv ? sv : &one) || nxi_raised())
            return NULL;
        return nxi_raise("ArgumentError", "expected lengths and strides to be lists of integers, got: %s and %s",
                         nxi_inspect_plain(argv[2]), sv ? nxi_inspect_plain(sv) : "1");
    }
    return nxi_tensor_value(nx_slice(t, starts, lengths, .strides = strides));
}

static nxv *slice_along_axis_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "strides", "axis" };
    nxv *vals[2];
    nx_axis axis;
    if (nxi_opts(opt_arg(argc, argv, 3), allowed, 2, vals) < 0)
        return NULL;
    nx_tensor *t = nxi_to_tensor(argv[0]), *start_t = NULL;
    if (!t || axis_arg(vals[1], nx_rank(t), &axis) < 0)
        return NULL;
    if (!is_int(argv[2]))
        return nxi_raise("ArgumentError", "expected the length to be an integer, got: %s", nxi_inspect_plain(argv[2]));
    int64_t start = 0, stride = 1;
    if (is_int(argv[1]))
        start = (int64_t)argv[1]->i;
    else if (!(start_t = nxi_to_tensor(argv[1])))
        return NULL;
    if (vals[0] && (!is_int(vals[0]) || vals[0]->i < 1))
        return nxi_raise("ArgumentError", "stride at axis %d must be greater than or equal to 1, got: %s",
                         axis.name ? 0 : axis.index, nxi_inspect_plain(vals[0]));
    if (vals[0])
        stride = (int64_t)vals[0]->i;
    return nxi_tensor_value(
        nx_slice_along_axis(t, start, (int64_t)argv[2]->i, .axis = axis, .stride = stride, .start_tensor = start_t));
}

static nxv *put_slice_b(int argc, nxv **argv)
{
    (void)argc;
    nx_starts starts;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    if (!t || starts_arg(argv[1], &starts) < 0)
        return NULL;
    nx_tensor *slice = nxi_to_tensor(argv[2]);
    if (!slice)
        return NULL;
    return nxi_tensor_value(nx_put_slice(t, starts, slice));
}

/* ---------------------------------------------------------------- the table */

const nxi_func nxi_layout_funcs[] = {
    { "Nx", "transpose", 1, 2, transpose_b },
    { "Nx", "squeeze", 1, 2, squeeze_b },
    { "Nx", "new_axis", 2, 3, new_axis_b },
    { "Nx", "flatten", 1, 2, flatten_b },
    { "Nx", "tile", 2, 2, tile_b },
    { "Nx", "pad", 3, 3, pad_b },
    { "Nx", "pad_outer", 3, 3, pad_outer_b },
    { "Nx", "reflect", 1, 2, reflect_b },
    { "Nx", "reverse", 1, 2, reverse_b },
    { "Nx", "concatenate", 1, 2, concatenate_b },
    { "Nx", "stack", 1, 2, stack_b },
    { "Nx", "split", 2, 3, split_b },
    { "Nx", "slice", 3, 4, slice_b },
    { "Nx", "slice_along_axis", 3, 4, slice_along_axis_b },
    { "Nx", "put_slice", 3, 3, put_slice_b },
    { NULL, NULL, 0, 0, NULL },
};
