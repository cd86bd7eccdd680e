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

/* ---- inside defn (spec/defn.md §3.4): each function is one block node ---- */
struct nxdefn_hdr;
/* Whether any of the n operands is an expression (the function is then recorded). */
bool nxla_traced(const nx_tensor *const *in, int n);
/* The header nxla_output(like, keep, n, dims, type) would have. */
struct nxdefn_hdr nxla_hdr(const nx_tensor *like, int keep, int n, const int64_t *dims, nx_type type);
/* Records block `name` (text: "%Nx.Block.LinAlg.QR{...}, %0", operands %0..) over
 * in[0..nin) with nout results of headers hdrs, evaluated by calln (the front end run
 * again on the values); outs get the traced results. 0, or -1 with an error. */
typedef int nxla_calln_fn(const nx_tensor *const *in, const void *opts, nx_tensor **out);
int nxla_block(const char *name, const char *text, nxla_calln_fn *calln, const void *opts, size_t opts_size,
               const nx_tensor *const *in, int nin, const struct nxdefn_hdr *hdrs, int nout, nx_tensor **outs);
/* Elixir's inspect of a float option ("1.0e-10", "0.5"), into buf. */
const char *nxla_float_text(char *buf, size_t cap, double x);

#endif
