/* src/ops/linalg_derived.c: the Nx.LinAlg functions that Nx writes from other ops
 * (spec/linalg.md §2.1, §2.11, §2.13-2.15): adjoint, matrix_power (repeated squaring by
 * batched dot), pinv (thin SVD), matrix_rank and least_squares (pinv · b). No arithmetic
 * of their own: each is a composition of front-end calls. */
#include <float.h>
#include <stdio.h>
#include "core/shape.h"
#include "ops/front.h"

#define PINV_EPS 1.0e-10
#define RANK_EPS 1.0e-7
#define LSTSQ_EPS 1.0e-15

static double eps_or(double eps, double dflt)
{
    return eps == 0 ? dflt : eps;
}

static int inner_rank(const nx_tensor *t)
{
    return t->rank - t->vrank;
}

static const int64_t *inner_dims(const nx_tensor *t)
{
    return t->dims + t->vrank;
}

nx_tensor *nx_adjoint(const nx_tensor *t)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    int r = inner_rank(t);
    nx_scope_begin();
    nx_tensor *x;
    if (r > 2) {
        nx_axes axes = { .n = r };
        for (int i = 0; i < r; i++)
            axes.index[i] = i < r - 2 ? i : (i == r - 2 ? r - 1 : r - 2);
        x = nx_transpose(t, .axes = axes);
    } else {
        x = nx_transpose(t);   /* rank <= 2: the full transpose */
    }
    if (nx_type_is_complex(t->type))
        x = nx_conjugate(x);
    return nx_scope_end_keep(x);
}

/* a · b over the last two axes, the leading ones batched (Nx.dot/6). */
static nx_tensor *batched_dot(const nx_tensor *a, const nx_tensor *b)
{
    if (!a || !b)
        return NULL;
    int r = inner_rank(a);
    nx_axes batch = { .n = r - 2 };
    for (int i = 0; i < r - 2; i++)
        batch.index[i] = i;
    return nx_dot_general(a, b, .contract_a = NX_AXES(r - 1), .batch_a = batch, .contract_b = NX_AXES(r - 2),
                          .batch_b = batch);
}

/* Binary exponentiation on the digits of m after its leading 1, least significant first,
 * in Nx's order of products (m >= 2). */
static nx_tensor *power_by_squaring(const nx_tensor *a, uint64_t m)
{
    int top = 63;
    while (!(m >> top & 1))
        top--;
    nx_tensor *result = NULL, *base = (nx_tensor *)a;
    for (int i = 0; i < top && base; i++) {
        if (m >> i & 1)
            result = result ? batched_dot(result, base) : base;
        base = batched_dot(base, base);
    }
    return result ? batched_dot(result, base) : base;
}

nx_tensor *nx_matrix_power(const nx_tensor *a, int64_t power)
{
    if (nxfront_check_tensor(a) < 0)
        return NULL;
    int r = inner_rank(a);
    const int64_t *d = inner_dims(a);
    if (r < 2 || d[r - 1] != d[r - 2]) {
        char buf[256];
        return nxerr_null(NX_ARGUMENT_ERROR,
                          "matrix_power/2 expects a square matrix or a batch of square matrices, got tensor with shape: %s",
                          nxshape_text(buf, sizeof buf, r, d));
    }
    nx_scope_begin();
    nx_tensor *x;
    if (power == 0) {
        nx_shape s = { .rank = r };
        for (int i = 0; i < r; i++)
            s.dims[i] = d[i];
        x = nx_eye(s, .type = NX_S32);
    } else {
        uint64_t m = power < 0 ? 0 - (uint64_t)power : (uint64_t)power;
        const nx_tensor *base = power < 0 ? nx_invert(a) : a;
        if (!base)
            x = NULL;
        else if (m == 1)
            x = nxfront_view(base, base->type, base->rank, base->dims, base->names, base->vrank);
        else
            x = power_by_squaring(base, m);
    }
    return nx_scope_end_keep(x);
}

/* pinv's non-zero branch: 1/t, conj(t)/norm(t)², or V·(s⁺ ∘ Uᴴ) from the thin SVD. */
static nx_tensor *pinv_non_zero(const nx_tensor *t, double eps)
{
    int r = inner_rank(t);
    if (r == 0)
        return nx_divide(NX_I(1), t);
    if (r == 1)
        return nx_divide(nx_adjoint(t), nx_pow(nx_norm(t), NX_I(2)));
    nx_tensor *u = NULL, *s = NULL, *vt = NULL;
    if (nx_svd(t, &u, &s, &vt, .thin = true) < 0)
        return NULL;
    nx_tensor *small = nx_less(nx_abs(s), NX_F(eps));
    nx_tensor *adjusted = nx_select(small, NX_I(1), s);
    nx_tensor *s_inv = nx_select(small, NX_I(0), nx_divide(NX_I(1), adjusted));
    nx_tensor *sut = nx_multiply(nx_new_axis(s_inv, -1, NULL), nx_adjoint(u));
    return batched_dot(nx_adjoint(vt), sut);
}

/* pinv's zero branch: zeros of `type` in t's shape with the last two axes swapped. */
static nx_tensor *pinv_zero(const nx_tensor *t, nx_type type)
{
    int r = inner_rank(t);
    nx_shape s = { .rank = r };
    for (int i = 0; i < r; i++)
        s.dims[i] = inner_dims(t)[i];
    if (r >= 2) {
        s.dims[r - 2] = inner_dims(t)[r - 1];
        s.dims[r - 1] = inner_dims(t)[r - 2];
    }
    return nx_broadcast(nx_scalar(NX_INT(0), type), s);
}

nx_tensor *nx_pinv_(const nx_tensor *t, nx_linalg_eps_opts o)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    double eps = eps_or(o.eps, PINV_EPS);
    /* Nx traces both branches of its `if`: svd's complex check applies either way, and
     * the result type is the merge of both, to_floating(type). */
    if (inner_rank(t) >= 2 && nx_type_is_complex(t->type))
        return nxerr_null(NX_ARGUMENT_ERROR, "Nx.LinAlg.svd/2 is not yet implemented for complex inputs");
    nx_type out = nx_type_to_floating(t->type);
    nx_scope_begin();
    nx_tensor *zero = nx_all(nx_less_equal(nx_abs(t), NX_F(eps))), *r = NULL;
    if (zero && (t->vrank > 0 || zero->node)) {
        /* A vectorized predicate selects per entry between the two branches; inside defn
         * (where Nx records a cond) the select gives the same values. */
        r = nx_select(zero, pinv_zero(t, out), nx_as_type(pinv_non_zero(t, eps), out));
    } else if (zero) {
        nx_number all_zero;
        if (nx_to_number(zero, &all_zero) == 0)
            r = all_zero.i ? pinv_zero(t, out) : nx_as_type(pinv_non_zero(t, eps), out);
    }
    return nx_scope_end_keep(r);
}

nx_tensor *nx_matrix_rank_(const nx_tensor *a, nx_linalg_eps_opts o)
{
    if (nxfront_check_tensor(a) < 0)
        return NULL;
    if (nx_type_is_complex(a->type))
        return nxerr_null(NX_ARGUMENT_ERROR, "Nx.LinAlg.matrix_rank/2 is not yet implemented for complex inputs");
    int r = inner_rank(a);
    const int64_t *d = inner_dims(a);
    if (r != 2) {
        char buf[256];
        return nxerr_null(NX_ARGUMENT_ERROR, "tensor must have rank 2, got rank %d with shape %s", r,
                          nxshape_text(buf, sizeof buf, r, d));
    }
    int64_t max_dim = d[0] > d[1] ? d[0] : d[1];
    nx_scope_begin();
    nx_tensor *u = NULL, *s = NULL, *vt = NULL, *rank = NULL;
    if (nx_svd(a, &u, &s, &vt, .thin = true) == 0) {
        /* eps · max_dim is a plain number in Nx, multiplied into s_max's type. */
        nx_tensor *tol = nx_multiply(NX_F(eps_or(o.eps, RANK_EPS) * (double)max_dim), nx_reduce_max(s));
        rank = nx_sum(nx_greater(s, tol));
    }
    return nx_scope_end_keep(rank);
}

nx_tensor *nx_least_squares_(const nx_tensor *a, const nx_tensor *b, nx_linalg_eps_opts o)
{
    if (nxfront_check_tensor(a) < 0 || nxfront_check_tensor(b) < 0)
        return NULL;
    if (nx_type_is_complex(a->type) || nx_type_is_complex(b->type))
        return nxerr_null(NX_ARGUMENT_ERROR, "Nx.LinAlg.least_squares/2 is not yet implemented for complex inputs");
    int ra = inner_rank(a), rb = inner_rank(b);
    char sa[256], sb[256];
    nxshape_text(sa, sizeof sa, ra, inner_dims(a));
    nxshape_text(sb, sizeof sb, rb, inner_dims(b));
    if (ra != 2)
        return nxerr_null(NX_ARGUMENT_ERROR, "tensor of 1st argument must have rank 2, got rank %d with shape %s", ra, sa);
    if (rb != 1)
        return nxerr_null(NX_ARGUMENT_ERROR, "tensor of 2nd argument must have rank 1, got rank %d with shape %s", rb, sb);
    if (inner_dims(a)[0] != inner_dims(b)[0])
        return nxerr_null(NX_ARGUMENT_ERROR,
                          "the number of rows of the matrix as the 1st argument and the number of columns of the "
                          "vector as the 2nd argument must be the same, got 1st argument shape %s and 2nd "
                          "argument shape %s",
                          sa, sb);
    nx_scope_begin();
    nx_tensor *x = nx_dot(nx_pinv(a, .eps = eps_or(o.eps, LSTSQ_EPS)), b);
    return nx_scope_end_keep(x);
}
