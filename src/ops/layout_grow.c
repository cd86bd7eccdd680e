/* src/ops/layout_grow.c: front end of the layout ops that build a larger tensor: tile,
 * pad, pad_outer (with modes), concatenate and stack (spec/functions.md §5;
 * spec/shapes-and-names.md §6). Checks arguments with Nx's messages, decides types, shapes
 * and names; tile and the padding modes are composed from reshape, broadcast, slices and
 * concatenate. */
#include <string.h>
#include "core/shape.h"
#include "core/text.h"
#include "ops/layout_internal.h"

/* "{*, 2, 3}": a shape with a star at `axis`. */
static const char *star_text(char *buf, size_t cap, int rank, const int64_t *dims, int axis)
{
    size_t len = (size_t)snprintf(buf, cap, "{");
    for (int i = 0; i < rank && len < cap; i++) {
        const char *sep = i ? ", " : "";
        if (i == axis)
            len += (size_t)snprintf(buf + len, cap - len, "%s*", sep);
        else
            len += (size_t)snprintf(buf + len, cap - len, "%s%lld", sep, (long long)dims[i]);
    }
    if (len < cap)
        snprintf(buf + len, cap - len, "}");
    return buf;
}

/* ---------------------------------------------------------------- tile */

static nx_tensor *reps_error(nx_ints reps)
{
    nxtext s = { 0 };
    nxtext_putc(&s, '[');
    for (int i = 0; i < reps.n; i++)
        nxtext_printf(&s, i ? ", %lld" : "%lld", (long long)reps.v[i]);
    nxtext_putc(&s, ']');
    nxerr_set(NX_ARGUMENT_ERROR, "repetitions must be a list of integers, got: %s", s.s ? s.s : "[]");
    nxtext_free(&s);
    return NULL;
}

/* Repeats axis k of t (rank m, inner dims `dims`) reps[k] times for every k with
 * only[k] set: a reshape that puts a 1 before each such axis, a broadcast of those 1s to
 * the repetitions, and a reshape that merges each pair. */
static nx_tensor *tile_axes(const nx_tensor *t, int m, const int64_t *dims, const int64_t *reps, const int *only)
{
    nx_shape grown = { 0 }, wide = { 0 }, final = { .rank = m };
    for (int k = 0; k < m; k++) {
        final.dims[k] = dims[k];
        if (only[k] && reps[k] > 1) {
            grown.dims[grown.rank++] = 1;
            wide.dims[wide.rank++] = reps[k];
            if (__builtin_mul_overflow(reps[k], dims[k], &final.dims[k]))
                return nxerr_null(NX_ARGUMENT_ERROR, "tile would give a dimension beyond 2^63 - 1");
        }
        grown.dims[grown.rank++] = dims[k];
        wide.dims[wide.rank++] = dims[k];
    }
    nx_tensor *a = nx_reshape(t, grown);
    nx_tensor *b = a ? nx_broadcast(a, wide) : NULL;
    nx_tensor *c = b ? nx_reshape(b, final) : NULL;
    nx_release(b);
    nx_release(a);
    return c;
}

nx_tensor *nx_tile(const nx_tensor *t, nx_ints reps)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    if (reps.n < 0 || reps.n > NX_MAX_RANK)
        return reps_error((nx_ints){ 0 });
    for (int i = 0; i < reps.n; i++)
        if (reps.v[i] < 1)
            return reps_error(reps);
    int r = INNER(t), m = r > reps.n ? r : reps.n, repeated = 0;
    if (t->vrank + m > NX_MAX_RANK)
        return nxlayout_rank_error(t->vrank + m), NULL;
    int64_t dims[NX_MAX_RANK], rep[NX_MAX_RANK];
    int all[NX_MAX_RANK];
    for (int k = 0; k < m; k++) {
        dims[k] = k < m - r ? 1 : IDIMS(t)[k - (m - r)];
        rep[k] = k < m - reps.n ? 1 : reps.v[k - (m - reps.n)];
        all[k] = 1;
        repeated += rep[k] > 1;
    }
    /* In one go when the interleaved shape fits in NX_MAX_RANK axes, else axis by axis. */
    if (t->vrank + m + repeated <= NX_MAX_RANK)
        return tile_axes(t, m, dims, rep, all);
    nx_tensor *cur = nxlayout_same(t);
    for (int k = 0; cur && k < m; k++) {
        if (rep[k] == 1)
            continue;
        int one[NX_MAX_RANK] = { 0 };
        one[k] = 1;
        nx_tensor *next = tile_axes(cur, m, dims, rep, one);
        nx_release(cur);
        cur = next;
        dims[k] *= rep[k];
    }
    if (cur && nx_rank(cur) != m) {   /* nothing repeated: still the input's rank */
        nx_shape s = { .rank = m };
        memcpy(s.dims, dims, (size_t)m * sizeof *dims);
        nx_tensor *re = nx_reshape(cur, s);
        nx_release(cur);
        cur = re;
    }
    return cur;
}

/* ---------------------------------------------------------------- pad */

nx_tensor *nx_pad(const nx_tensor *t, const nx_tensor *value, nx_padding config)
{
    const nx_tensor *args[2] = { t, value };
    if (nxtensor_check_inputs(args, 2) < 0)
        return NULL;
    if (value->rank != 0)
        return nxerr_null(NX_ARGUMENT_ERROR, "padding value must be a scalar and non-vectorized");
    nx_type type = value->weak ? nx_type_merge_number(t->type, value->weak_value) : nx_type_merge(t->type, value->type);
    int r = INNER(t);
    if (config.n != r)
        return nxerr_null(NX_ARGUMENT_ERROR, "invalid padding configuration, rank of padding configuration and shape must match");
    int64_t dims[NX_MAX_RANK];
    nxop_params p = { 0 };
    for (int i = 0; i < r; i++) {
        nx_pad_axis c = config.v[i];
        if (c.interior < 0)
            return nxerr_null(NX_ARGUMENT_ERROR, "invalid padding configuration, interior padding must be non-negative");
    }
    for (int i = 0; i < r; i++) {
        nx_pad_axis c = config.v[i];
        __int128 d = IDIMS(t)[i];
        __int128 out = d + c.low + c.high + (d - 1) * c.interior;
        if (out <= 0)
            return nxerr_null(NX_ARGUMENT_ERROR, "invalid padding configuration, output dimension %d would be %lld", i,
                              (long long)(out < INT64_MIN ? INT64_MIN : out));
        dims[i] = out > INT64_MAX ? INT64_MAX : (int64_t)out;
        p.pad.low[t->vrank + i] = c.low;
        p.pad.high[t->vrank + i] = c.high;
        p.pad.interior[t->vrank + i] = c.interior;
    }
    /* A number is written exactly as the output type stores it, not through its tensor. */
    nx_tensor *v = value->weak ? nx_scalar(value->weak_value, type) : (nx_tensor *)nxlayout_same(value);
    if (!v)
        return NULL;
    const nx_tensor *in[2] = { t, v };
    nx_tensor *out = nxop_run(NX_OP_pad, nxlayout_header(t, type, r, dims, INAMES(t)), in, &p);
    nx_release(v);
    return out;
}

nx_tensor *nx_pad_outer(const nx_tensor *t, const nx_tensor *value, nx_pad_pairs config)
{
    nx_padding pad = { .n = config.n };
    for (int i = 0; i < config.n && i < NX_MAX_RANK; i++)
        pad.v[i] = (nx_pad_axis){ config.v[i].low, config.v[i].high, 0 };
    return nx_pad(t, value, pad);
}

/* The source index of output position j (from -low) of an axis of size n. */
static int64_t mode_index(nx_pad_mode mode, int64_t j, int64_t n)
{
    if (n == 1)
        return 0;
    switch (mode) {
    case NX_PAD_CYCLIC:
        return ((j % n) + n) % n;
    case NX_PAD_MIRROR: {
        int64_t m = ((j % (2 * n)) + 2 * n) % (2 * n);
        return m < n ? m : 2 * n - 1 - m;
    }
    case NX_PAD_REFLECT: {
        int64_t period = 2 * n - 2, m = ((j % period) + period) % period;
        return m < n ? m : period - m;
    }
    default:
        return j < 0 ? 0 : j >= n ? n - 1 : j;
    }
}

/* One axis of pad_outer with a mode: the output is cut into runs of source indices that
 * step by +1, -1 or 0, each a slice (reversed, or broadcast), then concatenated. */
static nx_tensor *pad_mode_axis(const nx_tensor *t, int axis, nx_pad_mode mode, int64_t low, int64_t high)
{
    int64_t n = IDIMS(t)[axis], total = low + n + high;
    int cap = 8, count = 0;
    nx_tensor **pieces = nx_alloc((size_t)cap * sizeof *pieces);
    if (!pieces)
        return nxerr_oom((size_t)cap * sizeof *pieces);
    nx_tensor *result = NULL;
    for (int64_t j = 0; j < total;) {
        int64_t first = mode_index(mode, j - low, n), len = 1, step = 0;
        if (j + 1 < total) {
            step = mode_index(mode, j + 1 - low, n) - first;
            if (step < -1 || step > 1)
                step = 0;
            else
                while (j + len < total && mode_index(mode, j + len - low, n) == first + len * step)
                    len++;
        }
        nx_tensor *piece;
        if (step == 1) {
            piece = nx_slice_along_axis(t, first, len, .axis = NX_AXIS(axis));
        } else if (step == -1) {
            nx_tensor *s = nx_slice_along_axis(t, first - len + 1, len, .axis = NX_AXIS(axis));
            piece = s ? nx_reverse(s, .axes = NX_AXES(axis)) : NULL;
            nx_release(s);
        } else {
            nx_tensor *s = nx_slice_along_axis(t, first, 1, .axis = NX_AXIS(axis));
            nx_shape to = { .rank = INNER(t) };
            memcpy(to.dims, IDIMS(t), (size_t)to.rank * sizeof *to.dims);
            to.dims[axis] = len;
            piece = s && len > 1 ? nx_broadcast(s, to) : s;
            if (piece != s)
                nx_release(s);
        }
        if (!piece)
            goto out;
        if (count == cap) {
            nx_tensor **more = nx_alloc((size_t)cap * 2 * sizeof *more);
            if (!more) {
                nx_release(piece);
                nxerr_oom((size_t)cap * 2 * sizeof *more);
                goto out;
            }
            memcpy(more, pieces, (size_t)count * sizeof *more);
            nx_free(pieces);
            pieces = more;
            cap *= 2;
        }
        pieces[count++] = piece;
        j += len;
    }
    nx_tensor_list list = { count, (const nx_tensor *const *)pieces };
    result = nx_concatenate(list, .axis = NX_AXIS(axis));
out:
    nxlayout_release_all(count, pieces);
    nx_free(pieces);
    return result;
}

nx_tensor *nx_pad_outer_mode(const nx_tensor *t, nx_pad_mode mode, nx_pad_pairs config)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    if (mode < NX_PAD_CYCLIC || mode > NX_PAD_REPLICATE)
        return nxerr_null(NX_ARGUMENT_ERROR, "expected padding type to be either of [:cyclic, :mirror, :replicate, :reflect], got %d", (int)mode);
    int r = INNER(t);
    if (r == 0)
        return nxerr_null(NX_ARGUMENT_ERROR, "expected tensor to have rank greater than 0");
    if (config.n != r)
        return nxerr_null(NX_ARGUMENT_ERROR, "expected to have one padding_config entry each tensor axis");
    for (int i = 0; i < r; i++)
        if (config.v[i].low < 0 || config.v[i].high < 0)
            return nxerr_null(NX_ARGUMENT_ERROR,
                              "expected padding config for axis %d to be of the format {left, right}, with left and right as non-negative integers, got: {%lld, %lld}",
                              i, (long long)config.v[i].low, (long long)config.v[i].high);
    nx_tensor *cur = nxlayout_same(t);
    for (int i = 0; cur && i < r; i++) {
        if (config.v[i].low == 0 && config.v[i].high == 0)
            continue;
        nx_tensor *next = pad_mode_axis(cur, i, mode, config.v[i].low, config.v[i].high);
        nx_release(cur);
        cur = next;
    }
    if (!cur)
        return NULL;
    /* Broadcast pieces drop names: the result keeps the input's. */
    nx_tensor *named = nxlayout_view(cur, r, IDIMS(cur), INAMES(t));
    nx_release(cur);
    return named;
}

/* ---------------------------------------------------------------- concatenate, stack */

/* Merges the names of every inner axis position across the inputs, left to right (up to
 * the smallest rank, as Nx zips them), reporting a conflict at `axis` on both sides, the
 * later input's name first (Nx's quirk). names[] gets the result. */
static int merge_all_names(nx_tensor_list list, int axis, const char **names)
{
    int rank = INNER(list.v[0]);
    for (int k = 1; k < list.n; k++)
        if (INNER(list.v[k]) < rank)
            rank = INNER(list.v[k]);
    for (int i = 0; i < rank; i++) {
        const char *acc = INAMES(list.v[0])[i];
        for (int k = 1; k < list.n; k++) {
            const char *name = INAMES(list.v[k])[i];
            if (name && acc && name != acc)
                return nxlayout_merge_name_error(name, axis, acc, axis);
            if (!acc)
                acc = name;
        }
        names[i] = acc;
    }
    return 0;
}

static nx_type merged_type(nx_tensor_list list)
{
    nx_type type = list.v[0]->type;
    for (int k = 1; k < list.n; k++)
        type = nx_type_merge(type, list.v[k]->type);
    return type;
}

/* Runs concatenate or stack on the inputs laid out together. */
static nx_tensor *join(nx_op op, nx_tensor_list list, nx_type type, int rank, const int64_t *dims,
                       const char *const *names, int axis)
{
    nx_tensor **in = nx_alloc((size_t)list.n * sizeof *in);
    if (!in)
        return nxerr_oom((size_t)list.n * sizeof *in);
    const char *vnames[NX_MAX_RANK];
    int64_t vdims[NX_MAX_RANK];
    int nv = nxlayout_vectorize_together(list.n, list.v, in, vnames, vdims);
    nx_tensor *out = NULL;
    if (nv >= 0) {
        nxop_params p = { .axis = nv + axis, .count = list.n };
        out = nxop_run(op, nxlayout_header_v(type, nv, vdims, vnames, rank, dims, names),
                       (const nx_tensor *const *)in, &p);
        nxlayout_release_all(list.n, in);
    }
    nx_free(in);
    return out;
}

nx_tensor *nx_concatenate_(nx_tensor_list list, nx_concatenate_opts o)
{
    if (list.n <= 0 || !list.v)
        return nxerr_null(NX_ARGUMENT_ERROR, "no tensors were given to concatenate");
    if (nxtensor_check_inputs(list.v, list.n) < 0)
        return NULL;
    const nx_tensor *first = list.v[0];
    if (list.n == 1)
        return nxlayout_same(first);
    int r = INNER(first), axis = nxlayout_norm_axis(first, o.axis);
    if (axis < 0)
        return NULL;
    int64_t dims[NX_MAX_RANK];
    const char *names[NX_MAX_RANK];
    if (merge_all_names(list, axis, names) < 0)
        return NULL;
    memcpy(dims, IDIMS(first), (size_t)r * sizeof *dims);
    for (int k = 1; k < list.n; k++) {
        const nx_tensor *t = list.v[k];
        int ok = INNER(t) == r;
        for (int i = 0; ok && i < r; i++)
            ok = i == axis || IDIMS(t)[i] == dims[i];
        if (!ok) {
            char a[512], b[512];
            return nxerr_null(NX_ARGUMENT_ERROR, "expected all shapes to match %s, got unmatching shape: %s",
                              star_text(a, sizeof a, r, dims, axis), nxshape_text(b, sizeof b, INNER(t), IDIMS(t)));
        }
        if (__builtin_add_overflow(dims[axis], IDIMS(t)[axis], &dims[axis]))
            return nxerr_null(NX_ARGUMENT_ERROR, "concatenate would give a dimension beyond 2^63 - 1");
    }
    return join(NX_OP_concatenate, list, merged_type(list), r, dims, names, axis);
}

nx_tensor *nx_stack_(nx_tensor_list list, nx_stack_opts o)
{
    if (list.n <= 0 || !list.v)
        return nxerr_null(NX_ARGUMENT_ERROR, "no tensors were given to stack");
    if (nxtensor_check_inputs(list.v, list.n) < 0)
        return NULL;
    const nx_tensor *first = list.v[0];
    if (list.n == 1)
        return nx_new_axis(first, o.axis, o.name);
    int r = INNER(first);
    const char *merged[NX_MAX_RANK], *names[NX_MAX_RANK];
    if (merge_all_names(list, o.axis, merged) < 0)
        return NULL;
    for (int k = 1; k < list.n; k++) {
        const nx_tensor *t = list.v[k];
        if (INNER(t) == r && memcmp(IDIMS(t), IDIMS(first), (size_t)r * sizeof *IDIMS(t)) == 0)
            continue;
        /* The distinct shapes, in order of first appearance. */
        nxtext s = { 0 };
        nxtext_putc(&s, '[');
        for (int i = 0; i < list.n; i++) {
            const nx_tensor *a = list.v[i];
            int seen = 0;
            for (int j = 0; j < i && !seen; j++)
                seen = INNER(list.v[j]) == INNER(a) &&
                       memcmp(IDIMS(list.v[j]), IDIMS(a), (size_t)INNER(a) * sizeof *IDIMS(a)) == 0;
            if (seen)
                continue;
            if (i)
                nxtext_puts(&s, ", ");
            nxtext_shape(&s, INNER(a), IDIMS(a));
        }
        nxtext_putc(&s, ']');
        nxerr_set(NX_ARGUMENT_ERROR, "can only stack tensors of the same shape, got distinct shapes: %s",
                  s.s ? s.s : "[]");
        nxtext_free(&s);
        return NULL;
    }
    int pos = nxlayout_new_axis_position(first, o.axis);
    if (pos < 0)
        return NULL;
    if (r + 1 > NX_MAX_RANK)
        return nxlayout_rank_error(r + 1), NULL;
    const char *name = o.name ? nx_atom(o.name) : NULL;
    if (o.name && !name)
        return NULL;
    int64_t dims[NX_MAX_RANK];
    for (int i = 0, k = 0; i <= r; i++) {
        if (i == pos) {
            dims[i] = list.n;
            names[i] = name;
        } else {
            dims[i] = IDIMS(first)[k];
            names[i] = merged[k++];
        }
    }
    return join(NX_OP_stack, list, merged_type(list), r + 1, dims, names, pos);
}
