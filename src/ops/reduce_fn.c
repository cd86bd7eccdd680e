/* src/ops/reduce_fn.c: front end of Nx.reduce/4, the reduction with a caller's function:
 * checks the accumulator and axes, decides the output type, shape and names, and folds
 * each output's elements through the function in row-major order. The elements are
 * taken with slice and the results joined with stack, so any backend serves. */
#include "core/shape.h"
#include "ops/front.h"

/* The output layout: t's axes with the reduced ones dropped (or kept as 1). */
static int output_shape(const nx_tensor *t, const bool *mask, bool keep, nx_shape *s, nx_names *names)
{
    s->rank = 0;
    for (int i = 0; i < t->rank; i++) {
        if (mask[i] && !keep)
            continue;
        s->dims[s->rank] = mask[i] ? 1 : t->dims[i];
        /* vectorized axes are named by nx_vectorize afterwards */
        names->v[s->rank++] = i < t->vrank ? NULL : t->names[i];
    }
    names->n = s->rank;
    return s->rank;
}

/* fn(elem, acc) in a scope of its own, converted to `type`; NULL with an error. */
static nx_tensor *step(nx_reduce_fn *fn, void *ctx, const nx_tensor *flat, int64_t i, int64_t j,
                       const nx_tensor *acc, nx_type type)
{
    nx_scope_begin();
    nx_tensor *e = nx_reshape(nx_slice(flat, NX_STARTS(i, j), NX_INTS(1, 1)), NX_SHAPE());
    nx_tensor *res = e ? fn(e, acc, ctx) : NULL, *next = NULL;
    if (res && res->rank != 0) {
        char *text = nx_inspect(res);
        nxerr_set(NX_ARGUMENT_ERROR, "the reduce function must return a non-vectorized scalar tensor, got: %s",
                  text ? text : "#Nx.Tensor<?>");
        nx_free(text);
    } else if (res) {
        next = nx_as_type(res, type);
    } else if (e && !nxerr_pending()) {
        nxerr_set(NX_RUNTIME_ERROR, "the reduce function failed without an error");
    }
    return nx_scope_end_keep(next);
}

/* Folds row i of flat {nout, k} from acc; NULL with an error. */
static nx_tensor *fold(nx_reduce_fn *fn, void *ctx, const nx_tensor *flat, int64_t i, int64_t k,
                       const nx_tensor *acc, nx_type type)
{
    nx_tensor *a = nx_as_type(acc, type);
    for (int64_t j = 0; a && j < k; j++) {
        nx_tensor *next = step(fn, ctx, flat, i, j, a, type);
        nx_release(a);
        a = next;
    }
    return a;
}

/* Reduces the axes in mask of t (vectorized axes never are) into the output layout. */
static nx_tensor *reduce_axes(const nx_tensor *t, const nx_tensor *acc, nx_reduce_fn *fn, void *ctx,
                              const bool *mask, bool keep, nx_type type)
{
    nx_axes perm = { .n = t->rank };
    int p = 0;
    int64_t nout = 1, k = 1;
    for (int i = 0; i < t->rank; i++)
        if (!mask[i]) {
            perm.index[p++] = i;
            nout *= t->dims[i];
        }
    for (int i = 0; i < t->rank; i++)
        if (mask[i]) {
            perm.index[p++] = i;
            k *= t->dims[i];
        }
    if (nout > INT32_MAX)
        return nxerr_null(NX_ARGUMENT_ERROR, "reduce/4: too many outputs (%lld)", (long long)nout);
    nx_tensor **results = nx_alloc((size_t)nout * sizeof *results);
    if (!results)
        return NULL;
    nx_shape s;
    nx_names names;
    output_shape(t, mask, keep, &s, &names);
    nx_scope_begin();
    nx_tensor *out = NULL;
    /* Vectorized axes lead and are never reduced: fold the devectorized tensor. */
    nx_tensor *full = nxfront_view(t, t->type, t->rank, t->dims, t->names, 0);
    nx_tensor *flat = nx_reshape(nx_transpose(full, .axes = perm), NX_SHAPE(nout, k));
    int64_t done = 0;
    while (flat && done < nout && (results[done] = fold(fn, ctx, flat, done, k, acc, type)))
        done++;
    if (done == nout) {
        nx_tensor_list all = { .n = (int)nout, .v = (const nx_tensor *const *)results };
        out = nx_reshape(nx_stack(all), s, .names = names);
        for (int v = 0; out && v < t->vrank; v++)
            out = nx_vectorize(out, t->names[v]);
    }
    nx_free(results);
    return nx_scope_end_keep(out);
}

nx_tensor *nx_reduce_(const nx_tensor *t, const nx_tensor *acc, nx_reduce_fn *fn, void *ctx, nx_reduce_fn_opts o)
{
    if (nxfront_check_tensor(t) < 0 || nxfront_check_tensor(acc) < 0)
        return NULL;
    if (!fn)
        return nxerr_null(NX_ARGUMENT_ERROR, "nx_reduce: the function is NULL");
    if (acc->rank != 0) {
        char *text = nx_inspect(acc);
        nxerr_set(NX_ARGUMENT_ERROR, "the accumulator must be a non-vectorized scalar, got: %s",
                  text ? text : "#Nx.Tensor<?>");
        nx_free(text);
        return NULL;
    }
    nx_type type = o.type ? o.type
                 : acc->weak ? nx_type_merge_number(t->type, acc->weak_value) : nx_type_merge(t->type, acc->type);
    if (nxfront_check_type(type) < 0)
        return NULL;
    int inner = t->rank - t->vrank, idx[NX_MAX_RANK];
    bool mask[NX_MAX_RANK] = { false };
    if (o.axes.n < 0)   /* axes: []: nothing to fold */
        return t->vrank ? nx_as_type(t, type) : nx_as_type(t, t->type);
    if (o.axes.n == 0) {
        for (int i = t->vrank; i < t->rank; i++)
            mask[i] = true;
    } else {
        int n = nxshape_axes(&o.axes, inner, t->names + t->vrank, inner, idx);
        if (n < 0)
            return NULL;
        for (int i = 0; i < n; i++)
            mask[t->vrank + idx[i]] = true;
    }
    return reduce_axes(t, acc, fn, ctx, mask, o.keep_axes, type);
}
