/* include/nx/window.h: window operations (spec/functions.md §14, shapes-and-names.md §6 and
 * §6.1): reductions over sliding windows (window_sum, window_product, window_max,
 * window_min, window_mean, window_reduce) and their gradients' scatters
 * (window_scatter_max, window_scatter_min). Each returns a new tensor, or NULL with an
 * ArgumentError; inputs are borrowed. Lists refer to the inner (non-vectorized) axes;
 * vectorized axes get window 1 and are never pooled. */
#ifndef NX_WINDOW_H
#define NX_WINDOW_H

#include "tensor.h"
#include "layout.h"
#include "reduce_fn.h"

/* Nx's :padding: :valid (0, the default), :same (the dilated window's size - 1 split with
 * the extra cell high, strides ignored) or an explicit {low, high} pair per axis in
 * `pads` (negative widths crop). Pairs given with NX_PADDING_VALID count as explicit. */
typedef enum nx_window_padding { NX_PADDING_VALID = 0, NX_PADDING_SAME, NX_PADDING_EXPLICIT } nx_window_padding;

/* strides and window_dilations: one entry per inner axis, each >= 1 (empty: all 1).
 * nx_window_sum(t, NX_SHAPE(2, 2), .strides = NX_INTS(2, 2), .padding = NX_PADDING_SAME) */
typedef struct {
    nx_ints strides, window_dilations;
    nx_window_padding padding;
    nx_pad_pairs pads;
} nx_window_opts;

/* Output: floor((d + low + high - w') / stride) + 1 per axis with w' = (w - 1) * dilation + 1,
 * the input's type (sums and products wrap) and names. Padding cells hold 0 (sum), 1
 * (product), the type's minimum (max: -Inf for floats) or maximum (min). max and min reject
 * complex tensors. */
NX_API nx_tensor *nx_window_sum_(const nx_tensor *t, nx_shape window, nx_window_opts o);
NX_API nx_tensor *nx_window_product_(const nx_tensor *t, nx_shape window, nx_window_opts o);
NX_API nx_tensor *nx_window_max_(const nx_tensor *t, nx_shape window, nx_window_opts o);
NX_API nx_tensor *nx_window_min_(const nx_tensor *t, nx_shape window, nx_window_opts o);
/* window_sum divided by the window's size (padding cells count): a float tensor. */
NX_API nx_tensor *nx_window_mean_(const nx_tensor *t, nx_shape window, nx_window_opts o);
#define nx_window_sum(t, window, ...) nx_window_sum_((t), (window), (nx_window_opts){ __VA_ARGS__ })
#define nx_window_product(t, window, ...) nx_window_product_((t), (window), (nx_window_opts){ __VA_ARGS__ })
#define nx_window_max(t, window, ...) nx_window_max_((t), (window), (nx_window_opts){ __VA_ARGS__ })
#define nx_window_min(t, window, ...) nx_window_min_((t), (window), (nx_window_opts){ __VA_ARGS__ })
#define nx_window_mean(t, window, ...) nx_window_mean_((t), (window), (nx_window_opts){ __VA_ARGS__ })

/* Nx.window_reduce: every window folded with fn(element, acc) in row-major order from
 * `acc` (a non-vectorized scalar, converted to t's type), padding cells holding acc. The
 * output has t's type; fn's results are converted to it. */
NX_API nx_tensor *nx_window_reduce_(const nx_tensor *t, const nx_tensor *acc, nx_shape window, nx_reduce_fn *fn,
                                    void *ctx, nx_window_opts o);
#define nx_window_reduce(t, acc, window, fn, ctx, ...) \
    nx_window_reduce_((t), (acc), (window), (fn), (ctx), (nx_window_opts){ __VA_ARGS__ })

/* Nx.window_scatter_max / _min: for every window of t (no dilation; padding cells hold
 * init_value), the first position of its maximum (minimum) in row-major order receives
 * the matching element of `source` (shape: the pooled shape), dropped when that position
 * is padding. Every output element starts at init_value (a non-vectorized scalar). Type:
 * merge(source, init_value); t's shape and names; t and source may be vectorized. */
typedef struct {
    nx_ints strides;
    nx_window_padding padding;
    nx_pad_pairs pads;
} nx_window_scatter_opts;
NX_API nx_tensor *nx_window_scatter_max_(const nx_tensor *t, const nx_tensor *source, const nx_tensor *init_value,
                                         nx_shape window, nx_window_scatter_opts o);
NX_API nx_tensor *nx_window_scatter_min_(const nx_tensor *t, const nx_tensor *source, const nx_tensor *init_value,
                                         nx_shape window, nx_window_scatter_opts o);
#define nx_window_scatter_max(t, source, init, window, ...) \
    nx_window_scatter_max_((t), (source), (init), (window), (nx_window_scatter_opts){ __VA_ARGS__ })
#define nx_window_scatter_min(t, source, init, window, ...) \
    nx_window_scatter_min_((t), (source), (init), (window), (nx_window_scatter_opts){ __VA_ARGS__ })

#endif
