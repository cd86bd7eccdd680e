/* tests/test_cumulative.c: cumulative_sum/product/min/max and diff (spec/functions.md
 * §13) against the oracle of tests/oracle/gen_cumulative.py (every type, axes, :reverse,
 * :order), then Nx's examples, names, vectorized tensors and errors by hand. */
#include "support/nxtest.h"
#include "support/nxtest_cases.h"

#include <complex.h>
#include <criterion/logging.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static nx_tensor *run(const char *op, const nx_tensor *x, int axis, bool reverse, int order)
{
    nx_axis ax = NX_AXIS(axis);
    if (strcmp(op, "cumulative_sum") == 0)
        return nx_cumulative_sum(x, .axis = ax, .reverse = reverse);
    if (strcmp(op, "cumulative_product") == 0)
        return nx_cumulative_product(x, .axis = ax, .reverse = reverse);
    if (strcmp(op, "cumulative_min") == 0)
        return nx_cumulative_min(x, .axis = ax, .reverse = reverse);
    if (strcmp(op, "cumulative_max") == 0)
        return nx_cumulative_max(x, .axis = ax, .reverse = reverse);
    return nx_diff(x, .order = order ? order : NX_DIFF_ORDER_ZERO, .axis = ax);
}

static bool close_to(double got, double want, double tol)
{
    if (isnan(want))
        return isnan(got);
    return tol == 0 ? got == want : fabs(got - want) <= tol;
}

Test(cumulative, matches_numpy)
{
    unsigned char *buf;
    nxtest_reader r;
    uint32_t ncases = nxtest_open_cases("cumulative_cases.bin", "NXCUM01\n", &buf, &r);
    const unsigned char *p = r.p;
    long bad = 0, checked = 0;
    for (uint32_t c = 0; c < ncases; c++) {
        char op[25] = { 0 }, tname[13] = { 0 };
        memcpy(op, p, 24);
        memcpy(tname, p + 24, 12);
        p += 36;
        nx_shape s = { .rank = *p++ };
        memcpy(s.dims, p, 8 * (size_t)s.rank);
        p += 8 * s.rank;
        int axis = (int8_t)p[0], reverse = p[1], order = (int8_t)p[2];
        uint32_t nout;
        memcpy(&nout, p + 3, 4);
        p += 7;
        nx_type type = nxtest_type_named(tname);
        int cplx = nx_type_is_complex(type), integer = !nx_type_is_float(type);
        nx_type store = cplx ? NX_C128 : integer ? NX_S64 : NX_F64;
        size_t w = cplx ? 16 : 8;
        int64_t n = 1;
        for (int i = 0; i < s.rank; i++)
            n *= s.dims[i];

        nx_scope_begin();
        nx_tensor *x = type == NX_U64 ? nx_bitcast(nx_from_data(p, NX_S64, s), NX_U64)
                                      : nx_as_type(nx_from_data(p, store, s), type);
        p += (size_t)n * w;
        nx_tensor *r = run(op, x, axis, reverse, order);
        cr_assert_not_null(r, "case %u %s %s: %s", c, op, tname, nx_error_message());
        cr_assert_eq(nx_type_of(r), type, "case %u %s %s: type %s", c, op, tname, nx_type_name(nx_type_of(r)));
        cr_assert_eq(nx_size(r), (int64_t)nout, "case %u: size", c);
        const unsigned char *want = p, *tol = p + (size_t)nout * w;
        p = tol + (size_t)nout * 8;
        unsigned char *got = malloc((size_t)nout * w + 1);
        nx_type as = type == NX_U64 ? NX_U64 : store;
        cr_assert_eq(nx_to_binary(nx_as_type(r, as), got, (int64_t)(nout * w)), (int64_t)nout * (int64_t)w * 8);
        for (uint32_t i = 0; i < nout; i++) {
            double t;
            memcpy(&t, tol + 8 * i, 8);
            bool ok;
            if (integer) {
                ok = memcmp(got + 8 * i, want + 8 * i, 8) == 0;
            } else if (cplx) {
                double g[2], e[2];
                memcpy(g, got + 16 * i, 16);
                memcpy(e, want + 16 * i, 16);
                ok = close_to(g[0], e[0], t) && close_to(g[1], e[1], t);
            } else {
                double g, e;
                memcpy(&g, got + 8 * i, 8);
                memcpy(&e, want + 8 * i, 8);
                ok = close_to(g, e, t);
            }
            checked++;
            if (!ok && bad++ < 20)
                cr_log_error("case %u %s %s axis %d reverse %d order %d: element %u is off", c, op, tname, axis,
                             reverse, order, i);
        }
        free(got);
        nx_scope_end();
    }
    free(buf);
    cr_log_info("%ld values checked over %u cases", checked, ncases);
    cr_assert(ncases > 500);
    cr_assert_eq(bad, 0, "%ld of %ld cumulative values are off", bad, checked);
}

Test(cumulative, examples_names_and_vectorized)
{
    nx_scope_begin();
    nx_tensor *m = nx_iota(NX_SHAPE(2, 3), .names = NX_NAMES("x", "y"));
    NXTEST_PRINTS(nx_cumulative_sum(m, .axis = NX_AXIS_NAMED("y"), .reverse = true),
                  "#Nx.Tensor<\n  s32[x: 2][y: 3]\n  [\n    [3, 3, 2],\n    [12, 9, 5]\n  ]\n>");
    /* s8 sums wrap in s8 (no aggregate promotion) */
    nx_tensor *b = nx_as_type(nx_multiply(nx_add(nx_iota(NX_SHAPE(3)), NX_I(1)), NX_I(60)), NX_S8);
    NXTEST_PRINTS(nx_cumulative_sum(b), "#Nx.Tensor<\n  s8[3]\n  [60, -76, 104]\n>");
    /* vectorized axes are never scanned: axis 0 is the inner one */
    nx_tensor *v = nx_vectorize(m, "x");
    NXTEST_PRINTS(nx_cumulative_max(nx_negate(v)),
                  "#Nx.Tensor<\n  vectorized[x: 2]\n  s32[y: 3]\n  [\n    [0, 0, 0],\n    [-3, -3, -3]\n  ]\n>");
    NXTEST_PRINTS(nx_diff(m), "#Nx.Tensor<\n  s32[x: 2][y: 2]\n  [\n    [1, 1],\n    [1, 1]\n  ]\n>");
    NXTEST_PRINTS(nx_diff(m, .axis = NX_AXIS(0)), "#Nx.Tensor<\n  s32[x: 1][y: 3]\n  [\n    [3, 3, 3]\n  ]\n>");
    NXTEST_PRINTS(nx_diff(m, .order = NX_DIFF_ORDER_ZERO), "#Nx.Tensor<\n  s32[x: 2][y: 3]\n  [\n    [0, 1, 2],\n    [3, 4, 5]\n  ]\n>");
    NXTEST_OK();
    nx_scope_end();
}

Test(cumulative, errors)
{
    nx_scope_begin();
    nx_tensor *z = nx_scalar(NX_COMPLEX(1, 1), NX_C64), *m = nx_iota(NX_SHAPE(2, 3));
    cr_assert_null(nx_cumulative_min(nx_broadcast(z, NX_SHAPE(2))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.min/2 does not support complex inputs");
    cr_assert_null(nx_cumulative_max(nx_broadcast(z, NX_SHAPE(2))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.max/2 does not support complex inputs");
    cr_assert_null(nx_cumulative_sum(m, .axis = NX_AXIS(2)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (2) invalid for shape with rank 2");
    cr_assert_null(nx_cumulative_sum(nx_scalar(NX_INT(1), NX_S32)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (0) invalid for shape with rank 0");
    cr_assert_null(nx_diff(nx_scalar(NX_INT(1), NX_S32)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot compute diff of a scalar");
    cr_assert_null(nx_diff(m, .order = -2));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "order must be non-negative but got: -2");
    cr_assert_null(nx_diff(m, .order = 3));
    cr_assert_eq(nx_error(), NX_ARGUMENT_ERROR);
    nx_error_clear();
    cr_assert_null(nx_cumulative_sum(NULL));
    nx_error_clear();
    nx_scope_end();
}
