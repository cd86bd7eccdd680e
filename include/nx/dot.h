/* include/nx/dot.h: products (spec/functions.md §17): Nx.dot in its three forms and
 * Nx.outer. Floats and complex run on OpenBLAS; integers accumulate with wrap-around in
 * the output type, as Nx's integer dot does. Each returns a new tensor, or NULL with an
 * error; inputs are borrowed. */
#ifndef NX_DOT_H
#define NX_DOT_H

#include "tensor.h"

/* Nx.dot/2: a scalar on either side multiplies; {..., n}·{n} contracts a's last axis with
 * b; otherwise a's last axis with b's second-to-last. Vectorized axes act as batch axes.
 * Numbers count as tensors here (dot(u8, 2) is s32, unlike multiply). */
NX_API nx_tensor *nx_dot(const nx_tensor *a, const nx_tensor *b);

/* Nx.dot/4 and dot/6: contract the listed axes of a with those of b, pairwise; batch axes
 * must be [0, ..., k-1] on both sides. Output: batch dims (a's names), a's free dims,
 * b's free dims; type merge(a, b). An unset list is empty (dot/4 with [] is an outer
 * product): nx_dot_general(a, b, .contract_a = NX_AXES(1), .contract_b = NX_AXES(0)). */
typedef struct { nx_axes contract_a, batch_a, contract_b, batch_b; } nx_dot_opts;
NX_API nx_tensor *nx_dot_general_(const nx_tensor *a, const nx_tensor *b, nx_dot_opts o);
#define nx_dot_general(a, b, ...) nx_dot_general_((a), (b), (nx_dot_opts){ __VA_ARGS__ })

/* Nx.outer: the {size(a), size(b)} matrix a_i·b_j of the flattened inputs (complex b
 * conjugated, as Nx does), names [a's first, b's last]. */
NX_API nx_tensor *nx_outer(const nx_tensor *a, const nx_tensor *b);

#endif
