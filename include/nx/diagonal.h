/* include/nx/diagonal.h: triangles and diagonals of matrices (Nx.tri, tril, triu,
 * take_diagonal, make_diagonal, put_diagonal; spec/functions.md §1 and
 * spec/shapes-and-names.md §7). Each is composed from iota, comparisons, select, take and
 * indexed_put, returns a new tensor or NULL with an ArgumentError, and borrows its inputs.
 * Axes refer to the inner shape: vectorized tensors give one result per entry. */
#ifndef NX_DIAGONAL_H
#define NX_DIAGONAL_H

#include "tensor.h"

/* Nx's :k: which diagonal bounds the triangle (0 the main one, > 0 above, < 0 below). */
typedef struct { int64_t k; } nx_tri_opts;

/* Nx.tri: a u8 {n, m} matrix, 1 where column - row <= k. */
NX_API nx_tensor *nx_tri_(int64_t n, int64_t m, nx_tri_opts o);
#define nx_tri(n, m, ...) nx_tri_((n), (m), (nx_tri_opts){ __VA_ARGS__ })

/* Nx.tril / Nx.triu: every matrix in the last two axes (rank >= 2) with the elements above
 * (tril: column - row > k) or below (triu: column - row < k) the k-th diagonal set to 0.
 * The type is merge(type, s32), as Nx's select with a literal 0 gives (u8 -> s32). */
NX_API nx_tensor *nx_tril_(const nx_tensor *t, nx_tri_opts o);
NX_API nx_tensor *nx_triu_(const nx_tensor *t, nx_tri_opts o);
#define nx_tril(t, ...) nx_tril_((t), (nx_tri_opts){ __VA_ARGS__ })
#define nx_triu(t, ...) nx_triu_((t), (nx_tri_opts){ __VA_ARGS__ })

/* Nx's :offset: the diagonal (i, i + offset) for offset >= 0, (i - offset, i) below. */
typedef struct { int64_t offset; } nx_diagonal_opts;

/* Nx.take_diagonal: the diagonal of every matrix in the last two axes (rank >= 2): shape
 * batch ++ {length}, names nil. |offset| must stay inside the matrix. */
NX_API nx_tensor *nx_take_diagonal_(const nx_tensor *t, nx_diagonal_opts o);
#define nx_take_diagonal(t, ...) nx_take_diagonal_((t), (nx_diagonal_opts){ __VA_ARGS__ })

/* Nx.make_diagonal: a rank-1 tensor on the offset diagonal of a square matrix of side
 * n + |offset|, zeros elsewhere; type merge(s32, type). */
NX_API nx_tensor *nx_make_diagonal_(const nx_tensor *t, nx_diagonal_opts o);
#define nx_make_diagonal(t, ...) nx_make_diagonal_((t), (nx_diagonal_opts){ __VA_ARGS__ })

/* Nx.put_diagonal: the rank-2 t with its offset diagonal replaced by the rank-1 `diagonal`
 * (of exactly the diagonal's length); type merge(t, diagonal). */
NX_API nx_tensor *nx_put_diagonal_(const nx_tensor *t, const nx_tensor *diagonal, nx_diagonal_opts o);
#define nx_put_diagonal(t, diagonal, ...) \
    nx_put_diagonal_((t), (diagonal), (nx_diagonal_opts){ __VA_ARGS__ })

#endif
