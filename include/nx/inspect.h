/* include/nx/inspect.h: the printed form of tensors, character for character as Nx prints
 * it (#Nx.Tensor<...>, spec/types-and-inspect.md §5). */
#ifndef NX_INSPECT_H
#define NX_INSPECT_H

#include <stdio.h>
#include "tensor.h"

/* .limit: how many elements to print before eliding with "..." (0 means Nx's default of
 * 50; NX_LIMIT_NONE prints all; NX_LIMIT_ZERO prints none). */
#define NX_LIMIT_NONE INT64_MAX
#define NX_LIMIT_ZERO (-1)
typedef struct { int64_t limit; } nx_inspect_opts;

/* Returns the text in a string the caller frees with nx_free; NULL with an error. */
NX_API char *nx_inspect_(const nx_tensor *t, nx_inspect_opts o);
#define nx_inspect(t, ...) nx_inspect_((t), (nx_inspect_opts){ __VA_ARGS__ })
/* Writes the text and a newline to `f`; -1 with an error. */
NX_API int nx_print_(FILE *f, const nx_tensor *t, nx_inspect_opts o);
#define nx_print(t, ...) nx_print_(stdout, (t), (nx_inspect_opts){ __VA_ARGS__ })
#define nx_fprint(f, t, ...) nx_print_((f), (t), (nx_inspect_opts){ __VA_ARGS__ })

/* One element as Nx prints it inside a tensor ("1.0e-5" for f64, "1e-5" for f32, "NaN",
 * "1.0+2.0i"); `elem` points at the element's bytes (sub-byte types: the value in the
 * low bits of one byte). Writes at most cap bytes with a NUL; returns the length. */
NX_API int nx_format_element(char *buf, size_t cap, nx_type type, const void *elem);

#endif
