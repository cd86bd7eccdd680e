/* src/ops/sort.c: front end of sort, argsort and top_k (spec/functions.md §16): checks
 * the direction, axis, k and types with Nx's messages, and decides output types, shapes
 * and names. Vectorized tensors sort along their inner axes. The kernels sort every
 * stored real type as it is stored, so values come back bit for bit; 2- and 4-bit
 * integers go through 8 bits (exactly). No comparisons here. */
#include <stdio.h>
#include "core/shape.h"
#include "defn/node.h"
#include "ops/front.h"

/* The type a kernel receives for t: 2- and 4-bit integers widen to 8 bits. */
static nx_type kernel_type(nx_type t)
{
    switch (t) {
    case NX_U2: case NX_U4: return NX_U8;
    case NX_S2: case NX_S4: return NX_S8;
    default: return t;
    }
}

/* Types argsort writes directly; others are written as s64 and converted. */
static bool is_index_native(nx_type t)
{
    switch (t) {
    case NX_U8: case NX_U16: case NX_U32: case NX_U64: case NX_S8: case NX_S16: case NX_S32: case NX_S64:
    case NX_F32: case NX_F64:
        return true;
    default:
        return false;
    }
}

/* The checks sort and argsort share, in Nx's order: direction, complex, axis. Returns
 * the axis counted over every axis (vectorized ones first), or -1 with an error. */
static int sort_axis(const nx_tensor *t, const char *fn, nx_direction dir, nx_axis axis)
{
    if (nxfront_check_tensor(t) < 0)
        return -1;
    if (dir != NX_ASC && dir != NX_DESC)
        return nxerr_set(NX_ARGUMENT_ERROR, "unknown value for :direction, expected :asc or :desc, got: %d", (int)dir);
    if (nx_type_is_complex(t->type))
        return nxerr_set(NX_ARGUMENT_ERROR, "Nx.%s/2 does not support complex inputs", fn);
    int inner = t->rank - t->vrank;
    if (!axis.set && !axis.name)
        axis = NX_AXIS(0);
    int a = nxshape_axis(axis, inner, t->names + t->vrank, inner);
    return a < 0 ? -1 : a + t->vrank;
}

/* Runs op on t (as its kernel type) into a tensor like t of type `type`. */
static nx_tensor *run_sort(nx_op op, const nx_tensor *t, nx_type type, const nxop_params *p)
{
    nx_tensor *x = nx_as_type(t, kernel_type(t->type));
    if (!x)
        return NULL;
    nx_tensor *r = nxop_run(op, nxtensor_like(x, type), (const nx_tensor *const *)&x, p);
    nx_release(x);
    return r;
}

/* r converted to `type` (r itself when it has it); r is released. */
static nx_tensor *as_type_of(nx_tensor *r, nx_type type)
{
    if (!r || r->type == type)
        return r;
    nx_tensor *c = nx_as_type(r, type);
    nx_release(r);
    return c;
}

nx_tensor *nx_sort_(const nx_tensor *t, nx_sort_opts o)
{
    int axis = sort_axis(t, "sort", o.direction, o.axis);
    if (axis < 0)
        return NULL;
    nxop_params p = { .axis = axis, .sort = { .desc = o.direction == NX_DESC, .stable = o.stable } };
    return as_type_of(run_sort(NX_OP_sort, t, kernel_type(t->type), &p), t->type);
}

nx_tensor *nx_argsort_(const nx_tensor *t, nx_argsort_opts o)
{
    nx_type want = o.type ? o.type : NX_S32;
    if (nxfront_check_tensor(t) < 0 || nxfront_check_type(want) < 0)
        return NULL;
    int axis = sort_axis(t, "argsort", o.direction, o.axis);
    if (axis < 0)
        return NULL;
    nxop_params p = { .axis = axis, .sort = { .desc = o.direction == NX_DESC, .stable = o.stable } };
    nx_type written = is_index_native(want) ? want : NX_S64;
    return as_type_of(run_sort(NX_OP_argsort, t, written, &p), want);
}

/* Evaluates the TopK block: out[0] the values, out[1] the indices. */
static int call_top_k(const nx_tensor *const *in, const void *opts, nx_tensor **out)
{
    out[0] = nx_top_k_(in[0], &out[1], (nx_top_k_opts){ .k = *(const int64_t *)opts });
    return out[0] ? 0 : -1;
}

/* Traced: Nx's TopK block (spec/defn.md §3.4), one tuple node {values, indices} over t
 * read by two elem nodes; evaluated by the kernel, differentiated by scattering the
 * values' cotangent to the positions the indices select (src/defn/grad_rules_array.c). */
static nx_tensor *traced_top_k(const nx_tensor *t, nx_tensor **indices, int64_t k)
{
    nxdefn_hdr h[2];
    nxdefn_hdr_of(&h[0], t);
    h[0].dims[h[0].rank - 1] = k;
    h[1] = h[0];
    h[1].type = NX_S32;
    char text[48];
    snprintf(text, sizeof text, "%%Nx.Block.TopK{k: %lld}, %%0", (long long)k);
    nx_tensor *outs[2];
    if (nxdefn_block("top_k", text, call_top_k, &k, sizeof k, &t, 1, h, 2, outs) < 0)
        return NULL;
    if (indices)
        *indices = outs[1];
    else
        nx_release(outs[1]);
    return outs[0];
}

nx_tensor *nx_top_k_(const nx_tensor *t, nx_tensor **indices, nx_top_k_opts o)
{
    if (indices)
        *indices = NULL;
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    if (t->rank - t->vrank == 0)
        return nxerr_null(NX_ARGUMENT_ERROR, "top_k input must have at least rank 1");
    int64_t k = o.k ? o.k : 1, last = t->dims[t->rank - 1];
    if (k < 1)
        return nxerr_null(NX_ARGUMENT_ERROR, "top_k k must be an integer greater than or equal to 1, got k=%lld",
                          (long long)k);
    if (last < k)
        return nxerr_null(NX_ARGUMENT_ERROR,
                          "top_k input last axis size must be greater than or equal to k, got size=%lld and k=%lld",
                          (long long)last, (long long)k);
    /* Nx's TopK block falls back to argsort, which rejects complex. */
    if (nx_type_is_complex(t->type))
        return nxerr_null(NX_ARGUMENT_ERROR, "Nx.argsort/2 does not support complex inputs");
    if (nxdefn_tracing || nxdefn_traced(t))
        return traced_top_k(t, indices, k);

    nx_type kt = kernel_type(t->type);
    int64_t dims[NX_MAX_RANK];
    for (int i = 0; i < t->rank; i++)
        dims[i] = t->dims[i];
    dims[t->rank - 1] = k;
    nx_tensor *x = nx_as_type(t, kt);
    nx_tensor *values = x ? nxtensor_new(kt, t->rank, dims, t->names) : NULL;
    nx_tensor *idx = values ? nxtensor_new(NX_S32, t->rank, dims, t->names) : NULL;
    if (!idx || (idx->backend = x->backend, nxtensor_alloc_data(idx)) < 0) {
        nx_release(idx);
        nx_release(values);
        nx_release(x);
        return NULL;
    }
    values->vrank = idx->vrank = t->vrank;
    nxop_params p = { .axis = t->rank - 1, .sort = { .desc = 1, .stable = 1, .k = k, .indices = idx } };
    values = as_type_of(nxop_run(NX_OP_top_k, values, (const nx_tensor *const *)&x, &p), t->type);
    nx_release(x);
    if (!values) {
        nx_release(idx);
        return NULL;
    }
    if (indices)
        *indices = idx;
    else
        nx_release(idx);
    return values;
}
