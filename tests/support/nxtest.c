/* tests/support/nxtest.c: oracle files, scaling, oracle record readers, running code in the
 * interpreter and running the nxc command, for the tests. */
#include "support/nxtest.h"

#include "cli/ast.h"
#include "cli/eval.h"
#include "cli/nxlib.h"
#include "core/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

double nxtest_uniform(unsigned *state, double lo, double hi)
{
    *state = *state * 1103515245u + 12345u;
    return lo + (hi - lo) * ((*state >> 8) & 0xFFFFFF) / (double)0xFFFFFF;
}

int nxtest_parse_shapes(const char *s, nx_shape *out)
{
    int n = 0;
    while (*s) {
        nx_shape sh = { 0 };
        if (*s == 's')
            s++;
        else
            while (*s && *s != ',') {
                sh.dims[sh.rank++] = strtol(s, (char **)&s, 10);
                if (*s == 'x')
                    s++;
            }
        out[n++] = sh;
        if (*s == ',')
            s++;
    }
    return n;
}

long nxtest_rss_kb(int pid)
{
    char path[64], line[256];
    if (pid)
        snprintf(path, sizeof path, "/proc/%d/status", pid);
    else
        snprintf(path, sizeof path, "/proc/self/status");
    FILE *f = fopen(path, "r");
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            sscanf(line + 6, "%ld", &kb);
    if (f)
        fclose(f);
    return kb;
}

char *nxtest_capture(const char *cmd, int *status)
{
    char path[] = "/tmp/nxc_test_outXXXXXX", full[16384];
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
    snprintf(full, sizeof full, "%s > %s", cmd, path);
    int rc = system(full);
    *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f);
    char *buf = calloc(1, 1 << 20);
    size_t got = fread(buf, 1, (1 << 20) - 1, f);
    buf[got] = 0;
    fclose(f);
    unlink(path);
    return buf;
}

void nxtest_same_for_thread_counts(const char *code)
{
    static const int threads[] = { 1, 2, 5 };
    char *out[3];
    for (int i = 0; i < 3; i++) {
        char cmd[8192];
        int status;
        snprintf(cmd, sizeof cmd, "NXC_NUM_THREADS=%d %s -e '%s' 2>&1", threads[i], NXC_BINARY, code);
        out[i] = nxtest_capture(cmd, &status);
        cr_assert_eq(status, 0, "%s failed", cmd);
    }
    cr_assert(strstr(out[0], "#Nx.Tensor") != NULL, "nxc printed: %s", out[0]);
    cr_assert_str_eq(out[0], out[1]);
    cr_assert_str_eq(out[0], out[2]);
    for (int i = 0; i < 3; i++)
        free(out[i]);
}

const char nxtest_dot_tanh_expr[] = "#Nx.Tensor<\n  f32\n  \n  Nx.Defn.Expr\n"
                                    "  parameter a:0                            s32[2][2]\n"
                                    "  parameter c:1                            s32[2][2]\n"
                                    "  b = dot a, [1], [], a, [0], []           s32[2][2]\n"
                                    "  d = tanh c                               f32[2][2]\n"
                                    "  e = add b, d                             f32[2][2]\n"
                                    "  f = add 2, e                             f32[2][2]\n"
                                    "  g = sum f, axes: nil, keep_axes: false   f32\n>";

nx_tensor *nxtest_lcg_tensor(nx_type type, nx_shape s, unsigned seed, double lo, double hi)
{
    int64_t n = 1;
    for (int i = 0; i < s.rank; i++)
        n *= s.dims[i];
    double *v = malloc((size_t)(n ? n : 1) * sizeof *v);
    uint64_t st = seed * 6364136223846793005ull + 1442695040888963407ull;
    for (int64_t i = 0; i < n; i++) {
        st = st * 6364136223846793005ull + 1442695040888963407ull;
        v[i] = (double)(st >> 11) / 9007199254740992.0 * (hi - lo) + lo;
    }
    nx_tensor *t = nx_as_type(nx_from_data(v, NX_F64, s), type);
    free(v);
    return t;
}

void nxtest_assert_same_bits(const nx_tensor *a, const nx_tensor *b, const char *what)
{
    cr_assert_not_null(a, "%s", nx_error_message());
    cr_assert_not_null(b, "%s", nx_error_message());
    cr_assert_eq(nx_type_of(a), nx_type_of(b));
    int64_t n = nx_byte_size(a);
    cr_assert_eq(n, nx_byte_size(b));
    unsigned char *x = malloc((size_t)n + 1), *y = malloc((size_t)n + 1);
    nx_to_binary(a, x, n);
    nx_to_binary(b, y, n);
    cr_assert(memcmp(x, y, (size_t)n) == 0, "%s differ", what);
    free(x);
    free(y);
}

void nxtest_survives_failed_allocations(nx_tensor *(*fn)(void))
{
    for (long n = 1; n < 10000; n++) {
        nx_scope_begin();
        nxalloc_fail_at(n, 0);
        nx_tensor *r = fn();
        nxalloc_fail_at(0, 0);
        if (!r)
            cr_assert_neq(nx_error(), NX_OK, "allocation %ld: NULL without an error", n);
        nx_error_clear();
        nx_scope_end();
        if (r)
            return;
    }
    cr_assert_fail("never succeeded");
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

const nxtest_type_info nxtest_types[NX_TYPE_COUNT] = {
#define TYPE_ENTRY(E, name, kind, bits) [NX_##E] = { #name, #kind, bits },
    NX_TYPE_LIST(TYPE_ENTRY)
#undef TYPE_ENTRY
};

nx_type nxtest_type_listed(const char *name)
{
    for (int t = 1; t < NX_TYPE_COUNT; t++)
        if (strcmp(nxtest_types[t].name, name) == 0)
            return (nx_type)t;
    return NX_TYPE_NONE;
}

int nxtest_op_index(const nxtest_op *ops, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(ops[i].name, name) == 0)
            return (int)i;
    return -1;
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

char *nxtest_eval_text(const char *code)
{
    nxi_session s = { 0 };
    nxi_parse_error err = { 0 };
    nxi_ast *block = nxi_parse(code, strlen(code), &err);
    const char *kind = err.kind, *message = err.message;
    nxv *v = block ? nxi_eval_block(&s, block) : NULL;
    if (v) {
        nx_error_clear();
        return nxi_inspect(v);
    }
    if (block) {
        kind = nxi_raised_kind();
        message = nxi_raised_message();
    }
    size_t n = strlen(kind) + strlen(message) + 16;
    char *text = nxi_alloc(n);
    snprintf(text, n, "** (%s) %s", kind, message);
    if (block)
        nxi_clear_raised();
    nx_error_clear();
    return text;
}

void nxtest_expect_code(const char *code, const char *expected)
{
    nx_scope_begin();
    cr_assert_str_eq(nxtest_eval_text(code), expected, "%s", code);
    nx_scope_end();
}


const unsigned char *nxtest_rd_bytes(nxtest_reader *r, uint64_t n)
{
    cr_assert((uint64_t)(r->end - r->p) >= n, "oracle file is truncated: regenerate it (tests/oracle/gen_*.py)");
    const unsigned char *p = r->p;
    r->p += n;
    return p;
}

uint64_t nxtest_rd_le(nxtest_reader *r, int bytes)
{
    const unsigned char *p = nxtest_rd_bytes(r, (uint64_t)bytes);
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

double nxtest_rd_f64(nxtest_reader *r)
{
    uint64_t b = nxtest_rd_le(r, 8);
    double d;
    memcpy(&d, &b, 8);
    return d;
}

nx_shape nxtest_rd_shape(nxtest_reader *r)
{
    nx_shape s = { .rank = (int)nxtest_rd_le(r, 1) };
    cr_assert(s.rank <= NX_MAX_RANK);
    for (int i = 0; i < s.rank; i++)
        s.dims[i] = (int64_t)nxtest_rd_le(r, 8);
    return s;
}

void nxtest_expect_expr(const char *code, const char *header, const char *const *lines, int n)
{
    size_t widest = 0;
    for (int i = 0; i < n; i++) {
        size_t w = (size_t)(strchr(lines[i], '\t') - lines[i]);
        widest = w > widest ? w : widest;
    }
    char want[8192];
    int len = snprintf(want, sizeof want, "#Nx.Tensor<\n  %s\n  \n  Nx.Defn.Expr", header);
    for (int i = 0; i < n; i++) {
        const char *tab = strchr(lines[i], '\t');
        int w = (int)(tab - lines[i]);
        len += snprintf(want + len, sizeof want - (size_t)len, "\n  %.*s%*s%s", w, lines[i], (int)(widest + 3 - (size_t)w),
                        "", tab + 1);
    }
    snprintf(want + len, sizeof want - (size_t)len, "\n>");
    nxtest_expect_code(code, want);
}
