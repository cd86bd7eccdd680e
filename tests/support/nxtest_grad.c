/* tests/support/nxtest_grad.c: the finite-difference gradient check (nxtest_grad.h). */
#include "support/nxtest_grad.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/tensor.h"
#include "support/nxtest.h"

/* Partial derivatives of the loss by central differences, element by element of arg i,
 * against the gradient gv. */
static void compare(const nxtest_grad_case *c, nxtest_loss_fn *loss, nx_tensor **args, double *const *data,
                    const nx_shape *sh, int i, const double *gv, int set)
{
    for (int64_t k = 0; k < args[i]->size; k++) {
        double save = data[i][k], h = 1e-5 * fmax(1.0, fabs(save));
        nx_tensor *pa[4];
        memcpy(pa, args, sizeof pa);
        nx_scope_begin();
        data[i][k] = save + h;
        pa[i] = nx_from_data(data[i], NX_F64, sh[i]);
        double fp = loss(c, pa);
        data[i][k] = save - h;
        pa[i] = nx_from_data(data[i], NX_F64, sh[i]);
        double fm = loss(c, pa);
        data[i][k] = save;
        nx_scope_end();
        double fd = (fp - fm) / (2 * h);
        cr_assert(fabs(gv[k] - fd) <= 1e-6 * fmax(1.0, fabs(fd)),
                  "%s, shapes %s, argument %d, element %lld: grad %.12g, finite differences %.12g", c->name,
                  c->shapes[set], i, (long long)k, gv[k], fd);
    }
}

double nxtest_number(const nx_tensor *t)
{
    nx_number v = { 0 };
    cr_assert_not_null(t, "%s", nx_error_message());
    cr_assert_eq(nx_to_number(t, &v), 0, "%s", nx_error_message());
    return v.kind == NX_NUM_FLOAT ? v.f : v.kind == NX_NUM_INT ? (double)v.i : (double)v.u;
}

void nxtest_f64_values(const nx_tensor *t, double *out, int64_t n)
{
    cr_assert_not_null(t, "%s", nx_error_message());
    cr_assert_eq(t->size, n, "%lld values, expected %lld", (long long)t->size, (long long)n);
    nx_to_binary(nx_as_type(t, NX_F64), out, n * 8);
}

void nxtest_check_grad(const nxtest_grad_case *c, nxtest_loss_fn *loss, unsigned *rng)
{
    for (int set = 0; set < 3; set++) {
        nx_scope_begin();
        nx_shape sh[4];
        int n = nxtest_parse_shapes(c->shapes[set], sh);
        cr_assert(n == c->nargs && n <= 4, "%s: shape set %d", c->name, set);
        double *data[4];
        nx_tensor *args[4] = { 0 }, *grads[4];
        for (int i = 0; i < n; i++) {
            int64_t size = 1;
            for (int k = 0; k < sh[i].rank; k++)
                size *= sh[i].dims[k];
            data[i] = malloc((size_t)(size ? size : 1) * sizeof(double));
            for (int64_t k = 0; k < size; k++)
                data[i][k] = nxtest_uniform(rng, c->lo, c->hi);
            args[i] = nx_from_data(data[i], NX_F64, sh[i]);
        }
        int rc = nx_grad_n(c->fn, NULL, n, (const nx_tensor *const *)args, grads);
        cr_assert_eq(rc, 0, "%s: grad failed: %s", c->name, nx_error_message());
        for (int i = 0; i < n; i++) {
            int64_t size = args[i]->size;
            cr_assert_eq(grads[i]->size, size, "%s: gradient %d has %lld elements", c->name, i,
                         (long long)grads[i]->size);
            double *gv = malloc((size_t)(size ? size : 1) * sizeof(double));
            nx_to_binary(nx_as_type(nx_real(grads[i]), NX_F64), gv, size * 8);
            compare(c, loss, args, data, sh, i, gv, set);
            free(gv);
        }
        for (int i = 0; i < n; i++)
            free(data[i]);
        nx_scope_end();
    }
}
