/* src/ops/linalg_decomp.c: front end of Nx.LinAlg's factorisations with several outputs
 * (spec/linalg.md §2.7–2.9): qr, eigh and svd. Checks shapes and options with Nx's
 * messages, decides output types and shapes and runs the LAPACK kernels of
 * backend/cpu/linalg_decomp.c, which apply Nx's ordering, sign and flushing rules. */
#include <stdio.h>
#include <string.h>
#include "backend/cpu/linalg.h"
#include "defn/node.h"
#include "ops/linalg.h"

#define QR_EPS 1.0e-10
#define EIGH_EPS 1.0e-4

/* Releases the n outputs and clears them; returns -1. */
static int drop(int n, nx_tensor **outs)
{
    for (int i = 0; i < n; i++) {
        nx_release(outs[i]);
        outs[i] = NULL;
    }
    return -1;
}

/* Converts the n compute-type results xs to types[i] into outs (taking xs); -1 with
 * everything released on failure. */
static int finish_all(int n, nx_tensor **xs, const nx_type *types, nx_tensor **outs)
{
    int rc = 0;
    for (int i = 0; i < n; i++) {
        outs[i] = rc == 0 ? nxla_finish(xs[i], types[i]) : (nx_release(xs[i]), NULL);
        xs[i] = NULL;
        if (!outs[i])
            rc = -1;
    }
    return rc < 0 ? drop(n, outs) : 0;
}

/* ---- blocks inside defn: the front end run again on the values ---- */

static int call_qr(const nx_tensor *const *in, const void *opts, nx_tensor **out)
{
    return nx_qr_(in[0], &out[0], &out[1], *(const nx_qr_opts *)opts);
}

static int call_eigh(const nx_tensor *const *in, const void *opts, nx_tensor **out)
{
    return nx_eigh_(in[0], &out[0], &out[1], *(const nx_eigh_opts *)opts);
}

static int call_svd(const nx_tensor *const *in, const void *opts, nx_tensor **out)
{
    return nx_svd_(in[0], &out[0], &out[1], &out[2], *(const nx_svd_opts *)opts);
}

/* Records the block and hands its n results to outs. */
static int traced(const char *name, const char *text, nxla_calln_fn *fn, const void *opts, size_t size,
                  const nx_tensor *a, const nxdefn_hdr *h, int n, nx_tensor **const *outs)
{
    nx_tensor *o[3];
    if (nxla_block(name, text, fn, opts, size, &a, 1, h, n, o) < 0)
        return -1;
    for (int i = 0; i < n; i++)
        *outs[i] = o[i];
    return 0;
}

int nx_qr_(const nx_tensor *a, nx_tensor **q, nx_tensor **r, nx_qr_opts o)
{
    *q = *r = NULL;
    if (nxfront_check_tensor(a) < 0 || nxla_check_rank2(a) < 0)
        return -1;
    int64_t m = NXLA_DIM(a, -2), n = NXLA_DIM(a, -1), k = m < n ? m : n, qc = o.complete ? m : k;
    if (m > INT32_MAX || n > INT32_MAX)
        return nxerr_set(NX_ARGUMENT_ERROR, "matrices larger than %d rows are not supported", INT32_MAX);
    nx_type out = nx_type_to_floating(a->type), ct = nxla_compute_type(out);
    int keep = a->rank - 2;
    if (nxla_traced(&a, 1)) {
        char text[128], e[40];
        double eps = o.eps == 0 ? QR_EPS : o.eps;
        snprintf(text, sizeof text, "%%Nx.Block.LinAlg.QR{eps: %s, mode: %s}, %%0",
                 nxla_float_text(e, sizeof e, eps), o.complete ? ":complete" : ":reduced");
        nxdefn_hdr h[2] = { nxla_hdr(a, keep, 2, (int64_t[2]){ m, qc }, out),
                            nxla_hdr(a, keep, 2, (int64_t[2]){ qc, n }, out) };
        nx_tensor **outs[2] = { q, r };
        return traced("qr", text, call_qr, &o, sizeof o, a, h, 2, outs);
    }
    nx_tensor *xs[2] = { NULL, NULL }, *outs[2];
    nx_tensor *xa = nxla_input(a);
    if (xa) {
        xs[0] = nxla_output(a, keep, 2, (int64_t[2]){ m, qc }, ct);
        xs[1] = xs[0] ? nxla_output(a, keep, 2, (int64_t[2]){ qc, n }, ct) : NULL;
    }
    int rc = xs[1] ? nxcpu_qr(nxtensor_data(xa), nxla_batch(a, 2), m, n, ct == NX_C128, o.complete,
                              o.eps == 0 ? QR_EPS : o.eps, nxtensor_data(xs[0]), nxtensor_data(xs[1]))
                   : -1;
    nx_release(xa);
    if (rc < 0)
        return drop(2, xs);
    nx_type types[2] = { out, out };
    if (finish_all(2, xs, types, outs) < 0)
        return -1;
    *q = outs[0];
    *r = outs[1];
    return 0;
}

int nx_eigh_(const nx_tensor *a, nx_tensor **values, nx_tensor **vectors, nx_eigh_opts o)
{
    *values = *vectors = NULL;
    if (nxfront_check_tensor(a) < 0 || nxla_check_rank2(a) < 0 || nxla_check_square(a) < 0)
        return -1;
    int64_t n = NXLA_DIM(a, -1);
    if (n > INT32_MAX)
        return nxerr_set(NX_ARGUMENT_ERROR, "matrices larger than %d rows are not supported", INT32_MAX);
    /* max_iter bounds Nx's Jacobi sweeps; LAPACK's solver needs no cap. */
    nx_type out = nx_type_to_floating(a->type), ct = nxla_compute_type(out);
    int keep = a->rank - 2;
    if (nxla_traced(&a, 1)) {
        char text[128], e[40];
        snprintf(text, sizeof text, "%%Nx.Block.LinAlg.Eigh{max_iter: %lld, eps: %s}, %%0",
                 (long long)(o.max_iter ? o.max_iter : 1000), nxla_float_text(e, sizeof e, o.eps == 0 ? EIGH_EPS : o.eps));
        nxdefn_hdr h[2] = { nxla_hdr(a, keep, 1, &n, out), nxla_hdr(a, keep, 2, (int64_t[2]){ n, n }, out) };
        nx_tensor **outs[2] = { values, vectors };
        return traced("eigh", text, call_eigh, &o, sizeof o, a, h, 2, outs);
    }
    nx_tensor *xs[2] = { NULL, NULL }, *outs[2];
    nx_tensor *xa = nxla_input(a);
    if (xa) {
        xs[0] = nxla_output(a, keep, 1, &n, NX_F64);   /* real values; complex types get 0 imaginary parts */
        xs[1] = xs[0] ? nxla_output(a, keep, 2, (int64_t[2]){ n, n }, ct) : NULL;
    }
    int rc = xs[1] ? nxcpu_eigh(nxtensor_data(xa), nxla_batch(a, 2), n, ct == NX_C128, o.eps == 0 ? EIGH_EPS : o.eps,
                                nxtensor_data(xs[0]), nxtensor_data(xs[1]))
                   : -1;
    nx_release(xa);
    if (rc < 0)
        return drop(2, xs);
    nx_type types[2] = { out, out };
    if (finish_all(2, xs, types, outs) < 0)
        return -1;
    *values = outs[0];
    *vectors = outs[1];
    return 0;
}

int nx_svd_(const nx_tensor *a, nx_tensor **u, nx_tensor **s, nx_tensor **vt, nx_svd_opts o)
{
    *u = *s = *vt = NULL;
    if (nxfront_check_tensor(a) < 0)
        return -1;
    if (nx_type_is_complex(a->type))
        return nxerr_set(NX_ARGUMENT_ERROR, "Nx.LinAlg.svd/2 is not yet implemented for complex inputs");
    if (nxla_check_rank2(a) < 0)
        return -1;
    int64_t m = NXLA_DIM(a, -2), n = NXLA_DIM(a, -1), k = m < n ? m : n;
    if (m > INT32_MAX || n > INT32_MAX)
        return nxerr_set(NX_ARGUMENT_ERROR, "matrices larger than %d rows are not supported", INT32_MAX);
    int64_t uc = o.thin ? k : m, vr = o.thin ? k : n;
    nx_type out = nx_type_to_floating(a->type);
    int keep = a->rank - 2;
    if (nxla_traced(&a, 1)) {
        char text[128];
        snprintf(text, sizeof text, "%%Nx.Block.LinAlg.SVD{max_iter: %lld, full_matrices?: %s}, %%0",
                 (long long)(o.max_iter ? o.max_iter : 100), o.thin ? "false" : "true");
        nxdefn_hdr h[3] = { nxla_hdr(a, keep, 2, (int64_t[2]){ m, uc }, out), nxla_hdr(a, keep, 1, &k, out),
                            nxla_hdr(a, keep, 2, (int64_t[2]){ vr, n }, out) };
        nx_tensor **outs[3] = { u, s, vt };
        return traced("svd", text, call_svd, &o, sizeof o, a, h, 3, outs);
    }
    nx_tensor *xs[3] = { NULL, NULL, NULL }, *outs[3];
    nx_tensor *xa = nxla_input(a);
    if (xa) {
        xs[0] = nxla_output(a, keep, 2, (int64_t[2]){ m, uc }, NX_F64);
        xs[1] = xs[0] ? nxla_output(a, keep, 1, &k, NX_F64) : NULL;
        xs[2] = xs[1] ? nxla_output(a, keep, 2, (int64_t[2]){ vr, n }, NX_F64) : NULL;
    }
    int rc = xs[2] ? nxcpu_svd(nxtensor_data(xa), nxla_batch(a, 2), m, n, o.thin, nxtensor_data(xs[0]),
                               nxtensor_data(xs[1]), nxtensor_data(xs[2]))
                   : -1;
    nx_release(xa);
    if (rc < 0)
        return drop(3, xs);
    nx_type types[3] = { out, out, out };
    if (finish_all(3, xs, types, outs) < 0)
        return -1;
    *u = outs[0];
    *s = outs[1];
    *vt = outs[2];
    return 0;
}
