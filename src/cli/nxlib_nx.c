/* src/cli/nxlib_nx.c: the functions of module Nx that the C API supports: creation
 * (tensor, the type shorthands, template, iota, eye, from_binary), conversion (to_binary,
 * to_flat_list, to_list, to_number, to_tensor, to_template), types (type, as_type,
 * bitcast), inspection (shape, rank, size, names, compatible?, ...), reshape, broadcast,
 * rename, vectorize and devectorize. Each binding converts its arguments as Nx does,
 * calls the C API and turns the result into a value. */
#include <stdio.h>
#include <string.h>
#include "cli/nxlib_args.h"

#define NELEMS(a) ((int)(sizeof(a) / sizeof *(a)))

static nxv *opt_arg(int argc, nxv **argv, int i)
{
    return argc > i ? argv[i] : NULL;
}

/* ---------------------------------------------------------------- tensor/2 */

/* The nx_item tree of Nx.tensor's argument (a number, boolean, marker, complex number,
 * tensor or nested list; anything else is kept as text for the error message). */
static void build_item(nxv *v, nx_item *it)
{
    memset(it, 0, sizeof *it);
    if (nxv_is_atom(v, "true") || nxv_is_atom(v, "false")) {
        it->kind = NX_ITEM_BOOL;
        it->num = NX_INT(nxv_is_atom(v, "true"));
    } else if (nxi_number_of(v, &it->num) == 0) {
        it->kind = NX_ITEM_NUMBER;
    } else if (v->kind == NXV_TENSOR) {
        it->kind = NX_ITEM_TENSOR;
        it->tensor = v->tensor;
    } else if (v->kind == NXV_LIST && !v->list.tail) {
        nx_item *items = nxi_alloc(sizeof *items * (size_t)(v->list.n ? v->list.n : 1));
        for (int64_t i = 0; i < v->list.n; i++)
            build_item(v->list.items[i], &items[i]);
        it->kind = NX_ITEM_LIST;
        it->len = v->list.n;
        it->items = items;
    } else {
        it->kind = NX_ITEM_OTHER;
        it->text = nxi_inspect_plain(v);
    }
}

static nxv *names_error(int rank)
{
    return nxi_raise("ArgumentError",
                     "invalid names for tensor of rank %d, when specifying names every dimension must have a name or be nil",
                     rank);
}

/* Nx.tensor(arg, opts); `type_v` overrides opts[:type] (the shorthands). */
static nxv *tensor_with(nxv *arg, nxv *opts, nxv *type_v)
{
    static const char *const allowed[] = { "type", "names", "backend" };
    nxv *vals[3];
    nx_names names;
    if (nxi_opts(opts, allowed, 3, vals) < 0)
        return NULL;
    if (!type_v && vals[0] && !nxv_is_nil(vals[0]))
        type_v = vals[0];
    nx_type type = type_v ? nxi_to_type(type_v) : NX_TYPE_NONE;
    if (type_v && !type)
        return NULL;
    if (arg->kind == NXV_TENSOR) {
        nxv *b = vals[2], *mod = b && b->kind == NXV_TUPLE && b->tuple.n == 2 ? b->tuple.items[0] : b;
        if (mod && mod->kind == NXV_ATOM && !nxv_is_nil(mod) && strcmp(mod->atom, "Elixir.Nx.BinaryBackend") &&
            (b == mod || b->tuple.items[1]->kind == NXV_LIST))
            return nxi_raise("ArgumentError",
                             "Nx.tensor/2 wants to allocate on backend %s but it was given a tensor allocated on Nx.BinaryBackend",
                             nxi_inspect_plain(mod));
        if (nxi_check_backend(b) < 0)
            return NULL;
        /* Nx names the type as it was given: ":f32", not "{:f, 32}". */
        if (type && type != nx_type_of(arg->tensor))
            return nxi_raise("ArgumentError", "Nx.tensor/2 expects a tensor with type %s but it was given a tensor of type %s",
                             nxi_inspect_plain(type_v), nx_type_tuple(nx_type_of(arg->tensor)));
        if (nxi_to_names(vals[1], nx_rank(arg->tensor), &names) < 0)
            return NULL;
        nx_item it = { .kind = NX_ITEM_TENSOR, .tensor = arg->tensor };
        return nxi_tensor_value(nx_tensor(&it, .names = names));
    }
    nx_item it;
    build_item(arg, &it);
    if (nxi_to_names(vals[1], -1, &names) < 0)
        return NULL;
    nx_tensor *t = nx_tensor(&it, .type = type, .names = names);
    if (!t)
        return nxi_raise_from_nx();
    /* names: [] was taken as "no names": Nx wants one per axis. */
    if (vals[1] && !nxv_is_nil(vals[1]) && names.n == 0 && nx_rank(t) != 0)
        return names_error(nx_rank(t));
    if (nxi_check_backend(vals[2]) < 0)
        return NULL;
    return nxv_tensor(t);
}

static nxv *tensor_b(int argc, nxv **argv)
{
    return tensor_with(argv[0], opt_arg(argc, argv, 1), NULL);
}

/* The 19 shorthands Nx.u2/1 ... Nx.c128/1 (no f8_e4m3fn). */
#define SHORTHANDS(X) \
    X(u2) X(u4) X(u8) X(u16) X(u32) X(u64) X(s2) X(s4) X(s8) X(s16) X(s32) X(s64) \
    X(f8) X(bf16) X(f16) X(f32) X(f64) X(c64) X(c128)
#define SHORTHAND(name) \
    static nxv *name##_b(int argc, nxv **argv) \
    { \
        (void)argc; \
        return tensor_with(argv[0], NULL, nxv_atom(#name)); \
    }
SHORTHANDS(SHORTHAND)
#undef SHORTHAND

/* ---------------------------------------------------------------- other creation */

static nxv *template_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "names" };
    nxv *vals[1];
    nx_shape shape;
    nx_names names;
    if (nxi_to_shape_tuple(argv[0], "shape", &shape) < 0 || nxi_opts(opt_arg(argc, argv, 2), allowed, 1, vals) < 0)
        return NULL;
    nx_type type = nxi_to_type(argv[1]);
    if (!type || nxi_to_names(vals[0], shape.rank, &names) < 0)
        return NULL;
    return nxi_tensor_value(nx_template(shape, type, .names = names));
}

/* A :vectorized_axes keyword list (name: size); returns the count or -1. */
static int vectorized_axes_arg(nxv *v, const char **names, int64_t *sizes)
{
    if (!v || nxv_is_nil(v))
        return 0;
    if (v->kind != NXV_LIST || v->list.tail || v->list.n > NX_MAX_RANK) {
        nxi_raise("ArgumentError", "expected :vectorized_axes to be a keyword list of axis names and sizes, got: %s",
                  nxi_inspect_plain(v));
        return -1;
    }
    for (int64_t i = 0; i < v->list.n; i++) {
        nxv *kv = v->list.items[i];
        if (kv->kind != NXV_TUPLE || kv->tuple.n != 2 || kv->tuple.items[0]->kind != NXV_ATOM ||
            kv->tuple.items[1]->kind != NXV_INT || kv->tuple.items[1]->i > INT64_MAX) {
            nxi_raise("ArgumentError",
                      "expected vectorized axis specification to be an atom or a tuple of {atom, pos_integer}, got: %s",
                      nxi_inspect_plain(kv));
            return -1;
        }
        names[i] = kv->tuple.items[0]->atom;
        sizes[i] = (int64_t)kv->tuple.items[1]->i;
    }
    return (int)v->list.n;
}

/* Vectorizes the first n inner axes of t, naming them names[0..n). */
static nx_tensor *vectorize_leading(nx_tensor *t, int n, const char *const *names)
{
    for (int i = 0; t && i < n; i++)
        t = nx_vectorize(t, names[i]);
    return t;
}

/* t (of inner shape `shape`) broadcast along new leading axes and vectorized with them, as
 * Nx does for :vectorized_axes (names are dropped by the reshape, as in Nx). */
static nx_tensor *broadcast_vectorized(nx_tensor *t, nx_shape shape, int nv, const char **vnames,
                                       const int64_t *vsizes)
{
    if (nv + shape.rank > NX_MAX_RANK) {
        nxi_raise("ArgumentError", "rank %d is not supported (nxc allows at most %d axes)", nv + shape.rank,
                  NX_MAX_RANK);
        return NULL;
    }
    nx_shape base = { .rank = nv + shape.rank }, out = base;
    for (int i = 0; i < nv; i++) {
        base.dims[i] = 1;
        out.dims[i] = vsizes[i];
    }
    memcpy(base.dims + nv, shape.dims, (size_t)shape.rank * sizeof *shape.dims);
    memcpy(out.dims + nv, shape.dims, (size_t)shape.rank * sizeof *shape.dims);
    return vectorize_leading(nx_broadcast(nx_reshape(t, base), out), nv, vnames);
}

static void deprecated_shape_warning(const char *fn)
{
    fprintf(stderr, "warning: passing a tensor as shape to %s is deprecated. Please call Nx.shape/2 before\n", fn);
}

static nxv *iota_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "axis", "names", "backend", "vectorized_axes", "type" };
    enum { AXIS, NAMES, BACKEND, VECTORIZED, TYPE };
    nxv *vals[5], *arg = argv[0];
    nx_shape shape;
    nx_names names;
    nx_iota_opts o = { .type = NX_S32 };
    const char *vnames[NX_MAX_RANK];
    int64_t vsizes[NX_MAX_RANK];
    if (nxi_opts(opt_arg(argc, argv, 1), allowed, 5, vals) < 0)
        return NULL;
    if (arg->kind != NXV_TUPLE) {
        /* Deprecated: the shape and names of a tensor or number (spec/functions.md iota/2). */
        deprecated_shape_warning("iota/2");
        if ((vals[VECTORIZED] && !nxv_is_nil(vals[VECTORIZED])) ||
            (arg->kind == NXV_TENSOR && nx_vectorized_rank(arg->tensor) > 0))
            return nxi_raise("ArgumentError", "vectorization is only supported for shape inputs");
    }
    if (nxi_to_shape(arg, &shape) < 0 || nxi_to_names(vals[NAMES], shape.rank, &names) < 0)
        return NULL;
    if (!vals[NAMES] && arg->kind == NXV_TENSOR)
        names = nx_names_of(arg->tensor);
    o.names = names;
    if (vals[TYPE] && !(o.type = nxi_to_type(vals[TYPE])))
        return NULL;
    if (nxi_check_backend(vals[BACKEND]) < 0)
        return NULL;
    if (vals[AXIS] && nxv_truthy(vals[AXIS]) && nxi_to_axis(vals[AXIS], shape.rank, &o.axis) < 0)
        return NULL;
    int nv = vectorized_axes_arg(vals[VECTORIZED], vnames, vsizes);
    if (nv < 0)
        return NULL;
    nx_tensor *t = nx_iota_(shape, o);
    if (t && nv > 0)
        t = broadcast_vectorized(t, shape, nv, vnames, vsizes);
    return nxi_tensor_value(t);
}

static nxv *eye_shape_error(nxv *shape_v)
{
    return nxi_raise("ArgumentError", "eye/2 expects a shape with at least 2 dimensions or an integer, got: %s",
                     nxi_inspect_plain(shape_v));
}

static nxv *eye_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "names", "backend", "vectorized_axes", "type" };
    enum { NAMES, BACKEND, VECTORIZED, TYPE };
    nxv *vals[4], *arg = argv[0], *shape_v = arg;
    nx_shape shape;
    nx_names names;
    nx_type type = NX_S32;
    const char *vnames[NX_MAX_RANK];
    int64_t vsizes[NX_MAX_RANK];
    if (arg->kind == NXV_INT && arg->i > 0) {
        nxv **dims = nxv_items(2);
        dims[0] = dims[1] = arg;
        shape_v = nxv_tuple(2, dims);
    } else if (arg->kind != NXV_TUPLE) {
        deprecated_shape_warning("eye/2");
        if (arg->kind == NXV_TENSOR && nx_vectorized_rank(arg->tensor) > 0)
            return nxi_raise("ArgumentError", "eye/2 does not support vectorized inputs");
        if (nxi_to_shape(arg, &shape) < 0)
            return NULL;
        shape_v = nxi_shape_value(shape);
    }
    if (shape_v->tuple.n == 0)
        return eye_shape_error(shape_v);
    if (nxi_opts(opt_arg(argc, argv, 1), allowed, 4, vals) < 0 || nxi_to_shape_tuple(shape_v, "shape", &shape) < 0 ||
        nxi_to_names(vals[NAMES], shape.rank, &names) < 0)
        return NULL;
    if (vals[TYPE] && !(type = nxi_to_type(vals[TYPE])))
        return NULL;
    int nv = vectorized_axes_arg(vals[VECTORIZED], vnames, vsizes);
    if (nv < 0 || nxi_check_backend(vals[BACKEND]) < 0)
        return NULL;
    if (nv == 0) {
        if (shape.rank < 2)
            return eye_shape_error(shape_v);
        return nxi_tensor_value(nx_eye(shape, .type = type, .names = names));
    }
    /* Vectorized: every entry is the identity of `shape`; a rank-1 shape {n} takes the
     * first row of a {1, n} identity. */
    nx_tensor *e;
    if (shape.rank == 1)
        e = nx_reshape(nx_eye(NX_SHAPE(1, shape.dims[0]), .type = type), shape, .names = names);
    else
        e = nx_eye(shape, .type = type, .names = names);
    if (!e)
        return nxi_raise_from_nx();
    nx_names inner = nx_names_of(e);
    e = broadcast_vectorized(e, shape, nv, vnames, vsizes);
    return nxi_tensor_value(e ? nx_rename(e, inner) : NULL);
}

static nxv *from_binary_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "backend" };
    nxv *vals[1], *bin = argv[0];
    if (nxi_opts(opt_arg(argc, argv, 2), allowed, 1, vals) < 0)
        return NULL;
    nx_type type = nxi_to_type(argv[1]);
    if (!type)
        return NULL;
    if (bin->kind != NXV_BINARY)
        return nxi_raise("ArgumentError", "Nx.from_binary/3 expects a binary, got: %s", nxi_inspect_plain(bin));
    if (nxi_check_backend(vals[0]) < 0)
        return NULL;
    return nxi_tensor_value(nx_from_binary(bin->bin.bits ? bin->bin.bytes : NULL, bin->bin.bits, type));
}

/* ---------------------------------------------------------------- conversion */

/* The :limit option of to_binary/to_flat_list: 0 when absent, -1 for "none at all"
 * (limit: 0), -2 after raising. */
static int64_t limit_opt(nxv *opts)
{
    static const char *const allowed[] = { "limit" };
    nxv *vals[1];
    int64_t limit;
    if (nxi_opts(opts, allowed, 1, vals) < 0)
        return -2;
    if (!vals[0] || nxv_is_nil(vals[0]))
        return 0;
    if (nxi_to_int64(vals[0], &limit, "expected :limit to be a positive integer") < 0)
        return -2;
    if (limit < 0) {
        nxi_raise("ArgumentError", "expected :limit to be a positive integer, got: %lld", (long long)limit);
        return -2;
    }
    return limit == 0 ? -1 : limit;
}

static nxv *to_binary_b(int argc, nxv **argv)
{
    int64_t limit = limit_opt(opt_arg(argc, argv, 1));
    nx_tensor *t = limit >= -1 ? nxi_to_tensor(argv[0]) : NULL;
    if (!t)
        return NULL;
    if (limit == -1)
        return nxv_binary("", 0);
    int64_t bits = nx_to_binary(t, NULL, 0, .limit = limit);
    if (bits < 0)
        return nxi_raise_from_nx();
    int64_t bytes = (bits + 7) / 8;
    unsigned char *buf = nxi_alloc((size_t)bytes + 1);
    if (nx_to_binary(t, buf, bytes, .limit = limit) < 0)
        return nxi_raise_from_nx();
    return nxv_binary(buf, bits);
}

/* The elements of t (devectorized, row-major), at most `limit` (0: all); -1 after raising. */
static int64_t read_numbers(nx_tensor *t, int64_t limit, nx_number **out)
{
    int64_t n = nx_to_flat_list(t, NULL, 0, .limit = limit);
    if (n < 0)
        return nxi_raise_from_nx(), -1;
    *out = nxi_alloc(sizeof **out * (size_t)(n ? n : 1));
    if (nx_to_flat_list(t, *out, n, .limit = limit) < 0)
        return nxi_raise_from_nx(), -1;
    return n;
}

static nxv *to_flat_list_b(int argc, nxv **argv)
{
    int64_t limit = limit_opt(opt_arg(argc, argv, 1));
    nx_tensor *t = limit >= -1 ? nxi_to_tensor(argv[0]) : NULL;
    nx_number *nums;
    if (!t)
        return NULL;
    if (limit == -1)
        return nxv_list(0, nxv_items(0));
    int64_t n = read_numbers(t, limit, &nums);
    if (n < 0)
        return NULL;
    nxv **items = nxv_items(n);
    for (int64_t i = 0; i < n; i++)
        items[i] = nxi_number_value(nums[i]);
    return nxv_list(n, items);
}

/* Nested lists of dims[0..rank) over nums, advancing *at. */
static nxv *nest(const nx_number *nums, int64_t *at, const int64_t *dims, int rank)
{
    if (rank == 0)
        return nxi_number_value(nums[(*at)++]);
    nxv **items = nxv_items(dims[0]);
    for (int64_t i = 0; i < dims[0]; i++)
        items[i] = nest(nums, at, dims + 1, rank - 1);
    return nxv_list(dims[0], items);
}

static nxv *to_list_b(int argc, nxv **argv)
{
    (void)argc;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    nx_tensor *d = t ? nx_devectorize(t, true) : NULL;
    nx_number *nums;
    int64_t at = 0;
    if (!d)
        return t ? nxi_raise_from_nx() : NULL;
    nx_shape s = nx_shape_of(d);
    if (s.rank == 0)
        return nxi_raise("ArgumentError", "cannot convert a scalar tensor to a list, got: %s",
                         nxi_inspect_plain(nxv_tensor(d)));
    if (read_numbers(d, 0, &nums) < 0)
        return NULL;
    return nest(nums, &at, s.dims, s.rank);
}

static nxv *to_number_b(int argc, nxv **argv)
{
    (void)argc;
    nx_number n;
    if (nxi_is_number(argv[0]))
        return argv[0];
    nx_tensor *t = nxi_to_tensor(argv[0]);
    if (!t)
        return NULL;
    if (nx_to_number(t, &n) < 0)
        return nxi_raise_from_nx();
    return nxi_number_value(n);
}

static nxv *to_tensor_b(int argc, nxv **argv)
{
    (void)argc;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    return t ? nxv_tensor(t) : NULL;
}

/* The vectorized axes of t: their count, names and sizes (from its devectorized form). */
static int vectorized_axes_of(nx_tensor *t, const char **names, int64_t *sizes)
{
    int k = nx_vectorized_rank(t);
    if (k <= 0)
        return k;
    nx_tensor *d = nx_devectorize(t, true);
    if (!d)
        return -1;
    nx_shape s = nx_shape_of(d);
    nx_names n = nx_names_of(d);
    for (int i = 0; i < k; i++) {
        names[i] = n.v[i];
        sizes[i] = s.dims[i];
    }
    return k;
}

static nxv *template_leaf(nxv *leaf, void *ctx)
{
    (void)ctx;
    const char *vnames[NX_MAX_RANK];
    int64_t vsizes[NX_MAX_RANK];
    nx_tensor *t = nxi_to_tensor(leaf);
    if (!t)
        return NULL;
    int k = vectorized_axes_of(t, vnames, vsizes);
    nx_tensor *d = k > 0 ? nx_devectorize(t, true) : t;
    if (k < 0 || !d)
        return nxi_raise_from_nx();
    nx_tensor *tmpl = nx_template(nx_shape_of(d), nx_type_of(d), .names = nx_names_of(d));
    return nxi_tensor_value(vectorize_leading(tmpl, k, vnames));
}

static nxv *to_template_b(int argc, nxv **argv)
{
    (void)argc;
    return nxi_map_leaves(argv[0], template_leaf, NULL);
}

static nxv *donatable_leaf(nxv *leaf, void *ctx)
{
    (void)ctx;
    nx_tensor *t = nxi_to_tensor(leaf);
    nx_tensor *d = t ? nx_donatable(t) : NULL;
    return d ? nxi_tensor_value(d) : t ? nxi_raise_from_nx() : NULL;
}

static nxv *donatable_b(int argc, nxv **argv)
{
    (void)argc;
    return nxi_map_leaves(argv[0], donatable_leaf, NULL);
}

static nxv *is_donatable_b(int argc, nxv **argv)
{
    (void)argc;
    return nxv_bool(argv[0]->kind == NXV_TENSOR && nx_is_donatable(argv[0]->tensor));
}

/* ---------------------------------------------------------------- types */

static nxv *type_b(int argc, nxv **argv)
{
    (void)argc;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    return t ? nxi_type_value(nx_type_of(t)) : NULL;
}

static nxv *as_type_b(int argc, nxv **argv)
{
    (void)argc;
    if (argv[0]->kind != NXV_TENSOR && nxi_is_tensor_like(argv[0]))   /* Nx.tensor(number, type: type) */
        return tensor_with(argv[0], NULL, argv[1]);
    nx_tensor *t = nxi_to_tensor(argv[0]);
    nx_type type = t ? nxi_to_type(argv[1]) : NX_TYPE_NONE;
    return type ? nxi_tensor_value(nx_as_type(t, type)) : NULL;
}

static nxv *bitcast_b(int argc, nxv **argv)
{
    (void)argc;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    nx_type type = t ? nxi_to_type(argv[1]) : NX_TYPE_NONE;
    return type ? nxi_tensor_value(nx_bitcast(t, type)) : NULL;
}

/* ---------------------------------------------------------------- inspection */

static nxv *shape_b(int argc, nxv **argv)
{
    (void)argc;
    nx_shape s;
    return nxi_to_shape(argv[0], &s) < 0 ? NULL : nxi_shape_value(s);
}

/* rank/axes take any tuple as a shape, unvalidated; -1 after raising. */
static int rank_of(nxv *v)
{
    nx_shape s;
    if (v->kind == NXV_TUPLE)
        return (int)v->tuple.n;
    return nxi_to_shape(v, &s) < 0 ? -1 : s.rank;
}

static nxv *rank_b(int argc, nxv **argv)
{
    (void)argc;
    int r = rank_of(argv[0]);
    return r < 0 ? NULL : nxv_int(r);
}

static nxv *axes_b(int argc, nxv **argv)
{
    (void)argc;
    int r = rank_of(argv[0]);
    if (r < 0)
        return NULL;
    nxv **items = nxv_items(r);
    for (int i = 0; i < r; i++)
        items[i] = nxv_int(i);
    return nxv_list(r, items);
}

static nxv *size_b(int argc, nxv **argv)
{
    (void)argc;
    nx_shape s;
    if (argv[0]->kind == NXV_TENSOR)
        return nxv_int(nx_size(argv[0]->tensor));
    if (nxi_to_shape(argv[0], &s) < 0)
        return NULL;
    nxi_int n = 1;
    for (int i = 0; i < s.rank; i++)
        n *= s.dims[i];
    return nxv_int(n);
}

static nxv *flat_size_b(int argc, nxv **argv)
{
    if (argv[0]->kind == NXV_TENSOR)
        return nxv_int(nx_flat_size(argv[0]->tensor));
    return size_b(argc, argv);
}

static nxv *bit_size_b(int argc, nxv **argv)
{
    (void)argc;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    return t ? nxv_int(nx_bit_size(t)) : NULL;
}

static nxv *byte_size_b(int argc, nxv **argv)
{
    (void)argc;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    return t ? nxv_int(nx_byte_size(t)) : NULL;
}

static nxv *names_b(int argc, nxv **argv)
{
    (void)argc;
    if (argv[0]->kind == NXV_TENSOR)
        return nxi_names_value(nx_names_of(argv[0]->tensor));
    if (nxi_is_number(argv[0]))
        return nxv_list(0, nxv_items(0));
    return nxi_raise("FunctionClauseError", "no function clause matching in Nx.names/1");
}

/* axis_index/axis_size: a tensor, a number or a shape tuple (names all nil) stands for
 * the axes; the index is normalised against its inner shape. */
static int axis_index_of(nxv *v, nxv *axis_v, nx_shape *shape)
{
    nx_axis axis;
    nx_tensor *t;
    if (nxi_to_shape(v, shape) < 0)
        return -1;
    t = v->kind == NXV_TENSOR ? v->tensor : nx_template(*shape, NX_U8);
    if (!t || nxi_to_axis(axis_v, shape->rank, &axis) < 0)
        return t ? -1 : (nxi_raise_from_nx(), -1);
    int i = nx_axis_index(t, axis);
    return i < 0 ? (nxi_raise_from_nx(), -1) : i;
}

static nxv *axis_index_b(int argc, nxv **argv)
{
    (void)argc;
    nx_shape s;
    int i = axis_index_of(argv[0], argv[1], &s);
    return i < 0 ? NULL : nxv_int(i);
}

static nxv *axis_size_b(int argc, nxv **argv)
{
    (void)argc;
    nx_shape s;
    int i = axis_index_of(argv[0], argv[1], &s);
    return i < 0 ? NULL : nxv_int(s.dims[i]);
}

/* Same type, inner shape and vectorized axes; names equal or nil position by position. */
static int tensors_compatible(nx_tensor *a, nx_tensor *b)
{
    const char *va[NX_MAX_RANK], *vb[NX_MAX_RANK];
    int64_t sa[NX_MAX_RANK], sb[NX_MAX_RANK];
    nx_shape s1 = nx_shape_of(a), s2 = nx_shape_of(b);
    if (nx_type_of(a) != nx_type_of(b) || s1.rank != s2.rank ||
        memcmp(s1.dims, s2.dims, (size_t)s1.rank * sizeof *s1.dims) != 0)
        return 0;
    int ka = vectorized_axes_of(a, va, sa), kb = vectorized_axes_of(b, vb, sb);
    if (ka < 0 || kb < 0)
        return -1;
    if (ka != kb)
        return 0;
    for (int i = 0; i < ka; i++)
        if (va[i] != vb[i] || sa[i] != sb[i])
            return 0;
    nx_names na = nx_names_of(a), nb = nx_names_of(b);
    for (int i = 0; i < na.n; i++)
        if (na.v[i] && nb.v[i] && na.v[i] != nb.v[i])
            return 0;
    return 1;
}

/* Nx.Defn.Composite.compatible?: 1, 0, or -1 after raising. */
static int compatible(nxv *l, nxv *r)
{
    if (nxi_is_tensor_like(l) && nxi_is_tensor_like(r)) {
        nx_tensor *a = nxi_to_tensor(l), *b = a ? nxi_to_tensor(r) : NULL;
        int c = b ? tensors_compatible(a, b) : -1;
        if (c < 0 && !nxi_raised())
            nxi_raise_from_nx();
        return c;
    }
    if (l->kind == NXV_TUPLE && r->kind == NXV_TUPLE && l->tuple.n == r->tuple.n) {
        for (int64_t i = 0; i < l->tuple.n; i++) {
            int c = compatible(l->tuple.items[i], r->tuple.items[i]);
            if (c <= 0)
                return c;
        }
        return 1;
    }
    if (l->kind == NXV_MAP && r->kind == NXV_MAP && l->map.n == r->map.n) {
        for (int64_t i = 0; i < l->map.n; i++) {
            int64_t j = 0;
            while (j < r->map.n && !nxv_equal(l->map.keys[i], r->map.keys[j], 1))
                j++;
            int c = j < r->map.n ? compatible(l->map.vals[i], r->map.vals[j]) : 0;
            if (c <= 0)
                return c;
        }
        return 1;
    }
    return 0;
}

static nxv *compatible_b(int argc, nxv **argv)
{
    (void)argc;
    int c = compatible(argv[0], argv[1]);
    return c < 0 ? NULL : nxv_bool(c);
}

static nxv *is_tensor_b(int argc, nxv **argv)
{
    (void)argc;
    return nxv_bool(nxi_is_tensor_like(argv[0]));
}

/* ---------------------------------------------------------------- shape */

/* A reshape target: a tuple whose entries are positive integers or one :auto (the
 * library counts the :auto entries), or a tensor/number whose shape is taken. */
static int reshape_target(nxv *v, nx_shape *out)
{
    if (v->kind != NXV_TUPLE)
        return nxi_to_shape(v, out);
    if (v->tuple.n > NX_MAX_RANK)
        return nxi_to_shape_tuple(v, "shape", out);
    out->rank = (int)v->tuple.n;
    for (int i = out->rank - 1; i >= 0; i--) {
        nxv *d = v->tuple.items[i];
        if (nxv_is_atom(d, "auto"))
            out->dims[i] = NX_AUTO;
        else if (d->kind == NXV_INT && d->i >= INT64_MIN + 1 && d->i <= INT64_MAX)
            out->dims[i] = (int64_t)d->i;
        else {
            nxi_raise("ArgumentError",
                      "invalid dimension in axis %d found in shape. Each dimension must be a positive integer, "
                      "got %s in shape %s", i, nxi_inspect_plain(d), nxi_inspect_plain(v));
            return -1;
        }
    }
    return 0;
}

static nxv *reshape_b(int argc, nxv **argv)
{
    nx_shape shape;
    nx_names names = { 0 };
    nxv *opts = opt_arg(argc, argv, 2), *names_v = NULL;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    if (!t || reshape_target(argv[1], &shape) < 0)
        return NULL;
    /* :names is read, not validated (Nx uses opts[:names]); else the shape tensor's names. */
    if (opts && opts->kind == NXV_LIST && nxv_is_keyword(opts))
        names_v = nxv_keyword_get(opts, "names");
    if (names_v && !nxv_is_nil(names_v)) {
        if (nxi_to_names(names_v, shape.rank, &names) < 0)
            return NULL;
    } else if (argv[1]->kind == NXV_TENSOR) {
        names = nx_names_of(argv[1]->tensor);
    }
    return nxi_tensor_value(nx_reshape(t, shape, .names = names));
}

static nxv *broadcast_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "axes", "names" };
    nxv *vals[2];
    nx_shape shape;
    nx_names names = { 0 };
    nx_axes axes;
    if (nxi_opts(opt_arg(argc, argv, 2), allowed, 2, vals) < 0)
        return NULL;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    if (!t || nxi_to_shape(argv[1], &shape) < 0)
        return NULL;
    if (vals[1] && !nxv_is_nil(vals[1])) {
        if (nxi_to_names(vals[1], shape.rank, &names) < 0)
            return NULL;
    } else if (argv[1]->kind == NXV_TENSOR) {
        names = nx_names_of(argv[1]->tensor);
    }
    if (nxi_to_axes(vals[0], shape.rank, &axes, 0) < 0)
        return NULL;
    if (vals[0] && !nxv_is_nil(vals[0]) && axes.n == 0 && nx_rank(t) > 0)   /* axes: [] */
        return nxi_raise("ArgumentError", "expected length of axes (0) to match rank of shape (%d)", nx_rank(t));
    return nxi_tensor_value(nx_broadcast(t, shape, .axes = axes, .names = names));
}

static nxv *rename_b(int argc, nxv **argv)
{
    (void)argc;
    nx_names names;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    if (!t || nxi_to_names(argv[1], nx_rank(t), &names) < 0)
        return NULL;
    return nxi_tensor_value(nx_rename(t, names));
}

/* ---------------------------------------------------------------- vectorization */

static nxv *spec_error(nxv *spec)
{
    return nxi_raise("ArgumentError",
                     "expected vectorized axis specification to be an atom or a tuple of {atom, pos_integer}, got: %s",
                     nxi_inspect_plain(spec));
}

/* Nx.vectorize of one tensor by a list of atoms and {atom, size} pairs, checked in Nx's
 * order; the leading inner axes lose their names before they become vectorized axes. */
static nxv *vectorize_tensor(nx_tensor *t, nxv *spec)
{
    nxv one = { .kind = NXV_LIST }, *item[1] = { spec };
    const char *vnames[NX_MAX_RANK];
    nx_shape shape = nx_shape_of(t);
    if (shape.rank == 0)
        return nxi_raise("ArgumentError", "cannot vectorize tensor of rank 0");
    if (spec->kind == NXV_ATOM) {
        one.list.n = 1;
        one.list.items = item;
        spec = &one;
    }
    if (spec->kind != NXV_LIST || spec->list.tail)
        return spec_error(spec);
    if (spec->list.n > shape.rank)
        return nxi_raise("ArgumentError", "number of vectorized axes must not be greater than the shape size");
    int n = (int)spec->list.n;
    for (int i = 0; i < n; i++) {
        nxv *s = spec->list.items[i];
        if (s->kind == NXV_ATOM) {
            vnames[i] = s->atom;
            continue;
        }
        if (s->kind != NXV_TUPLE || s->tuple.n != 2 || s->tuple.items[0]->kind != NXV_ATOM)
            return spec_error(s);
        nxv *size = s->tuple.items[1];
        if (size->kind == NXV_INT && size->i == shape.dims[i]) {
            vnames[i] = s->tuple.items[0]->atom;
            continue;
        }
        if (size->kind != NXV_INT)
            return spec_error(s);
        return nxi_raise("ArgumentError", "expected vectorized axis %s to have size %s, got %lld",
                         nxi_inspect_plain(s->tuple.items[0]), nxi_inspect_plain(size), (long long)shape.dims[i]);
    }
    nx_names names = nx_names_of(t);
    for (int j = n; j < names.n; j++)
        for (int i = 0; i < n; i++)
            if (names.v[j] && !strcmp(names.v[j], vnames[i]))
                return nxi_raise("ArgumentError",
                                 "cannot use name :%s for new vectorized axes because there's already an axis with the same name",
                                 names.v[j]);
    int renamed = 0;
    for (int i = 0; i < n; i++) {
        renamed |= names.v[i] != NULL;
        names.v[i] = NULL;
    }
    nx_tensor *r = renamed ? nx_rename(t, names) : t;
    return nxi_tensor_value(vectorize_leading(r, n, vnames));
}

static nxv *vectorize_leaf(nxv *leaf, void *spec)
{
    nx_tensor *t = nxi_to_tensor(leaf);
    if (!t)
        return NULL;
    nxv *s = spec;
    if (s->kind == NXV_LIST && s->list.n == 0)
        return nxv_tensor(t);
    return vectorize_tensor(t, s);
}

static nxv *vectorize_b(int argc, nxv **argv)
{
    (void)argc;
    nxv *v = argv[0];
    if (!nxi_is_tensor_like(v) && !nxi_is_container(v))
        return nxi_raise_not_container(v);
    return nxi_map_leaves(v, vectorize_leaf, argv[1]);
}

static nxv *devectorize_leaf(nxv *leaf, void *opts)
{
    static const char *const allowed[] = { "keep_names" };
    nxv *vals[1];
    nx_tensor *t = nxi_to_tensor(leaf);
    if (!t)
        return NULL;
    if (nx_vectorized_rank(t) == 0)
        return nxv_tensor(t);
    if (nxi_opts(opts, allowed, 1, vals) < 0)
        return NULL;
    return nxi_tensor_value(nx_devectorize(t, !vals[0] || nxv_truthy(vals[0])));
}

static nxv *devectorize_b(int argc, nxv **argv)
{
    nxv *v = argv[0];
    if (!nxi_is_tensor_like(v) && !nxi_is_container(v))
        return nxi_raise_not_container(v);
    return nxi_map_leaves(v, devectorize_leaf, opt_arg(argc, argv, 1));
}

/* ---------------------------------------------------------------- the table */

const nxi_func nxi_nx_funcs[] = {
    { "Nx", "tensor", 1, 2, tensor_b },
#define ENTRY(name) { "Nx", #name, 1, 1, name##_b },
    SHORTHANDS(ENTRY)
#undef ENTRY
    { "Nx", "template", 2, 3, template_b },
    { "Nx", "iota", 1, 2, iota_b },
    { "Nx", "eye", 1, 2, eye_b },
    { "Nx", "from_binary", 2, 3, from_binary_b },
    { "Nx", "to_binary", 1, 2, to_binary_b },
    { "Nx", "to_flat_list", 1, 2, to_flat_list_b },
    { "Nx", "to_list", 1, 1, to_list_b },
    { "Nx", "to_number", 1, 1, to_number_b },
    { "Nx", "to_tensor", 1, 1, to_tensor_b },
    { "Nx", "to_template", 1, 1, to_template_b },
    { "Nx", "donatable", 1, 1, donatable_b },
    { "Nx", "donatable?", 1, 1, is_donatable_b },
    { "Nx", "type", 1, 1, type_b },
    { "Nx", "as_type", 2, 2, as_type_b },
    { "Nx", "bitcast", 2, 2, bitcast_b },
    { "Nx", "shape", 1, 1, shape_b },
    { "Nx", "rank", 1, 1, rank_b },
    { "Nx", "axes", 1, 1, axes_b },
    { "Nx", "size", 1, 1, size_b },
    { "Nx", "flat_size", 1, 1, flat_size_b },
    { "Nx", "bit_size", 1, 1, bit_size_b },
    { "Nx", "byte_size", 1, 1, byte_size_b },
    { "Nx", "names", 1, 1, names_b },
    { "Nx", "axis_index", 2, 2, axis_index_b },
    { "Nx", "axis_size", 2, 2, axis_size_b },
    { "Nx", "compatible?", 2, 2, compatible_b },
    { "Nx", "is_tensor", 1, 1, is_tensor_b },
    { "Nx", "reshape", 2, 3, reshape_b },
    { "Nx", "broadcast", 2, 3, broadcast_b },
    { "Nx", "rename", 2, 2, rename_b },
    { "Nx", "vectorize", 2, 2, vectorize_b },
    { "Nx", "devectorize", 1, 2, devectorize_b },
    { NULL, NULL, 0, 0, NULL },
};
