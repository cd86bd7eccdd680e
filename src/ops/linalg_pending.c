/* src/ops/linalg_pending.c: TEMPORARY weak stand-ins for nx_svd_ and nx_invert until the
 * LAPACK core (branch `linalg`) is merged; its strong definitions replace these at link
 * time. Remove this file after that merge. */
#include "ops/front.h"

__attribute__((weak)) int nx_svd_(const nx_tensor *a, nx_tensor **u, nx_tensor **s, nx_tensor **vt, nx_svd_opts o)
{
    (void)a, (void)u, (void)s, (void)vt, (void)o;
    return nxerr_set(NX_RUNTIME_ERROR, "Nx.LinAlg.svd is not available yet");
}

__attribute__((weak)) nx_tensor *nx_invert(const nx_tensor *a)
{
    (void)a;
    return nxerr_null(NX_RUNTIME_ERROR, "Nx.LinAlg.invert is not available yet");
}
