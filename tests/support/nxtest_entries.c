/* tests/support/nxtest_entries.c: checking vectorized results entry by entry
 * (nxtest_entries.h). */
#include "support/nxtest_entries.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include "core/tensor.h"


double nxtest_rnd(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (double)((*s >> 8) & 0xFFFF) / 65536.0;
}

void nxtest_rnd_fill(unsigned *s, double *v, int n, double lo, double width)
{
    for (int i = 0; i < n; i++)
        v[i] = lo + width * nxtest_rnd(s);
}

double nxtest_f64_of(const nx_tensor *r)
{
    double v;
    cr_assert_not_null(r, "%s", nx_error_message());
    cr_assert_eq(r->type, NX_F64);
    cr_assert_eq(nx_to_binary(r, &v, sizeof v), 64, "%s", nx_error_message());
    return v;
}

/* Random integers in [lo, hi) as a tensor of `type`. */
nx_tensor *nxtest_random_ints(unsigned *s, nx_type type, nx_shape shape, double lo, double hi)
{
    int64_t n = 1;
    for (int i = 0; i < shape.rank; i++)
        n *= shape.dims[i];
    double *v = malloc((size_t)n * sizeof *v);
    for (int64_t i = 0; i < n; i++)
        v[i] = floor(lo + (hi - lo) * nxtest_rnd(s));
    nx_tensor *t = nx_as_type(nx_from_data(v, NX_F64, shape), type);
    free(v);
    return t;
}

/* Entry i of t's first vectorized axis (t itself when not vectorized). */
nx_tensor *nxtest_entry(const nx_tensor *t, int i)
{
    if (t->vrank == 0)
        return (nx_tensor *)t;
    nx_tensor *d = nx_devectorize(t, false);
    nx_tensor *e = nx_take(d, nx_scalar(NX_INT(i), NX_S32));
    for (int k = 1; e && k < t->vrank; k++)
        e = nx_vectorize(e, t->names[k]);
    return e;
}

/* Values of t as doubles (t real, at most 256 elements). */
int nxtest_values(const nx_tensor *t, double *v)
{
    nx_tensor *d = nx_as_type(t->vrank ? nx_devectorize(t, false) : t, NX_F64);
    cr_assert_not_null(d, "%s", nx_error_message());
    cr_assert_leq(d->size, 256);
    cr_assert_geq(nx_to_binary(d, v, d->size * (int64_t)sizeof *v), 0, "%s", nx_error_message());
    return (int)d->size;
}

/* Same type, shape, vectorized axes and (within tol) nxtest_values. */
void nxtest_assert_same(const nx_tensor *a, const nx_tensor *b, double tol)
{
    static double va[256], vb[256];
    cr_assert_eq(a->type, b->type, "types %d and %d", a->type, b->type);
    cr_assert_eq(a->rank, b->rank, "ranks %d and %d", a->rank, b->rank);
    cr_assert_eq(a->vrank, b->vrank, "vectorized ranks %d and %d", a->vrank, b->vrank);
    for (int i = 0; i < a->rank; i++)
        cr_assert_eq(a->dims[i], b->dims[i], "axis %d: %lld and %lld", i, (long long)a->dims[i], (long long)b->dims[i]);
    for (int i = 0; i < a->vrank; i++)
        cr_assert_str_eq(a->names[i], b->names[i]);
    int n = nxtest_values(a, va), m = nxtest_values(b, vb);
    cr_assert_eq(n, m);
    for (int i = 0; i < n; i++)
        cr_assert(fabs(va[i] - vb[i]) <= tol * (1 + fabs(vb[i])), "element %d: %g against %g", i, va[i], vb[i]);
}
