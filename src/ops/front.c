/* src/ops/front.c: argument checks and views shared by the front-end files. */
#include "ops/front.h"


int nxfront_check_type(nx_type t)
{
    if (t > NX_TYPE_NONE && t < NX_TYPE_COUNT)
        return 0;
    return nxerr_set(NX_ARGUMENT_ERROR, "invalid numerical type: %d (see Nx.Type docs for all supported types)", (int)t);
}

int nxfront_check_tensor(const nx_tensor *t)
{
    return nxtensor_check_inputs(&t, 1);
}

nx_tensor *nxfront_view(const nx_tensor *t, nx_type type, int rank, const int64_t *dims,
                        const char *const *names, int vrank)
{
    nx_tensor *out = nxtensor_new(type, rank, dims, names);
    if (!out)
        return NULL;
    out->vrank = vrank;
    nxtensor_share_data(out, t);
    return out;
}
