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

/* A builtin's loop over interpreted calls (Enum.map, Enum.reduce): begin opens a tensor
 * scope and an arena region; after each step, step may drop the tensors and values the
 * loop made that roots[0..n) do not reach (`advance`: what they reach is final output,
 * kept for good; 1 when the arena was collected); end keeps what roots reach (after a
 * raise: everything) and closes both. Roots are rewritten when their values move; the
 * loop must hold no other pointer to what it made. */
void nxi_loop_begin(void);
int nxi_loop_step(nxv **roots, int64_t n, int advance);
void nxi_loop_end(nxv **roots, int64_t n);

#endif
