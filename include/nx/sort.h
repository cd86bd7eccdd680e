/* include/nx/sort.h: sorting along an axis (Nx.sort, Nx.argsort, Nx.top_k;
 * spec/functions.md §16). Floats order as -Inf < numbers < +Inf < NaN ascending, and NaN,
 * +Inf, numbers, -Inf descending; -0.0 equals 0.0. nxc always sorts stably: equal
 * elements keep their input order in both directions. Each returns a new tensor, or NULL
 * with an error; inputs are borrowed. Complex tensors are rejected. */
#ifndef NX_SORT_H
#define NX_SORT_H

#include "tensor.h"

/* Zero is Nx's default (:asc). */
typedef enum nx_direction { NX_ASC = 0, NX_DESC = 1 } nx_direction;

/* Nx.sort: the values in order along .axis (default 0; negative and named axes count as
 * everywhere); same type, shape and names as t. .stable is accepted for Nx's sake. */
typedef struct { nx_axis axis; nx_direction direction; bool stable; } nx_sort_opts;
NX_API nx_tensor *nx_sort_(const nx_tensor *t, nx_sort_opts o);
#define nx_sort(t, ...) nx_sort_((t), (nx_sort_opts){ __VA_ARGS__ })

/* Nx.argsort: the positions along .axis that put t in order, as .type (default s32; any
 * type: positions past its range wrap or round as nx_as_type does). */
typedef struct { nx_axis axis; nx_direction direction; bool stable; nx_type type; } nx_argsort_opts;
NX_API nx_tensor *nx_argsort_(const nx_tensor *t, nx_argsort_opts o);
#define nx_argsort(t, ...) nx_argsort_((t), (nx_argsort_opts){ __VA_ARGS__ })

/* Nx.top_k: the .k largest values along the last axis (default k 1), largest first, NaN
 * counting as largest and ties lowest index first. Returns the values (t's type and
 * names, last axis k); *indices (when indices is not NULL) gets their positions as s32,
 * or NULL on error. */
typedef struct { int64_t k; } nx_top_k_opts;
NX_API nx_tensor *nx_top_k_(const nx_tensor *t, nx_tensor **indices, nx_top_k_opts o);
#define nx_top_k(t, indices, ...) nx_top_k_((t), (indices), (nx_top_k_opts){ __VA_ARGS__ })

#endif
