/* include/nx/index.h: selection and indexing (Nx.select, clip, gather, take,
 * take_along_axis, indexed_add, indexed_put), with Nx's types, shapes, names and messages
 * (spec/functions.md §10, §15). Each returns a new tensor, or NULL with an error; inputs
 * are borrowed. Index tensors must have an integer type. Out-of-range indices are clamped
 * into the tensor and out-of-range updates are skipped, as compiled Nx does
 * (spec/decisions.md item 9). Every input may be vectorized: vectorized axes of all
 * inputs are broadcast together and every option refers to the inner shape. */
#ifndef NX_INDEX_H
#define NX_INDEX_H

#include "tensor.h"

/* Nx.select: pred != 0 ? on_true : on_false, element by element. The type is
 * merge(on_true, on_false) (numbers count as s32/f32/c64 tensors here, as in Nx); the
 * shape and names are pred's, or the broadcast of on_true and on_false when pred is a
 * scalar. */
NX_API nx_tensor *nx_select(const nx_tensor *pred, const nx_tensor *on_true, const nx_tensor *on_false);

/* Nx.clip: min(max(t, min), max) with scalar, non-vectorized bounds; the type is
 * merge(t, merge(min, max)). NaN elements stay NaN. Complex types are rejected. */
NX_API nx_tensor *nx_clip(const nx_tensor *t, const nx_tensor *min, const nx_tensor *max);

/* Nx.gather: for every index vector (the last axis of `indices`, of length k), the
 * sub-tensor at those coordinates of .axes (default the first k axes, ascending). The
 * shape is indices' shape without its last axis ++ the axes not indexed; no names. */
typedef struct { nx_axes axes; } nx_gather_opts;
NX_API nx_tensor *nx_gather_(const nx_tensor *t, const nx_tensor *indices, nx_gather_opts o);
#define nx_gather(t, indices, ...) nx_gather_((t), (indices), (nx_gather_opts){ __VA_ARGS__ })

/* Nx.take: .axis (default 0) is replaced by the whole shape of `indices`. */
typedef struct { nx_axis axis; } nx_take_opts;
NX_API nx_tensor *nx_take_(const nx_tensor *t, const nx_tensor *indices, nx_take_opts o);
#define nx_take(t, indices, ...) nx_take_((t), (indices), (nx_take_opts){ __VA_ARGS__ })

/* Nx.take_along_axis: `indices` has t's rank and t's sizes except on .axis (default 0);
 * out[..., i, ...] = t[..., indices[..., i, ...], ...] along that axis. */
NX_API nx_tensor *nx_take_along_axis_(const nx_tensor *t, const nx_tensor *indices, nx_take_opts o);
#define nx_take_along_axis(t, indices, ...) \
    nx_take_along_axis_((t), (indices), (nx_take_opts){ __VA_ARGS__ })

/* Nx.indexed_add / Nx.indexed_put: `indices` {n, k} addresses .axes (default the first k
 * axes); `updates` {n, ...} holds, for each index, a box over the other axes (a scalar per
 * index when k is the rank). A rank-1 `indices` of length rank(target) with a scalar
 * `updates` updates one element. The type is merge(target, updates). indexed_add sums
 * duplicate indices; with indexed_put the last duplicate wins. */
typedef struct { nx_axes axes; } nx_indexed_opts;
NX_API nx_tensor *nx_indexed_add_(const nx_tensor *target, const nx_tensor *indices,
                                  const nx_tensor *updates, nx_indexed_opts o);
NX_API nx_tensor *nx_indexed_put_(const nx_tensor *target, const nx_tensor *indices,
                                  const nx_tensor *updates, nx_indexed_opts o);
#define nx_indexed_add(target, indices, updates, ...) \
    nx_indexed_add_((target), (indices), (updates), (nx_indexed_opts){ __VA_ARGS__ })
#define nx_indexed_put(target, indices, updates, ...) \
    nx_indexed_put_((target), (indices), (updates), (nx_indexed_opts){ __VA_ARGS__ })

#endif
