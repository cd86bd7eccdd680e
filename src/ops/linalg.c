/* src/ops/linalg.c: front end of Nx.LinAlg's square-matrix functions (spec/linalg.md):
 * triangular_solve (the primitive), solve, invert, determinant, cholesky and lu. Checks
 * shapes with Nx's messages, decides output types and shapes, folds vectorized axes
 * into the batch and runs the LAPACK kernels of backend/cpu/linalg.c. The shared helpers
 * of src/ops/linalg.h live here too. */
#include <float.h>
#include <stdio.h>
#include <string.h>
#include "backend/cpu/linalg.h"
#include "core/fmtfloat.h"
#include "core/shape.h"
#include "defn/node.h"
#include "ops/linalg.h"

/* ---- shared helpers ---- */

int nxla_check_rank2(const nx_tensor *t)
{
    char s[256];
    int inner = NXLA_INNER(t);
    if (inner >= 2)
        return 0;
    return nxerr_set(NX_ARGUMENT_ERROR, "tensor must have at least rank 2, got rank %d with shape %s", inner,
                     nxshape_text(s, sizeof s, inner, t->dims + t->vrank));
}

int nxla_check_square(const nx_tensor *t)
{
    char s[256];
    if (NXLA_INNER(t) >= 2 && NXLA_DIM(t, -1) == NXLA_DIM(t, -2))
        return 0;
    return nxerr_set(NX_ARGUMENT_ERROR, "tensor must be a square matrix or a batch of square matrices, got shape: %s",
                     nxshape_text(s, sizeof s, NXLA_INNER(t), t->dims + t->vrank));
}

nx_type nxla_compute_type(nx_type t)
{
    return nx_type_is_complex(t) ? NX_C128 : NX_F64;
}

/* The decompositions run the cpu kernels on the data directly: a traced tensor has none.
 * Every front end records a block first (nxla_block), so this is only a guard. */
static int untraced(const nx_tensor *t)
{
    if (t && t->node)
        return nxerr_set(NX_RUNTIME_ERROR, "an Nx.LinAlg kernel was given a tensor expression");
    return 0;
}

bool nxla_traced(const nx_tensor *const *in, int n)
{
    for (int i = 0; i < n; i++)
        if (nxdefn_traced(in[i]))
            return true;
    return false;
}

nxdefn_hdr nxla_hdr(const nx_tensor *like, int keep, int n, const int64_t *dims, nx_type type)
{
    nxdefn_hdr h;
    memset(&h, 0, sizeof h);
    h.type = type;
    h.rank = keep + n;
    memcpy(h.dims, like->dims, (size_t)keep * sizeof *h.dims);
    if (n > 0)
        memcpy(h.dims + keep, dims, (size_t)n * sizeof *h.dims);
    h.vrank = like->vrank < keep ? like->vrank : keep;
    for (int i = 0; i < h.vrank; i++)
        h.names[i] = like->names[i];
    return h;
}

int nxla_block(const char *name, const char *text, nxla_calln_fn *calln, const void *opts, size_t opts_size,
               const nx_tensor *const *in, int nin, const nxdefn_hdr *hdrs, int nout, nx_tensor **outs)
{
    for (int i = 0; i < nout; i++)
        if (hdrs[i].rank > NX_MAX_RANK)
            return nxerr_set(NX_ARGUMENT_ERROR, "rank %d is not supported (nxc allows at most %d axes)", hdrs[i].rank,
                             NX_MAX_RANK);
    return nxdefn_block(name, text, calln, opts, opts_size, in, nin, hdrs, nout, outs);
}

const char *nxla_float_text(char *buf, size_t cap, double x)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    if (nxfmt_float(buf, cap, NX_F64, bits) < 0)
        snprintf(buf, cap, "%g", x);
    return buf;
}

nx_tensor *nxla_input(const nx_tensor *t)
{
    if (untraced(t) < 0)
        return NULL;
    return nx_as_type(t, nxla_compute_type(t->type));
}

nx_tensor *nxla_output(const nx_tensor *like, int keep, int n, const int64_t *dims, nx_type ct)
{
    int64_t all[NX_MAX_RANK];
    const char *names[NX_MAX_RANK] = { 0 };
    if (keep + n > NX_MAX_RANK)
        return nxerr_null(NX_ARGUMENT_ERROR, "rank %d is not supported (nxc allows at most %d axes)", keep + n,
                          NX_MAX_RANK);
    memcpy(all, like->dims, (size_t)keep * sizeof *all);
    if (n > 0)   /* dims may be NULL when there are none */
        memcpy(all + keep, dims, (size_t)n * sizeof *all);
    int vrank = like->vrank < keep ? like->vrank : keep;
    for (int i = 0; i < vrank; i++)
        names[i] = like->names[i];
    nx_tensor *x = nxtensor_new(ct, keep + n, all, names);
    if (!x)
        return NULL;
    x->vrank = vrank;
    x->backend = like->backend;
    if (nxtensor_alloc_data(x) < 0) {
        nx_release(x);
        return NULL;
    }
    return x;
}

nx_tensor *nxla_finish(nx_tensor *x, nx_type type)
{
    if (!x || x->type == type)
        return x;
    nx_tensor *r = nx_as_type(x, type);
    nx_release(x);
    return r;
}

int64_t nxla_batch(const nx_tensor *t, int inner)
{
    int64_t b = 1;
    for (int i = 0; i < t->rank - inner; i++)
        b *= t->dims[i];
    return b;
}

static int too_big(int64_t n)
{
    return n > INT32_MAX ? nxerr_set(NX_ARGUMENT_ERROR, "matrices larger than %d rows are not supported", INT32_MAX) : 0;
}

/* ---- triangular_solve ---- */

/* Whether b's inner dims are a's batch followed by `tail`. */
static bool batch_then(const nx_tensor *a, const nx_tensor *b, int ntail, const int64_t *tail)
{
    int nb = NXLA_INNER(a) - 2;
    if (NXLA_INNER(b) != nb + ntail)
        return false;
    for (int i = 0; i < nb; i++)
        if (a->dims[a->vrank + i] != b->dims[b->vrank + i])
            return false;
    for (int i = 0; i < ntail; i++)
        if (b->dims[b->vrank + nb + i] != tail[i])
            return false;
    return true;
}

/* a and b converted to ct with their vectorized axes (broadcast against each other) as
 * plain leading axes; the union's count in *nv and names in vnames. */
static int batched_pair(const nx_tensor *a, const nx_tensor *b, nx_type ct, nx_tensor **xa, nx_tensor **xb, int *nv,
                        int64_t *vdims, const char **vnames)
{
    const nx_tensor *args[2] = { a, b };
    *xa = *xb = NULL;
    *nv = nxfront_vectorized_union(args, 2, vdims, vnames);
    if (*nv < 0)
        return -1;
    *xa = nxfront_batched(a, ct, *nv, vdims, vnames);
    *xb = *xa ? nxfront_batched(b, ct, *nv, vdims, vnames) : NULL;
    if (!*xb) {
        nx_release(*xa);
        *xa = NULL;
        return -1;
    }
    return 0;
}

/* x's leading nv axes made vectorized again under vnames, inner names from `names`
 * (NULL: none); takes x. */
static nx_tensor *revectorized(nx_tensor *x, int nv, const char *const *vnames, const char *const *names)
{
    if (!x)
        return NULL;
    const char *all[NX_MAX_RANK] = { 0 };
    for (int i = 0; i < nv; i++)
        all[i] = vnames[i];
    for (int i = nv; names && i < x->rank; i++)
        all[i] = names[i - nv];
    nx_tensor *r = nxfront_view(x, x->type, x->rank, x->dims, all, nv);
    nx_release(x);
    return r;
}

static nx_tensor *call_tsolve(const nx_tensor *const *in, const void *opts)
{
    return nx_triangular_solve_(in[0], in[1], *(const nx_triangular_solve_opts *)opts);
}

nx_tensor *nx_triangular_solve_(const nx_tensor *a, const nx_tensor *b, nx_triangular_solve_opts o)
{
    char s[256];
    if (nxfront_check_tensor(a) < 0 || nxfront_check_tensor(b) < 0)
        return NULL;
    if (o.transform_a < NX_TRANSFORM_NONE || o.transform_a > NX_TRANSFORM_CONJUGATE)
        return nxerr_null(NX_ARGUMENT_ERROR,
                          "invalid value for :transform_a option, expected :none, :transpose, or :conjugate, got: %d",
                          (int)o.transform_a);
    if (NXLA_INNER(a) < 2 || NXLA_DIM(a, -1) != NXLA_DIM(a, -2))
        return nxerr_null(NX_ARGUMENT_ERROR,
                          "triangular_solve/3 expected a square matrix or a batch of square matrices, got tensor with shape: %s",
                          nxshape_text(s, sizeof s, NXLA_INNER(a), a->dims + a->vrank));
    int64_t n = NXLA_DIM(a, -1);
    int64_t k = NXLA_INNER(b) >= 1 ? (o.right_side ? NXLA_DIM(b, -2 + (NXLA_INNER(b) < 2)) : NXLA_DIM(b, -1)) : 0;
    int64_t left[2] = { n, k }, right[2] = { k, n };
    bool vector = batch_then(a, b, 1, &n);
    if (!vector && (NXLA_INNER(b) < 2 || !batch_then(a, b, 2, o.right_side ? right : left)))
        return nxerr_null(NX_ARGUMENT_ERROR, "incompatible dimensions for a and b on triangular solve");
    if (too_big(n) < 0)
        return NULL;
    nx_type out = nx_type_to_floating(nx_type_merge(a->type, b->type)), ct = nxla_compute_type(out);
    nx_tensor *xa, *xb;
    int nv;
    int64_t vdims[NX_MAX_RANK];
    const char *vnames[NX_MAX_RANK];
    if (batched_pair(a, b, ct, &xa, &xb, &nv, vdims, vnames) < 0)
        return NULL;
    nxop_params p = { .tsolve = { o.upper, o.right_side, (int)o.transform_a } };
    const nx_tensor *in[2] = { xa, xb };
    nx_tensor *x = nxop_run(NX_OP_triangular_solve, nxtensor_like(xb, ct), in, &p);
    nx_release(xb);
    nx_release(xa);
    x = nxla_finish(revectorized(x, nv, vnames, b->names + b->vrank), out);
    /* Nx records `triangular_solve a, b, opts` over the operands as given (the backend
     * converts them); vectorized operands keep nxc's alignment nodes */
    if (nv == 0 && nxdefn_traced(x)) {
        const nx_tensor *given[2] = { a, b };
        x = nxdefn_wrap_op(x, NX_OP_triangular_solve, &p, call_tsolve, &o, sizeof o, given, 2);
    }
    return x;
}

/* ---- solve ---- */

/* ---- blocks inside defn: the front end run again on the values ---- */

static int call_solve(const nx_tensor *const *in, const void *opts, nx_tensor **out)
{
    (void)opts;
    return (*out = nx_solve(in[0], in[1])) ? 0 : -1;
}

static int call_invert(const nx_tensor *const *in, const void *opts, nx_tensor **out)
{
    (void)opts;
    return (*out = nx_invert(in[0])) ? 0 : -1;
}

static int call_determinant(const nx_tensor *const *in, const void *opts, nx_tensor **out)
{
    (void)opts;
    return (*out = nx_determinant(in[0])) ? 0 : -1;
}

static int call_cholesky(const nx_tensor *const *in, const void *opts, nx_tensor **out)
{
    (void)opts;
    return (*out = nx_cholesky(in[0])) ? 0 : -1;
}

static int call_lu(const nx_tensor *const *in, const void *opts, nx_tensor **out)
{
    (void)opts;
    return nx_lu(in[0], &out[0], &out[1], &out[2]);
}

/* One block over a with one result of a's layout: keep leading axes, then dims. */
static nx_tensor *block1(const char *name, const char *text, nxla_calln_fn *calln, const nx_tensor *a, int keep,
                         int n, const int64_t *dims, nx_type type)
{
    nxdefn_hdr h = nxla_hdr(a, keep, n, dims, type);
    nx_tensor *r;
    return nxla_block(name, text, calln, "", 0, &a, 1, &h, 1, &r) < 0 ? NULL : r;
}

/* solve's result: b's inner shape under the union of both operands' vectorized axes. */
static nx_tensor *traced_solve(const nx_tensor *a, const nx_tensor *b, nx_type type)
{
    const nx_tensor *ab[2] = { a, b };
    int64_t vdims[NX_MAX_RANK];
    const char *vnames[NX_MAX_RANK];
    int nv = nxfront_vectorized_union(ab, 2, vdims, vnames);
    if (nv < 0)
        return NULL;
    nxdefn_hdr h;
    memset(&h, 0, sizeof h);
    h.type = type;
    h.vrank = nv;
    h.rank = nv + NXLA_INNER(b);
    if (h.rank > NX_MAX_RANK)
        return nxerr_null(NX_ARGUMENT_ERROR, "rank %d is not supported (nxc allows at most %d axes)", h.rank,
                          NX_MAX_RANK);
    for (int i = 0; i < nv; i++) {
        h.dims[i] = vdims[i];
        h.names[i] = vnames[i];
    }
    memcpy(h.dims + nv, b->dims + b->vrank, (size_t)NXLA_INNER(b) * sizeof *h.dims);
    nx_tensor *r;
    return nxla_block("solve", "%Nx.Block.LinAlg.Solve{}, %0, %1", call_solve, "", 0, ab, 2, &h, 1, &r) < 0 ? NULL : r;
}

nx_tensor *nx_solve(const nx_tensor *a, const nx_tensor *b)
{
    char s[256], want[300], got[256];
    if (nxfront_check_tensor(a) < 0 || nxfront_check_tensor(b) < 0)
        return NULL;
    int ra = NXLA_INNER(a);
    if (ra < 2 || NXLA_DIM(a, -1) != NXLA_DIM(a, -2))
        return nxerr_null(NX_ARGUMENT_ERROR,
                          "`a` tensor has incompatible dimensions, expected a square matrix or a batch of square matrices, got: %s",
                          nxshape_text(s, sizeof s, ra, a->dims + a->vrank));
    int64_t n = NXLA_DIM(a, -1);
    bool vector = batch_then(a, b, 1, &n);
    bool matrix = !vector && NXLA_INNER(b) == ra && batch_then(a, b, 2, (int64_t[2]){ n, NXLA_DIM(b, -1) });
    if (!vector && !matrix) {
        const int64_t *ad = a->dims + a->vrank;
        nxshape_text(s, sizeof s, ra - 1, ad);   /* batch ++ [n] */
        if (ra == 2) {
            char sq[64];
            snprintf(want, sizeof want, "%s or %s", nxshape_text(sq, sizeof sq, 2, ad), s);
        } else {
            snprintf(want, sizeof want, "%.*s, \"m\"} or %s", (int)strlen(s) - 1, s, s);
        }
        return nxerr_null(NX_ARGUMENT_ERROR, "`b` tensor has incompatible dimensions, expected %s, got: %s", want,
                          nxshape_text(got, sizeof got, NXLA_INNER(b), b->dims + b->vrank));
    }
    if (too_big(n) < 0)
        return NULL;
    nx_type out = nx_type_to_floating(nx_type_merge(a->type, b->type)), ct = nxla_compute_type(out);
    nx_tensor *xa, *xb;
    int nv;
    int64_t vdims[NX_MAX_RANK];
    const char *vnames[NX_MAX_RANK];
    const nx_tensor *ab[2] = { a, b };
    if (nxla_traced(ab, 2))
        return traced_solve(a, b, out);
    if (untraced(a) < 0 || untraced(b) < 0 || batched_pair(a, b, ct, &xa, &xb, &nv, vdims, vnames) < 0)
        return NULL;
    nx_tensor *x = nxtensor_like(xb, ct);
    if (x)
        x->backend = xb->backend;
    if (x && nxtensor_alloc_data(x) < 0) {
        nx_release(x);
        x = NULL;
    }
    int64_t batch = nxla_batch(xa, 2), k = vector ? 1 : NXLA_DIM(xb, -1);
    if (x && nxcpu_solve(nxtensor_data(xa), nxtensor_data(xb), batch, n, k, ct == NX_C128, nxtensor_data(x)) < 0) {
        nx_release(x);
        x = NULL;
    }
    nx_release(xb);
    nx_release(xa);
    return nxla_finish(revectorized(x, nv, vnames, NULL), out);
}

/* ---- invert, determinant ---- */

/* 1.0e3 × the smallest positive normal number of a real float type (Nx's invert eps). */
static double invert_tiny(nx_type real)
{
    switch (real) {
    case NX_F64: return 1.0e3 * DBL_MIN;
    case NX_F16: case NX_F8: return 1.0e3 * 6.103515625e-05;
    case NX_F8_E4M3FN: return 1.0e3 * 0.015625;
    default: return 1.0e3 * (double)FLT_MIN;
    }
}

nx_tensor *nx_invert(const nx_tensor *a)
{
    char s[256];
    if (nxfront_check_tensor(a) < 0)
        return NULL;
    if (NXLA_INNER(a) < 2 || NXLA_DIM(a, -1) != NXLA_DIM(a, -2))
        return nxerr_null(NX_ARGUMENT_ERROR,
                          "invert/1 expects a square matrix or a batch of square matrices, got tensor with shape: %s",
                          nxshape_text(s, sizeof s, NXLA_INNER(a), a->dims + a->vrank));
    int64_t n = NXLA_DIM(a, -1);
    if (too_big(n) < 0)
        return NULL;
    nx_type out = nx_type_to_floating(a->type), ct = nxla_compute_type(out);
    if (nxla_traced(&a, 1))   /* not a block in Nx (a defn over solve): one node of its own */
        return block1("invert", "%0", call_invert, a, a->rank, 0, NULL, out);
    nx_tensor *xa = nxla_input(a);
    nx_tensor *x = xa ? nxla_output(a, a->rank, 0, NULL, ct) : NULL;
    if (x && nxcpu_invert(nxtensor_data(xa), nxla_batch(a, 2), n, ct == NX_C128, invert_tiny(nx_type_to_real(out)),
                          nxtensor_data(x)) < 0) {
        nx_release(x);
        x = NULL;
    }
    nx_release(xa);
    return nxla_finish(x, out);
}

nx_tensor *nx_determinant(const nx_tensor *a)
{
    if (nxfront_check_tensor(a) < 0)
        return NULL;
    int inner = NXLA_INNER(a);
    if (inner < 2 || NXLA_DIM(a, -1) != NXLA_DIM(a, -2)) {
        char s[128];
        int last = inner < 2 ? inner : 2;
        nxfront_list_text(s, sizeof s, last, a->dims + a->rank - last);
        return nxerr_null(NX_ARGUMENT_ERROR, "determinant/1 expects a square tensor, got tensor with shape: %s", s);
    }
    int64_t n = NXLA_DIM(a, -1);
    if (too_big(n) < 0)
        return NULL;
    nx_type out = nx_type_to_floating(a->type), ct = nxla_compute_type(out);
    if (nxla_traced(&a, 1))
        return block1("determinant", "%Nx.Block.LinAlg.Determinant{}, %0", call_determinant, a, a->rank - 2, 0, NULL,
                      out);
    nx_tensor *xa = nxla_input(a);
    nx_tensor *x = xa ? nxla_output(a, a->rank - 2, 0, NULL, ct) : NULL;
    if (x && nxcpu_determinant(nxtensor_data(xa), nxla_batch(a, 2), n, ct == NX_C128, nxtensor_data(x)) < 0) {
        nx_release(x);
        x = NULL;
    }
    nx_release(xa);
    return nxla_finish(x, out);
}

/* ---- cholesky, lu ---- */

static int check_square_batch(const nx_tensor *a)
{
    if (nxfront_check_tensor(a) < 0 || nxla_check_rank2(a) < 0 || nxla_check_square(a) < 0)
        return -1;
    return too_big(NXLA_DIM(a, -1));
}

nx_tensor *nx_cholesky(const nx_tensor *a)
{
    if (check_square_batch(a) < 0)
        return NULL;
    nx_type out = nx_type_to_floating(a->type), ct = nxla_compute_type(out);
    if (nxla_traced(&a, 1))
        return block1("cholesky", "%Nx.Block.LinAlg.Cholesky{}, %0", call_cholesky, a, a->rank, 0, NULL, out);
    nx_tensor *xa = nxla_input(a);
    nx_tensor *x = xa ? nxla_output(a, a->rank, 0, NULL, ct) : NULL;
    if (x && nxcpu_cholesky(nxtensor_data(xa), nxla_batch(a, 2), NXLA_DIM(a, -1), ct == NX_C128, nxtensor_data(x)) < 0) {
        nx_release(x);
        x = NULL;
    }
    nx_release(xa);
    return nxla_finish(x, out);
}

int nx_lu(const nx_tensor *a, nx_tensor **p, nx_tensor **l, nx_tensor **u)
{
    *p = *l = *u = NULL;
    if (check_square_batch(a) < 0)
        return -1;
    int64_t n = NXLA_DIM(a, -1), batch = nxla_batch(a, 2);
    nx_type out = nx_type_to_floating(a->type), ct = nxla_compute_type(out);
    if (nxla_traced(&a, 1)) {
        nxdefn_hdr h[3] = { nxla_hdr(a, a->rank, 0, NULL, a->type), nxla_hdr(a, a->rank, 0, NULL, out),
                            nxla_hdr(a, a->rank, 0, NULL, out) };
        nx_tensor *o[3];
        if (nxla_block("lu", "%Nx.Block.LinAlg.LU{eps: 1.0e-10}, %0", call_lu, "", 0, &a, 1, h, 3, o) < 0)
            return -1;
        *p = o[0];
        *l = o[1];
        *u = o[2];
        return 0;
    }
    nx_tensor *xa = nxla_input(a);
    nx_tensor *xp = xa ? nxla_output(a, a->rank, 0, NULL, NX_F64) : NULL;
    nx_tensor *xl = xp ? nxla_output(a, a->rank, 0, NULL, ct) : NULL;
    nx_tensor *xu = xl ? nxla_output(a, a->rank, 0, NULL, ct) : NULL;
    int64_t *perm = xu ? nx_alloc((size_t)(batch * n > 0 ? batch * n : 1) * sizeof *perm) : NULL;
    int rc = perm ? nxcpu_lu(nxtensor_data(xa), batch, n, ct == NX_C128, perm, nxtensor_data(xl), nxtensor_data(xu))
                  : -1;
    if (rc == 0) {
        double *pv = nxtensor_data(xp);
        memset(pv, 0, (size_t)(batch * n * n) * sizeof *pv);
        for (int64_t m = 0; m < batch; m++)
            for (int64_t j = 0; j < n; j++)
                pv[m * n * n + perm[m * n + j] * n + j] = 1;   /* p[i][j] = 1 where perm[j] == i */
        *p = nxla_finish(xp, a->type);
        *l = nxla_finish(xl, out);
        *u = nxla_finish(xu, out);
        xp = xl = xu = NULL;
        if (!*p || !*l || !*u)
            rc = -1;
    }
    if (!perm && xu)
        nxerr_set(NX_RUNTIME_ERROR, "out of memory");
    nx_free(perm);
    nx_release(xu);
    nx_release(xl);
    nx_release(xp);
    nx_release(xa);
    if (rc < 0) {
        nx_release(*u);
        nx_release(*l);
        nx_release(*p);
        *p = *l = *u = NULL;
    }
    return rc;
}
