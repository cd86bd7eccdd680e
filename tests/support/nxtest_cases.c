/* tests/support/nxtest_cases.c: reading the oracle case files of dot, conv and the window
 * operations, and checking a result against one case (nxtest_cases.h). */
#include "support/nxtest_cases.h"

#include <complex.h>
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "support/nxtest.h"

static const char *const vnames[] = { "v0", "v1" };

int64_t nxtest_count(nx_shape s)
{
    int64_t n = 1;
    for (int i = 0; i < s.rank; i++)
        n *= s.dims[i];
    return n;
}

uint32_t nxtest_open_cases(const char *name, const char *magic, unsigned char **buf, nxtest_reader *r)
{
    size_t len;
    *buf = nxtest_read_oracle(name, &len);
    cr_assert(len > 12 && memcmp(*buf, magic, 8) == 0, "bad %s", name);
    uint32_t ncases;
    memcpy(&ncases, *buf + 8, 4);
    *r = (nxtest_reader){ *buf + 12, *buf + len };
    return ncases;
}

nx_tensor *nxtest_rd_operand(const unsigned char **p, nx_type type, nx_shape s, int nv, bool ints_as_i64)
{
    nx_type store = nx_type_is_complex(type) ? NX_C128 : nx_type_is_float(type) || !ints_as_i64 ? NX_F64 : NX_S64;
    nx_tensor *t = nx_as_type(nx_from_data(*p, store, s), type);
    if (type == NX_U64 && store == NX_S64)
        t = nx_bitcast(nx_from_data(*p, NX_S64, s), NX_U64);
    *p += (size_t)nxtest_count(s) * (store == NX_C128 ? 16 : 8);
    for (int i = 0; i < nv; i++)
        t = nx_vectorize(t, vnames[i]);
    cr_assert_not_null(t, "%s", nx_error_message());
    return t;
}

long nxtest_check_case(const nx_tensor *r, nx_type type, nx_type as, int nv, nx_shape shape,
                       const unsigned char **p, unsigned c, const char *what)
{
    cr_assert_not_null(r, "case %u (%s): %s", c, what, nx_error_message());
    cr_assert_eq(nx_type_of(r), type, "case %u (%s): type %s", c, what, nx_type_name(nx_type_of(r)));
    cr_assert_eq(nx_vectorized_rank(r), nv, "case %u (%s)", c, what);
    nx_tensor *d = nx_devectorize(r, false);
    nx_shape got_shape = nx_shape_of(d);
    cr_assert_eq(got_shape.rank, shape.rank, "case %u (%s): rank", c, what);
    for (int i = 0; i < shape.rank; i++)
        cr_assert_eq(got_shape.dims[i], shape.dims[i], "case %u (%s): axis %d", c, what, i);

    int64_t n = nxtest_count(shape);
    int cplx = nx_type_is_complex(as), integer = !nx_type_is_float(as);
    size_t w = cplx ? 16 : 8;
    const unsigned char *want = *p, *tol = *p + (size_t)n * w;
    *p = tol + (size_t)n * 8;
    void *got = malloc((size_t)n * w + 1);
    nx_type wide = cplx ? NX_C128 : integer ? (as == NX_U64 ? NX_U64 : NX_S64) : NX_F64;
    cr_assert_eq(nx_to_binary(nx_as_type(d, wide), got, n * (int64_t)w), n * 64 * (cplx ? 2 : 1), "case %u (%s)", c,
                 what);
    long bad = 0;
    for (int64_t i = 0; i < n; i++) {
        double t;
        memcpy(&t, tol + 8 * i, 8);
        bool ok;
        if (integer) {
            int64_t g, e;
            memcpy(&g, (char *)got + 8 * i, 8);
            memcpy(&e, want + 8 * i, 8);
            ok = g == e;
        } else if (cplx) {
            double g[2], e[2];
            memcpy(g, (char *)got + 16 * i, 16);
            memcpy(e, want + 16 * i, 16);
            ok = cabs(CMPLX(g[0] - e[0], g[1] - e[1])) <= t;
        } else {
            /* equal infinities (a window max over -inf padding) match too */
            double g, e;
            memcpy(&g, (char *)got + 8 * i, 8);
            memcpy(&e, want + 8 * i, 8);
            ok = g == e || fabs(g - e) <= t;
        }
        if (!ok && bad++ < 5)
            cr_log_error("case %u (%s) element %lld is off", c, what, (long long)i);
    }
    free(got);
    return bad;
}
