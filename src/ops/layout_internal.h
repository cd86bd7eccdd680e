/* src/ops/layout_internal.h: what the layout front-end files (layout.c, layout_axes.c,
 * layout_grow.c, layout_slice.c) share. Private to them: not part of the library's API. */
#ifndef NXOPS_LAYOUT_INTERNAL_H
#define NXOPS_LAYOUT_INTERNAL_H

#include "ops/front.h"

/* The inner (non-vectorized) rank, dims and names of t. */
#define INNER(t) ((t)->rank - (t)->vrank)
#define IDIMS(t) ((t)->dims + (t)->vrank)
#define INAMES(t) ((t)->names + (t)->vrank)

/* ---- layout.c ---- */
/* -1 with "rank N is not supported (nxc allows at most ... axes)". */
int nxlayout_rank_error(int rank);
/* Full dims and names: nv leading axes (vdims, vnames) then the inner ones; -1 with an
 * error past NX_MAX_RANK. */
int nxlayout_with_leading(int nv, const int64_t *vdims, const char *const *vnames, int rank, const int64_t *dims,
                          const char *const *names, int64_t *all, const char **all_names);
/* An output header (no data) with nv leading vectorized axes and the given inner axes. */
nx_tensor *nxlayout_header_v(nx_type type, int nv, const int64_t *vdims, const char *const *vnames, int rank,
                             const int64_t *dims, const char *const *names);
/* An output header with t's vectorized axes. */
nx_tensor *nxlayout_header(const nx_tensor *t, nx_type type, int rank, const int64_t *dims,
                           const char *const *names);
/* A view of t's data with t's vectorized axes and new inner axes. */
nx_tensor *nxlayout_view(const nx_tensor *t, int rank, const int64_t *dims, const char *const *names);
/* A view of t as it is. */
nx_tensor *nxlayout_same(const nx_tensor *t);
/* An inner axis of t (axis 0 when unset), or -1 with an error. */
int nxlayout_norm_axis(const nx_tensor *t, nx_axis axis);
/* -1 with "cannot merge name :left on axis .. with name :right on axis ..". */
int nxlayout_merge_name_error(const char *left, int laxis, const char *right, int raxis);
void nxlayout_release_all(int n, nx_tensor **ts);
/* Lays out several inputs alike (Nx's broadcast_vectors): writes the vectorized axes of
 * all of them (count returned) and, per input, a devectorized tensor in out[] that the
 * caller releases. -1 with an error (out[] then holds nothing to release). */
int nxlayout_vectorize_together(int n, const nx_tensor *const *in, nx_tensor **out, const char **vnames,
                                int64_t *vdims);

/* ---- layout_axes.c ---- */
/* Position of a new axis in t's inner shape (negative: from the end of the result), or -1
 * with Nx's message. */
int nxlayout_new_axis_position(const nx_tensor *t, int axis);
/* The options of a traced squeeze node: the dropped inner axes, ascending. */
typedef struct { int n; int axes[NX_MAX_RANK]; } nxlayout_squeeze;
/* Whether node n is a squeeze recorded by nx_squeeze (its opts a nxlayout_squeeze). */
bool nxlayout_is_squeeze(const struct nxdefn_node *n);

#endif
