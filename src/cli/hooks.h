/* src/cli/hooks.h: io_call / hook / print_value / runtime_call inside traced code
 * (nxlib_hooks.c), and the :hooks of the jit call being evaluated. */
#ifndef NXI_HOOKS_H
#define NXI_HOOKS_H

#include "cli/value.h"

/* Nx.io_call / Nx.Defn.Kernel.hook and io_call while tracing: records an io_call node. */
nxv *nxi_io_call_traced(int argc, nxv **argv);
/* Nx.runtime_call(template, data, opts, fun) while tracing. */
nxv *nxi_runtime_call_traced(nxv *tmpl, nxv *data, nxv *opts, nxv *fun);
/* Makes hooks (a map from names to functions, or NULL) the ones named io_calls see while
 * a graph is evaluated; returns the previous ones to restore afterwards. */
nxv *nxi_hooks_enter(nxv *hooks);
void nxi_hooks_leave(nxv *previous);

#endif
