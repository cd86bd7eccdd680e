/* tests/support/nxtest.c: oracle files and scaling for the tests. */
#include "support/nxtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *nxtest_oracle_dir(void)
{
    const char *dir = getenv("NXC_ORACLE_DIR");
    return dir && *dir ? dir : NXC_SOURCE_DIR "/build/oracle";
}

unsigned char *nxtest_read_oracle(const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", nxtest_oracle_dir(), name);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "missing oracle file %s: run scripts/test.sh (or tests/oracle/*.py)", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc(n > 0 ? (size_t)n : 1);
    cr_assert_not_null(buf);
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n, "short read of %s", path);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

long nxtest_scaled(long n)
{
    const char *s = getenv("NXC_TEST_SCALE");
    double scale = s && *s ? atof(s) : 1.0;
    long m = (long)(n * scale);
    return m < 1 ? 1 : m;
}

nx_type nxtest_type_named(const char *name)
{
    for (int t = 1; t < NX_TYPE_COUNT; t++)
        if (strcmp(nx_type_name((nx_type)t), name) == 0)
            return (nx_type)t;
    return NX_TYPE_NONE;
}

const unsigned char *nxtest_read_shape(const unsigned char *p, nx_shape *s)
{
    s->rank = *p++;
    memcpy(s->dims, p, 8 * (size_t)s->rank);
    return p + 8 * s->rank;
}

const unsigned char *nxtest_read_ints(const unsigned char *p, nx_ints *s)
{
    s->n = *p++;
    memcpy(s->v, p, 8 * (size_t)s->n);
    return p + 8 * s->n;
}
