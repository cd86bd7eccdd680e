/* src/backend/cpu/linalg_decomp.c: QR, eigh and SVD kernels of Nx.LinAlg on LAPACK
 * (geqrf + orgqr/ungqr, syevd/heevd, gesdd), each result brought to Nx's conventions
 * (spec/linalg.md §2.7–2.9), which are not LAPACK's:
 *
 * - qr: matrices up to 64×64 run Nx's own Householder loop (qr_nx). Above that, a
 *   Householder QR is unique up to the phase of each R_ii, so LAPACK's factors are
 *   rescaled row by row (R) and column by column (Q) to the phase Nx's reflections give:
 *   R_ii >= 0 for a processed real column, the sign kept for one Nx skips (already zero
 *   below the diagonal, σ < eps; LAPACK then has tau = 0), R_ii = −e^{i·arg x_i}‖x‖ for
 *   complex columns (x_i recovered from LAPACK's beta and tau), the last column of a
 *   square matrix never touched; then |x| <= eps flushed.
 * - eigh: values ordered by |value| descending (stable), each vector scaled so that its
 *   first entry of largest magnitude is real positive (what Nx's Jacobi rotations give on
 *   the documented examples), |x| <= eps flushed.
 * - svd: each pair (u column, vt row) signed so that the vt row (the u column for wide
 *   input, which Nx factors transposed) has its first largest entry positive; Nx's
 *   flushing of small singular values (<= 1e-4 full, s² <= 1e-4 thin, where the matching u
 *   column becomes zero as Nx's Gram method leaves it). */
#include "backend/cpu/linalg.h"

#include <complex.h>
#include <lapacke.h>
#include <math.h>
#include <string.h>
#include "core/error.h"
#include "nx/scope.h"

typedef double _Complex cplx_t;

static double mag(const double *v, int64_t i, bool cplx)
{
    return cplx ? cabs(((const cplx_t *)v)[i]) : fabs(v[i]);
}

static void flush(double *v, int64_t count, bool cplx, double eps)
{
    int64_t es = cplx ? 2 : 1;
    for (int64_t i = 0; i < count; i++)
        if (mag(v, i, cplx) <= eps)
            for (int64_t c = 0; c < es; c++)
                v[i * es + c] = 0;
}

/* ---- QR ---- */

/* Whether Nx's loop reflects column i of an m×n matrix (spec §2.7: square stops at
 * n − 2, wide matrices have nothing below row m − 1). */
static bool processed(int64_t i, int64_t m, int64_t n)
{
    return m > n ? i < n : m == n ? i < n - 1 : i < m;
}

/* The unit factor d that turns LAPACK's R_ii (beta, after tau) into Nx's. */
static cplx_t qr_phase(cplx_t beta, cplx_t tau, bool cplx, bool proc, double eps)
{
    cplx_t alpha = tau == 0 ? beta : beta * (1 - tau);   /* the entry before reflecting */
    double norm = cabs(beta);
    if (!cplx) {
        if (tau == 0 || norm == 0)
            return 1;
        double sigma = norm * norm - creal(alpha) * creal(alpha);
        double want = sigma < eps ? (creal(alpha) < 0 ? -1 : 1) : 1;   /* Nx skips: x_i's sign */
        return want * (creal(beta) < 0 ? -1 : 1);
    }
    if (!proc || norm == 0 || 2 * norm * (norm + cabs(alpha)) < eps)
        return tau == 0 ? 1 : alpha / beta;
    cplx_t target = -(cabs(alpha) == 0 ? 1 : alpha / cabs(alpha)) * norm;
    return target / beta;
}

static int qr_one(const double *a, int64_t m, int64_t n, bool cplx, bool complete, double eps, double *fac,
                  double *qbuf, double *tau, double *work, lapack_int lwork, double *q, double *r)
{
    int64_t k = m < n ? m : n, qc = complete ? m : k, es = cplx ? 2 : 1;
    lapack_int lm = (lapack_int)m, ld = lm > 1 ? lm : 1;
    for (int64_t i = 0; i < m; i++)   /* column-major copy */
        for (int64_t j = 0; j < n; j++)
            memcpy(fac + (j * m + i) * es, a + (i * n + j) * es, (size_t)es * sizeof(double));
    lapack_int info = 0;
    if (k > 0)
        info = cplx ? LAPACKE_zgeqrf_work(LAPACK_COL_MAJOR, lm, (lapack_int)n, (lapack_complex_double *)fac, ld,
                                          (lapack_complex_double *)tau, (lapack_complex_double *)work, lwork)
                    : LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, lm, (lapack_int)n, fac, ld, tau, work, lwork);
    if (info != 0)
        return nxerr_set(NX_RUNTIME_ERROR, "LAPACK geqrf failed (info %d)", (int)info);
    for (int64_t i = 0; i < qc; i++)
        for (int64_t j = 0; j < n; j++) {
            double *dst = r + (i * n + j) * es;
            if (i <= j && i < k)
                memcpy(dst, fac + (j * m + i) * es, (size_t)es * sizeof(double));
            else
                memset(dst, 0, (size_t)es * sizeof(double));
        }
    double *qw = qc <= n ? fac : qbuf;   /* orgqr needs m×qc; complete tall needs more */
    if (qw != fac)
        memcpy(qw, fac, (size_t)(m * n * es) * sizeof(double));
    if (qc > 0)
        info = cplx ? LAPACKE_zungqr_work(LAPACK_COL_MAJOR, lm, (lapack_int)qc, (lapack_int)k,
                                          (lapack_complex_double *)qw, ld, (lapack_complex_double *)tau,
                                          (lapack_complex_double *)work, lwork)
                    : LAPACKE_dorgqr_work(LAPACK_COL_MAJOR, lm, (lapack_int)qc, (lapack_int)k, qw, ld, tau, work, lwork);
    if (info != 0)
        return nxerr_set(NX_RUNTIME_ERROR, "LAPACK orgqr failed (info %d)", (int)info);
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < qc; j++)
            memcpy(q + (i * qc + j) * es, qw + (j * m + i) * es, (size_t)es * sizeof(double));
    for (int64_t i = 0; i < k; i++) {
        cplx_t beta = cplx ? ((cplx_t *)r)[i * n + i] : r[i * n + i];
        cplx_t t = cplx ? ((cplx_t *)tau)[i] : tau[i];
        cplx_t d = qr_phase(beta, t, cplx, processed(i, m, n), eps);
        if (d == 1)
            continue;
        for (int64_t j = 0; j < n; j++) {
            if (cplx)
                ((cplx_t *)r)[i * n + j] *= d;
            else
                r[i * n + j] *= creal(d);
        }
        for (int64_t j = 0; j < m; j++) {
            if (cplx)
                ((cplx_t *)q)[j * qc + i] *= conj(d);
            else
                q[j * qc + i] *= creal(d);
        }
    }
    flush(q, m * qc, cplx, eps);
    flush(r, qc * n, cplx, eps);
    return 0;
}

/* Nx's own Householder loop (spec §2.7) on one small matrix, in double: where Nx skips a
 * reflection depends on its own intermediate matrices (a column can become zero below the
 * diagonal in Nx's basis but not in LAPACK's), so small matrices, where such exact
 * coincidences happen, follow Nx step by step. qw is M×M and rw M×n scratch, row-major,
 * M = max(m, n). */
static void qr_nx(const double *a, int64_t m, int64_t n, bool cplx, bool complete, double eps, cplx_t *qw, cplx_t *rw,
                  cplx_t *v, cplx_t *w, double *q, double *r)
{
    int64_t M = m < n ? n : m, last = m < n ? n - 1 : m == n ? n - 2 : n - 1;
    int64_t k = m < n ? m : n, qc = complete ? m : k, rr = m < n ? m : qc, es = cplx ? 2 : 1;
    for (int64_t i = 0; i < M; i++) {
        for (int64_t j = 0; j < M; j++)
            qw[i * M + j] = i == j;
        for (int64_t j = 0; j < n; j++)
            rw[i * n + j] = i >= m ? 0 : cplx ? ((const cplx_t *)a)[i * n + j] : a[i * n + j];
    }
    for (int64_t i = 0; i <= last; i++) {
        double nsq = 0;
        for (int64_t t = i; t < M; t++) {
            v[t] = rw[t * n + i];
            nsq += creal(v[t] * conj(v[t]));
        }
        double norm = sqrt(nsq), scale;
        if (!cplx) {
            double xi = creal(v[i]), sigma = nsq - xi * xi;
            if (sigma < eps)
                continue;
            double v0 = xi <= 0 ? xi - norm : -sigma / (xi + norm);
            v[i] = v0;
            for (int64_t t = i; t < M; t++)
                v[t] /= v0;
            double vv = 0;
            for (int64_t t = i; t < M; t++)
                vv += creal(v[t]) * creal(v[t]);
            scale = 2 / vv;
        } else {
            cplx_t xi = v[i], alpha = (cabs(xi) == 0 ? 1 : xi / cabs(xi)) * norm;
            v[i] = xi + alpha;
            double usq = 0;
            for (int64_t t = i; t < M; t++)
                usq += creal(v[t] * conj(v[t]));
            if (usq < eps)
                continue;
            double un = sqrt(usq);
            for (int64_t t = i; t < M; t++)
                v[t] /= un;
            scale = 2;
        }
        for (int64_t j = 0; j < n; j++) {   /* R -= scale·v·(vᴴR) */
            cplx_t acc = 0;
            for (int64_t t = i; t < M; t++)
                acc += conj(v[t]) * rw[t * n + j];
            w[j] = acc;
        }
        for (int64_t t = i; t < M; t++)
            for (int64_t j = 0; j < n; j++)
                rw[t * n + j] -= scale * v[t] * w[j];
        for (int64_t t = 0; t < M; t++) {   /* Q -= scale·(Qv)·vᴴ */
            cplx_t acc = 0;
            for (int64_t c = i; c < M; c++)
                acc += qw[t * M + c] * v[c];
            w[t] = acc;
        }
        for (int64_t t = 0; t < M; t++)
            for (int64_t c = i; c < M; c++)
                qw[t * M + c] -= scale * w[t] * conj(v[c]);
    }
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < qc; j++) {
            cplx_t x = qw[i * M + j];
            memcpy(q + (i * qc + j) * es, &x, (size_t)es * sizeof(double));
        }
    for (int64_t i = 0; i < rr; i++)
        for (int64_t j = 0; j < n; j++) {
            cplx_t x = rw[i * n + j];
            memcpy(r + (i * n + j) * es, &x, (size_t)es * sizeof(double));
        }
    flush(q, m * qc, cplx, eps);
    flush(r, rr * n, cplx, eps);
}

/* Up to this many rows and columns QR runs Nx's loop (qr_nx), above it LAPACK's blocked
 * geqrf with the phases fixed (qr_one). */
#define QR_NX_MAX 64

int nxcpu_qr(const double *a, int64_t batch, int64_t m, int64_t n, bool cplx, bool complete, double eps, double *q,
             double *r)
{
    if (m <= QR_NX_MAX && n <= QR_NX_MAX) {
        int64_t M = m < n ? n : m, k = m < n ? m : n, qc = complete ? m : k, es = cplx ? 2 : 1;
        cplx_t *qw = nx_alloc((size_t)(M * M + M * n + 2 * M + n + 1) * sizeof(cplx_t));
        if (!qw)
            return nxerr_set(NX_RUNTIME_ERROR, "out of memory");
        cplx_t *rw = qw + M * M, *v = rw + M * n, *w = v + M;
        for (int64_t b = 0; b < batch; b++)
            qr_nx(a + b * m * n * es, m, n, cplx, complete, eps, qw, rw, v, w, q + b * m * qc * es,
                  r + b * qc * n * es);
        nx_free(qw);
        return 0;
    }

    int64_t k = m < n ? m : n, qc = complete ? m : k, es = cplx ? 2 : 1;
    lapack_int ld = m > 1 ? (lapack_int)m : 1, lwork = 1;
    double query[2] = { 0, 0 }, query2[2] = { 0, 0 };
    /* Workspace sizes for the largest of the two calls. */
    if (k > 0) {
        if (cplx) {
            LAPACKE_zgeqrf_work(LAPACK_COL_MAJOR, (lapack_int)m, (lapack_int)n, NULL, ld, NULL,
                                (lapack_complex_double *)query, -1);
            LAPACKE_zungqr_work(LAPACK_COL_MAJOR, (lapack_int)m, (lapack_int)qc, (lapack_int)k, NULL, ld, NULL,
                                (lapack_complex_double *)query2, -1);
        } else {
            LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, (lapack_int)m, (lapack_int)n, NULL, ld, NULL, query, -1);
            LAPACKE_dorgqr_work(LAPACK_COL_MAJOR, (lapack_int)m, (lapack_int)qc, (lapack_int)k, NULL, ld, NULL, query2,
                                -1);
        }
        lwork = (lapack_int)fmax(fmax(query[0], query2[0]), 1);
    }
    double *fac = nxcpu_linalg_scratch(m * n, cplx), *tau = nxcpu_linalg_scratch(k, cplx), *work = nxcpu_linalg_scratch(lwork, cplx);
    double *qbuf = qc > n ? nxcpu_linalg_scratch(m * qc, cplx) : NULL;
    int rc = fac && tau && work && (qc <= n || qbuf) ? 0 : -1;
    for (int64_t b = 0; b < batch && rc == 0; b++)
        rc = qr_one(a + b * m * n * es, m, n, cplx, complete, eps, fac, qbuf, tau, work, lwork, q + b * m * qc * es,
                    r + b * qc * n * es);
    nx_free(qbuf);
    nx_free(work);
    nx_free(tau);
    nx_free(fac);
    return rc;
}

/* ---- eigh ---- */

/* The index of the first entry of largest magnitude of a strided vector. */
static int64_t first_max(const double *v, int64_t len, int64_t stride, bool cplx)
{
    int64_t best = 0;
    double big = -1;
    for (int64_t i = 0; i < len; i++) {
        double x = mag(v, i * stride, cplx);
        if (x > big) {
            big = x;
            best = i;
        }
    }
    return best;
}

/* order[0..n) sorting w by |w| descending, stable (insertion sort: LAPACK's ascending
 * output is nearly sorted by magnitude already). */
static void order_by_magnitude(const double *w, int64_t n, int64_t *order)
{
    for (int64_t i = 0; i < n; i++) {
        int64_t j = i;
        while (j > 0 && fabs(w[order[j - 1]]) < fabs(w[i])) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
}

int nxcpu_eigh(const double *a, int64_t batch, int64_t n, bool cplx, double eps, double *values, double *vectors)
{
    int64_t nn = n * n, es = cplx ? 2 : 1;
    lapack_int ln = (lapack_int)n, ld = ln > 1 ? ln : 1, lwork = 1, lrwork = 1, liwork = 1;
    if (n > 0) {
        double q[2] = { 0, 0 }, rq = 0;
        lapack_int iq = 0;
        if (cplx)
            LAPACKE_zheevd_work(LAPACK_COL_MAJOR, 'V', 'U', ln, NULL, ld, NULL, (lapack_complex_double *)q, -1, &rq, -1,
                                &iq, -1);
        else
            LAPACKE_dsyevd_work(LAPACK_COL_MAJOR, 'V', 'U', ln, NULL, ld, NULL, q, -1, &iq, -1);
        lwork = (lapack_int)fmax(q[0], 1);
        lrwork = (lapack_int)fmax(rq, 1);
        liwork = iq > 1 ? iq : 1;
    }
    double *z = nxcpu_linalg_scratch(nn, cplx), *w = nxcpu_linalg_scratch(n, false), *work = nxcpu_linalg_scratch(lwork, cplx);
    double *rwork = cplx ? nxcpu_linalg_scratch(lrwork, false) : NULL;
    lapack_int *iwork = nx_alloc((size_t)liwork * sizeof *iwork);
    int64_t *order = nx_alloc((size_t)(n > 0 ? n : 1) * sizeof *order);
    int rc = z && w && work && (!cplx || rwork) && iwork && order ? 0 : nxerr_set(NX_RUNTIME_ERROR, "out of memory");
    for (int64_t b = 0; b < batch && rc == 0 && n > 0; b++) {
        /* Row-major a is aᵀ column-major: for Hermitian a that is conj(a), whose vectors
         * are the conjugates of a's (the same for real a). 'U' reads a's lower triangle. */
        memcpy(z, a + b * nn * es, (size_t)(nn * es) * sizeof(double));
        lapack_int info = cplx ? LAPACKE_zheevd_work(LAPACK_COL_MAJOR, 'V', 'U', ln, (lapack_complex_double *)z, ld, w,
                                                     (lapack_complex_double *)work, lwork, rwork, lrwork, iwork, liwork)
                               : LAPACKE_dsyevd_work(LAPACK_COL_MAJOR, 'V', 'U', ln, z, ld, w, work, lwork, iwork, liwork);
        double *vb = vectors + b * nn * es, *wb = values + b * n;
        if (info != 0) {   /* NaN or no convergence: NaN results */
            for (int64_t i = 0; i < nn * es; i++)
                vb[i] = NAN;
            for (int64_t i = 0; i < n; i++)
                wb[i] = NAN;
            continue;
        }
        order_by_magnitude(w, n, order);
        for (int64_t j = 0; j < n; j++) {
            int64_t c = order[j];
            const double *col = z + c * n * es;   /* column c of z, contiguous */
            wb[j] = fabs(w[c]) <= eps ? 0 : w[c];
            int64_t p = first_max(col, n, 1, cplx);
            if (cplx) {
                cplx_t top = conj(((const cplx_t *)col)[p]);
                cplx_t phase = top == 0 ? 1 : conj(top) / cabs(top);
                for (int64_t i = 0; i < n; i++)
                    ((cplx_t *)vb)[i * n + j] = conj(((const cplx_t *)col)[i]) * phase;
            } else {
                double sign = col[p] < 0 ? -1 : 1;
                for (int64_t i = 0; i < n; i++)
                    vb[i * n + j] = sign * col[i];
            }
        }
        flush(vb, nn, cplx, eps);
    }
    nx_free(order);
    nx_free(iwork);
    nx_free(rwork);
    nx_free(work);
    nx_free(w);
    nx_free(z);
    return rc;
}

/* ---- SVD ---- */

#define SVD_FLUSH 1.0e-4          /* Nx's eigh eps, applied to s (full) or s² (thin) */
#define SVD_EPS 1.1920929e-07     /* Nx's ε for the thin method's cut-off */

/* Negates column j of a rows×cols row-major matrix. */
/* Negates column j of a rows×cols row-major matrix (0 − x: zeros stay +0.0). */
static void negate_col(double *x, int64_t rows, int64_t cols, int64_t j)
{
    for (int64_t i = 0; i < rows; i++)
        x[i * cols + j] = 0.0 - x[i * cols + j];
}

static void negate_row(double *x, int64_t cols, int64_t i)
{
    for (int64_t j = 0; j < cols; j++)
        x[i * cols + j] = 0.0 - x[i * cols + j];
}

/* Nx's signs and flushing on one factorisation (spec §2.9, linalg_decomp.c's head). */
static void svd_conventions(int64_t m, int64_t n, bool thin, double *u, double *s, double *vt)
{
    int64_t k = m < n ? m : n, uc = thin ? k : m, vr = thin ? k : n;
    for (int64_t j = 0; j < k; j++) {
        bool flip = m >= n ? vt[j * n + first_max(vt + j * n, n, 1, false)] < 0
                           : u[first_max(u + j, m, uc, false) * uc + j] < 0;
        if (flip) {
            negate_row(vt, n, j);
            negate_col(u, m, uc, j);
        }
    }
    for (int64_t j = k; j < uc; j++)   /* full, tall: the complement of u */
        if (u[first_max(u + j, m, uc, false) * uc + j] < 0)
            negate_col(u, m, uc, j);
    for (int64_t j = k; j < vr; j++)   /* full, wide: the complement of vt */
        if (vt[j * n + first_max(vt + j * n, n, 1, false)] < 0)
            negate_row(vt, n, j);
    for (int64_t i = 0; i < m * uc; i++)   /* LAPACK's −0.0 entries print as Nx's 0.0 */
        u[i] += 0.0;
    for (int64_t i = 0; i < vr * n; i++)
        vt[i] += 0.0;
    for (int64_t j = 0; j < k; j++)
        if ((thin ? s[j] * s[j] : s[j]) <= SVD_FLUSH)
            s[j] = 0;
    if (thin)
        for (int64_t j = 0; j < k; j++)
            if (!(s[j] > (double)k * SVD_EPS * s[0]))
                for (int64_t i = 0; i < m; i++)
                    u[i * uc + j] = 0;
}

static void identity(double *x, int64_t rows, int64_t cols)
{
    memset(x, 0, (size_t)(rows * cols) * sizeof(double));
    for (int64_t i = 0; i < rows && i < cols; i++)
        x[i * cols + i] = 1;
}

int nxcpu_svd(const double *a, int64_t batch, int64_t m, int64_t n, bool thin, double *u, double *s, double *vt)
{
    int64_t k = m < n ? m : n, uc = thin ? k : m, vr = thin ? k : n;
    char jobz = thin ? 'S' : 'A';
    /* Row-major a is aᵀ column-major (n×m): gesdd(aᵀ) = v·s·uᵀ, and its column-major
     * factors read row-major are vt and u themselves. */
    lapack_int ln = (lapack_int)n, lm = (lapack_int)m, ldv = ln > 1 ? ln : 1, ldu = thin ? (lapack_int)k : lm;
    if (ldu < 1)
        ldu = 1;
    lapack_int lwork = 1;
    if (k > 0) {
        double q = 0;
        lapack_int iq = 0;
        LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, jobz, ln, lm, NULL, ldv, NULL, NULL, ldv, NULL, ldu, &q, -1, &iq);
        lwork = (lapack_int)fmax(q, 1);
    }
    double *work = nxcpu_linalg_scratch(m * n, false), *wk = nxcpu_linalg_scratch(lwork, false);
    lapack_int *iwork = nx_alloc((size_t)(8 * (k > 0 ? k : 1)) * sizeof *iwork);
    int rc = work && wk && iwork ? 0 : nxerr_set(NX_RUNTIME_ERROR, "out of memory");
    for (int64_t b = 0; b < batch && rc == 0; b++) {
        const double *ab = a + b * m * n;
        double *ub = u + b * m * uc, *sb = s + b * k, *vb = vt + b * vr * n;
        bool zero = true;
        for (int64_t i = 0; i < m * n && zero; i++)
            zero = ab[i] == 0;
        if (zero) {   /* Nx: identities and zeros */
            identity(ub, m, uc);
            identity(vb, vr, n);
            memset(sb, 0, (size_t)k * sizeof(double));
            continue;
        }
        memcpy(work, ab, (size_t)(m * n) * sizeof(double));
        lapack_int info = LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, jobz, ln, lm, work, ldv, sb, vb, ldv, ub, ldu, wk, lwork,
                                              iwork);
        if (info != 0) {   /* NaN input or no convergence */
            for (int64_t i = 0; i < m * uc; i++)
                ub[i] = NAN;
            for (int64_t i = 0; i < vr * n; i++)
                vb[i] = NAN;
            for (int64_t i = 0; i < k; i++)
                sb[i] = NAN;
            continue;
        }
        svd_conventions(m, n, thin, ub, sb, vb);
    }
    nx_free(iwork);
    nx_free(wk);
    nx_free(work);
    return rc;
}
