/* include/nx/convert.h: changing types and getting values out (Nx.as_type, bitcast,
 * to_binary, to_flat_list, to_number). */
#ifndef NX_CONVERT_H
#define NX_CONVERT_H

#include "tensor.h"

/* Nx.as_type. Conversion rules: spec/types-and-inspect.md §4 with spec/decisions.md
 * (round to nearest-even everywhere; out-of-range float -> int saturates; NaN -> 0). */
NX_API nx_tensor *nx_as_type(const nx_tensor *t, nx_type type);
/* Nx.bitcast: same bits, another type of the same width (not complex). */
NX_API nx_tensor *nx_bitcast(const nx_tensor *t, nx_type type);

/* Nx.to_binary: writes the first min(.limit, flat size) elements (all when .limit is 0)
 * into dst and returns the number of bits written; with dst NULL only returns the count.
 * -1 with an error when dst_bytes is too small or the tensor has no data. */
typedef struct { int64_t limit; } nx_to_binary_opts;
NX_API int64_t nx_to_binary_(const nx_tensor *t, void *dst, int64_t dst_bytes, nx_to_binary_opts o);
#define nx_to_binary(t, dst, dst_bytes, ...) \
    nx_to_binary_((t), (dst), (dst_bytes), (nx_to_binary_opts){ __VA_ARGS__ })

/* Nx.to_flat_list: reads up to n elements (and at most .limit) into out; returns how many,
 * or -1 with an error. Integers come out as NX_NUM_INT/UINT, floats as NX_NUM_FLOAT,
 * complex as NX_NUM_COMPLEX. */
typedef struct { int64_t limit; } nx_to_flat_list_opts;
NX_API int64_t nx_to_flat_list_(const nx_tensor *t, nx_number *out, int64_t n, nx_to_flat_list_opts o);
#define nx_to_flat_list(t, out, n, ...) \
    nx_to_flat_list_((t), (out), (n), (nx_to_flat_list_opts){ __VA_ARGS__ })

/* Nx.to_number: the value of a scalar tensor; -1 with an ArgumentError otherwise. */
NX_API int nx_to_number(const nx_tensor *t, nx_number *out);

/* Nx.to_batched: splits axis 0 (the first vectorized axis of a vectorized tensor) into
 * batches of batch_size rows, names kept. NX_LEFTOVER_REPEAT (the default) completes the
 * last batch with rows from the start; NX_LEFTOVER_DISCARD drops it. Writes up to `cap`
 * batches (new tensors) into out and returns how many there are in all (out may be NULL
 * to count); -1 with an error. */
typedef enum { NX_LEFTOVER_REPEAT, NX_LEFTOVER_DISCARD } nx_leftover;
typedef struct { nx_leftover leftover; } nx_to_batched_opts;
NX_API int64_t nx_to_batched_(const nx_tensor *t, int64_t batch_size, nx_tensor **out, int64_t cap,
                              nx_to_batched_opts o);
#define nx_to_batched(t, batch_size, out, cap, ...) \
    nx_to_batched_((t), (batch_size), (out), (cap), (nx_to_batched_opts){ __VA_ARGS__ })

#endif
