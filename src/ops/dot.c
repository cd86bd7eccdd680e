/* src/ops/dot.c: front end of dot (spec/functions.md §17, shapes-and-names.md §6 and
 * §6.2): normalises and checks contraction and batch axes, decides the output type,
 * shape and names, folds vectorized axes in as leading batch axes, and reduces every
 * contraction to the primitive's batched matrix product {B, M, K}·{B, K, N}: operands
 * are transposed only when neither they nor their transpose already have that layout.
 * dot/2 and outer/2 are composites of it (and of multiply). */
#include <stdio.h>
#include <string.h>
#include "core/elem.h"
#include "core/shape.h"
#include "ops/front.h"
#include "core/text.h"
#include "defn/node.h"

#define INNER(t) ((t)->rank - (t)->vrank)

/* Normalised axes of an inner shape; an unset or empty list gives 0 axes. */
static int axes_of(const nx_tensor *t, const nx_axes *given, int *out)
{
    if (given->n <= 0)
        return 0;
    return nxshape_axes(given, INNER(t), (const char *const *)t->names + t->vrank, INNER(t), out);
}

/* Elixir's inspect of an axis list: [0, 2]. */
static const char *axes_text(char *buf, size_t cap, int n, const int *v)
{
    int64_t wide[NX_MAX_RANK];
    for (int i = 0; i < n; i++)
        wide[i] = v[i];
    return nxfront_list_text(buf, cap, n, wide);
}

static int contains(int n, const int *v, int x)
{
    for (int i = 0; i < n; i++)
        if (v[i] == x)
            return 1;
    return 0;
}

/* The batch-axis rules of shapes-and-names §6.2 for one side. */
static int check_batch_side(const char *side, int nb, const int *b, int nc, const int *c)
{
    char sb[256], sc[256];
    for (int i = 0; i < nb; i++)
        if (b[i] != i)
            return nxerr_set(NX_ARGUMENT_ERROR,
                             "invalid dot batch axis for the %s tensor, batch axes must be successive dimensions starting from 0, got %s",
                             side, axes_text(sb, sizeof sb, nb, b));
    for (int i = 0; i < nb; i++)
        if (contains(nc, c, b[i]))
            return nxerr_set(NX_ARGUMENT_ERROR, "dot batch axes for %s tensor (%s) cannot be in contract axes (%s)", side,
                             axes_text(sb, sizeof sb, nb, b), axes_text(sc, sizeof sc, nc, c));
    return 0;
}

static int check_axes(const nx_tensor *a, int nca, const int *ca, int nba, const int *ba, const nx_tensor *b, int ncb,
                      const int *cb, int nbb, const int *bb)
{
    const int64_t *da = a->dims + a->vrank, *db = b->dims + b->vrank;
    if (nca != ncb)
        return nxerr_set(NX_ARGUMENT_ERROR, "dot/zip expects the same number of contraction axes on both sides, got %d and %d",
                         nca, ncb);
    for (int i = 0; i < nca; i++)
        if (da[ca[i]] != db[cb[i]])
            return nxerr_set(NX_ARGUMENT_ERROR,
                             "dot/zip expects shapes to be compatible, dimension %d of left-side (%lld) does not equal dimension %d of right-side (%lld)",
                             ca[i], (long long)da[ca[i]], cb[i], (long long)db[cb[i]]);
    if (nba == 0 && nbb > 0)
        return nxerr_set(NX_ARGUMENT_ERROR, "left tensor must be batched if right tensor is batched");
    if (nbb == 0 && nba > 0)
        return nxerr_set(NX_ARGUMENT_ERROR, "right tensor must be batched if left tensor is batched");
    if (check_batch_side("left", nba, ba, nca, ca) < 0 || check_batch_side("right", nbb, bb, ncb, cb) < 0)
        return -1;
    int same = nba == nbb;
    for (int i = 0; same && i < nba; i++)
        same = da[ba[i]] == db[bb[i]];
    if (!same) {
        char s1[256], s2[256], z1[512], z2[512];
        int64_t d1[NX_MAX_RANK], d2[NX_MAX_RANK];
        for (int i = 0; i < nba; i++)
            d1[i] = da[ba[i]];
        for (int i = 0; i < nbb; i++)
            d2[i] = db[bb[i]];
        return nxerr_set(NX_ARGUMENT_ERROR,
                         "dot batch dimension sizes must match, but the left batch dimension of axes %s has dimension sizes %sand the right batch dimension of axes %s has sizes %s",
                         axes_text(s1, sizeof s1, nba, ba), nxshape_text(z1, sizeof z1, nba, d1),
                         axes_text(s2, sizeof s2, nbb, bb), nxshape_text(z2, sizeof z2, nbb, d2));
    }
    return 0;
}

/* The free (neither batch nor contracted) inner axes of a side, in order. */
static int free_axes(int rank, int nc, const int *c, int nb, const int *b, int *out)
{
    int n = 0;
    for (int i = 0; i < rank; i++)
        if (!contains(nc, c, i) && !contains(nb, b, i))
            out[n++] = i;
    return n;
}

/* Raises Nx's duplicate-names error when a non-nil name repeats among names[0..n). */
static int check_duplicates(int n, const char *const *names)
{
    int dup = 0;
    for (int i = 0; i < n && !dup; i++)
        for (int j = i + 1; j < n && !dup; j++)
            dup = names[i] && names[i] == names[j];
    if (!dup)
        return 0;
    char text[1024];
    size_t len = (size_t)snprintf(text, sizeof text, "[");
    for (int i = 0; i < n && len < sizeof text; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "%s%s%s", i ? ", " : "", names[i] ? ":" : "",
                                names[i] ? names[i] : "nil");
    if (len < sizeof text)
        snprintf(text + len, sizeof text - len, "]");
    return nxerr_set(NX_ARGUMENT_ERROR, "operation would result in duplicate names %s, please rename your tensors to avoid duplicates",
                     text);
}

/* t (already in the compute type, vectorized axes folded in as plain leading axes) laid
 * out as a {B, rows, cols} matrix stack whose axes are the groups g1 then g2 (after the
 * nbatch leading axes); *trans set when t holds the transposed {B, cols, rows} instead.
 * A copy only when neither layout is already there. */
static nx_tensor *as_matrices(const nx_tensor *t, int nbatch, int n1, const int *g1, int n2, const int *g2, int *trans)
{
    int64_t batch = 1, rows = 1, cols = 1;
    int perm[NX_MAX_RANK], tperm[NX_MAX_RANK], k = 0;
    for (int i = 0; i < nbatch; i++) {
        batch *= t->dims[i];
        perm[k] = tperm[k] = i;
        k++;
    }
    for (int i = 0; i < n1; i++) {
        rows *= t->dims[g1[i]];
        perm[k + i] = tperm[k + n2 + i] = g1[i];
    }
    for (int i = 0; i < n2; i++) {
        cols *= t->dims[g2[i]];
        perm[k + n1 + i] = tperm[k + i] = g2[i];
    }
    int direct = 1, transposed = 1;
    for (int i = 0; i < t->rank; i++) {
        direct &= perm[i] == i;
        transposed &= tperm[i] == i;
    }
    /* A vector side (rows or cols of 1) is the same data either way. */
    *trans = !direct && transposed;
    int64_t dims[3] = { batch, *trans ? cols : rows, *trans ? rows : cols };
    if (direct || transposed)
        return nxfront_view(t, t->type, 3, dims, NULL, 0);
    nxop_params p = { 0 };
    int64_t moved[NX_MAX_RANK];
    for (int i = 0; i < t->rank; i++) {
        p.axes[i] = perm[i];
        moved[i] = t->dims[perm[i]];
    }
    nx_tensor *copy = nxop_run(NX_OP_transpose, nxtensor_new(t->type, t->rank, moved, NULL), &t, &p);
    nx_tensor *v = copy ? nxfront_view(copy, t->type, 3, dims, NULL, 0) : NULL;
    nx_release(copy);
    return v;
}

static nx_tensor *call_dot(const nx_tensor *const *in, const void *opts)
{
    return nx_dot_general_(in[0], in[1], *(const nx_dot_opts *)opts);
}

static void put_axes(nxtext *t, int n, const int *v)
{
    nxtext_putc(t, '[');
    for (int i = 0; i < n; i++)
        nxtext_printf(t, "%s%d", i ? ", " : "", v[i]);
    nxtext_putc(t, ']');
}

/* Traced: Nx's node `dot a, [1], [], b, [0], []`. */
static nx_tensor *traced_dot(nx_tensor *r, const nx_tensor *a, const nx_tensor *b, nx_dot_opts o, int nca, const int *ca,
                             int nba, const int *ba, int ncb, const int *cb, int nbb, const int *bb)
{
    nxtext t = { 0 };
    nxtext_puts(&t, "%0, ");
    put_axes(&t, nca, ca);
    nxtext_puts(&t, ", ");
    put_axes(&t, nba, ba);
    nxtext_puts(&t, ", %1, ");
    put_axes(&t, ncb, cb);
    nxtext_puts(&t, ", ");
    put_axes(&t, nbb, bb);
    char *s = nxtext_take(&t);
    const nx_tensor *in[2] = { a, b };
    r = s ? nxdefn_wrap(r, "dot", s, call_dot, &o, sizeof o, in, 2) : (nx_release(r), nxerr_oom(64));
    nx_free(s);
    return r;
}

nx_tensor *nx_dot_general_(const nx_tensor *a, const nx_tensor *b, nx_dot_opts o)
{
    const nx_tensor *args[2] = { a, b };
    if (nxtensor_check_inputs(args, 2) < 0)
        return NULL;
    int ca[NX_MAX_RANK], cb[NX_MAX_RANK], ba[NX_MAX_RANK], bb[NX_MAX_RANK];
    int nca = axes_of(a, &o.contract_a, ca), ncb = nca < 0 ? -1 : axes_of(b, &o.contract_b, cb);
    int nba = ncb < 0 ? -1 : axes_of(a, &o.batch_a, ba), nbb = nba < 0 ? -1 : axes_of(b, &o.batch_b, bb);
    if (nbb < 0 || check_axes(a, nca, ca, nba, ba, b, ncb, cb, nbb, bb) < 0)
        return NULL;
    int fa[NX_MAX_RANK], fb[NX_MAX_RANK];
    int nfa = free_axes(INNER(a), nca, ca, nba, ba, fa), nfb = free_axes(INNER(b), ncb, cb, nbb, bb, fb);

    /* Output: vectorized axes, batch (left names), free of a, free of b. */
    int64_t vdims[NX_MAX_RANK], dims[NX_MAX_RANK];
    const char *vnames[NX_MAX_RANK] = { 0 }, *names[NX_MAX_RANK] = { 0 };
    int nv = nxfront_vectorized_union(args, 2, vdims, vnames);
    if (nv < 0)
        return NULL;
    int rank = nba + nfa + nfb;
    if (nv + rank > NX_MAX_RANK)
        return nxerr_null(NX_ARGUMENT_ERROR, "rank %d is not supported (nxc allows at most %d axes)", nv + rank, NX_MAX_RANK);
    const int64_t *ia = a->dims + a->vrank, *ib = b->dims + b->vrank;
    const char *const *na = a->names + a->vrank, *const *nb = b->names + b->vrank;
    for (int i = 0; i < nv; i++) {
        dims[i] = vdims[i];
        names[i] = vnames[i];
    }
    for (int i = 0; i < nba; i++) {
        dims[nv + i] = ia[ba[i]];
        names[nv + i] = na[ba[i]];
    }
    for (int i = 0; i < nfa; i++) {
        dims[nv + nba + i] = ia[fa[i]];
        names[nv + nba + i] = na[fa[i]];
    }
    for (int i = 0; i < nfb; i++) {
        dims[nv + nba + nfa + i] = ib[fb[i]];
        names[nv + nba + nfa + i] = nb[fb[i]];
    }
    if (check_duplicates(nfa + nfb, names + nv + nba) < 0)
        return NULL;
    int ca0[NX_MAX_RANK], cb0[NX_MAX_RANK];
    memcpy(ca0, ca, sizeof ca0);
    memcpy(cb0, cb, sizeof cb0);

    nx_type out_type = nx_type_merge(a->type, b->type), type = nxfront_compute_type(out_type);
    if (nxtensor_check_shape(out_type, nv + rank, dims) < 0)
        return NULL;
    /* Operand axes shift past the nv vectorized ones; batch axes become [0, nv + nb). */
    for (int i = 0; i < nca; i++) {
        ca[i] += nv;
        cb[i] += nv;
    }
    for (int i = 0; i < nfa; i++)
        fa[i] += nv;
    for (int i = 0; i < nfb; i++)
        fb[i] += nv;
    nx_tensor *xa = nxfront_batched(a, type, nv, vdims, vnames);
    nx_tensor *xb = xa ? nxfront_batched(b, type, nv, vdims, vnames) : NULL;
    nxop_params p = { 0 };
    nx_tensor *ma = xb ? as_matrices(xa, nv + nba, nfa, fa, nca, ca, &p.dot.trans_a) : NULL;
    nx_tensor *mb = ma ? as_matrices(xb, nv + nbb, ncb, cb, nfb, fb, &p.dot.trans_b) : NULL;
    nx_tensor *r = NULL;
    if (mb) {
        int64_t odims[3] = { ma->dims[0], p.dot.trans_a ? ma->dims[2] : ma->dims[1],
                             p.dot.trans_b ? mb->dims[1] : mb->dims[2] };
        const nx_tensor *in[2] = { ma, mb };
        nx_tensor *prod = nxop_run(NX_OP_dot, nxtensor_new(type, 3, odims, NULL), in, &p);
        nx_tensor *shaped = prod ? nxfront_view(prod, type, nv + rank, dims, names, nv) : NULL;
        r = shaped && type != out_type ? nx_as_type(shaped, out_type) : shaped;
        if (r != shaped)
            nx_release(shaped);
        nx_release(prod);
    }
    nx_release(mb);
    nx_release(ma);
    nx_release(xb);
    nx_release(xa);
    if (nxdefn_traced(r))
        r = traced_dot(r, a, b, o, nca, ca0, nba, ba, ncb, cb0, nbb, bb);
    return r;
}

/* A tensor's own type and data, no longer a weak number: dot types numbers as tensors. */
static nx_tensor *strong(const nx_tensor *t)
{
    return nxfront_view(t, t->type, t->rank, t->dims, t->names, t->vrank);
}

/* Matrix times matrix of one float type, concrete and not vectorized, goes straight to
 * the kernel: at 64 x 64 the general path's views and batching cost ~5% of the product. */
static bool plain_matrices(const nx_tensor *a, const nx_tensor *b)
{
    return a->rank == 2 && b->rank == 2 && a->vrank == 0 && b->vrank == 0 && a->type == b->type &&
           (a->type == NX_F32 || a->type == NX_F64) && a->dims[1] == b->dims[0] && !a->node && !b->node &&
           !nxdefn_tracing;
}

static nx_tensor *matrix_product(const nx_tensor *a, const nx_tensor *b)
{
    int64_t dims[2] = { a->dims[0], b->dims[1] };
    const char *names[2] = { a->names[0], b->names[1] };
    if (check_duplicates(2, names) < 0 || nxtensor_check_shape(a->type, 2, dims) < 0)
        return NULL;
    const nx_tensor *in[2] = { a, b };
    nxop_params p = { 0 };
    return nxop_run(NX_OP_dot, nxtensor_new(a->type, 2, dims, names), in, &p);
}

nx_tensor *nx_dot(const nx_tensor *a, const nx_tensor *b)
{
    const nx_tensor *args[2] = { a, b };
    if (nxtensor_check_inputs(args, 2) < 0)
        return NULL;
    if (plain_matrices(a, b))
        return matrix_product(a, b);
    int ra = INNER(a), rb = INNER(b);
    nx_scope_begin();
    nx_tensor *r;
    if (ra == 0 || rb == 0)
        r = nx_multiply(strong(a), strong(b));
    else if (rb == 1)
        r = nx_dot_general(a, b, .contract_a = NX_AXES(ra - 1), .contract_b = NX_AXES(0));
    else
        r = nx_dot_general(a, b, .contract_a = NX_AXES(ra - 1), .contract_b = NX_AXES(rb - 2));
    return nx_scope_end_keep(r);
}

/* Nx.outer: flatten both, {size(a), 1} * {1, size(b)}; complex b is conjugated (Nx's
 * quirk); names [first name of a, last name of b]. */
nx_tensor *nx_outer(const nx_tensor *a, const nx_tensor *b)
{
    const nx_tensor *args[2] = { a, b };
    if (nxtensor_check_inputs(args, 2) < 0)
        return NULL;
    const char *names[2] = { INNER(a) > 0 ? a->names[a->vrank] : NULL, INNER(b) > 0 ? b->names[b->rank - 1] : NULL };
    nx_scope_begin();
    nx_tensor *right = nx_type_is_complex(b->type) ? nx_conjugate(b) : strong(b);
    nx_tensor *col = nx_reshape(strong(a), NX_SHAPE(nx_size(a), 1));
    nx_tensor *row = nx_reshape(right, NX_SHAPE(1, nx_size(b)));
    nx_tensor *r = nx_rename(nx_multiply(col, row), (nx_names){ .n = 2, .v = { names[0], names[1] } });
    return nx_scope_end_keep(r);
}
