/* src/ops/linalg.h: what the Nx.LinAlg front-end files (linalg.c, linalg_decomp.c) share:
 * Nx's shape checks and the batched layout the LAPACK kernels (backend/cpu/linalg.h) read:
 * every matrix as f64 or c128 (to_floating first; f16/bf16/f32 computed in f64 and
 * rounded back), vectorized and batch axes folded into one batch. */
#ifndef NXOPS_LINALG_H
#define NXOPS_LINALG_H

#include "ops/front.h"

#define NXLA_INNER(t) ((t)->rank - (t)->vrank)
#define NXLA_DIM(t, i) ((t)->dims[(t)->rank + (i)])   /* i < 0: from the end */

/* "tensor must have at least rank 2, got rank 1 with shape {5}": -1 for inner rank < 2. */
int nxla_check_rank2(const nx_tensor *t);
/* "tensor must be a square matrix or a batch of square matrices, got shape: {2, 3}". */
int nxla_check_square(const nx_tensor *t);
/* f64, or c128 for complex types: the kernels' types. */
nx_type nxla_compute_type(nx_type t);
/* Matrices of t in nxla_compute_type(t) (a view when already so), vectorized axes as
 * plain leading axes; NULL with an error. */
nx_tensor *nxla_input(const nx_tensor *t);
/* A new tensor (data allocated) of compute type ct: the leading `keep` axes of `like`
 * (vectorized ones stay vectorized with their names), then dims[0..n); no inner names. */
nx_tensor *nxla_output(const nx_tensor *like, int keep, int n, const int64_t *dims, nx_type ct);
/* x converted to `type` (x itself when it already is); takes x. */
nx_tensor *nxla_finish(nx_tensor *x, nx_type type);
/* Matrices in one batch: the product of all but the last `inner` axes. */
int64_t nxla_batch(const nx_tensor *t, int inner);

#endif
