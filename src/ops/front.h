/* src/ops/front.h: helpers the front-end files share: argument checks with Nx's
 * messages and small constructors. */
#ifndef NXOPS_FRONT_H
#define NXOPS_FRONT_H

#include "nx.h"
#include "core/error.h"
#include "core/op.h"
#include "core/tensor.h"
#include "nx/scope.h"

/* The type kernels compute in for a stored type: f8, f8_e4m3fn, bf16 and f16 in f32, 2-
 * and 4-bit integers in 8 bits (results round or wrap once, on the way back). */
nx_type nxfront_compute_type(nx_type t);
/* Elixir's inspect of an integer list, "[1, 2]", into buf (truncated to cap). */
const char *nxfront_list_text(char *buf, size_t cap, int n, const int64_t *v);
/* 0, or -1 with "invalid numerical type" for a type outside the enum. */
int nxfront_check_type(nx_type t);
/* 0 for a tensor with data; -1 for NULL (keeping the pending error) or a template. */
int nxfront_check_tensor(const nx_tensor *t);
/* A new header on t's data (t's backend and buffer) with another shape or type. */
nx_tensor *nxfront_view(const nx_tensor *t, nx_type type, int rank, const int64_t *dims,
                        const char *const *names, int vrank);
/* The vectorized axes of n operands in order of first appearance (shapes-and-names §4.3),
 * into dims/names; sizes must agree or be 1. Returns their count, or -1 with an error. */
int nxfront_vectorized_union(const nx_tensor *const *ts, int n, int64_t *dims, const char **names);
/* t laid out for a kernel over the vectorized axes vnames[0..nv) (from the union above):
 * those axes in that order, size 1 where t lacks one, then t's inner axes left-padded
 * with 1s to `inner` axes (inner < 0: t's own). A view, or a transposed copy when t's
 * vectorized axes come in another order; NULL with an error. */
nx_tensor *nxfront_aligned(const nx_tensor *t, int nv, const char *const *vnames, int inner);
/* t converted to `type`, its vectorized axes laid out as vnames[0..nv) and broadcast to
 * vdims, all as plain leading axes (vrank 0, no names), then t's inner axes; NULL with an
 * error. */
nx_tensor *nxfront_batched(const nx_tensor *t, nx_type type, int nv, const int64_t *vdims,
                           const char *const *vnames);
/* Resolves a :padding mode for n axes whose (dilated) window sizes are k[] into low[] and
 * high[] (shapes-and-names §6.1); -1 with Nx's error for a wrong number of pairs. */
int nxfront_padding(nx_window_padding mode, const nx_pad_pairs *pads, int n, const int64_t *k, int64_t *low,
                    int64_t *high);

#endif
