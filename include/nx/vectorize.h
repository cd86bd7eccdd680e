/* include/nx/vectorize.h: working with several vectorized tensors at once and re-splitting
 * vectorized axes (spec/functions.md §19). nx_vectorize and nx_devectorize are in
 * nx/create.h. */
#ifndef NX_VECTORIZE_H
#define NX_VECTORIZE_H

#include "tensor.h"

/* Nx.reshape_vectors: every tensor of in[0..n) gets all their vectorized axes in the
 * canonical order (order of first appearance), size 1 where it lacks one; with
 * .align_ranks inner shapes are left-padded with 1s to the largest inner rank. Nx.
 * broadcast_vectors also broadcasts each vectorized axis to its full size. New tensors go
 * to out[0..n); 0, or -1 with an error (and nothing in out). */
typedef struct { bool align_ranks; } nx_vectors_opts;
NX_API int nx_reshape_vectors_(const nx_tensor *const *in, int n, nx_tensor **out, nx_vectors_opts o);
NX_API int nx_broadcast_vectors_(const nx_tensor *const *in, int n, nx_tensor **out, nx_vectors_opts o);
#define nx_reshape_vectors(in, n, out, ...) nx_reshape_vectors_((in), (n), (out), (nx_vectors_opts){ __VA_ARGS__ })
#define nx_broadcast_vectors(in, n, out, ...) nx_broadcast_vectors_((in), (n), (out), (nx_vectors_opts){ __VA_ARGS__ })

/* Nx.revectorize: devectorize t, reshape it to `sizes` of the new vectorized axes ++
 * (.target_shape when .has_target_shape, else the inner shape) with .target_names (else
 * the inner names), and vectorize the leading axes as `names`. One size in `sizes` and
 * .target_shape together may be NX_AUTO. */
typedef struct { bool has_target_shape; nx_shape target_shape; nx_names target_names; } nx_revectorize_opts;
NX_API nx_tensor *nx_revectorize_(const nx_tensor *t, int n, const char *const *names, const int64_t *sizes,
                                  nx_revectorize_opts o);
#define nx_revectorize(t, n, names, sizes, ...) \
    nx_revectorize_((t), (n), (names), (sizes), (nx_revectorize_opts){ __VA_ARGS__ })

#endif
