/* src/backend/cpu/linalg.h: the LAPACK kernels of Nx.LinAlg (linalg.c, linalg_decomp.c).
 * Every kernel works on a batch of row-major matrices of doubles, real (f64) or complex
 * (c128, interleaved pairs) as `cplx` says, and writes its outputs in the same layout with
 * Nx's conventions (spec/linalg.md); the front end (src/ops/linalg*.c) converts types and
 * folds vectorized axes into the batch. Each returns 0, or -1 with an error; scratch memory
 * goes through nx_alloc and is freed on every path. */
#ifndef NXCPU_LINALG_H
#define NXCPU_LINALG_H

#include <stdbool.h>
#include <stdint.h>

/* Scratch of `count` doubles (pairs when cplx), for the kernels of both files; NULL with
 * an error. */
double *nxcpu_linalg_scratch(int64_t count, bool cplx);

/* a = p·l·u with partial pivoting (first row of largest magnitude). perm[b*n + j] is the
 * source row of row j (Nx's p[i][j] = perm[j] == i); l unit lower, u upper, n×n each. */
int nxcpu_lu(const double *a, int64_t batch, int64_t n, bool cplx, int64_t *perm, double *l, double *u);
/* det of each matrix: Nx's closed forms for 2×2 and 3×3, LU otherwise; det has batch
 * entries (pairs when cplx). */
int nxcpu_determinant(const double *a, int64_t batch, int64_t n, bool cplx, double *det);
/* x with a·x = b: b is {batch, n, k} (k = 1 for vectors); "can't solve for singular
 * matrix" for an exactly zero pivot. */
int nxcpu_solve(const double *a, const double *b, int64_t batch, int64_t n, int64_t k, bool cplx, double *x);
/* Nx's invert: NaN matrices where |det| <= tiny, else solve(r·a, diag(r)) with r the
 * reciprocal row maxima. */
int nxcpu_invert(const double *a, int64_t batch, int64_t n, bool cplx, double tiny, double *x);
/* Nx's Cholesky (lower l, a = l·lᴴ, only a's lower triangle read, |l| <= 1e-10 flushed). */
int nxcpu_cholesky(const double *a, int64_t batch, int64_t n, bool cplx, double *l);
/* a = q·r for a {batch, m, n}; q {m, qc}, r {qc, n} with qc = complete ? m : min(m, n). */
int nxcpu_qr(const double *a, int64_t batch, int64_t m, int64_t n, bool cplx, bool complete, double eps, double *q,
             double *r);
/* Hermitian eigen-decomposition: values (real, n per matrix) ordered by |value|
 * descending, vectors as columns with their largest entry real positive; entries with
 * |x| <= eps flushed. */
int nxcpu_eigh(const double *a, int64_t batch, int64_t n, bool cplx, double eps, double *values, double *vectors);
/* Real SVD a = u·diag(s)·vt, s descending (full: u {m, m}, vt {n, n}; thin: u {m, k},
 * vt {k, n}), with Nx's sign convention and flushing (linalg_decomp.c). */
int nxcpu_svd(const double *a, int64_t batch, int64_t m, int64_t n, bool thin, double *u, double *s, double *vt);

#endif
