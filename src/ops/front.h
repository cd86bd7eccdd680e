/* src/ops/front.h: helpers the front-end files share: argument checks with Nx's
 * messages and small constructors. */
#ifndef NXOPS_FRONT_H
#define NXOPS_FRONT_H

#include "nx.h"
#include "core/error.h"
#include "core/op.h"
#include "core/tensor.h"
#include "nx/scope.h"

/* 0, or -1 with "invalid numerical type" for a type outside the enum. */
int nxfront_check_type(nx_type t);
/* 0 for a tensor with data; -1 for NULL (keeping the pending error) or a template. */
int nxfront_check_tensor(const nx_tensor *t);
/* A new header on t's data (t's backend and buffer) with another shape or type. */
nx_tensor *nxfront_view(const nx_tensor *t, nx_type type, int rank, const int64_t *dims,
                        const char *const *names, int vrank);

#endif
