/* src/core/error.h: recording errors (the internal side of include/nx/error.h). */
#ifndef NXCORE_ERROR_H
#define NXCORE_ERROR_H

#include <stddef.h>
#include "nx/error.h"

/* Records an error unless one is already pending (the first one wins). Return -1 / NULL
 * so that a failing function can `return nxerr_set(...)`. */
int nxerr_set(nx_error_kind kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void *nxerr_null(nx_error_kind kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Out of memory while allocating `bytes`. */
void *nxerr_oom(size_t bytes);
/* True when an error is pending on this thread. */
int nxerr_pending(void);

#endif
