/* src/ops/index.c: front end of selection and indexing (select, clip, gather, take,
 * take_along_axis, indexed_add, indexed_put; spec/functions.md §10, §15): checks
 * arguments in Nx's order with Nx's messages, decides output types, shapes and names,
 * broadcasts vectorized axes, and hands the kernels operands in a stored type they move
 * (sub-byte integers in 8 bits) or compute in (narrow floats in f32), with indices in s64.
 * No arithmetic here. */
#include <stdio.h>
#include <string.h>
#include "core/shape.h"
#include "core/text.h"
#include "defn/node.h"
#include "ops/front.h"

/* ---------------------------------------------------------------- types */

/* The type kernels move elements in: sub-byte integers widen to 8 bits. */
static nx_type move_type(nx_type t)
{
    switch (t) {
    case NX_U2: case NX_U4: return NX_U8;
    case NX_S2: case NX_S4: return NX_S8;
    default: return t;
    }
}

/* The type kernels compute in: narrow floats also widen, to f32 (exactly). */
static nx_type compute_type(nx_type t)
{
    switch (t) {
    case NX_F8: case NX_F8_E4M3FN: case NX_BF16: case NX_F16: return NX_F32;
    default: return move_type(t);
    }
}

static nx_tensor *not_integer_indices(nx_type t, const char *sep)
{
    return nxerr_null(NX_ARGUMENT_ERROR, "indices must be an integer tensor, got %s%s", sep, nx_type_tuple(t));
}

static int inner_rank(const nx_tensor *t)
{
    return t->rank - t->vrank;
}

static const int64_t *inner_dims(const nx_tensor *t)
{
    return t->dims + t->vrank;
}

static const char *shape_text(char *buf, size_t cap, const nx_tensor *t)
{
    return nxshape_text(buf, cap, inner_rank(t), inner_dims(t));
}

static int too_many_axes(int rank)
{
    return nxerr_set(NX_ARGUMENT_ERROR, "rank %d is not supported (nxc allows at most %d axes)", rank, NX_MAX_RANK);
}

/* ---------------------------------------------------------------- vectorized axes */

/* Converts t to `type`, then aligns it (see aligned); NULL with an error. */
static nx_tensor *operand(const nx_tensor *t, nx_type type, int nv, const char *const *vnames, int inner)
{
    nx_tensor *c = nx_as_type(t, type);
    if (!c)
        return NULL;
    nx_tensor *v = nxfront_aligned(c, nv, vnames, inner);
    nx_release(c);
    return v;
}

/* Index operand: s64, aligned. u64 indices past INT64_MAX are first capped there, so that
 * they clamp to the end of the axis rather than wrap to negative. */
static nx_tensor *index_operand(const nx_tensor *t, int nv, const char *const *vnames)
{
    if (t->type != NX_U64)
        return operand(t, NX_S64, nv, vnames, -1);
    nx_tensor *cap = nx_scalar(NX_UINT(INT64_MAX), NX_U64);
    nx_tensor *capped = cap ? nx_min(t, cap) : NULL;
    nx_tensor *r = capped ? operand(capped, NX_S64, nv, vnames, -1) : NULL;
    nx_release(capped);
    nx_release(cap);
    return r;
}

/* The output header: the nv vectorized axes ++ (rank, dims, names) inner axes. */
static nx_tensor *out_header(nx_type type, int nv, const int64_t *vdims, const char *const *vnames, int rank,
                             const int64_t *dims, const char *const *names)
{
    int64_t all[NX_MAX_RANK];
    const char *all_names[NX_MAX_RANK] = { 0 };
    if (nv + rank > NX_MAX_RANK)
        return too_many_axes(nv + rank), NULL;
    memcpy(all, vdims, (size_t)nv * sizeof *all);
    memcpy(all + nv, dims, (size_t)rank * sizeof *all);
    memcpy(all_names, vnames, (size_t)nv * sizeof *all_names);
    if (names)
        memcpy(all_names + nv, names, (size_t)rank * sizeof *all_names);
    nx_tensor *out = nxtensor_new(type, nv + rank, all, all_names);
    if (out)
        out->vrank = nv;
    return out;
}

/* Runs op into `out` (takes it; its type is the kernel's), then converts the result to
 * `want` when that differs. Releases the n operands. */
static nx_tensor *run(nx_op op, nx_tensor *out, nx_type want, nx_tensor **in, int n, const nxop_params *p)
{
    nx_tensor *r = NULL;
    int ok = out != NULL;
    for (int i = 0; i < n; i++)
        ok &= in[i] != NULL;
    if (ok)
        r = nxop_run(op, out, (const nx_tensor *const *)in, p);
    else
        nx_release(out);
    for (int i = 0; i < n; i++)
        nx_release(in[i]);
    if (!r || r->type == want)
        return r;
    nx_tensor *c = nx_as_type(r, want);
    nx_release(r);
    return c;
}

/* ---------------------------------------------------------------- select */

/* Right-aligned broadcast of a (inner) to `rank` dims (select's operand rule). */
static int fits(const nx_tensor *a, int rank, const int64_t *dims)
{
    int ra = inner_rank(a);
    char s[512], t[512];
    if (ra > rank)
        return nxerr_set(NX_ARGUMENT_ERROR, "cannot broadcast tensor of dimensions %s to %s",
                         shape_text(s, sizeof s, a), nxshape_text(t, sizeof t, rank, dims));
    for (int i = 0; i < ra; i++) {
        int64_t d = inner_dims(a)[i];
        if (d == 1 || d == dims[rank - ra + i])
            continue;
        nxtext axes = { 0 };
        nxtext_putc(&axes, '[');
        for (int k = 0; k < ra; k++)
            nxtext_printf(&axes, k ? ", %d" : "%d", rank - ra + k);
        nxtext_putc(&axes, ']');
        nxerr_set(NX_ARGUMENT_ERROR, "cannot broadcast tensor of dimensions %s to %s with axes %s",
                  shape_text(s, sizeof s, a), nxshape_text(t, sizeof t, rank, dims), axes.s ? axes.s : "[]");
        nxtext_free(&axes);
        return -1;
    }
    return 0;
}

/* Binary broadcast of two inner shapes, merging names (shapes-and-names §4.1, §2.1). */
static int broadcast2(const nx_tensor *a, const nx_tensor *b, int *rank, int64_t *dims, const char **names)
{
    int ra = inner_rank(a), rb = inner_rank(b), r = ra > rb ? ra : rb;
    for (int i = 0; i < r; i++) {
        int ia = i - (r - ra), ib = i - (r - rb);
        int64_t da = ia >= 0 ? inner_dims(a)[ia] : 1, db = ib >= 0 ? inner_dims(b)[ib] : 1;
        const char *na = ia >= 0 ? a->names[a->vrank + ia] : NULL, *nb = ib >= 0 ? b->names[b->vrank + ib] : NULL;
        if (da != db && da != 1 && db != 1) {
            char sa[512], sb[512];
            return nxerr_set(NX_ARGUMENT_ERROR, "cannot broadcast tensor of dimensions %s to %s",
                             shape_text(sa, sizeof sa, a), shape_text(sb, sizeof sb, b));
        }
        if (na && nb && na != nb)
            return nxerr_set(NX_ARGUMENT_ERROR, "cannot merge name :%s on axis %d with name :%s on axis %d", na, i, nb, i);
        dims[i] = da == 1 ? db : da;
        names[i] = na ? na : nb;
    }
    *rank = r;
    return 0;
}

/* The type a predicate is read in: one the kernel tests for non-zero exactly. */
static nx_type pred_type(nx_type t)
{
    return compute_type(t);
}

static nx_tensor *call_select(const nx_tensor *const *in, const void *opts)
{
    (void)opts;
    return nx_select(in[0], in[1], in[2]);
}

nx_tensor *nx_select(const nx_tensor *pred, const nx_tensor *on_true, const nx_tensor *on_false)
{
    const nx_tensor *args[3] = { pred, on_true, on_false };
    int64_t vdims[NX_MAX_RANK], dims[NX_MAX_RANK];
    const char *vnames[NX_MAX_RANK] = { 0 }, *names[NX_MAX_RANK] = { 0 };
    int rank = 0;
    if (nxtensor_check_inputs(args, 3) < 0)
        return NULL;
    int nv = nxfront_vectorized_union(args, 3, vdims, vnames);
    if (nv < 0)
        return NULL;
    nx_type type = nx_type_merge(on_true->type, on_false->type);
    if (inner_rank(pred) == 0) {
        if (broadcast2(on_true, on_false, &rank, dims, names) < 0)
            return NULL;
    } else {
        rank = inner_rank(pred);
        memcpy(dims, inner_dims(pred), (size_t)rank * sizeof *dims);
        memcpy(names, pred->names + pred->vrank, (size_t)rank * sizeof *names);
        if (fits(on_true, rank, dims) < 0 || fits(on_false, rank, dims) < 0)
            return NULL;
    }
    nx_type move = move_type(type);
    nx_tensor *in[3] = {
        operand(pred, pred_type(pred->type), nv, vnames, rank),
        operand(on_true, move, nv, vnames, rank),
        operand(on_false, move, nv, vnames, rank),
    };
    nxop_params p = { 0 };
    nx_tensor *r = run(NX_OP_select, out_header(move, nv, vdims, vnames, rank, dims, names), type, in, 3, &p);
    /* Nx records select over its operands as given (a constant keeps its own type) */
    return nv == 0 && nxdefn_traced(r) ? nxdefn_wrap_kernel(r, NX_OP_select, call_select, &p, sizeof p, args, 3) : r;
}

/* ---------------------------------------------------------------- clip */

static int scalar_bound(const nx_tensor *b, const char *which)
{
    if (inner_rank(b) == 0 && b->vrank == 0)
        return 0;
    char s[512];
    nxtext axes = { 0 };
    nxtext_putc(&axes, '[');
    for (int i = 0; i < b->vrank; i++)
        nxtext_printf(&axes, "%s%s: %lld", i ? ", " : "", b->names[i], (long long)b->dims[i]);
    nxtext_putc(&axes, ']');
    nxerr_set(NX_ARGUMENT_ERROR, "%s value must be a non-vectorized scalar shape, got shape %s and vectorized axes %s",
              which, shape_text(s, sizeof s, b), axes.s ? axes.s : "[]");
    nxtext_free(&axes);
    return -1;
}

static nx_tensor *call_clip(const nx_tensor *const *in, const void *opts)
{
    (void)opts;
    return nx_clip(in[0], in[1], in[2]);
}

nx_tensor *nx_clip(const nx_tensor *t, const nx_tensor *min, const nx_tensor *max)
{
    const nx_tensor *args[3] = { t, min, max };
    if (nxtensor_check_inputs(args, 3) < 0 || scalar_bound(min, "min") < 0 || scalar_bound(max, "max") < 0)
        return NULL;
    nx_type type = nx_type_merge(t->type, nx_type_merge(min->type, max->type));
    if (nx_type_is_complex(type))
        return nxerr_null(NX_ARGUMENT_ERROR, "Nx.clip/2 does not support complex inputs");
    nx_type compute = compute_type(type);
    nx_tensor *in[3] = { nx_as_type(t, compute), nx_as_type(min, compute), nx_as_type(max, compute) };
    nxop_params p = { 0 };
    nx_tensor *r = run(NX_OP_clip, nxtensor_like(t, compute), type, in, 3, &p);
    return t->vrank == 0 && nxdefn_traced(r) ? nxdefn_wrap_kernel(r, NX_OP_clip, call_clip, &p, sizeof p, args, 3) : r;
}

/* ---------------------------------------------------------------- :axes of gather and indexed_* */

/* Nx's indexed_axes: normalises .axes against t's inner shape (ascending, one per index
 * coordinate k), or the first k axes when not given. Returns k or -1. */
static int indexed_axes(const nx_tensor *t, int64_t k, const nx_axes *given, int *axes)
{
    int r = inner_rank(t);
    if (given->n == 0) {
        if (k > r)
            return k;   /* the caller reports the rank mismatch */
        for (int a = 0; a < k; a++)
            axes[a] = a;
        return (int)k;
    }
    if (nxshape_axes(given, r, t->names + t->vrank, r, axes) < 0)
        return -1;
    for (int a = 1; a < given->n; a++)
        if (axes[a] <= axes[a - 1])
            return nxerr_set(NX_ARGUMENT_ERROR, ":axes must be an ordered list");
    if (given->n != k)
        return nxerr_set(NX_ARGUMENT_ERROR, ":axes must have the same number of elements as the last dimension of indices");
    return (int)k;
}

static int is_indexed(const int *axes, int k, int axis)
{
    for (int a = 0; a < k; a++)
        if (axes[a] == axis)
            return 1;
    return 0;
}

/* ---------------------------------------------------------------- gather */

static nx_tensor *call_gather(const nx_tensor *const *in, const void *opts)
{
    return nx_gather_(in[0], in[1], *(const nx_gather_opts *)opts);
}

nx_tensor *nx_gather_(const nx_tensor *t, const nx_tensor *indices, nx_gather_opts o)
{
    const nx_tensor *args[2] = { t, indices };
    int64_t vdims[NX_MAX_RANK], dims[NX_MAX_RANK];
    const char *vnames[NX_MAX_RANK] = { 0 };
    int axes[NX_MAX_RANK];
    if (nxtensor_check_inputs(args, 2) < 0)
        return NULL;
    int nv = nxfront_vectorized_union(args, 2, vdims, vnames);
    if (nv < 0)
        return NULL;
    int ir = inner_rank(indices), r = inner_rank(t);
    if (ir == 0)
        return nxerr_null(NX_ARGUMENT_ERROR, "expected indices rank to be at least 1, got: 0");
    int64_t k = inner_dims(indices)[ir - 1];
    if (indexed_axes(t, k, &o.axes, axes) < 0)
        return NULL;
    if (!nx_type_is_integer(indices->type))
        return not_integer_indices(indices->type, "");
    if (k > r)
        return nxerr_null(NX_ARGUMENT_ERROR,
                          "expected the last indices dimension size (%lld) to be less than or equal to the tensor rank (%d)",
                          (long long)k, r);
    int rank = 0;
    for (int i = 0; i < ir - 1; i++)
        dims[rank++] = inner_dims(indices)[i];
    for (int ax = 0; ax < r; ax++)
        if (!is_indexed(axes, (int)k, ax)) {
            if (rank == NX_MAX_RANK)
                return too_many_axes(nv + ir - 1 + r - (int)k), NULL;
            dims[rank++] = inner_dims(t)[ax];
        }
    nx_type move = move_type(t->type);
    nx_tensor *in[2] = { operand(t, move, nv, vnames, -1), index_operand(indices, nv, vnames) };
    nxop_params p = { 0 };
    for (int a = 0; a < k; a++)
        p.axes[a] = nv + axes[a];
    nx_tensor *res = run(NX_OP_gather, out_header(move, nv, vdims, vnames, rank, dims, NULL), t->type, in, 2, &p);
    /* Nx records gather over the indices as given (no s64 conversion) */
    return nv == 0 && nxdefn_traced(res) ? nxdefn_wrap_kernel(res, NX_OP_gather, call_gather, &o, sizeof o, args, 2)
                                         : res;
}

/* ---------------------------------------------------------------- take */

static nx_tensor *call_take(const nx_tensor *const *in, const void *opts)
{
    return nx_take_(in[0], in[1], *(const nx_take_opts *)opts);
}

nx_tensor *nx_take_(const nx_tensor *t, const nx_tensor *indices, nx_take_opts o)
{
    const nx_tensor *args[2] = { t, indices };
    int64_t vdims[NX_MAX_RANK], dims[NX_MAX_RANK];
    const char *vnames[NX_MAX_RANK] = { 0 }, *names[NX_MAX_RANK] = { 0 };
    if (nxtensor_check_inputs(args, 2) < 0)
        return NULL;
    if (!nx_type_is_integer(indices->type))
        return not_integer_indices(indices->type, "");
    int r = inner_rank(t), ir = inner_rank(indices);
    const char *const *tnames = t->names + t->vrank, *const *inames = indices->names + indices->vrank;
    int axis = nxshape_axis(o.axis.set ? o.axis : NX_AXIS(0), r, tnames, r);
    if (axis < 0)
        return NULL;
    if (r - 1 + ir > NX_MAX_RANK)
        return too_many_axes(r - 1 + ir), NULL;
    int rank = 0;
    for (int i = 0; i < axis; i++, rank++) {
        dims[rank] = inner_dims(t)[i];
        names[rank] = tnames[i];
    }
    for (int i = 0; i < ir; i++, rank++) {
        dims[rank] = inner_dims(indices)[i];
        names[rank] = inames[i];
    }
    if (ir == 1) {   /* 1-D indices take the axis' name unless they have their own */
        const char *a = tnames[axis], *b = inames[0];
        if (a && b && a != b)
            return nxerr_null(NX_ARGUMENT_ERROR, "cannot merge name :%s on axis %d with name :%s on axis 0", a, axis, b);
        names[axis] = a ? a : b;
    }
    for (int i = axis + 1; i < r; i++, rank++) {
        dims[rank] = inner_dims(t)[i];
        names[rank] = tnames[i];
    }
    int nv = nxfront_vectorized_union(args, 2, vdims, vnames);
    if (nv < 0)
        return NULL;
    nx_type move = move_type(t->type);
    nx_tensor *in[2] = { operand(t, move, nv, vnames, -1), index_operand(indices, nv, vnames) };
    nxop_params p = { .axis = nv + axis };
    nx_tensor *res = run(NX_OP_take, out_header(move, nv, vdims, vnames, rank, dims, names), t->type, in, 2, &p);
    return nv == 0 && nxdefn_traced(res) ? nxdefn_wrap_kernel(res, NX_OP_take, call_take, &o, sizeof o, args, 2) : res;
}

/* ---------------------------------------------------------------- take_along_axis */

/* t's inner shape with "*" at the axis: "{2, *, 4}". */
static void along_template(char *buf, size_t cap, const nx_tensor *t, int axis)
{
    size_t at = 0;
    at += (size_t)snprintf(buf, cap, "{");
    for (int i = 0; i < inner_rank(t) && at < cap; i++) {
        if (i == axis)
            at += (size_t)snprintf(buf + at, cap - at, "%s*", i ? ", " : "");
        else
            at += (size_t)snprintf(buf + at, cap - at, "%s%lld", i ? ", " : "", (long long)inner_dims(t)[i]);
    }
    if (at < cap)
        snprintf(buf + at, cap - at, "}");
}

static nx_tensor *call_take_along_axis(const nx_tensor *const *in, const void *opts)
{
    return nx_take_along_axis_(in[0], in[1], *(const nx_take_opts *)opts);
}

nx_tensor *nx_take_along_axis_(const nx_tensor *t, const nx_tensor *indices, nx_take_opts o)
{
    const nx_tensor *args[2] = { t, indices };
    int64_t vdims[NX_MAX_RANK];
    const char *vnames[NX_MAX_RANK] = { 0 };
    if (nxtensor_check_inputs(args, 2) < 0)
        return NULL;
    int nv = nxfront_vectorized_union(args, 2, vdims, vnames);
    if (nv < 0)
        return NULL;
    if (!nx_type_is_integer(indices->type))
        return not_integer_indices(indices->type, "");
    int r = inner_rank(t), ir = inner_rank(indices);
    int axis = nxshape_axis(o.axis.set ? o.axis : NX_AXIS(0), r, t->names + t->vrank, r);
    if (axis < 0)
        return NULL;
    char tmpl[512], got[512];
    if (ir != r) {
        along_template(tmpl, sizeof tmpl, t, axis);
        return nxerr_null(NX_ARGUMENT_ERROR, "shapes must have the same number of dimensions. Expected %s, got: %s",
                          tmpl, shape_text(got, sizeof got, indices));
    }
    for (int i = 0; i < r; i++)
        if (i != axis && inner_dims(t)[i] != inner_dims(indices)[i]) {
            along_template(tmpl, sizeof tmpl, t, axis);
            return nxerr_null(NX_ARGUMENT_ERROR, "non-indexing dimensions must match. Expected %s, got: %s",
                              tmpl, shape_text(got, sizeof got, indices));
        }
    nx_type move = move_type(t->type);
    nx_tensor *in[2] = { operand(t, move, nv, vnames, -1), index_operand(indices, nv, vnames) };
    nxop_params p = { .axis = nv + axis };
    nx_tensor *res = run(NX_OP_take_along_axis,
                         out_header(move, nv, vdims, vnames, r, inner_dims(indices), t->names + t->vrank), t->type, in,
                         2, &p);
    return nv == 0 && nxdefn_traced(res)
               ? nxdefn_wrap_kernel(res, NX_OP_take_along_axis, call_take_along_axis, &o, sizeof o, args, 2)
               : res;
}

/* ---------------------------------------------------------------- indexed_add, indexed_put */

/* Nx.Shape.indexed: indices {n, k}, updates {n, ...} fitting the non-indexed axes. */
static int indexed_shapes(const nx_tensor *target, const nx_tensor *indices, const nx_tensor *updates,
                          const int *axes, int k)
{
    int r = inner_rank(target), i = inner_rank(indices), u = inner_rank(updates);
    char a[512], b[512];
    if (i != 2)
        return nxerr_set(NX_ARGUMENT_ERROR, "indices must be a rank 1 or 2 tensor, got: %d", i);
    if (u == 0 || inner_dims(indices)[0] != inner_dims(updates)[0])
        return nxerr_set(NX_ARGUMENT_ERROR,
                         "expected the leading axis of indices (%s) and leading axis of updates (%s) to match",
                         shape_text(a, sizeof a, indices), shape_text(b, sizeof b, updates));
    if (u - 1 + k != r)
        return nxerr_set(NX_ARGUMENT_ERROR,
                         "expected the rank of the input (%d) to be equal to the rank of the updates (%d) plus the trailing axis of indices (%s) minus one",
                         r, u, shape_text(a, sizeof a, indices));
    int ua = 1;
    for (int ax = 0; ax < r; ax++) {
        if (is_indexed(axes, k, ax))
            continue;
        if (inner_dims(updates)[ua] > inner_dims(target)[ax])
            return nxerr_set(NX_ARGUMENT_ERROR,
                             "axis (%d) of updates (%s) must be less than or equal to the axis (%d) of %s)", ua,
                             shape_text(a, sizeof a, updates), ax, shape_text(b, sizeof b, target));
        ua++;
    }
    return 0;
}

/* A view of t with a new leading inner axis of size 1 (Nx.new_axis(t, 0)). */
static nx_tensor *lead_axis(const nx_tensor *t)
{
    int64_t dims[NX_MAX_RANK];
    const char *names[NX_MAX_RANK];
    if (t->rank + 1 > NX_MAX_RANK)
        return too_many_axes(t->rank + 1), NULL;
    memcpy(dims, t->dims, (size_t)t->vrank * sizeof *dims);
    memcpy(names, t->names, (size_t)t->vrank * sizeof *names);
    dims[t->vrank] = 1;
    names[t->vrank] = NULL;
    memcpy(dims + t->vrank + 1, inner_dims(t), (size_t)inner_rank(t) * sizeof *dims);
    memcpy(names + t->vrank + 1, t->names + t->vrank, (size_t)inner_rank(t) * sizeof *names);
    return nxfront_view(t, t->type, t->rank + 1, dims, names, t->vrank);
}

static nx_tensor *indexed(nx_op op, const nx_tensor *target, const nx_tensor *indices, const nx_tensor *updates,
                          const nx_axes *given)
{
    const nx_tensor *args[3] = { target, indices, updates };
    int64_t vdims[NX_MAX_RANK];
    const char *vnames[NX_MAX_RANK] = { 0 };
    int axes[NX_MAX_RANK];
    char a[512];
    if (nxtensor_check_inputs(args, 3) < 0)
        return NULL;
    if (inner_rank(indices) == 1) {
        /* The shorthand: one element, a scalar update (Nx.Shape.indexed_scalar). */
        int r = inner_rank(target);
        if (inner_dims(indices)[0] != r)
            return nxerr_null(NX_ARGUMENT_ERROR, "expected indices to have shape {%d}, got: %s", r,
                              shape_text(a, sizeof a, indices));
        if (inner_rank(updates) != 0)
            return nxerr_null(NX_ARGUMENT_ERROR, "updates must be a scalar tensor when indices has rank 1, got: %s",
                              shape_text(a, sizeof a, updates));
        nx_tensor *i2 = lead_axis(indices), *u2 = i2 ? lead_axis(updates) : NULL;
        nx_tensor *r2 = u2 ? indexed(op, target, i2, u2, given) : NULL;
        nx_release(u2);
        nx_release(i2);
        return r2;
    }
    int nv = nxfront_vectorized_union(args, 3, vdims, vnames);
    if (nv < 0)
        return NULL;
    if (!nx_type_is_integer(indices->type))
        return not_integer_indices(indices->type, "type: ");
    if (inner_rank(indices) == 0)
        return nxerr_null(NX_ARGUMENT_ERROR, "indices must be a rank 1 or 2 tensor, got: 0");
    int64_t k = inner_dims(indices)[inner_rank(indices) - 1];
    if (indexed_axes(target, k, given, axes) < 0)
        return NULL;
    if (indexed_shapes(target, indices, updates, axes, (int)k) < 0)
        return NULL;
    nx_type type = nx_type_merge(target->type, updates->type);
    nx_type kernel = op == NX_OP_indexed_add ? compute_type(type) : move_type(type);
    nx_tensor *in[3] = {
        operand(target, kernel, nv, vnames, -1),
        index_operand(indices, nv, vnames),
        operand(updates, kernel, nv, vnames, -1),
    };
    nxop_params p = { 0 };
    for (int i = 0; i < k; i++)
        p.axes[i] = nv + axes[i];
    return run(op, out_header(kernel, nv, vdims, vnames, inner_rank(target), inner_dims(target),
                              target->names + target->vrank),
               type, in, 3, &p);
}

nx_tensor *nx_indexed_add_(const nx_tensor *target, const nx_tensor *indices, const nx_tensor *updates,
                           nx_indexed_opts o)
{
    return indexed(NX_OP_indexed_add, target, indices, updates, &o.axes);
}

nx_tensor *nx_indexed_put_(const nx_tensor *target, const nx_tensor *indices, const nx_tensor *updates,
                           nx_indexed_opts o)
{
    return indexed(NX_OP_indexed_put, target, indices, updates, &o.axes);
}
