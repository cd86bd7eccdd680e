/* src/ops/random_mvn.c: Nx.Random.multivariate_normal (spec/random.md §5.7): checks in
 * Nx's order and wording, then mean + Z·Aᵀ with A a factor of the covariance (Cholesky,
 * or U·√s from svd or eigh) and Z standard normal draws. */
#include <string.h>
#include "core/shape.h"
#include "nx/random.h"
#include "ops/random.h"

/* A with A·Aᵀ = cov: the Cholesky factor, or U·√s from svd / eigh (columns of U
 * scaled). NULL with an error. */
static nx_tensor *factor(const nx_tensor *cov, nx_mvn_method method)
{
    nx_tensor *u = NULL, *s = NULL, *vt = NULL;
    if (!cov)
        return NULL;
    if (method == NX_MVN_CHOLESKY)
        return nx_cholesky(cov);
    if (method == NX_MVN_SVD ? nx_svd(cov, &u, &s, &vt) : nx_eigh(cov, &s, &u))
        return NULL;
    return nx_multiply(u, nx_sqrt(s));
}

/* The checks of spec §5.7 in Nx's order; the output type in *t. */
static int mvn_checks(const nx_tensor *mean, const nx_tensor *cov, nx_mvn_opts o, nx_type *t)
{
    char buf[128];
    if ((unsigned)o.method > NX_MVN_EIGH)
        return nxerr_set(NX_ARGUMENT_ERROR, "method must be one of :svd, :eigh, and :cholesky\n");
    *t = o.type ? o.type : nx_type_to_floating(nx_type_merge(mean->type, cov->type));
    if (nxfront_check_type(*t) < 0)
        return -1;
    if (nx_type_is_complex(*t))
        return nxerr_set(NX_ARGUMENT_ERROR, "Nx.multivariate_normal_split/4 does not support complex inputs");
    if (!nx_type_is_float(*t))
        return nxerr_set(NX_ARGUMENT_ERROR, "expected float or complex type, got type %s", nx_type_tuple(*t));
    if (*t == NX_F8 || *t == NX_F8_E4M3FN)
        return nxerr_set(NX_ARGUMENT_ERROR, "normal/4 does not support 8-bit float types");
    if (mean->rank != 1)
        return nxerr_set(NX_ARGUMENT_ERROR, "expected mean to have rank 1, got tensor with rank %d\n", mean->rank);
    if (cov->rank != 2)
        return nxerr_set(NX_ARGUMENT_ERROR, "expected covariance to have rank 2, got tensor with rank %d\n", cov->rank);
    if (cov->dims[0] != cov->dims[1])
        return nxerr_set(NX_ARGUMENT_ERROR, "expected covariance to be a square matrix, got tensor with shape %s\n",
                         nxshape_text(buf, sizeof buf, 2, cov->dims));
    if (mean->dims[0] != cov->dims[0])
        return nxerr_set(NX_ARGUMENT_ERROR, "expected mean and covariance to have the same dimensions, got %lld and %lld\n",
                         (long long)mean->dims[0], (long long)cov->dims[0]);
    if (o.shape.rank + 1 > NX_MAX_RANK)
        return nxerr_set(NX_ARGUMENT_ERROR, "shape has too many axes for multivariate_normal");
    return 0;
}

nx_tensor *nx_random_multivariate_normal_split_(const nx_tensor *key, const nx_tensor *mean, const nx_tensor *cov,
                                                nx_mvn_opts o)
{
    uint32_t k[2];
    nx_type t = NX_TYPE_NONE;
    if (nxrandom_key_read(key, k) < 0 || nxrandom_check_plain(mean, "mean") < 0 ||
        nxrandom_check_plain(cov, "covariance") < 0)
        return NULL;
    nx_scope_begin();
    nx_tensor *m = nxrandom_arg(mean), *c = nxrandom_arg(cov), *r = NULL;
    if (!m || !c || mvn_checks(m, c, o, &t) < 0)
        goto out;
    int64_t kk = m->dims[0];
    nx_shape s = o.shape;
    s.dims[s.rank++] = kk;
    if (nxshape_check(&s, "shape") < 0)
        goto out;
    nx_tensor *a = factor(nx_as_type(c, t), o.method);
    nx_tensor *z = a ? nxrandom_normal_std(k, t, &s) : NULL;
    z = z ? nx_reshape(z, NX_SHAPE(nx_size(z) / kk, kk)) : NULL;
    nx_tensor *x = z ? nx_dot_general(z, a, .contract_a = NX_AXES(1), .contract_b = NX_AXES(1)) : NULL;
    x = x ? nx_add(nx_as_type(m, t), x) : NULL;
    r = x ? nx_reshape(x, s, .names = o.names) : NULL;
out:
    return nx_scope_end_keep(r);
}

typedef struct { const nx_tensor *mean, *cov; nx_mvn_opts o; } mvn_args;

static nx_tensor *mvn_cb(const nx_tensor *k, const void *c)
{
    const mvn_args *x = c;
    return nx_random_multivariate_normal_split_(k, x->mean, x->cov, x->o);
}

nx_tensor *nx_random_multivariate_normal_(const nx_tensor *key, const nx_tensor *mean, const nx_tensor *cov,
                                          nx_tensor **new_key, nx_mvn_opts o)
{
    mvn_args x = { mean, cov, o };
    return nxrandom_with_key(key, new_key, mvn_cb, &x);
}
