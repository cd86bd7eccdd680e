/* src/cli/region.h: regions of the interpreter's arena (region.c): every interpreted
 * call, and the loops of Enum's builtins, drop what they allocated and did not return. */
#ifndef NXI_REGION_H
#define NXI_REGION_H

#include "cli/value.h"

/* Opens a region at the arena's current end. */
void nxi_region_push(void);
/* Closes the innermost region. When nothing escaped from it (nxi_escape), what `result`
 * reaches past the region's start is copied out, the region's memory is dropped, and the
 * moved result is returned; otherwise (or when copying would cost too much) everything
 * stays and `result` is returned as it is. NULL closes it keeping everything. */
nxv *nxi_region_pop(nxv *result);
/* Inside a loop that keeps the innermost region open: drops what the region allocated
 * except what roots[0..n) reach, which is moved (the roots are rewritten); 1 when done.
 * `advance`: what the roots reach is kept for good (the region restarts after it), as
 * when each root is a finished element of the loop's output. Does nothing (0) when the
 * region has grown by less than a threshold (unless `now`), when something escaped, or
 * when copying would cost too much. The roots must be older than the region or be
 * locals: the loop must hold no other pointer into the region across the call. */
int nxi_region_collect(nxv **roots, int64_t n, int advance, int now);
/* A pointer into the arena is being stored where it outlives the calls in progress
 * (module tables, caches, the mailbox, default options...): none of the regions open now
 * may drop anything. When in doubt, escape. */
void nxi_escape(void);
/* The innermost region may not drop anything (something escaped from it). */
int nxi_region_escaped(void);

#endif
