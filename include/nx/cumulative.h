/* include/nx/cumulative.h: cumulative ops and differences (spec/functions.md §13). Each
 * returns a new tensor, or NULL with an error; inputs are borrowed. */
#ifndef NX_CUMULATIVE_H
#define NX_CUMULATIVE_H

#include "tensor.h"

/* Nx.cumulative_sum/product/min/max: element i along .axis (default 0) is the op over
 * elements 0..i (i..n-1 with .reverse). Same type, shape and names as t: integers wrap
 * in their own type. min and max reject complex; NaN propagates. Floats are scanned in
 * order (Nx's reference uses an associative scan: the last bits may differ). */
typedef struct { nx_axis axis; bool reverse; } nx_cumulative_opts;
NX_API nx_tensor *nx_cumulative_sum_(const nx_tensor *t, nx_cumulative_opts o);
NX_API nx_tensor *nx_cumulative_product_(const nx_tensor *t, nx_cumulative_opts o);
NX_API nx_tensor *nx_cumulative_min_(const nx_tensor *t, nx_cumulative_opts o);
NX_API nx_tensor *nx_cumulative_max_(const nx_tensor *t, nx_cumulative_opts o);
#define nx_cumulative_sum(t, ...) nx_cumulative_sum_((t), (nx_cumulative_opts){ __VA_ARGS__ })
#define nx_cumulative_product(t, ...) nx_cumulative_product_((t), (nx_cumulative_opts){ __VA_ARGS__ })
#define nx_cumulative_min(t, ...) nx_cumulative_min_((t), (nx_cumulative_opts){ __VA_ARGS__ })
#define nx_cumulative_max(t, ...) nx_cumulative_max_((t), (nx_cumulative_opts){ __VA_ARGS__ })

/* Nx.diff: .order (0 means the default 1; NX_DIFF_ORDER_ZERO asks for 0, which returns t) times
 * out[i] = t[i + 1] - t[i] along .axis (default -1; unset means -1). */
#define NX_DIFF_ORDER_ZERO (-2147483647 - 1)
typedef struct { int order; nx_axis axis; } nx_diff_opts;
NX_API nx_tensor *nx_diff_(const nx_tensor *t, nx_diff_opts o);
#define nx_diff(t, ...) nx_diff_((t), (nx_diff_opts){ __VA_ARGS__ })

#endif
