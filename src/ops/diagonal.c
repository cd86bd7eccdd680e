/* src/ops/diagonal.c: front end of the triangle and diagonal helpers (Nx.tri, tril, triu,
 * take_diagonal, make_diagonal, put_diagonal): checks ranks and offsets with Nx's messages
 * (spec/shapes-and-names.md §7) and composes each from iota, comparisons, select, take and
 * indexed_put, as Nx does, so that every backend and the tracer get them for free. */
#include "ops/front.h"

/* The inner rank: options and checks see only the inner shape. */
static int inner_rank(const nx_tensor *t)
{
    return t->rank - t->vrank;
}

/* ---------------------------------------------------------------- triangles */

nx_tensor *nx_tri_(int64_t n, int64_t m, nx_tri_opts o)
{
    nx_type type = n > INT32_MAX || m > INT32_MAX ? NX_S64 : NX_S32;
    nx_scope_begin();
    nx_tensor *rows = nx_iota(NX_SHAPE(n, 1), .type = type);
    nx_tensor *cols = nx_iota(NX_SHAPE(1, m), .type = type);
    /* row >= column - k, i.e. column - row <= k */
    nx_tensor *r = nx_greater_equal(rows, nx_subtract(cols, nx_number_tensor(NX_INT(o.k))));
    return nx_scope_end_keep(r);
}

/* tril (lower) keeps column - row <= k; triu keeps column - row >= k: a tri mask with
 * k - 1 selects the zeros instead. */
static nx_tensor *triangle(const char *fn, const nx_tensor *t, int64_t k, bool lower)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    if (inner_rank(t) < 2) {
        char *text = nx_inspect(t);
        nxerr_set(NX_ARGUMENT_ERROR, "%s/2 expects a tensor with at least 2 dimensions, got: %s", fn,
                  text ? text : "#Nx.Tensor<?>");
        nx_free(text);
        return NULL;
    }
    nx_shape shape = nx_shape_of(t);
    nx_names names = nx_names_of(t);
    nx_scope_begin();
    nx_tensor *mask = nx_tri(shape.dims[shape.rank - 2], shape.dims[shape.rank - 1], .k = lower ? k : k - 1);
    /* select takes the predicate's shape and names: give it the tensor's. */
    mask = nx_broadcast(mask, shape, .names = names);
    nx_tensor *zero = nx_number_tensor(NX_INT(0));
    nx_tensor *r = lower ? nx_select(mask, t, zero) : nx_select(mask, zero, t);
    return nx_scope_end_keep(r);
}

nx_tensor *nx_tril_(const nx_tensor *t, nx_tri_opts o)
{
    return triangle("tril", t, o.k, true);
}

nx_tensor *nx_triu_(const nx_tensor *t, nx_tri_opts o)
{
    return triangle("triu", t, o.k, false);
}

/* ---------------------------------------------------------------- diagonals */

/* Checks an offset against a {len, breadth} matrix; returns the diagonal's length, or -1
 * with Nx's message. */
static int64_t diagonal_length(int64_t len, int64_t breadth, int64_t offset)
{
    if (offset >= 0 && offset >= breadth)
        return nxerr_set(NX_ARGUMENT_ERROR, "offset must be less than length of axis 1 when positive, got: %lld",
                         (long long)offset);
    if (offset < 0 && -offset >= len)
        return nxerr_set(NX_ARGUMENT_ERROR,
                         "absolute value of offset must be less than length of axis 0 when negative, got: %lld",
                         (long long)offset);
    if (offset >= 0)
        return len < breadth - offset ? len : breadth - offset;
    return len + offset < breadth ? len + offset : breadth;
}

/* The {n, 2} s64 coordinates (row0 + i, col0 + i), i < n, of a diagonal. */
static nx_tensor *diagonal_indices(int64_t n, int64_t offset)
{
    int64_t row0 = offset < 0 ? -offset : 0, col0 = offset > 0 ? offset : 0;
    nx_scope_begin();
    nx_tensor *i = nx_iota(NX_SHAPE(n, 1), .type = NX_S64);
    nx_tensor *rows = nx_add(i, nx_number_tensor(NX_INT(row0)));
    nx_tensor *cols = nx_add(i, nx_number_tensor(NX_INT(col0)));
    nx_tensor *r = nx_concatenate(NX_TENSORS(rows, cols), .axis = NX_AXIS(1));
    return nx_scope_end_keep(r);
}

/* take_diagonal: the last two axes flattened into one, then `take` at the positions
 * start + i * (breadth + 1). */
nx_tensor *nx_take_diagonal_(const nx_tensor *t, nx_diagonal_opts o)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    int r = inner_rank(t);
    if (r < 2)
        return nxerr_null(NX_ARGUMENT_ERROR, "take_diagonal/2 expects tensor of rank 2 or higher, got tensor of rank: %d",
                          r);
    int64_t len = t->dims[t->rank - 2], breadth = t->dims[t->rank - 1];
    int64_t n = diagonal_length(len, breadth, o.offset);
    if (n < 0)
        return NULL;
    int64_t start = o.offset >= 0 ? o.offset : -o.offset * breadth;
    nx_scope_begin();
    nx_tensor *flat = nx_flatten(t, .axes = NX_AXES(r - 2, r - 1));
    nx_tensor *idx = nx_add(nx_multiply(nx_iota(NX_SHAPE(n), .type = NX_S64), nx_number_tensor(NX_INT(breadth + 1))),
                            nx_number_tensor(NX_INT(start)));
    nx_tensor *d = nx_rename(nx_take(flat, idx, .axis = NX_AXIS(-1)), (nx_names){ 0 });
    return nx_scope_end_keep(d);
}

/* make_diagonal: indexed_put of the vector into an s32 zero matrix. */
nx_tensor *nx_make_diagonal_(const nx_tensor *t, nx_diagonal_opts o)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    int r = inner_rank(t);
    if (r != 1)
        return nxerr_null(NX_ARGUMENT_ERROR, "make_diagonal/2 expects tensor of rank 1, got tensor of rank: %d", r);
    int64_t n = t->dims[t->rank - 1], side = n + (o.offset < 0 ? -o.offset : o.offset);
    nx_scope_begin();
    nx_tensor *zeros = nx_broadcast(nx_scalar(NX_INT(0), NX_S32), NX_SHAPE(side, side));
    nx_tensor *d = nx_indexed_put(zeros, diagonal_indices(n, o.offset), t);
    return nx_scope_end_keep(d);
}

nx_tensor *nx_put_diagonal_(const nx_tensor *t, const nx_tensor *diagonal, nx_diagonal_opts o)
{
    if (nxfront_check_tensor(t) < 0 || nxfront_check_tensor(diagonal) < 0)
        return NULL;
    if (inner_rank(t) != 2)
        return nxerr_null(NX_ARGUMENT_ERROR, "put_diagonal/3 expects tensor of rank 2, got tensor of rank: %d",
                          inner_rank(t));
    if (inner_rank(diagonal) != 1)
        return nxerr_null(NX_ARGUMENT_ERROR, "put_diagonal/3 expects diagonal of rank 1, got tensor of rank: %d",
                          inner_rank(diagonal));
    int64_t n = diagonal_length(t->dims[t->rank - 2], t->dims[t->rank - 1], o.offset);
    if (n < 0)
        return NULL;
    int64_t given = diagonal->dims[diagonal->rank - 1];
    if (given != n)
        return nxerr_null(NX_ARGUMENT_ERROR, "expected diagonal tensor of length: %lld, got diagonal tensor of length: %lld",
                          (long long)n, (long long)given);
    nx_scope_begin();
    nx_tensor *r = nx_indexed_put(t, diagonal_indices(n, o.offset), diagonal);
    return nx_scope_end_keep(r);
}
