/* src/backend/cpu/linalg.c: the square-matrix kernels of Nx.LinAlg on LAPACK (LAPACKE's
 * column-major _work entry points, OpenBLAS underneath): triangular_solve (the primitive,
 * on cblas trsm), lu, determinant, solve, invert and cholesky. Row-major matrices are
 * handed to LAPACK as their column-major transposes where the transpose does not matter
 * (solve factors aᵀ and solves with trans = 'T'), and copied transposed where it does.
 * Complex matrices are interleaved (re, im) pairs, viewed as double _Complex. Complex lu
 * runs Nx's own loop, since LAPACK chooses complex pivots by |re| + |im|. */
#include "backend/cpu/cpu.h"
#include "backend/cpu/linalg.h"

#include <cblas.h>
#include <complex.h>
#include <lapacke.h>
#include <math.h>
#include <string.h>
#include "core/error.h"
#include "core/nxcmath.h"
#include "core/tensor.h"
#include "nx/linalg.h"
#include "nx/scope.h"

typedef double _Complex cplx_t;

double *nxcpu_linalg_scratch(int64_t count, bool cplx)
{
    size_t bytes = (size_t)(count > 0 ? count : 1) * (cplx ? 2 : 1) * sizeof(double);
    double *p = nx_alloc(bytes);
    if (!p)
        nxerr_set(NX_RUNTIME_ERROR, "out of memory");
    return p;
}

/* dst (cols×rows, row-major) = transpose of src (rows×cols, row-major): also the
 * column-major copy of src. */
static void transpose(double *dst, const double *src, int64_t rows, int64_t cols, bool cplx)
{
    if (cplx) {
        const cplx_t *s = (const cplx_t *)src;
        cplx_t *d = (cplx_t *)dst;
        for (int64_t i = 0; i < rows; i++)
            for (int64_t j = 0; j < cols; j++)
                d[j * rows + i] = s[i * cols + j];
    } else {
        for (int64_t i = 0; i < rows; i++)
            for (int64_t j = 0; j < cols; j++)
                dst[j * rows + i] = src[i * cols + j];
    }
}

/* ---- triangular_solve (the primitive) ---- */

/* in[0] = a {..., n, n}, in[1] = b with the same batch: {..., n} (p->tsolve.vector) or
 * {..., n, k} / {..., k, n}; out has b's shape, in a's type (f64 or c128). */
int nxcpu_triangular_solve(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    const nx_tensor *a = in[0], *b = in[1];
    bool cplx = a->type == NX_C128;
    int64_t n = a->dims[a->rank - 1], batch = n ? a->size / (n * n) : 0;
    int64_t k = batch && n ? b->size / (batch * n) : 0;
    size_t es = (cplx ? 2 : 1) * sizeof(double);
    const double *av = nxtensor_data(a);
    double *xv = nxtensor_data(out), *conj_a = NULL;
    memcpy(xv, nxtensor_data(b), (size_t)out->size * es);
    if (p->tsolve.transform == NX_TRANSFORM_CONJUGATE && cplx && !(conj_a = nxcpu_linalg_scratch(n * n, true)))
        return -1;
    CBLAS_SIDE side = p->tsolve.right_side ? CblasRight : CblasLeft;
    CBLAS_UPLO uplo = p->tsolve.upper ? CblasUpper : CblasLower;
    CBLAS_TRANSPOSE trans = p->tsolve.transform == NX_TRANSFORM_TRANSPOSE ? CblasTrans : CblasNoTrans;
    /* Left: x is n×k (a vector is n×1); right: k×n (a vector is 1×n). */
    blasint rows = (blasint)(p->tsolve.right_side ? k : n), cols = (blasint)(p->tsolve.right_side ? n : k);
    int rc = 0;
    for (int64_t m = 0; m < batch && rc == 0; m++) {
        const double *am = av + m * n * n * (cplx ? 2 : 1);
        double *xm = xv + m * n * k * (cplx ? 2 : 1);
        for (int64_t i = 0; i < n; i++) {
            bool zero = cplx ? ((const cplx_t *)am)[i * n + i] == 0 : am[i * n + i] == 0;
            if (zero)
                rc = nxerr_set(NX_ARGUMENT_ERROR, "can't solve for singular matrix");
        }
        if (rc || n == 0 || k == 0)
            continue;
        if (cplx) {
            if (conj_a) {
                for (int64_t i = 0; i < n * n; i++)
                    ((cplx_t *)conj_a)[i] = conj(((const cplx_t *)am)[i]);
                am = conj_a;
            }
            const cplx_t one = 1;
            cblas_ztrsm(CblasRowMajor, side, uplo, trans, CblasNonUnit, rows, cols, &one, am, (blasint)n, xm, cols);
        } else {
            cblas_dtrsm(CblasRowMajor, side, uplo, trans, CblasNonUnit, rows, cols, 1.0, am, (blasint)n, xm, cols);
        }
    }
    nx_free(conj_a);
    return rc;
}

/* ---- LU ---- */

/* LU of the column-major n×n work in place (LAPACK getrf: partial pivoting, the first
 * row of largest magnitude, a zero pivot column left unscaled); ipiv from LAPACK. */
static void getrf(double *work, int64_t n, bool cplx, lapack_int *ipiv)
{
    lapack_int ln = (lapack_int)n, ld = ln > 1 ? ln : 1;
    if (n == 0)
        return;
    if (cplx)
        LAPACKE_zgetrf_work(LAPACK_COL_MAJOR, ln, ln, (lapack_complex_double *)work, ld, ipiv);
    else
        LAPACKE_dgetrf_work(LAPACK_COL_MAJOR, ln, ln, work, ld, ipiv);
}

/* Nx's LU loop (spec §2.10) on one complex column-major matrix: LAPACK's izamax picks
 * pivots by |re| + |im|, Nx by the modulus. ipiv as getrf's (1-based). */
static void getrf_modulus(cplx_t *w, int64_t n, lapack_int *ipiv)
{
    for (int64_t k = 0; k < n; k++) {
        int64_t r = k;
        for (int64_t i = k + 1; i < n; i++)
            if (cabs(w[k * n + i]) > cabs(w[k * n + r]))
                r = i;
        ipiv[k] = (lapack_int)(r + 1);
        if (r != k)
            for (int64_t j = 0; j < n; j++) {
                cplx_t t = w[j * n + k];
                w[j * n + k] = w[j * n + r];
                w[j * n + r] = t;
            }
        cplx_t pivot = w[k * n + k];
        if (pivot != 0)
            for (int64_t i = k + 1; i < n; i++)
                w[k * n + i] /= pivot;
        for (int64_t j = k + 1; j < n; j++)
            for (int64_t i = k + 1; i < n; i++)
                w[j * n + i] -= w[k * n + i] * w[j * n + k];
    }
}

int nxcpu_lu(const double *a, int64_t batch, int64_t n, bool cplx, int64_t *perm, double *l, double *u)
{
    int64_t nn = n * n, es = cplx ? 2 : 1;
    double *work = nxcpu_linalg_scratch(nn, cplx);
    lapack_int *ipiv = nx_alloc((size_t)(n > 0 ? n : 1) * sizeof *ipiv);
    if (!work || !ipiv) {
        nx_free(work);
        nx_free(ipiv);
        return nxerr_set(NX_RUNTIME_ERROR, "out of memory");
    }
    for (int64_t m = 0; m < batch; m++) {
        transpose(work, a + m * nn * es, n, n, cplx);
        if (cplx)
            getrf_modulus((cplx_t *)work, n, ipiv);
        else
            getrf(work, n, cplx, ipiv);
        int64_t *pm = perm + m * n;
        for (int64_t j = 0; j < n; j++)
            pm[j] = j;
        for (int64_t j = 0; j < n; j++) {
            int64_t r = ipiv[j] - 1, t = pm[j];
            pm[j] = pm[r];
            pm[r] = t;
        }
        /* work is column-major: element (i, j) at j*n + i. */
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < n; j++) {
                double *lo = l + (m * nn + i * n + j) * es, *up = u + (m * nn + i * n + j) * es;
                const double *w = work + (j * n + i) * es;
                for (int64_t c = 0; c < es; c++) {
                    lo[c] = i > j ? w[c] : (i == j && c == 0 ? 1.0 : 0.0);
                    up[c] = i <= j ? w[c] : 0.0;
                }
            }
    }
    nx_free(ipiv);
    nx_free(work);
    return 0;
}

/* ---- determinant ---- */

/* (x·y) for complex pairs written out, so signed zeros come out as Nx's do. */
static cplx_t cmul(cplx_t x, cplx_t y)
{
    double a = creal(x), b = cimag(x), c = creal(y), d = cimag(y);
    return nxm_cmake(a * c - b * d, a * d + b * c);
}

/* Nx's closed forms: 2×2 a00·a11 − a01·a10; 3×3 Sarrus, summed in Nx's order. */
static cplx_t small_det(const double *a, int64_t n, bool cplx)
{
#define AT(i, j) (cplx ? ((const cplx_t *)a)[(i) * n + (j)] : (cplx_t)a[(i) * n + (j)])
    if (n == 2)
        return cmul(AT(0, 0), AT(1, 1)) - cmul(AT(0, 1), AT(1, 0));
    cplx_t d[3], e[3];
    for (int k = 0; k < 3; k++) {
        d[k] = cmul(cmul(AT(0, k % 3), AT(1, (1 + k) % 3)), AT(2, (2 + k) % 3));
        e[k] = cmul(cmul(AT(0, 2 - k % 3), AT(1, 2 - (1 + k) % 3)), AT(2, 2 - (2 + k) % 3));
    }
    return ((((d[0] + d[1]) + d[2]) - e[0]) - e[1]) - e[2];
#undef AT
}

/* det of one matrix through LU (work: n×n scratch): 0 when a pivot is exactly 0, else
 * sign·product of the pivots, the product taken in order. */
static cplx_t lu_det(const double *a, int64_t n, bool cplx, double *work, lapack_int *ipiv)
{
    transpose(work, a, n, n, cplx);
    getrf(work, n, cplx, ipiv);
    cplx_t prod = 1;
    int sign = 1;
    for (int64_t i = 0; i < n; i++) {
        cplx_t d = cplx ? ((cplx_t *)work)[i * n + i] : (cplx_t)work[i * n + i];
        if (d == 0)
            return 0;
        prod = cplx ? cmul(prod, d) : (cplx_t)(creal(prod) * creal(d));
        if (ipiv[i] - 1 != i)
            sign = -sign;
    }
    return cplx ? cmul(sign, prod) : (cplx_t)(sign * creal(prod));
}

static cplx_t det_one(const double *a, int64_t n, bool cplx, double *work, lapack_int *ipiv)
{
    if (n == 0)
        return 1;
    if (n == 2 || n == 3) {
        cplx_t d = small_det(a, n, cplx);
        return cplx ? d : (cplx_t)creal(d);
    }
    return lu_det(a, n, cplx, work, ipiv);
}

int nxcpu_determinant(const double *a, int64_t batch, int64_t n, bool cplx, double *det)
{
    double *work = nxcpu_linalg_scratch(n * n, cplx);
    lapack_int *ipiv = nx_alloc((size_t)(n > 0 ? n : 1) * sizeof *ipiv);
    if (!work || !ipiv) {
        nx_free(work);
        nx_free(ipiv);
        return nxerr_set(NX_RUNTIME_ERROR, "out of memory");
    }
    int64_t es = cplx ? 2 : 1;
    for (int64_t m = 0; m < batch; m++) {
        cplx_t d = det_one(a + m * n * n * es, n, cplx, work, ipiv);
        if (cplx)
            ((cplx_t *)det)[m] = d;
        else
            det[m] = creal(d);
    }
    nx_free(ipiv);
    nx_free(work);
    return 0;
}

/* ---- solve and invert ---- */

/* Solves a·x = b for one matrix: work holds a row-major (= aᵀ column-major), factored in
 * place; bt is n×k scratch. x is row-major n×k. */
static int solve_one(double *work, const double *b, int64_t n, int64_t k, bool cplx, lapack_int *ipiv, double *bt,
                     double *x)
{
    lapack_int ln = (lapack_int)n, ld = ln > 1 ? ln : 1, info = 0;
    if (n == 0 || k == 0)
        return 0;
    if (cplx)
        info = LAPACKE_zgetrf_work(LAPACK_COL_MAJOR, ln, ln, (lapack_complex_double *)work, ld, ipiv);
    else
        info = LAPACKE_dgetrf_work(LAPACK_COL_MAJOR, ln, ln, work, ld, ipiv);
    if (info > 0)
        return nxerr_set(NX_ARGUMENT_ERROR, "can't solve for singular matrix");
    double *cm = k == 1 ? x : bt;
    if (k == 1)
        memcpy(x, b, (size_t)n * (cplx ? 2 : 1) * sizeof(double));
    else
        transpose(bt, b, n, k, cplx);
    /* work is aᵀ's LU: solving with its transpose solves a·x = b. */
    if (cplx)
        LAPACKE_zgetrs_work(LAPACK_COL_MAJOR, 'T', ln, (lapack_int)k, (lapack_complex_double *)work, ld, ipiv,
                            (lapack_complex_double *)cm, ld);
    else
        LAPACKE_dgetrs_work(LAPACK_COL_MAJOR, 'T', ln, (lapack_int)k, work, ld, ipiv, cm, ld);
    if (k > 1)
        transpose(x, bt, k, n, cplx);
    return 0;
}

int nxcpu_solve(const double *a, const double *b, int64_t batch, int64_t n, int64_t k, bool cplx, double *x)
{
    int64_t es = cplx ? 2 : 1;
    double *work = nxcpu_linalg_scratch(n * n, cplx), *bt = nxcpu_linalg_scratch(n * k, cplx);
    lapack_int *ipiv = nx_alloc((size_t)(n > 0 ? n : 1) * sizeof *ipiv);
    int rc = work && bt && ipiv ? 0 : nxerr_set(NX_RUNTIME_ERROR, "out of memory");
    for (int64_t m = 0; m < batch && rc == 0; m++) {
        memcpy(work, a + m * n * n * es, (size_t)(n * n * es) * sizeof(double));
        rc = solve_one(work, b + m * n * k * es, n, k, cplx, ipiv, bt, x + m * n * k * es);
    }
    nx_free(ipiv);
    nx_free(bt);
    nx_free(work);
    return rc;
}

int nxcpu_invert(const double *a, int64_t batch, int64_t n, bool cplx, double tiny, double *x)
{
    int64_t es = cplx ? 2 : 1, nn = n * n;
    double *work = nxcpu_linalg_scratch(nn, cplx), *bt = nxcpu_linalg_scratch(nn, cplx), *rhs = nxcpu_linalg_scratch(nn, cplx);
    lapack_int *ipiv = nx_alloc((size_t)(n > 0 ? n : 1) * sizeof *ipiv);
    int rc = work && bt && rhs && ipiv ? 0 : nxerr_set(NX_RUNTIME_ERROR, "out of memory");
    for (int64_t m = 0; m < batch && rc == 0; m++) {
        const double *am = a + m * nn * es;
        double *xm = x + m * nn * es;
        if (cabs(det_one(am, n, cplx, work, ipiv)) <= tiny) {
            for (int64_t i = 0; i < nn * es; i++)
                xm[i] = NAN;
            continue;
        }
        /* Rows scaled by 1/max|row| (rows of zeros unscaled); solve(r·a, diag(r)). */
        memset(rhs, 0, (size_t)(nn * es) * sizeof(double));
        for (int64_t i = 0; i < n; i++) {
            double big = 0;
            for (int64_t j = 0; j < n; j++) {
                double v = cplx ? cabs(((const cplx_t *)am)[i * n + j]) : fabs(am[i * n + j]);
                big = v > big ? v : big;
            }
            double r = 1 / (big == 0 ? 1 : big);
            for (int64_t j = 0; j < n * es; j++)
                work[i * n * es + j] = r * am[i * n * es + j];
            rhs[(i * n + i) * es] = r;
        }
        rc = solve_one(work, rhs, n, n, cplx, ipiv, bt, xm);
    }
    nx_free(ipiv);
    nx_free(rhs);
    nx_free(bt);
    nx_free(work);
    return rc;
}

/* ---- cholesky ---- */

#define CHOL_EPS 1.0e-10
/* Above this size LAPACK's blocked potrf runs instead of Nx's loop (which differs only by
 * the + 1e-10 in Nx's denominators); a matrix potrf rejects takes Nx's loop whatever its
 * size, so NaN and near-singular behaviour stay Nx's. */
#define CHOL_LAPACK_MIN 128

/* Nx's row-by-row Cholesky of one matrix (spec §2.6) into l (row-major, zeroed above). */
static void cholesky_nx(const double *a, int64_t n, bool cplx, double *l)
{
    if (cplx) {
        const cplx_t *A = (const cplx_t *)a;
        cplx_t *L = (cplx_t *)l;
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < n; j++) {
                if (j > i) {
                    L[i * n + j] = 0;
                    continue;
                }
                cplx_t s = A[i * n + j];
                for (int64_t k = 0; k < j; k++)
                    s -= L[i * n + k] * conj(L[j * n + k]);
                L[i * n + j] = i == j ? csqrt(s) : s / (L[j * n + j] + CHOL_EPS);
            }
    } else {
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < n; j++) {
                if (j > i) {
                    l[i * n + j] = 0;
                    continue;
                }
                double s = a[i * n + j];
                for (int64_t k = 0; k < j; k++)
                    s -= l[i * n + k] * l[j * n + k];
                l[i * n + j] = i == j ? sqrt(s) : s / (l[j * n + j] + CHOL_EPS);
            }
    }
}

/* LAPACK's potrf into l; 0, or 1 when the matrix is not positive definite. */
static int cholesky_lapack(const double *a, int64_t n, bool cplx, double *l)
{
    int64_t es = cplx ? 2 : 1;
    memcpy(l, a, (size_t)(n * n * es) * sizeof(double));
    /* Row-major a is aᵀ column-major: potrf's upper triangle of it is a's lower one, and
     * the factor read back row-major is l. */
    lapack_int info = cplx ? LAPACKE_zpotrf_work(LAPACK_COL_MAJOR, 'U', (lapack_int)n, (lapack_complex_double *)l,
                                                 (lapack_int)n)
                           : LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'U', (lapack_int)n, l, (lapack_int)n);
    if (info != 0)
        return 1;
    for (int64_t i = 0; i < n; i++)
        memset(l + (i * n + i + 1) * es, 0, (size_t)((n - i - 1) * es) * sizeof(double));
    return 0;
}

int nxcpu_cholesky(const double *a, int64_t batch, int64_t n, bool cplx, double *l)
{
    int64_t es = cplx ? 2 : 1, nn = n * n;
    for (int64_t m = 0; m < batch; m++) {
        const double *am = a + m * nn * es;
        double *lm = l + m * nn * es;
        if (n < CHOL_LAPACK_MIN || cholesky_lapack(am, n, cplx, lm))
            cholesky_nx(am, n, cplx, lm);
        for (int64_t i = 0; i < nn; i++) {
            double mag = cplx ? cabs(((cplx_t *)lm)[i]) : fabs(lm[i]);
            if (mag <= CHOL_EPS)
                for (int64_t c = 0; c < es; c++)
                    lm[i * es + c] = 0;
        }
    }
    return 0;
}
