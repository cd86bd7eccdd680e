/* include/nx/layout.h: functions that move elements without computing on them (Nx.transpose,
 * Nx.pad, Nx.concatenate, Nx.slice, ...) and the shape helpers around them (squeeze,
 * new_axis, flatten, tile, split), with Nx's rules for shapes, names, types and vectorized
 * axes (spec/functions.md §5 and §15, spec/shapes-and-names.md §6). Each returns a new
 * tensor, or NULL with an ArgumentError; inputs are borrowed. Axes refer to the inner
 * (non-vectorized) shape; vectorized axes are carried through. */
#ifndef NX_LAYOUT_H
#define NX_LAYOUT_H

#include "tensor.h"


/* A list of integers: NX_INTS(1, 2). NX_INTS() is empty. */
typedef struct nx_ints {
    int n;
    int64_t v[NX_MAX_RANK];
} nx_ints;
#define NX_INTS(...) \
    ((nx_ints){ .n = (int)(sizeof((int64_t[]){ __VA_ARGS__ }) / sizeof(int64_t)), .v = { __VA_ARGS__ } })

/* Tensors given as one argument: NX_TENSORS(a, b, c) (valid for the enclosing block). */
typedef struct nx_tensor_list {
    int n;
    const nx_tensor *const *v;
} nx_tensor_list;
#define NX_TENSORS(...) \
    ((nx_tensor_list){ .n = (int)(sizeof((const nx_tensor *[]){ __VA_ARGS__ }) / sizeof(nx_tensor *)), \
                       .v = (const nx_tensor *const[]){ __VA_ARGS__ } })

/* Nx.transpose: output axis i is input axis axes[i] (default: reversed). */
typedef struct { nx_axes axes; } nx_transpose_opts;
NX_API nx_tensor *nx_transpose_(const nx_tensor *t, nx_transpose_opts o);
#define nx_transpose(t, ...) nx_transpose_((t), (nx_transpose_opts){ __VA_ARGS__ })

/* Nx.squeeze: removes the listed size-1 axes (default: every size-1 axis). A view. */
typedef struct { nx_axes axes; } nx_squeeze_opts;
NX_API nx_tensor *nx_squeeze_(const nx_tensor *t, nx_squeeze_opts o);
#define nx_squeeze(t, ...) nx_squeeze_((t), (nx_squeeze_opts){ __VA_ARGS__ })

/* Nx.new_axis: a size-1 axis named `name` (NULL: nil) at position `axis` of the result
 * (negative counts from the end of the result). A view. */
NX_API nx_tensor *nx_new_axis(const nx_tensor *t, int axis, const char *name);

/* Nx.flatten: every axis into one (default), or the consecutive `axes` into one at the
 * first of them (unnamed). A view. */
typedef struct { nx_axes axes; } nx_flatten_opts;
NX_API nx_tensor *nx_flatten_(const nx_tensor *t, nx_flatten_opts o);
#define nx_flatten(t, ...) nx_flatten_((t), (nx_flatten_opts){ __VA_ARGS__ })

/* Nx.tile: the tensor repeated reps[k] times along axis k (reps and shape left-padded with
 * 1s to the same length, as NumPy's tile). Names become nil. */
NX_API nx_tensor *nx_tile(const nx_tensor *t, nx_ints reps);

/* Nx.pad: `value` is a scalar, non-vectorized tensor (NX_I(0), NX_F(0.0) for numbers);
 * one {low, high, interior} per inner axis; low/high may be negative (cropping). The
 * type merges the tensor's with the value's. */
typedef struct nx_pad_axis {
    int64_t low, high, interior;
} nx_pad_axis;
typedef struct nx_padding {
    int n;
    nx_pad_axis v[NX_MAX_RANK];
} nx_padding;
#define NX_PADDING(...) \
    ((nx_padding){ .n = (int)(sizeof((nx_pad_axis[]){ __VA_ARGS__ }) / sizeof(nx_pad_axis)), \
                   .v = { __VA_ARGS__ } })
NX_API nx_tensor *nx_pad(const nx_tensor *t, const nx_tensor *value, nx_padding config);

/* Nx.pad_outer: {low, high} per inner axis: NX_PAIRS({1, 1}, {0, 2}). With a value it is
 * nx_pad with no interior padding (negative widths crop); with a mode the border repeats
 * the tensor (widths >= 0; the output type is the input's). */
typedef struct nx_pad_pair {
    int64_t low, high;
} nx_pad_pair;
typedef struct nx_pad_pairs {
    int n;
    nx_pad_pair v[NX_MAX_RANK];
} nx_pad_pairs;
#define NX_PAIRS(...) \
    ((nx_pad_pairs){ .n = (int)(sizeof((nx_pad_pair[]){ __VA_ARGS__ }) / sizeof(nx_pad_pair)), \
                     .v = { __VA_ARGS__ } })
typedef enum nx_pad_mode { NX_PAD_CYCLIC = 1, NX_PAD_MIRROR, NX_PAD_REFLECT, NX_PAD_REPLICATE } nx_pad_mode;
NX_API nx_tensor *nx_pad_outer(const nx_tensor *t, const nx_tensor *value, nx_pad_pairs config);
NX_API nx_tensor *nx_pad_outer_mode(const nx_tensor *t, nx_pad_mode mode, nx_pad_pairs config);

/* Nx.reverse: element order reversed along `axes` (default: every axis). */
typedef struct { nx_axes axes; } nx_reverse_opts;
NX_API nx_tensor *nx_reverse_(const nx_tensor *t, nx_reverse_opts o);
#define nx_reverse(t, ...) nx_reverse_((t), (nx_reverse_opts){ __VA_ARGS__ })

/* Nx.concatenate: joined along `axis` (default 0, normalised against the first tensor);
 * types merge, names merge axis by axis, vectorized axes are broadcast together. */
typedef struct { nx_axis axis; } nx_concatenate_opts;
NX_API nx_tensor *nx_concatenate_(nx_tensor_list tensors, nx_concatenate_opts o);
#define nx_concatenate(tensors, ...) nx_concatenate_((tensors), (nx_concatenate_opts){ __VA_ARGS__ })

/* Nx.stack: equal inner shapes stacked along a new axis at `axis` (default 0; negative as
 * in new_axis) named `name`. */
typedef struct { int axis; const char *name; } nx_stack_opts;
NX_API nx_tensor *nx_stack_(nx_tensor_list tensors, nx_stack_opts o);
#define nx_stack(tensors, ...) nx_stack_((tensors), (nx_stack_opts){ __VA_ARGS__ })

/* Nx.split: *left and *right along `axis` (default 0). `split` is an integer (a size from
 * the front; negative: from the back) or a float fraction of the axis. 0, or -1 with both
 * outputs NULL. */
typedef struct { nx_axis axis; } nx_split_opts;
NX_API int nx_split_(const nx_tensor *t, nx_number split, nx_tensor **left, nx_tensor **right, nx_split_opts o);
#define nx_split(t, split, left, right, ...) \
    nx_split_((t), (split), (left), (right), (nx_split_opts){ __VA_ARGS__ })

/* Start indices of slice and put_slice, one per inner axis: v[i], or the scalar integer
 * tensor t[i] when that is non-NULL (read when the slice runs). Starts are clamped so that
 * the slice fits: NX_STARTS(0, 2). A vectorized start tensor gives one slice per entry. */
typedef struct nx_starts {
    int n;
    int64_t v[NX_MAX_RANK];
    const nx_tensor *t[NX_MAX_RANK];
} nx_starts;
#define NX_STARTS(...) \
    ((nx_starts){ .n = (int)(sizeof((int64_t[]){ __VA_ARGS__ }) / sizeof(int64_t)), .v = { __VA_ARGS__ } })

/* Nx.slice: `lengths` elements from `starts` on each axis, every strides[i]-th (no strides:
 * all 1). */
typedef struct { nx_ints strides; } nx_slice_opts;
NX_API nx_tensor *nx_slice_(const nx_tensor *t, nx_starts starts, nx_ints lengths, nx_slice_opts o);
#define nx_slice(t, starts, lengths, ...) nx_slice_((t), (starts), (lengths), (nx_slice_opts){ __VA_ARGS__ })

/* Nx.slice_along_axis: slice on one axis (default 0), the others whole. `start_tensor`,
 * when non-NULL, replaces `start`. stride 0 means 1. */
typedef struct { nx_axis axis; int64_t stride; const nx_tensor *start_tensor; } nx_slice_along_axis_opts;
NX_API nx_tensor *nx_slice_along_axis_(const nx_tensor *t, int64_t start, int64_t length, nx_slice_along_axis_opts o);
#define nx_slice_along_axis(t, start, length, ...) \
    nx_slice_along_axis_((t), (start), (length), (nx_slice_along_axis_opts){ __VA_ARGS__ })

/* Nx.put_slice: t with `slice` written at `starts` (clamped so that it fits); the type is
 * merged, names merged per axis. */
NX_API nx_tensor *nx_put_slice(const nx_tensor *t, nx_starts starts, const nx_tensor *slice);

#endif
