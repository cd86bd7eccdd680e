/* include/nx/reduce.h: reductions (Nx.sum, product, reduce_max, reduce_min, all, any,
 * argmax, argmin) and the aggregates built from them (mean, logsumexp, variance,
 * standard_deviation), with Nx's types, axes and names (spec/functions.md §12,
 * spec/shapes-and-names.md §5). Each returns a new tensor, or NULL with an error; inputs
 * are borrowed. Axes refer to the inner shape: vectorized axes are never reduced.
 *
 * Summation order (sum, product, mean, logsumexp, variance): the elements of one output
 * are taken in row-major order of the reduced axes and folded in segments whose size
 * depends only on the shapes; segment results are combined in order (axes of size 1
 * do not count in what follows). When the last axis is reduced, runs along it are cut into pieces of at most 4096 elements, each summed in
 * 8 interleaved lanes combined pairwise, and a segment is 4096 elements (whole runs when
 * they are shorter). When the last axis is kept, each output adds its elements one by one
 * in segments of max(64, 4096 / n) rows, n the size of the kept innermost axes. Threads
 * take whole outputs or whole segments, so results never depend on the thread count.
 * Floats accumulate in f64 (f32, f16, bf16 and f8 results round once, at the end),
 * integers in 64 bits (wrapping modulo the output width, as Nx does); error bound of a
 * float sum: n 2^-53 sum|x| before the final rounding.
 */
#ifndef NX_REDUCE_H
#define NX_REDUCE_H

#include "tensor.h"

/* NX_AXES_EMPTY (tensor.h), Nx's `axes: []`, reduces no axis (the tensor converted to the
 * function's output type); an nx_axes left at zero means "not given": every inner axis. */

/* Options of the axis-reducing functions: Nx's :axes and :keep_axes. */
typedef struct { nx_axes axes; bool keep_axes; } nx_reduce_opts;

/* Sum and product in to_aggregate(type): s8/s16/s32 -> s32, u8/u16/u32 -> u32,
 * u64/s64 -> s64 (integers wrap), floats and complex keep their type. */
NX_API nx_tensor *nx_sum_(const nx_tensor *t, nx_reduce_opts o);
NX_API nx_tensor *nx_product_(const nx_tensor *t, nx_reduce_opts o);
#define nx_sum(t, ...) nx_sum_((t), (nx_reduce_opts){ __VA_ARGS__ })
#define nx_product(t, ...) nx_product_((t), (nx_reduce_opts){ __VA_ARGS__ })

/* Maximum and minimum in the input's type; NaN propagates; complex is rejected. */
NX_API nx_tensor *nx_reduce_max_(const nx_tensor *t, nx_reduce_opts o);
NX_API nx_tensor *nx_reduce_min_(const nx_tensor *t, nx_reduce_opts o);
#define nx_reduce_max(t, ...) nx_reduce_max_((t), (nx_reduce_opts){ __VA_ARGS__ })
#define nx_reduce_min(t, ...) nx_reduce_min_((t), (nx_reduce_opts){ __VA_ARGS__ })

/* u8 results: 1 when every (all) or some (any) element is non-zero (NaN is non-zero). */
NX_API nx_tensor *nx_all_(const nx_tensor *t, nx_reduce_opts o);
NX_API nx_tensor *nx_any_(const nx_tensor *t, nx_reduce_opts o);
#define nx_all(t, ...) nx_all_((t), (nx_reduce_opts){ __VA_ARGS__ })
#define nx_any(t, ...) nx_any_((t), (nx_reduce_opts){ __VA_ARGS__ })

/* Nx.argmax / Nx.argmin: the index of the extreme along .axis, or (axis not given) into
 * the row-major flattening of the inner tensor. Ties go to the lowest index unless
 * .tie_break is NX_TIE_HIGH; a NaN counts as the extreme (the first NaN wins). The index
 * is written in .type (s32 when not given). Without .axis, .keep_axis is ignored for
 * non-vectorized tensors (as in Nx); vectorized ones get an inner shape of 1s. */
typedef enum nx_tie_break { NX_TIE_LOW = 0, NX_TIE_HIGH } nx_tie_break;
typedef struct { nx_axis axis; nx_tie_break tie_break; bool keep_axis; nx_type type; } nx_argmax_opts;
NX_API nx_tensor *nx_argmax_(const nx_tensor *t, nx_argmax_opts o);
NX_API nx_tensor *nx_argmin_(const nx_tensor *t, nx_argmax_opts o);
#define nx_argmax(t, ...) nx_argmax_((t), (nx_argmax_opts){ __VA_ARGS__ })
#define nx_argmin(t, ...) nx_argmin_((t), (nx_argmax_opts){ __VA_ARGS__ })

/* Nx.mean: sum / (number of reduced elements); f32 for integer inputs, floats and complex
 * keep their type. */
NX_API nx_tensor *nx_mean_(const nx_tensor *t, nx_reduce_opts o);
#define nx_mean(t, ...) nx_mean_((t), (nx_reduce_opts){ __VA_ARGS__ })

/* Nx.logsumexp: log(sum(exp(t - m) * .exp_scaling_factor)) + m with m the (finite) maximum
 * of each group; .exp_scaling_factor (NULL: 1) broadcasts against t. Float output;
 * complex is rejected. */
typedef struct { nx_axes axes; const nx_tensor *exp_scaling_factor; bool keep_axes; } nx_logsumexp_opts;
NX_API nx_tensor *nx_logsumexp_(const nx_tensor *t, nx_logsumexp_opts o);
#define nx_logsumexp(t, ...) nx_logsumexp_((t), (nx_logsumexp_opts){ __VA_ARGS__ })

/* Nx.variance and Nx.standard_deviation: the mean squared deviation, divided by
 * n - .ddof (n: the number of reduced elements; n == ddof divides by zero). Float
 * output. */
typedef struct { nx_axes axes; double ddof; bool keep_axes; } nx_variance_opts;
NX_API nx_tensor *nx_variance_(const nx_tensor *t, nx_variance_opts o);
NX_API nx_tensor *nx_standard_deviation_(const nx_tensor *t, nx_variance_opts o);
#define nx_variance(t, ...) nx_variance_((t), (nx_variance_opts){ __VA_ARGS__ })
#define nx_standard_deviation(t, ...) nx_standard_deviation_((t), (nx_variance_opts){ __VA_ARGS__ })

#endif
