/* src/ops/layout_axes.c: front end of the layout ops that rearrange or relabel axes:
 * transpose, reverse, squeeze, new_axis and flatten (spec/functions.md §5;
 * spec/shapes-and-names.md §2). Squeeze, new_axis and flatten are views of the input's
 * data; a traced squeeze records Nx's node. */
#include <string.h>
#include "core/shape.h"
#include "core/text.h"
#include "defn/node.h"
#include "ops/layout_internal.h"

/* Normalises a list of inner axes of t; returns the count (0 for NX_AXES_EMPTY) or -1. */
static int norm_axes(const nx_tensor *t, const nx_axes *given, int *out)
{
    if (given->n < 0)
        return 0;
    return nxshape_axes(given, INNER(t), INAMES(t), INNER(t), out);
}

/* ---------------------------------------------------------------- transpose, reverse */

nx_tensor *nx_transpose_(const nx_tensor *t, nx_transpose_opts o)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    int r = INNER(t), axes[NX_MAX_RANK], n = r;
    if (o.axes.n == 0) {
        for (int i = 0; i < r; i++)
            axes[i] = r - 1 - i;
    } else if ((n = norm_axes(t, &o.axes, axes)) < 0) {
        return NULL;
    }
    if (n != r)
        return nxerr_null(NX_ARGUMENT_ERROR, "expected length of permutation (%d) to match rank of shape (%d)", n, r);
    int identity = 1;
    int64_t dims[NX_MAX_RANK];
    const char *names[NX_MAX_RANK];
    nxop_params p = { 0 };
    for (int v = 0; v < t->vrank; v++)
        p.axes[v] = v;
    for (int i = 0; i < r; i++) {
        identity &= axes[i] == i;
        dims[i] = IDIMS(t)[axes[i]];
        names[i] = INAMES(t)[axes[i]];
        p.axes[t->vrank + i] = t->vrank + axes[i];
    }
    if (identity)
        return nxlayout_same(t);
    return nxop_run(NX_OP_transpose, nxlayout_header(t, t->type, r, dims, names), &t, &p);
}

nx_tensor *nx_reverse_(const nx_tensor *t, nx_reverse_opts o)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    int r = INNER(t), axes[NX_MAX_RANK], n = r;
    if (o.axes.n == 0) {
        for (int i = 0; i < r; i++)
            axes[i] = i;
    } else if ((n = norm_axes(t, &o.axes, axes)) < 0) {
        return NULL;
    }
    /* Sorted, and only the axes that have more than one element. */
    nxop_params p = { 0 };
    for (int a = 0; a < r; a++)
        for (int i = 0; i < n; i++)
            if (axes[i] == a && IDIMS(t)[a] > 1)
                p.axes[p.count++] = t->vrank + a;
    if (p.count == 0)
        return nxlayout_same(t);
    return nxop_run(NX_OP_reverse, nxlayout_header(t, t->type, r, IDIMS(t), INAMES(t)), &t, &p);
}

/* ---------------------------------------------------------------- views */

/* Traced squeezes record Nx's node `squeeze x, axes` (axes counted with the vectorized axes
 * in front, as Nx records the devectorized node); the options are the dropped inner axes. */
static nx_tensor *call_squeeze(const nx_tensor *const *in, const void *opts)
{
    const nxlayout_squeeze *c = opts;
    nx_axes axes = { .n = c->n };
    for (int i = 0; i < c->n; i++)
        axes.index[i] = c->axes[i];
    return nx_squeeze_(in[0], (nx_squeeze_opts){ .axes = axes });
}

bool nxlayout_is_squeeze(const nxdefn_node *n)
{
    return n->kind == NXN_CALL && n->call == call_squeeze && n->opts_size == sizeof(nxlayout_squeeze);
}

/* Nx's merge_squeeze: the inner squeeze's axes (of x) and the outer one's (of the squeezed
 * tensor), both ascending, as axes of x. */
static int merge_squeeze(const nxlayout_squeeze *inner, const nxlayout_squeeze *outer, int *out)
{
    int i = 0, j = 0, k = 0, extra = 0;
    while (j < outer->n) {
        if (i < inner->n && inner->axes[i] <= outer->axes[j] + extra) {
            out[k++] = inner->axes[i++];
            extra++;
        } else {
            out[k++] = outer->axes[j++] + extra;
        }
    }
    while (i < inner->n)
        out[k++] = inner->axes[i++];
    return k;
}

static nx_tensor *traced_squeeze(nx_tensor *r, const nx_tensor *t, const int *drop)
{
    nxlayout_squeeze c = { 0 };
    for (int i = 0; i < INNER(t); i++)
        if (drop[i])
            c.axes[c.n++] = i;
    const nx_tensor *in = t;
    nx_tensor *x = NULL;
    if (nxlayout_is_squeeze(t->node)) {   /* a squeeze of a squeeze is one squeeze (spec/defn.md §4) */
        nxlayout_squeeze m = { 0 };
        m.n = merge_squeeze(t->node->opts, &c, m.axes);
        c = m;
        in = x = nxdefn_tensor(&t->node->in[0]->h, nxdefn_retain(t->node->in[0]));
        if (!x) {
            nx_release(r);
            return NULL;
        }
    }
    nxtext text = { 0 };
    nxtext_puts(&text, "%0, [");
    for (int i = 0; i < c.n; i++)
        nxtext_printf(&text, i ? ", %d" : "%d", t->vrank + c.axes[i]);
    nxtext_putc(&text, ']');
    char *s = nxtext_take(&text);
    r = s ? nxdefn_wrap(r, "squeeze", s, call_squeeze, &c, sizeof c, &in, 1) : (nx_release(r), nxerr_oom(64));
    nx_free(s);
    nx_release(x);
    return r;
}

nx_tensor *nx_squeeze_(const nx_tensor *t, nx_squeeze_opts o)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    int r = INNER(t), axes[NX_MAX_RANK], n;
    int drop[NX_MAX_RANK] = { 0 };
    if (o.axes.n == 0) {
        for (int i = 0; i < r; i++)
            drop[i] = IDIMS(t)[i] == 1;
    } else {
        if ((n = norm_axes(t, &o.axes, axes)) < 0)
            return NULL;
        for (int i = 0; i < n; i++)
            drop[axes[i]] = 1;
    }
    int64_t dims[NX_MAX_RANK];
    const char *names[NX_MAX_RANK];
    int k = 0;
    for (int i = 0; i < r; i++) {
        if (!drop[i]) {
            dims[k] = IDIMS(t)[i];
            names[k++] = INAMES(t)[i];
        } else if (IDIMS(t)[i] != 1) {
            return nxerr_null(NX_ARGUMENT_ERROR, "cannot squeeze dimensions whose sizes are not 1, got %lld for dimension %d",
                              (long long)IDIMS(t)[i], i);
        }
    }
    if (k == r)
        return nxlayout_same(t);
    nx_tensor *v = nxlayout_view(t, k, dims, names);
    return nxdefn_traced(v) && nxdefn_traced(t) ? traced_squeeze(v, t, drop) : v;
}

/* Position of a new axis in a rank-r shape (negative: from the end of the result), or -1
 * with Nx's message. */
int nxlayout_new_axis_position(const nx_tensor *t, int axis)
{
    int r = INNER(t);
    if (axis < -r - 1 || axis > r) {
        char s[512];
        return nxerr_set(NX_ARGUMENT_ERROR, "new axis position for shape %s must be a number between %d and %d, got: %d",
                         nxshape_text(s, sizeof s, r, IDIMS(t)), -r - 1, r, axis);
    }
    return axis < 0 ? axis + r + 1 : axis;
}

nx_tensor *nx_new_axis(const nx_tensor *t, int axis, const char *name)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    int r = INNER(t), pos = nxlayout_new_axis_position(t, axis);
    if (pos < 0)
        return NULL;
    const char *atom = name ? nx_atom(name) : NULL;
    if (name && !atom)
        return NULL;
    int64_t dims[NX_MAX_RANK];
    const char *names[NX_MAX_RANK];
    if (r + 1 > NX_MAX_RANK)
        return nxlayout_rank_error(t->vrank + r + 1), NULL;
    memcpy(dims, IDIMS(t), (size_t)pos * sizeof *dims);
    memcpy(names, INAMES(t), (size_t)pos * sizeof *names);
    dims[pos] = 1;
    names[pos] = atom;
    memcpy(dims + pos + 1, IDIMS(t) + pos, (size_t)(r - pos) * sizeof *dims);
    memcpy(names + pos + 1, INAMES(t) + pos, (size_t)(r - pos) * sizeof *names);
    return nxlayout_view(t, r + 1, dims, names);
}

nx_tensor *nx_flatten_(const nx_tensor *t, nx_flatten_opts o)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    int r = INNER(t), axes[NX_MAX_RANK], n;
    if (o.axes.n == 0) {
        int64_t size = nxshape_size(r, IDIMS(t));
        return nxlayout_view(t, 1, &size, NULL);
    }
    if ((n = norm_axes(t, &o.axes, axes)) < 0)
        return NULL;
    if (n == 0)
        return nxlayout_same(t);
    for (int i = 1; i < n; i++)
        if (axes[i] != axes[i - 1] + 1)
            return nxerr_null(NX_ARGUMENT_ERROR, "flatten axes must be consecutive");
    int64_t dims[NX_MAX_RANK];
    const char *names[NX_MAX_RANK];
    int k = 0;
    for (int i = 0; i < r; i++) {
        if (i > axes[0] && i <= axes[n - 1]) {
            dims[k - 1] *= IDIMS(t)[i];
            continue;
        }
        dims[k] = IDIMS(t)[i];
        names[k++] = i == axes[0] ? NULL : INAMES(t)[i];
    }
    return nxlayout_view(t, k, dims, names);
}
