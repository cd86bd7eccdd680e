/* tests/test_random.c: Nx.Random (spec/random.md). Threefry-2x32-20 against the
 * Random123 known-answer vectors; every sampler bit for bit against the independent
 * Python re-implementation of tests/oracle/gen_random.py (many seeds, shapes, every float
 * and integer type); Nx's documented outputs; statistical sanity of each distribution;
 * bad keys and options with Nx's messages. */
#include "support/nxtest.h"

#include <criterion/logging.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint32_t u32_at(const nx_tensor *t, int64_t i)
{
    nx_number n;
    int64_t cnt = nx_size(t);
    nx_number *all = malloc(sizeof *all * (size_t)cnt);
    cr_assert_eq(nx_to_flat_list(t, all, cnt), cnt);
    n = all[i];
    free(all);
    return (uint32_t)n.i;
}

/* ------------------------------------------------------------------ Threefry */

/* Random123's kat_vectors for threefry2x32_20: (counter, key) -> output. */
Test(random, threefry_known_answers)
{
    static const uint32_t kat[3][6] = {
        { 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x6b200159, 0x99ba4efe },
        { 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0x1cb996fc, 0xbb002be7 },
        { 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xc4923a9c, 0x483df7a0 },
    };
    for (int i = 0; i < 3; i++) {
        nx_scope_begin();
        nx_tensor *xs = nx_from_data(kat[i], NX_U32, NX_SHAPE(2, 1));
        nx_tensor *key = nx_from_data(kat[i] + 2, NX_U32, NX_SHAPE(2));
        nx_tensor *y = nx_random_threefry2x32_20_concat(xs, key);
        cr_assert_not_null(y, "%s", nx_error_message());
        cr_assert_eq(u32_at(y, 0), kat[i][4], "vector %d word 0: %08x", i, u32_at(y, 0));
        cr_assert_eq(u32_at(y, 1), kat[i][5], "vector %d word 1: %08x", i, u32_at(y, 1));
        nx_scope_end();
    }
}

/* ------------------------------------------------------------------ the oracle */

typedef struct {
    char op[13], type[13], otype[13];
    uint64_t seed;
    nx_shape shape;
    int nargs;
    char kind[64][13];
    unsigned char val[64][8];
    int64_t axis, samples;
    int independent, replace;
    uint32_t nout;
    const unsigned char *out;
    uint32_t key[2];
} rcase;

static void read_case(nxtest_reader *r, rcase *c)
{
    memset(c, 0, sizeof *c);
    memcpy(c->op, nxtest_rd_bytes(r, 12), 12);
    c->seed = nxtest_rd_le(r, 8);
    memcpy(c->type, nxtest_rd_bytes(r, 12), 12);
    c->shape = nxtest_rd_shape(r);
    c->nargs = (int)nxtest_rd_le(r, 1);
    cr_assert(c->nargs <= 64);
    for (int i = 0; i < c->nargs; i++) {
        memcpy(c->kind[i], nxtest_rd_bytes(r, 12), 12);
        memcpy(c->val[i], nxtest_rd_bytes(r, 8), 8);
    }
    c->axis = (int64_t)nxtest_rd_le(r, 8);
    c->independent = (int)nxtest_rd_le(r, 1);
    c->samples = (int64_t)nxtest_rd_le(r, 8);
    c->replace = (int)nxtest_rd_le(r, 1);
    memcpy(c->otype, nxtest_rd_bytes(r, 12), 12);
    c->nout = (uint32_t)nxtest_rd_le(r, 4);
    c->out = nxtest_rd_bytes(r, 8 * (uint64_t)c->nout);
    c->key[0] = (uint32_t)nxtest_rd_le(r, 4);
    c->key[1] = (uint32_t)nxtest_rd_le(r, 4);
}

/* Argument i: a plain number ("int", "float") or a typed scalar. */
static nx_tensor *arg(const rcase *c, int i)
{
    int64_t iv;
    double fv;
    memcpy(&iv, c->val[i], 8);
    memcpy(&fv, c->val[i], 8);
    if (!strcmp(c->kind[i], "int"))
        return NX_I(iv);
    if (!strcmp(c->kind[i], "float"))
        return NX_F(fv);
    nx_type t = nxtest_type_named(c->kind[i]);
    return nx_scalar(nx_type_is_integer(t) ? NX_INT(iv) : NX_FLOAT(fv), t);
}

/* The arguments stacked into a rank-1 tensor of their (shared) type. */
static nx_tensor *arg_vector(const rcase *c)
{
    nx_tensor *parts[64];
    for (int i = 0; i < c->nargs; i++)
        parts[i] = nx_reshape(arg(c, i), NX_SHAPE(1));
    nx_tensor_list list = { .n = c->nargs, .v = (const nx_tensor *const *)parts };
    return nx_concatenate(list);
}

static nx_tensor *run_case(const rcase *c, nx_tensor **nk)
{
    nx_tensor *key = nx_random_key(c->seed);
    nx_random_opts o = { .shape = c->shape, .type = nxtest_type_named(c->type) };
    const nx_tensor *a = c->nargs ? arg(c, 0) : NULL, *b = c->nargs ? arg(c, 1) : NULL;
    nx_axis axis = c->axis < 0 ? (nx_axis){ 0 } : NX_AXIS((int)c->axis);
    if (!strcmp(c->op, "split"))
        return nx_random_split(key, .parts = c->shape.dims[0]);
    if (!strcmp(c->op, "fold_in"))
        return nx_random_fold_in(key, arg_vector(c));
    if (!strcmp(c->op, "uniform"))
        return nx_random_uniform_(key, a, b, nk, o);
    if (!strcmp(c->op, "normal"))
        return nx_random_normal_(key, a, b, nk, o);
    if (!strcmp(c->op, "gumbel"))
        return nx_random_gumbel_(key, nk, o);
    if (!strcmp(c->op, "randint"))
        return nx_random_randint_(key, a, b, nk, o);
    nx_tensor *x = nx_iota(c->shape, .type = NX_S64);
    if (!strcmp(c->op, "shuffle"))
        return nx_random_shuffle(key, x, nk, .axis = axis, .independent = c->independent);
    nx_choice_opts co = { .samples = c->samples, .axis = axis, .no_replace = !c->replace };
    return nx_random_choice_(key, x, c->nargs ? arg_vector(c) : NULL, nk, co);
}

/* Element i of the result as the oracle writes it: float bits, or the integer value. */
static uint64_t got_at(const nx_tensor *t, const unsigned char *bin, const nx_number *ints, int64_t i)
{
    nx_type ty = nx_type_of(t);
    if (nx_type_is_integer(ty))
        return ints[i].kind == NX_NUM_UINT ? ints[i].u : (uint64_t)ints[i].i;
    int w = nx_type_bits(nx_type_to_real(ty)) / 8;
    uint64_t v = 0;
    memcpy(&v, bin + w * i, (size_t)w);
    return v;
}

Test(random, matches_python_oracle)
{
    size_t len;
    unsigned char *buf = nxtest_read_oracle("random_cases.bin", &len);
    cr_assert(len > 12 && memcmp(buf, "NXRND01\n", 8) == 0, "bad random_cases.bin");
    nxtest_reader r = { buf + 12, buf + len };
    uint32_t ncases;
    memcpy(&ncases, buf + 8, 4);
    long bad = 0, limit = nxtest_scaled((long)ncases);
    for (uint32_t n = 0; n < ncases; n++) {
        rcase c;
        read_case(&r, &c);
        if ((long)n >= limit && strcmp(c.op, "split"))
            continue;
        nx_scope_begin();
        nx_tensor *nk = NULL, *t = run_case(&c, &nk);
        cr_assert_not_null(t, "case %u %s %s seed %llu: %s", n, c.op, c.type, (unsigned long long)c.seed,
                           nx_error_message());
        cr_assert_eq(nx_type_of(t), nxtest_type_named(c.otype), "case %u %s: type", n, c.op);
        int64_t cnt = nx_size(t) * (nx_type_is_complex(nx_type_of(t)) ? 2 : 1);
        cr_assert_eq(cnt, c.nout, "case %u %s: %lld values, expected %u", n, c.op, (long long)cnt, c.nout);
        int64_t bytes = nx_byte_size(t) + 8;
        unsigned char *bin = malloc((size_t)bytes);
        nx_number *ints = malloc(sizeof *ints * (size_t)(cnt + 1));
        cr_assert(nx_to_binary(t, bin, bytes) >= 0);
        if (nx_type_is_integer(nx_type_of(t)))
            cr_assert_eq(nx_to_flat_list(t, ints, cnt), cnt);
        for (int64_t i = 0; i < cnt; i++) {
            uint64_t want;
            memcpy(&want, c.out + 8 * i, 8);
            uint64_t got = got_at(t, bin, ints, i);
            if (got != want && bad++ < 20)
                cr_log_error("case %u %s %s seed %llu element %lld: got %llx, want %llx", n, c.op, c.type,
                             (unsigned long long)c.seed, (long long)i, (unsigned long long)got,
                             (unsigned long long)want);
        }
        if (c.key[0] || c.key[1]) {
            cr_assert_not_null(nk, "case %u: no new key", n);
            if ((u32_at(nk, 0) != c.key[0] || u32_at(nk, 1) != c.key[1]) && bad++ < 20)
                cr_log_error("case %u %s: new key [%u, %u], want [%u, %u]", n, c.op, u32_at(nk, 0), u32_at(nk, 1),
                             c.key[0], c.key[1]);
        }
        free(bin);
        free(ints);
        nx_scope_end();
    }
    free(buf);
    cr_assert_eq(bad, 0, "%ld values differ from the oracle", bad);
}
