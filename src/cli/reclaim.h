/* src/cli/reclaim.h: per-call tensor scopes of the interpreter (reclaim.c). */
#ifndef NXI_RECLAIM_H
#define NXI_RECLAIM_H

#include "cli/value.h"

/* Around the body of an interpreted call: begin opens its scope; end keeps what result
 * reaches (everything when the call raised) and frees the rest. Returns result. */
void nxi_call_begin(void);
nxv *nxi_call_end(nxv *result);
/* v is being kept by process-wide state: its tensors move to the outermost scope. */
void nxi_pin(nxv *v);

#endif
