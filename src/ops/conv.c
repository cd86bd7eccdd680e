/* src/ops/conv.c: front end of Nx.conv (spec/functions.md §17 conv/3): checks ranks,
 * permutations, strides, dilations, groups and padding in Nx's order and with its
 * messages (shapes after folding vectorized axes into the batch, permutation and dilation,
 * as Nx prints them), decides the output type, shape and names, and hands the kernel
 * canonical layouts: input {V, N, C, s...} and kernel {V, O, I, k...} in one float or
 * complex type, one leading entry per vectorized entry. */
#include <stdio.h>
#include <string.h>
#include "core/shape.h"
#include "defn/node.h"
#include "ops/front.h"

#define R NX_MAX_RANK

/* A permutation of a rank-`rank` shape (unset: identity); -1 with Nx's error. */
static int permutation(const nx_axes *given, int rank, const char *const *names, int *out)
{
    if (given->n == 0) {
        for (int i = 0; i < rank; i++)
            out[i] = i;
        return 0;
    }
    return nxshape_axes(given, rank, names, rank, out) < 0 ? -1 : 0;
}

/* Nx.Shape.transpose's check, which Nx reaches after strides and dilations. */
static int permutation_length(const nx_axes *given, int rank)
{
    if (given->n != 0 && given->n != rank)
        return nxerr_set(NX_ARGUMENT_ERROR, "expected length of permutation (%d) to match rank of shape (%d)",
                         given->n, rank);
    return 0;
}

/* Nx's dilation checks for one operand (which: "input" or "kernel"); fills d[0..nsp). */
static int dilation(const nx_ints *given, int nsp, const char *which, int64_t *d)
{
    char text[512];
    if (given->n == 0) {
        for (int i = 0; i < nsp; i++)
            d[i] = 1;
        return 0;
    }
    if (given->n != nsp)
        return nxerr_set(NX_ARGUMENT_ERROR,
                         "must specify dilation for each spatial dimension of the %s or specify an integer dilation factor",
                         which);
    for (int i = 0; i < nsp; i++)
        if (given->v[i] < 1)
            return nxerr_set(NX_ARGUMENT_ERROR, "%s dilation of each dimension must be a positive integer, got %s",
                             which, nxfront_list_text(text, sizeof text, given->n, given->v));
    memcpy(d, given->v, (size_t)nsp * sizeof *d);
    return 0;
}

/* Nx's group checks on the permuted, dilated shapes. */
static int check_groups(int rank, const int64_t *in, const int64_t *k, int64_t fg, int64_t bg)
{
    char si[512], sk[512];
    if (bg != 1 && fg != 1)
        return nxerr_set(NX_ARGUMENT_ERROR,
                         "either batch groups or feature groups must be 1, got batch_groups = %lld and feature_groups = %lld",
                         (long long)bg, (long long)fg);
    if (in[0] % bg != 0)
        return nxerr_set(NX_ARGUMENT_ERROR, "batch groups must evenly divide input batch size got rem(%lld, %lld) != 0",
                         (long long)bg, (long long)in[0]);
    if (k[0] % fg != 0)
        return nxerr_set(NX_ARGUMENT_ERROR,
                         "size of kernel output channels must be evenly divisible by feature groups got rem(%lld, %lld) != 0 for kernel with shape %s",
                         (long long)k[0], (long long)fg, nxshape_text(sk, sizeof sk, rank, k));
    if (k[0] % bg != 0)
        return nxerr_set(NX_ARGUMENT_ERROR,
                         "size of kernel output channels must be evenly divisible by batch groups got rem(%lld, %lld) != 0 for kernel with shape %s",
                         (long long)k[0], (long long)bg, nxshape_text(sk, sizeof sk, rank, k));
    if (in[1] != k[1] * fg)
        return nxerr_set(NX_ARGUMENT_ERROR,
                         "size of input channels divided by feature groups must match size of kernel channels, got %lld / %lld != %lld for shapes %s and %s",
                         (long long)in[1], (long long)fg, (long long)k[1], nxshape_text(si, sizeof si, rank, in),
                         nxshape_text(sk, sizeof sk, rank, k));
    return 0;
}

typedef struct {
    int rank, nsp;
    int ip[R], kp[R], op[R], inv[R];   /* permutations; inv: output axis j is logical inv[j] */
    int64_t in[R], k[R];               /* permuted, undilated inner shapes (batch folded) */
    int64_t out[R];                    /* logical output {N / bg, O, o...} */
} conv_plan;

/* Validates everything in Nx's order; fills plan and p->conv. V: vector entries. */
static int conv_setup(const nx_tensor *x, const nx_tensor *w, int64_t V, const nx_conv_opts *o, conv_plan *c,
                      nxop_params *p)
{
    char text[512], st[512];
    int rank = x->rank - x->vrank, nsp = rank - 2;
    const int64_t *xd = x->dims + x->vrank, *wd = w->dims + w->vrank;
    const char *const *xn = x->names + x->vrank, *const *wn = w->names + w->vrank;
    int64_t xs[R];   /* the input shape as Nx prints it: vector entries folded into axis 0 */
    memcpy(xs, xd, (size_t)rank * sizeof *xs);
    xs[0] *= V;
    c->rank = rank;
    c->nsp = nsp;
    if (permutation(&o->input_permutation, rank, xn, c->ip) < 0 ||
        permutation(&o->kernel_permutation, rank, wn, c->kp) < 0 ||
        permutation(&o->output_permutation, rank, xn, c->op) < 0)
        return -1;
    if (o->strides.n > 0 && o->strides.n != nsp)
        return nxerr_set(NX_ARGUMENT_ERROR,
                         "rank of strides much match rank of spatial dimensions got strides %s with rank %d and got input shape %s of rank %d",
                         nxfront_list_text(st, sizeof st, o->strides.n, o->strides.v), o->strides.n,
                         nxshape_text(text, sizeof text, rank, xs), nsp);
    for (int i = 0; i < nsp; i++) {
        p->conv.stride[i] = o->strides.n ? o->strides.v[i] : 1;
        if (p->conv.stride[i] < 1)
            return nxerr_set(NX_ARGUMENT_ERROR, "stride at axis %d must be greater than or equal to 1, got: %lld", i,
                             (long long)p->conv.stride[i]);
    }
    if (dilation(&o->input_dilation, nsp, "input", p->conv.idil) < 0 ||
        dilation(&o->kernel_dilation, nsp, "kernel", p->conv.kdil) < 0 ||
        permutation_length(&o->input_permutation, rank) < 0 || permutation_length(&o->kernel_permutation, rank) < 0)
        return -1;
    int64_t fg = o->feature_group_size ? o->feature_group_size : 1;
    int64_t bg = o->batch_group_size ? o->batch_group_size : 1;
    if (fg < 1 || bg < 1)
        return nxerr_set(NX_ARGUMENT_ERROR, "%s must be a positive integer, got: %lld",
                         fg < 1 ? "feature_group_size" : "batch_group_size", (long long)(fg < 1 ? fg : bg));
    /* Nx checks the groups on the permuted, dilated shapes, with the batch groups
     * multiplied by the vector entries. */
    int64_t pin[R], pk[R];
    for (int i = 0; i < rank; i++) {
        /* the vector entries join the logical batch and output channels, wherever the
         * permutations store them (Nx folds them into stored axis 0, the same axis in
         * the usual layouts) */
        c->in[i] = xd[c->ip[i]] * (i == 0 ? V : 1);
        c->k[i] = wd[c->kp[i]] * (i == 0 ? V : 1);
        int64_t di = i < 2 ? 1 : p->conv.idil[i - 2], dk = i < 2 ? 1 : p->conv.kdil[i - 2];
        pin[i] = (c->in[i] - 1) * di + 1;
        pk[i] = (c->k[i] - 1) * dk + 1;
    }
    if (check_groups(rank, pin, pk, fg, bg * V) < 0)
        return -1;
    int64_t low[R], high[R];
    if (nxfront_padding(o->padding, &o->pads, nsp, pk + 2, low, high) < 0)
        return -1;
    c->out[0] = pin[0] / (bg * V);
    c->out[1] = pk[0] / V;
    for (int i = 0; i < nsp; i++) {
        int64_t span = pin[2 + i] + low[i] + high[i] - pk[2 + i];
        if (span < 0)
            return nxerr_set(NX_ARGUMENT_ERROR,
                             "conv would result in empty tensor which is not currently supported in Nx, please open an issue if you'd like this behavior to change");
        c->out[2 + i] = span / p->conv.stride[i] + 1;
        p->conv.low[i] = low[i];
        p->conv.high[i] = high[i];
    }
    if (permutation_length(&o->output_permutation, rank) < 0)
        return -1;
    for (int j = 0; j < rank; j++)
        for (int i = 0; i < rank; i++)
            if (c->op[i] == j)
                c->inv[j] = i;
    p->conv.nsp = nsp;
    p->conv.fgroups = fg;
    p->conv.bgroups = bg;
    return 0;
}

/* An operand as {V, inner permuted by perm} in ctype (plain axes). */
static nx_tensor *canonical(const nx_tensor *t, nx_type ctype, int nv, const int64_t *vdims, const char *const *vnames,
                            int64_t V, const int *perm)
{
    int rank = t->rank - t->vrank;
    nx_tensor *b = nxfront_batched(t, ctype, nv, vdims, vnames);
    if (!b)
        return NULL;
    nx_shape s = { .rank = rank + 1 };
    s.dims[0] = V;
    memcpy(s.dims + 1, b->dims + nv, (size_t)rank * sizeof *s.dims);
    nx_tensor *flat = nx_reshape(b, s);
    nx_release(b);
    nx_axes axes = { .n = rank + 1 };
    for (int i = 0; i < rank; i++)
        axes.index[1 + i] = 1 + perm[i];
    nx_tensor *r = flat ? nx_transpose(flat, .axes = axes) : NULL;
    nx_release(flat);
    return r;
}

static nx_tensor *call_conv(const nx_tensor *const *in, const void *opts)
{
    return nx_conv_(in[0], in[1], *(const nx_conv_opts *)opts);
}

/* Traced, plain operands: Nx's one `conv input, kernel, opts` node over the operands as
 * given (the backend lays them out), with the resolved permutations; takes r. */
static nx_tensor *as_given(nx_tensor *r, const nx_tensor *const *args, const nxop_params *p, const conv_plan *c,
                           const nx_conv_opts *o)
{
    nxop_params q = *p;
    q.conv.perms = 1;
    for (int i = 0; i < c->rank; i++) {
        q.conv.iperm[i] = c->ip[i];
        q.conv.kperm[i] = c->kp[i];
        q.conv.operm[i] = c->op[i];
    }
    return nxdefn_wrap_op(r, NX_OP_conv, &q, call_conv, o, sizeof *o, args, 2);
}

nx_tensor *nx_conv_(const nx_tensor *input, const nx_tensor *kernel, nx_conv_opts o)
{
    char text[512];
    const nx_tensor *args[2] = { input, kernel };
    if (nxtensor_check_inputs(args, 2) < 0)
        return NULL;
    nx_type type = nx_type_to_floating(nx_type_merge(input->type, kernel->type)), ctype = nxfront_compute_type(type);
    int64_t vdims[R];
    const char *vnames[R] = { 0 };
    int nv = nxfront_vectorized_union(args, 2, vdims, vnames);
    if (nv < 0)
        return NULL;
    int ri = input->rank - input->vrank, rk = kernel->rank - kernel->vrank;
    if (ri < 3)
        return nxerr_null(NX_ARGUMENT_ERROR, "input shape in conv requires at least rank 3, shape %s has rank %d",
                          nxshape_text(text, sizeof text, ri, input->dims + input->vrank), ri);
    if (rk < 3)
        return nxerr_null(NX_ARGUMENT_ERROR, "kernel shape in conv requires at least rank 3, shape %s has rank %d",
                          nxshape_text(text, sizeof text, rk, kernel->dims + kernel->vrank), rk);
    if (ri != rk)
        return nxerr_null(NX_ARGUMENT_ERROR,
                          "input and kernel in conv must have the same rank, got shapes %s and %s",
                          nxshape_text(text, sizeof text, ri, input->dims + input->vrank),
                          nxshape_text(text + 256, sizeof text - 256, rk, kernel->dims + kernel->vrank));
    if (nv + ri > R)
        return nxerr_null(NX_ARGUMENT_ERROR, "rank %d is not supported (nxc allows at most %d axes)", nv + ri, R);
    int64_t V = 1;
    for (int i = 0; i < nv; i++)
        V *= vdims[i];
    conv_plan c;
    nxop_params p = { 0 };
    if (conv_setup(input, kernel, V, &o, &c, &p) < 0)
        return NULL;
    int rank = c.rank;
    /* Output: logical {N / bg, O, o...} laid out by the output permutation; names are the
     * input's permuted by the input permutation, then by the output one. */
    int64_t dims[R];
    const char *names[R] = { 0 };
    for (int i = 0; i < nv; i++) {
        dims[i] = vdims[i];
        names[i] = vnames[i];
    }
    for (int j = 0; j < rank; j++) {
        dims[nv + j] = c.out[c.inv[j]];
        names[nv + j] = input->names[input->vrank + c.ip[c.inv[j]]];
    }
    nx_scope_begin();
    nx_tensor *r = NULL;
    nx_tensor *x = canonical(input, ctype, nv, vdims, vnames, V, c.ip);
    nx_tensor *w = x ? canonical(kernel, ctype, nv, vdims, vnames, V, c.kp) : NULL;
    int64_t odims[R + 1];
    odims[0] = V;
    memcpy(odims + 1, c.out, (size_t)rank * sizeof *odims);
    nx_tensor *shaped = w ? nxtensor_new(ctype, rank + 1, odims, NULL) : NULL;
    const nx_tensor *in[2] = { x, w };
    nx_tensor *y = shaped ? nxop_run(NX_OP_conv, shaped, in, &p) : NULL;
    if (y) {
        nx_axes axes = { .n = rank + 1 };
        for (int j = 0; j < rank; j++)
            axes.index[1 + j] = 1 + c.inv[j];
        nx_tensor *moved = nx_transpose(y, .axes = axes);
        nx_tensor *typed = moved && ctype != type ? nx_as_type(moved, type) : moved;
        r = typed ? nxfront_view(typed, type, nv + rank, dims, names, nv) : NULL;
        if (nv == 0 && nxdefn_traced(r))
            r = as_given(r, args, &p, &c, &o);
    }
    return nx_scope_end_keep(r);
}
