/* include/nx/linalg.h: Nx.LinAlg (spec/linalg.md) on LAPACK. Batched functions take
 * {..., m, n} and factor each matrix; vectorized axes act as batch axes. Output types
 * follow spec §1.2 (to_floating for the factorisations). Each returns a new tensor (or 0
 * with its outputs set), else NULL (-1) with an error and nothing allocated; inputs are
 * borrowed. */
#ifndef NX_LINALG_H
#define NX_LINALG_H

#include "tensor.h"

/* Nx.LinAlg.adjoint: transpose of the last two axes, conjugated for complex types. */
NX_API nx_tensor *nx_adjoint(const nx_tensor *t);

/* Nx.LinAlg.triangular_solve: op(a)·x = b (.left_side, the default) or x·op(a) = b for
 * triangular a; .upper reads a's upper triangle (Nx's lower: false); .transform_a is
 * NX_TRANSFORM_NONE, _TRANSPOSE or _CONJUGATE. The result has b's shape and names. */
typedef enum { NX_TRANSFORM_NONE, NX_TRANSFORM_TRANSPOSE, NX_TRANSFORM_CONJUGATE } nx_transform;
typedef struct { bool upper, right_side; nx_transform transform_a; } nx_triangular_solve_opts;
NX_API nx_tensor *nx_triangular_solve_(const nx_tensor *a, const nx_tensor *b,
                                       nx_triangular_solve_opts o);
#define nx_triangular_solve(a, b, ...) \
    nx_triangular_solve_((a), (b), (nx_triangular_solve_opts){ __VA_ARGS__ })

/* Nx.LinAlg.solve (a·x = b), invert, determinant (batch shape), cholesky (lower L). */
NX_API nx_tensor *nx_solve(const nx_tensor *a, const nx_tensor *b);
NX_API nx_tensor *nx_invert(const nx_tensor *a);
NX_API nx_tensor *nx_determinant(const nx_tensor *a);
NX_API nx_tensor *nx_cholesky(const nx_tensor *a);

/* Nx.LinAlg.qr: a = q·r; .complete gives Nx's mode: :complete; .eps 0 means 1.0e-10. */
typedef struct { bool complete; double eps; } nx_qr_opts;
NX_API int nx_qr_(const nx_tensor *a, nx_tensor **q, nx_tensor **r, nx_qr_opts o);
#define nx_qr(a, q, r, ...) nx_qr_((a), (q), (r), (nx_qr_opts){ __VA_ARGS__ })

/* Nx.LinAlg.eigh: values {..., n} ordered by |value| descending, vectors as columns.
 * .max_iter 0 means 1000, .eps 0 means 1.0e-4 (also the flush-to-zero threshold). */
typedef struct { int64_t max_iter; double eps; } nx_eigh_opts;
NX_API int nx_eigh_(const nx_tensor *a, nx_tensor **values, nx_tensor **vectors, nx_eigh_opts o);
#define nx_eigh(a, values, vectors, ...) \
    nx_eigh_((a), (values), (vectors), (nx_eigh_opts){ __VA_ARGS__ })

/* Nx.LinAlg.svd: a = u·diag(s)·vt, s descending; .thin is Nx's full_matrices?: false.
 * .max_iter 0 means 100. */
typedef struct { int64_t max_iter; bool thin; } nx_svd_opts;
NX_API int nx_svd_(const nx_tensor *a, nx_tensor **u, nx_tensor **s, nx_tensor **vt, nx_svd_opts o);
#define nx_svd(a, u, s, vt, ...) nx_svd_((a), (u), (s), (vt), (nx_svd_opts){ __VA_ARGS__ })

/* Nx.LinAlg.lu: a = p·l·u with partial pivoting; p in a's type. */
NX_API int nx_lu(const nx_tensor *a, nx_tensor **p, nx_tensor **l, nx_tensor **u);

/* Nx.LinAlg.matrix_power: integer powers by repeated squaring; 0 gives an s32 identity,
 * negative powers go through invert. */
NX_API nx_tensor *nx_matrix_power(const nx_tensor *a, int64_t power);

/* Nx.LinAlg.norm: .ord is one of the NX_NORM_* kinds, or NX_NORM_P with .p. */
typedef enum {
    NX_NORM_DEFAULT, NX_NORM_P, NX_NORM_FROBENIUS, NX_NORM_NUCLEAR, NX_NORM_INF, NX_NORM_NEG_INF
} nx_norm_ord;
typedef struct { nx_norm_ord ord; int64_t p; nx_axes axes; bool keep_axes; } nx_norm_opts;
NX_API nx_tensor *nx_norm_(const nx_tensor *t, nx_norm_opts o);
#define nx_norm(t, ...) nx_norm_((t), (nx_norm_opts){ __VA_ARGS__ })

/* Nx.LinAlg.pinv (.eps 0 means 1.0e-10), matrix_rank (u32; .eps 0 means 1.0e-7) and
 * least_squares (pinv(a)·b; .eps 0 means 1.0e-15). */
typedef struct { double eps; } nx_linalg_eps_opts;
NX_API nx_tensor *nx_pinv_(const nx_tensor *t, nx_linalg_eps_opts o);
NX_API nx_tensor *nx_matrix_rank_(const nx_tensor *a, nx_linalg_eps_opts o);
NX_API nx_tensor *nx_least_squares_(const nx_tensor *a, const nx_tensor *b, nx_linalg_eps_opts o);
#define nx_pinv(t, ...) nx_pinv_((t), (nx_linalg_eps_opts){ __VA_ARGS__ })
#define nx_matrix_rank(a, ...) nx_matrix_rank_((a), (nx_linalg_eps_opts){ __VA_ARGS__ })
#define nx_least_squares(a, b, ...) nx_least_squares_((a), (b), (nx_linalg_eps_opts){ __VA_ARGS__ })

#endif
