/* include/nx/tensor.h: the tensor value, its shape, names and axes, and the options that
 * every function shares (spec/shapes-and-names.md). Tensors are immutable: an operation
 * never changes its inputs, it returns a new tensor. */
#ifndef NX_TENSOR_H
#define NX_TENSOR_H

#include <stddef.h>
#include <stdint.h>
#include "types.h"

/* The most axes a tensor may have (vectorized axes included). */
#define NX_MAX_RANK 16

typedef struct nx_tensor nx_tensor;

/* A shape: rank and dimensions. NX_SHAPE(2, 3); NX_SHAPE() is the scalar shape. */
typedef struct nx_shape {
    int rank;
    int64_t dims[NX_MAX_RANK];
} nx_shape;
#define NX_SHAPE(...) \
    ((nx_shape){ .rank = (int)(sizeof((int64_t[]){ __VA_ARGS__ }) / sizeof(int64_t)), \
                 .dims = { __VA_ARGS__ } })
/* In nx_reshape's shape, the one dimension computed from the others (Nx's :auto). */
#define NX_AUTO INT64_MIN

/* Axis names, one per axis; NULL is nil (unnamed). NX_NAMES("batch", NULL). n == 0 means
 * "no names given". */
typedef struct nx_names {
    int n;
    const char *v[NX_MAX_RANK];
} nx_names;
#define NX_NAMES(...) \
    ((nx_names){ .n = (int)(sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(const char *)), \
                 .v = { __VA_ARGS__ } })

/* One axis, by index (negative counts from the end) or by name. `set` is false when the
 * option was not given. */
typedef struct nx_axis {
    bool set;
    int index;
    const char *name;
} nx_axis;
#define NX_AXIS(i) ((nx_axis){ .set = true, .index = (i) })
#define NX_AXIS_NAMED(s) ((nx_axis){ .set = true, .name = (s) })

/* A list of axes: by index (NX_AXES(0, -1)) or by name (NX_AXES_NAMED("x", "y")); an entry
 * with a non-NULL name is looked up by name. n == 0 means "not given". */
typedef struct nx_axes {
    int n;
    int index[NX_MAX_RANK];
    const char *name[NX_MAX_RANK];
} nx_axes;
#define NX_AXES(...) \
    ((nx_axes){ .n = (int)(sizeof((int[]){ __VA_ARGS__ }) / sizeof(int)), .index = { __VA_ARGS__ } })
#define NX_AXES_NAMED(...) \
    ((nx_axes){ .n = (int)(sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(const char *)), \
                .name = { __VA_ARGS__ } })

/* Nx's `axes: []` where it differs from leaving :axes out (reductions reduce nothing). */
#define NX_AXES_EMPTY ((nx_axes){ .n = -1 })

/* Interns an axis name: equal names give the same pointer, valid for the process. */
NX_API const char *nx_atom(const char *name);

/* Queries (Nx.shape, Nx.type, ...). All refer to the inner (non-vectorized) shape.
 * A NULL tensor gives a zero/empty answer and keeps the pending error. */
NX_API nx_shape nx_shape_of(const nx_tensor *t);
NX_API nx_type nx_type_of(const nx_tensor *t);
NX_API nx_names nx_names_of(const nx_tensor *t);
NX_API int nx_rank(const nx_tensor *t);
NX_API int64_t nx_size(const nx_tensor *t);
/* Elements including vectorized axes. */
NX_API int64_t nx_flat_size(const nx_tensor *t);
NX_API int64_t nx_bit_size(const nx_tensor *t);
NX_API int64_t nx_byte_size(const nx_tensor *t);
/* Size or index of one axis; -1 with an ArgumentError for a bad axis. */
NX_API int64_t nx_axis_size(const nx_tensor *t, nx_axis axis);
NX_API int nx_axis_index(const nx_tensor *t, nx_axis axis);
/* Vectorized axes: how many lead the tensor (0 for ordinary tensors). */
NX_API int nx_vectorized_rank(const nx_tensor *t);
/* Nx.donatable: the same tensor marked so that a compiled call may reuse its buffer
 * (printing shows " [donatable]"); results of operations are never marked. */
NX_API nx_tensor *nx_donatable(const nx_tensor *t);
NX_API bool nx_is_donatable(const nx_tensor *t);
/* True for templates (shape and type without data). */
NX_API bool nx_is_template(const nx_tensor *t);

#endif
