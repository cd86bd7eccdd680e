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

/* The vectorized axes of n operands in order of first appearance (shapes-and-names §4.3);
 * sizes must agree or be 1. Returns their count or -1. */
int nxfront_vectorized_union(const nx_tensor *const *ts, int n, int64_t *dims, const char **names)
{
    int nv = 0;
    for (int k = 0; k < n; k++)
        for (int i = 0; i < ts[k]->vrank; i++) {
            const char *name = ts[k]->names[i];
            int64_t size = ts[k]->dims[i];
            int j = 0;
            while (j < nv && names[j] != name)
                j++;
            if (j == nv) {
                names[nv] = name;
                dims[nv++] = size;
            } else if (dims[j] != size && size != 1 && dims[j] != 1) {
                return nxerr_set(NX_ARGUMENT_ERROR,
                                 "expected vectorized axis :%s to have the same size in both tensors or to one of them to have size 1, got %lld and %lld",
                                 name, (long long)size, (long long)dims[j]);
            } else if (dims[j] == 1) {
                dims[j] = size;
            }
        }
    return nv;
}
