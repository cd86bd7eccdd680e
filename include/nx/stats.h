/* include/nx/stats.h: statistics built from the reductions (Nx.weighted_mean, median, mode,
 * covariance, all_close; spec/functions.md §12). Each is composed in the front end from
 * primitives, returns a new tensor or NULL with an error, and borrows its inputs. Axes
 * refer to the inner shape: vectorized axes are never reduced. */
#ifndef NX_STATS_H
#define NX_STATS_H

#include "tensor.h"

/* Nx.weighted_mean: sum(t * w, axes) / sum(w, axes), float output. When the inner shapes
 * differ, .axes is required and w's rank must equal their count: w is reshaped to
 * {1, ..., 1} ++ its shape and the axes at .axes[0] and the last position swap (Nx's
 * rule). */
typedef struct { nx_axes axes; bool keep_axes; } nx_weighted_mean_opts;
NX_API nx_tensor *nx_weighted_mean_(const nx_tensor *t, const nx_tensor *weights, nx_weighted_mean_opts o);
#define nx_weighted_mean(t, weights, ...) \
    nx_weighted_mean_((t), (weights), (nx_weighted_mean_opts){ __VA_ARGS__ })

/* Options of median and mode: Nx's :axis (not set: every inner element) and :keep_axis
 * (ignored by median without an axis). */
typedef struct { nx_axis axis; bool keep_axis; } nx_median_opts;

/* Nx.median: the middle of the sorted values; an odd count keeps the input's type, an
 * even count averages the two middle values (float). Without an axis the two middle
 * values are added in the input's type (small integers may wrap, as in Nx); with one,
 * they are averaged by Nx.mean. Complex is rejected (by sort). */
NX_API nx_tensor *nx_median_(const nx_tensor *t, nx_median_opts o);
#define nx_median(t, ...) nx_median_((t), (nx_median_opts){ __VA_ARGS__ })

/* Nx.mode: the most frequent value (ties: the smallest), in the input's type. A rank-0
 * tensor is its own mode (shape {1} with keep_axis). NaNs never equal each other. */
NX_API nx_tensor *nx_mode_(const nx_tensor *t, nx_median_opts o);
#define nx_mode(t, ...) nx_mode_((t), (nx_median_opts){ __VA_ARGS__ })

/* Nx.covariance of t {..., n, d} (rank >= 2): {..., d, d} =
 * sum_n conj(x)[n, i] x[n, j] / (n - ddof) with x = t - mean, the mean (shape {..., d})
 * given as .mean or the column mean of t. The sum is taken in the type of x (integers
 * wrap as Nx's dot does), then divided into a float. .ddof must be >= 0. */
typedef struct { const nx_tensor *mean; int64_t ddof; } nx_covariance_opts;
NX_API nx_tensor *nx_covariance_(const nx_tensor *t, nx_covariance_opts o);
#define nx_covariance(t, ...) nx_covariance_((t), (nx_covariance_opts){ __VA_ARGS__ })

/* Nx.all_close: u8 scalar (one per vector entry), 1 when every |a - b| <= atol + rtol |b|
 * (broadcasting a and b). Floats: infinities must be equal; NaN matches NaN only with
 * .equal_nan. Integer pairs compute |b| in f64. .rtol and .atol left at zero take Nx's
 * defaults 1.0e-5 and 1.0e-8; NX_TOL_ZERO asks for an exact 0. */
#define NX_TOL_ZERO (-0.0)
typedef struct { bool equal_nan; double rtol, atol; } nx_all_close_opts;
NX_API nx_tensor *nx_all_close_(const nx_tensor *a, const nx_tensor *b, nx_all_close_opts o);
#define nx_all_close(a, b, ...) nx_all_close_((a), (b), (nx_all_close_opts){ __VA_ARGS__ })

#endif
