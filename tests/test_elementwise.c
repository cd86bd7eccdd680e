/* tests/test_elementwise.c: element-wise unary and binary ops (spec/functions.md §0.3-0.4,
 * §6-§9; promotion: spec/types-and-inspect.md §3) against the oracle of
 * tests/oracle/gen_elementwise.py: output types for every op and operand-type pair
 * (number operands included), exact integer and IEEE results on random broadcast tensors
 * of every type, the integer corner cases nxc defines like XLA, the math functions
 * against mpmath (at most 1 ulp in f32 and f64; narrow floats rounded once), then the
 * spec's worked examples, errors, names, vectorized axes and templates by hand. */
#include "support/nxtest.h"

#include <criterion/logging.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const nxtest_type_info *const types = nxtest_types;
#define type_named nxtest_type_listed

static bool is_int_type(nx_type t) { return types[t].kind[0] == 'u' || types[t].kind[0] == 's'; }

/* ------------------------------------------------------------------ the ops by name */

typedef nxtest_unary_fn unary_fn;

static const nxtest_op ops[] = {
#define U NXTEST_U
#define B NXTEST_B
    U(exp) U(expm1) U(log) U(log1p) U(sigmoid) U(cos) U(sin) U(tan) U(cosh) U(sinh) U(tanh)
    U(acos) U(asin) U(atan) U(acosh) U(asinh) U(atanh) U(sqrt) U(rsqrt) U(cbrt) U(erf) U(erfc)
    U(erf_inv) U(negate) U(abs) U(sign) U(floor) U(ceil) U(round) U(bitwise_not)
    U(population_count) U(count_leading_zeros) U(is_nan) U(is_infinity)
    B(add) B(subtract) B(multiply) B(divide) B(pow) B(remainder) B(quotient) B(atan2) B(min)
    B(max) B(bitwise_and) B(bitwise_or) B(bitwise_xor) B(left_shift) B(right_shift) B(equal)
    B(not_equal) B(greater) B(less) B(greater_equal) B(less_equal) B(logical_and)
    B(logical_or) B(logical_xor)
#undef U
#undef B
};

static int op_index(const char *name)
{
    return nxtest_op_index(ops, sizeof ops / sizeof *ops, name);
}

static bool is_math_op(const char *name)
{
    int i = op_index(name);
    return i >= 0 && i < op_index("negate");
}

/* ------------------------------------------------------------------ float formats */

/* Significand bits (hidden bit included) and exponent of the least normal. */
static void float_format(nx_type t, int *p, int *emin)
{
    switch (t) {
    case NX_F8: *p = 3; *emin = -14; break;
    case NX_F8_E4M3FN: *p = 4; *emin = -6; break;
    case NX_BF16: *p = 8; *emin = -126; break;
    case NX_F16: *p = 11; *emin = -14; break;
    case NX_F32: *p = 24; *emin = -126; break;
    default: *p = 53; *emin = -1022; break;
    }
}

/* The quantum (ulp) of the binade of |v| in format t; the least subnormal for 0. */
static long double quantum(nx_type t, long double v)
{
    int p, emin;
    float_format(t, &p, &emin);
    int e = v == 0 ? emin : ilogbl(v);
    return ldexpl(1.0L, (e > emin ? e : emin) - (p - 1));
}

/* |got - exact| in ulps of the exact value's binade, where exact = hi + lo * ulp (hi the
 * exact value rounded to t). Infinite when only one of got and hi is non-finite or NaN. */
static double ulp_error(nx_type t, double got, double hi, double lo)
{
    if (isnan(hi) || isnan(got))
        return isnan(hi) && isnan(got) ? 0 : INFINITY;
    if (isinf(hi) || isinf(got))
        return got == hi ? 0 : INFINITY;
    int p, emin;
    float_format(t, &p, &emin);
    long double q = quantum(t, fabsl((long double)hi));
    /* hi a power of two reached by rounding up: the exact value is in the binade below */
    if (hi != 0 && frexp(fabs(hi), &(int){ 0 }) == 0.5 && ilogb(hi) > emin && (hi > 0 ? lo < 0 : lo > 0))
        q /= 2;
    return (double)fabsl(((long double)got - (long double)hi) / q - (long double)lo);
}

static double half_to_double(uint16_t h)
{
    int e = (h >> 10) & 31, m = h & 1023;
    double v = e == 0 ? ldexp(m, -24) : e == 31 ? (m ? NAN : INFINITY) : ldexp(m + 1024, e - 25);
    return h & 0x8000 ? -v : v;
}

/* Value of a stored float pattern of a narrow type (spec types-and-inspect §1). */
static double narrow_to_double(nx_type t, uint32_t b)
{
    switch (t) {
    case NX_F16:
        return half_to_double((uint16_t)b);
    case NX_BF16: {
        uint32_t u = b << 16;
        float f;
        memcpy(&f, &u, 4);
        return f;
    }
    case NX_F8:
        return half_to_double((uint16_t)(b << 8));
    case NX_F8_E4M3FN: {
        int e = (b >> 3) & 15, m = b & 7;
        double v = e == 15 && m == 7 ? NAN : e == 0 ? ldexp(m, -9) : ldexp(8 + m, e - 10);
        return b & 0x80 ? -v : v;
    }
    default:
        return NAN;
    }
}

/* ------------------------------------------------------------------ reading oracle files */

typedef struct {
    const unsigned char *p, *end;
    const char *file;
} reader;

static const unsigned char *take(reader *r, size_t n)
{
    cr_assert(r->p + n <= r->end, "%s: truncated; regenerate the oracle", r->file);
    const unsigned char *at = r->p;
    r->p += n;
    return at;
}

static uint64_t take_le(reader *r, int n)
{
    const unsigned char *b = take(r, (size_t)n);
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | b[i];
    return v;
}

/* An operand or expected result of elementwise_cases.bin. */
typedef struct {
    int kind;                  /* 0 tensor, 1 integer number, 2 float number */
    nx_type type, store;
    int rank;
    int64_t dims[NX_MAX_RANK];
    int64_t size;
    const unsigned char *data;
    int64_t ival;
    double fval;
} operand;

typedef struct {
    char op[25], label[41];
    int nin, mode, flags;
    operand in[2], want;
    const unsigned char *lo;   /* mode 1: i16[size] */
} ecase;

static void read_operand(reader *r, operand *o)
{
    memset(o, 0, sizeof *o);
    o->kind = (int)take_le(r, 1);
    o->type = (nx_type)take_le(r, 1);
    o->store = (nx_type)take_le(r, 1);
    o->rank = (int)take_le(r, 1);
    cr_assert(o->rank <= NX_MAX_RANK);
    o->size = 1;
    for (int i = 0; i < o->rank; i++) {
        o->dims[i] = (int64_t)take_le(r, 8);
        o->size *= o->dims[i];
    }
    if (o->kind == 0) {
        o->data = take(r, (size_t)(o->size * types[o->store].bits / 8));
    } else {
        uint64_t bits = take_le(r, 8);
        o->ival = (int64_t)bits;
        memcpy(&o->fval, &bits, 8);
    }
}

static void read_case(reader *r, ecase *c)
{
    memcpy(c->op, take(r, 24), 24);
    c->op[24] = 0;
    memcpy(c->label, take(r, 40), 40);
    c->label[40] = 0;
    c->nin = (int)take_le(r, 1);
    c->mode = (int)take_le(r, 1);
    c->flags = (int)take_le(r, 1);
    take(r, 1);
    for (int i = 0; i < c->nin; i++)
        read_operand(r, &c->in[i]);
    read_operand(r, &c->want);
    c->lo = c->mode == 1 ? take(r, (size_t)c->want.size * 2) : NULL;
}

/* Element i of stored data as an integer (integer stores) or a double (float stores). */
static int64_t int_at(nx_type store, const unsigned char *d, int64_t i)
{
    switch (store) {
    case NX_U8: return d[i];
    case NX_S8: return (int8_t)d[i];
    case NX_U16: { uint16_t v; memcpy(&v, d + 2 * i, 2); return v; }
    case NX_S16: { int16_t v; memcpy(&v, d + 2 * i, 2); return v; }
    case NX_U32: { uint32_t v; memcpy(&v, d + 4 * i, 4); return v; }
    case NX_S32: { int32_t v; memcpy(&v, d + 4 * i, 4); return v; }
    default: { int64_t v; memcpy(&v, d + 8 * i, 8); return v; }   /* u64 as its bits */
    }
}

static double float_at(nx_type store, const unsigned char *d, int64_t i)
{
    switch (store) {
    case NX_F16: { uint16_t v; memcpy(&v, d + 2 * i, 2); return half_to_double(v); }
    case NX_F32: { float v; memcpy(&v, d + 4 * i, 4); return v; }
    default: { double v; memcpy(&v, d + 8 * i, 8); return v; }
    }
}

static void element_text(char *buf, size_t cap, nx_type store, const unsigned char *d, int64_t i)
{
    if (is_int_type(store))
        snprintf(buf, cap, store == NX_U64 ? "%llu" : "%lld", (long long)int_at(store, d, i));
    else
        snprintf(buf, cap, "%.17g", float_at(store, d, i));
}

/* Flat index into an operand for flat output index i (right-aligned broadcasting). */
static int64_t source_index(const operand *o, const operand *out, int64_t i)
{
    int64_t idx[NX_MAX_RANK], flat = 0;
    for (int k = out->rank - 1; k >= 0; k--) {
        idx[k] = i % out->dims[k];
        i /= out->dims[k];
    }
    int off = out->rank - o->rank;
    for (int k = 0; k < o->rank; k++)
        flat = flat * o->dims[k] + (o->dims[k] == 1 ? 0 : idx[off + k]);
    return flat;
}

static void operand_text(char *buf, size_t cap, const operand *o, const operand *out, int64_t i)
{
    if (o->kind == 1)
        snprintf(buf, cap, "number %lld", (long long)o->ival);
    else if (o->kind == 2)
        snprintf(buf, cap, "number %.17g", o->fval);
    else
        element_text(buf, cap, o->store, o->data, source_index(o, out, i));
}

static nx_tensor *make_operand(const operand *o)
{
    if (o->kind == 1)
        return NX_I(o->ival);
    if (o->kind == 2)
        return NX_F(o->fval);
    nx_shape shape = { .rank = o->rank };
    memcpy(shape.dims, o->dims, sizeof(int64_t) * (size_t)o->rank);
    nx_tensor *t = nx_from_data(o->data, o->store, shape);
    cr_assert_not_null(t, "from_data: %s", nx_error_message());
    if (o->type != o->store) {
        t = nx_as_type(t, o->type);
        cr_assert_not_null(t, "as_type: %s", nx_error_message());
    }
    return t;
}

/* Checks one case; returns the number of failures (logged, at most a few per case). */
static int64_t check_case(const ecase *c, long index, double *max_ulp)
{
    nx_scope_begin();
    nx_tensor *in[2] = { NULL, NULL };
    for (int i = 0; i < c->nin; i++)
        in[i] = make_operand(&c->in[i]);
    int k = op_index(c->op);
    cr_assert(k >= 0, "unknown op %s in the oracle", c->op);
    nx_tensor *r = c->nin == 1 ? ops[k].u(in[0]) : ops[k].b(in[0], in[1]);
    int64_t bad = 0;
    const operand *w = &c->want;
    if (!r) {
        cr_log_error("case %ld %s (%s): error %s: %s", index, c->op, c->label,
                     nx_error_kind_name(nx_error()), nx_error_message());
        nx_error_clear();
        nx_scope_end();
        return 1;
    }
    nx_shape s = nx_shape_of(r);
    bool shape_ok = s.rank == w->rank && memcmp(s.dims, w->dims, sizeof(int64_t) * (size_t)w->rank) == 0;
    if (nx_type_of(r) != w->type || !shape_ok) {
        cr_log_error("case %ld %s (%s): result %s rank %d, expected %s rank %d", index, c->op, c->label,
                     nx_type_name(nx_type_of(r)), s.rank, types[w->type].name, w->rank);
        nx_scope_end();
        return 1;
    }
    if (w->store != w->type)
        r = nx_as_type(r, w->store);
    size_t nbytes = (size_t)(w->size * types[w->store].bits / 8);
    unsigned char *got = malloc(nbytes + 1);
    cr_assert_not_null(got);
    cr_assert_eq(nx_to_binary(r, got, (int64_t)nbytes + 1), (int64_t)nbytes * 8, "to_binary: %s",
                 nx_error_message());
    for (int64_t i = 0; i < w->size; i++) {
        bool ok;
        double err = 0;
        if (is_int_type(w->store)) {
            ok = int_at(w->store, got, i) == int_at(w->store, w->data, i);
        } else {
            double g = float_at(w->store, got, i), e = float_at(w->store, w->data, i);
            if (c->mode == 1) {
                int16_t lo;
                memcpy(&lo, c->lo + 2 * i, 2);
                err = ulp_error(w->type, g, e, lo / 32768.0);
                ok = err <= 1.0;
                if (err > *max_ulp && isfinite(err))
                    *max_ulp = err;
            } else {
                ok = (isnan(g) && isnan(e)) || g == e;
            }
            if (ok && g == 0 && e == 0 && !(c->flags & 1) && (c->mode == 0 || err == 0))
                ok = signbit(g) == signbit(e);
        }
        if (ok)
            continue;
        if (bad++ < 4) {
            char a[64] = "", b[64] = "", e[64], g[64];
            operand_text(a, sizeof a, &c->in[0], w, i);
            if (c->nin == 2)
                operand_text(b, sizeof b, &c->in[1], w, i);
            element_text(e, sizeof e, w->store, w->data, i);
            element_text(g, sizeof g, w->store, got, i);
            cr_log_error("case %ld %s (%s -> %s): element %lld: %s(%s%s%s) expected %s, got %s%s", index, c->op,
                         c->label, types[w->type].name, (long long)i, c->op, a, c->nin == 2 ? ", " : "", b, e, g,
                         c->mode == 1 ? " (> 1 ulp)" : "");
        }
    }
    free(got);
    nx_scope_end();
    return bad;
}

/* Runs every case of elementwise_cases.bin whose op is `op` (or, with op "math", every
 * math function on integer inputs). */
static void run_cases(const char *op)
{
    size_t len;
    unsigned char *buf = nxtest_read_oracle("elementwise_cases.bin", &len);
    reader r = { buf, buf + len, "elementwise_cases.bin" };
    cr_assert(len >= 12 && memcmp(buf, "NXELEM1\n", 8) == 0, "not an oracle file");
    take(&r, 8);
    uint32_t n = (uint32_t)take_le(&r, 4);
    long seen = 0;
    int64_t bad = 0, cases_bad = 0;
    double max_ulp = 0;
    for (uint32_t i = 0; i < n; i++) {
        ecase c;
        read_case(&r, &c);
        bool mine = strcmp(op, "math") == 0 ? is_math_op(c.op) : strcmp(op, c.op) == 0;
        if (!mine)
            continue;
        seen++;
        int64_t b = check_case(&c, (long)i, &max_ulp);
        bad += b;
        cases_bad += b > 0;
    }
    cr_assert_eq(r.p, r.end, "trailing bytes in elementwise_cases.bin");
    free(buf);
    cr_assert(seen > 0, "no oracle cases for %s", op);
    if (max_ulp > 0)
        cr_log_info("%s: %ld cases, max error %.3f ulp", op, seen, max_ulp);
    cr_assert_eq(bad, 0, "%s: %lld wrong elements in %lld of %ld cases (oracle: gen_elementwise.py)", op,
                 (long long)bad, (long long)cases_bad, seen);
}

#define CASES_TEST(name) \
    Test(elementwise, cases_##name, .timeout = 300) { run_cases(#name); }
CASES_TEST(add)
CASES_TEST(subtract)
CASES_TEST(multiply)
CASES_TEST(divide)
CASES_TEST(pow)
CASES_TEST(remainder)
CASES_TEST(quotient)
CASES_TEST(atan2)
CASES_TEST(min)
CASES_TEST(max)
CASES_TEST(bitwise_and)
CASES_TEST(bitwise_or)
CASES_TEST(bitwise_xor)
CASES_TEST(left_shift)
CASES_TEST(right_shift)
CASES_TEST(equal)
CASES_TEST(not_equal)
CASES_TEST(greater)
CASES_TEST(less)
CASES_TEST(greater_equal)
CASES_TEST(less_equal)
CASES_TEST(logical_and)
CASES_TEST(logical_or)
CASES_TEST(logical_xor)
CASES_TEST(negate)
CASES_TEST(abs)
CASES_TEST(sign)
CASES_TEST(floor)
CASES_TEST(ceil)
CASES_TEST(round)
CASES_TEST(bitwise_not)
CASES_TEST(population_count)
CASES_TEST(count_leading_zeros)
CASES_TEST(is_nan)
CASES_TEST(is_infinity)
CASES_TEST(math)

/* ------------------------------------------------------------------ math accuracy */

/* Checks one block of elementwise_math_<fn>.bin; returns the failures. */
static int64_t check_math_block(const char *fn, unary_fn *f, reader *r)
{
    char tname[13] = { 0 };
    memcpy(tname, take(r, 12), 12);
    nx_type t = (nx_type)take_le(r, 4);
    cr_assert(t == type_named(tname), "%s: block type %s", fn, tname);
    int64_t n = (int64_t)take_le(r, 4);
    int lo_kind = (int)take_le(r, 4);
    int w = types[t].bits / 8, low = lo_kind == 0 ? 2 : 4;
    const unsigned char *x = take(r, (size_t)(n * w)), *hi = take(r, (size_t)(n * w));
    const unsigned char *lo = take(r, (size_t)(n * low));
    bool wide = t == NX_F32 || t == NX_F64;
    int64_t m = wide ? nxtest_scaled(n) : n;
    if (m > n)
        m = n;

    nx_scope_begin();
    nx_tensor *in = nx_from_binary(x, m * types[t].bits, t);
    cr_assert_not_null(in, "%s", nx_error_message());
    nx_tensor *out = f(in);
    cr_assert_not_null(out, "%s(%s): %s", fn, tname, nx_error_message());
    cr_assert_eq(nx_type_of(out), t, "%s(%s) gave %s", fn, tname, nx_type_name(nx_type_of(out)));
    unsigned char *got = malloc((size_t)(m * w) + 1);
    cr_assert_not_null(got);
    cr_assert_eq(nx_to_binary(out, got, m * w + 1), m * types[t].bits);

    int64_t bad = 0, not_rounded_once = 0;
    double max_err = 0, max_at = 0;
    for (int64_t i = 0; i < m; i++) {
        double xv, hv, gv, lv;
        if (wide) {
            xv = float_at(t, x, i);
            hv = float_at(t, hi, i);
            gv = float_at(t, got, i);
            int16_t l16;
            memcpy(&l16, lo + 2 * i, 2);
            lv = l16 / 32768.0;
        } else {
            uint32_t xb = (uint32_t)int_at(w == 2 ? NX_U16 : NX_U8, x, i);
            uint32_t hb = (uint32_t)int_at(w == 2 ? NX_U16 : NX_U8, hi, i);
            uint32_t gb = (uint32_t)int_at(w == 2 ? NX_U16 : NX_U8, got, i);
            xv = narrow_to_double(t, xb);
            hv = narrow_to_double(t, hb);
            gv = narrow_to_double(t, gb);
            int32_t l32;
            memcpy(&l32, lo + 4 * i, 4);
            lv = l32 / 2147483648.0;
        }
        double err = ulp_error(t, gv, hv, lv);
        bool ok = err <= 1.0;
        if (ok && gv == 0 && hv == 0 && lv == 0)
            ok = signbit(gv) == signbit(hv);           /* exact zeros keep IEEE's sign */
        if (ok && !wide && !(isnan(gv) && isnan(hv)) && gv != hv) {
            /* narrow floats: rounded once from the exact value (a result on the other
             * side of a near-tie, closer than 2^-20 ulp, is accepted) */
            if (fabs(fabs(lv) - 0.5) > 1.0 / (1 << 20)) {
                ok = false;
                not_rounded_once++;
            }
        }
        if (isfinite(err) && err > max_err) {
            max_err = err;
            max_at = xv;
        }
        if (ok)
            continue;
        if (bad++ < 6)
            cr_log_error("%s(%s %.17g): expected %.17g (%+.4f ulp to the exact value), got %.17g (%.3f ulp off)", fn,
                         tname, xv, hv, lv, gv, err);
    }
    cr_log_info("%s %s: %lld points, max error %.4f ulp (at %.17g), %lld over the bound%s", fn, tname, (long long)m,
                max_err, max_at, (long long)bad, not_rounded_once ? " (not rounded once)" : "");
    free(got);
    nx_scope_end();
    return bad;
}

static void check_math(const char *fn, unary_fn *f)
{
    char name[64];
    size_t len;
    snprintf(name, sizeof name, "elementwise_math_%s.bin", fn);
    unsigned char *buf = nxtest_read_oracle(name, &len);
    reader r = { buf, buf + len, name };
    cr_assert(len >= 12 && memcmp(buf, "NXMATH1\n", 8) == 0, "%s: not an oracle file", name);
    take(&r, 8);
    uint32_t nblocks = (uint32_t)take_le(&r, 4);
    int64_t bad = 0;
    for (uint32_t b = 0; b < nblocks; b++)
        bad += check_math_block(fn, f, &r);
    cr_assert_eq(r.p, r.end, "%s: trailing bytes", name);
    free(buf);
    cr_assert_eq(bad, 0, "%s: %lld results off by more than 1 ulp or not rounded once (see the log)", fn,
                 (long long)bad);
}

#define MATH_TEST(fn) \
    Test(elementwise, math_##fn, .timeout = 300) { check_math(#fn, nx_##fn); }
MATH_TEST(exp)
MATH_TEST(expm1)
MATH_TEST(log)
MATH_TEST(log1p)
MATH_TEST(sigmoid)
MATH_TEST(cos)
MATH_TEST(sin)
MATH_TEST(tan)
MATH_TEST(cosh)
MATH_TEST(sinh)
MATH_TEST(tanh)
MATH_TEST(acos)
MATH_TEST(asin)
MATH_TEST(atan)
MATH_TEST(acosh)
MATH_TEST(asinh)
MATH_TEST(atanh)
MATH_TEST(sqrt)
MATH_TEST(rsqrt)
MATH_TEST(cbrt)
MATH_TEST(erf)
MATH_TEST(erfc)
MATH_TEST(erf_inv)

/* ------------------------------------------------------------------ output types */

static nx_tensor *type_operand(const char *text)
{
    if (strncmp(text, "i:", 2) == 0)
        return NX_I(strtoll(text + 2, NULL, 10));
    if (strncmp(text, "f:", 2) == 0)
        return NX_F(strtod(text + 2, NULL));
    nx_type t = type_named(text);
    cr_assert(t != NX_TYPE_NONE, "bad type %s in elementwise_types.txt", text);
    nx_tensor *x = nx_scalar(NX_INT(1), t);
    cr_assert_not_null(x, "scalar %s: %s", text, nx_error_message());
    return x;
}

/* Every line of elementwise_types.txt whose op is unary (unary true) or binary. */
static void check_types(bool unary)
{
    size_t len;
    char *buf = (char *)nxtest_read_oracle("elementwise_types.txt", &len);
    buf = realloc(buf, len + 1);
    buf[len] = 0;
    long lines = 0, bad = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#')
            continue;
        char op[32], a[48], b[48];
        int used = 0;
        cr_assert_eq(sscanf(line, "%31s %47s %47s %n", op, a, b, &used), 3, "bad line: %s", line);
        const char *want = line + used;
        int k = op_index(op);
        cr_assert(k >= 0, "unknown op %s", op);
        if ((strcmp(b, "-") == 0) != unary)
            continue;
        lines++;
        nx_scope_begin();
        nx_tensor *x = type_operand(a), *y = unary ? NULL : type_operand(b);
        nx_tensor *r = unary ? ops[k].u(x) : ops[k].b(x, y);
        char gotbuf[512];
        if (r)
            snprintf(gotbuf, sizeof gotbuf, "%s", nx_type_name(nx_type_of(r)));
        else
            snprintf(gotbuf, sizeof gotbuf, "!%s", nx_error_message());
        bool error_kind_ok = r || nx_error() == NX_ARGUMENT_ERROR;
        nx_error_clear();
        nx_scope_end();
        if (strcmp(want, gotbuf) == 0 && error_kind_ok)
            continue;
        if (bad++ < 25)
            cr_log_error("%s(%s%s%s): expected %s, got %s%s", op, a, unary ? "" : ", ", unary ? "" : b, want, gotbuf,
                         error_kind_ok ? "" : " (not an ArgumentError)");
    }
    free(buf);
    cr_log_info("%ld type lines checked", lines);
    cr_assert(lines > 100);
    cr_assert_eq(bad, 0, "%ld of %ld operand-type combinations give the wrong type or message", bad, lines);
}

Test(elementwise, unary_output_types) { check_types(true); }
Test(elementwise, binary_output_types, .timeout = 300) { check_types(false); }

/* ------------------------------------------------------------------ worked examples */

static nx_tensor *vec_(nx_type t, const void *data, int64_t n)
{
    nx_tensor *x = nx_from_data(data, t, NX_SHAPE(n));
    cr_assert_not_null(x, "%s", nx_error_message());
    return x;
}
#define VEC(t, ctype, ...) vec_((t), (ctype[]){ __VA_ARGS__ }, sizeof((ctype[]){ __VA_ARGS__ }) / sizeof(ctype))

/* Asserts t has type `type`, rank 1 or 0 and the given elements (NaN-aware, zero signs
 * checked), read through to_flat_list. */
static void expect_values_(const nx_tensor *t, nx_type type, const double *want, int64_t n, const char *what)
{
    cr_assert_not_null(t, "%s: %s: %s", what, nx_error_kind_name(nx_error()), nx_error_message());
    cr_assert_eq(nx_type_of(t), type, "%s: type %s, expected %s", what, nx_type_name(nx_type_of(t)),
                 types[type].name);
    cr_assert_eq(nx_size(t), n, "%s: %lld elements, expected %lld", what, (long long)nx_size(t), (long long)n);
    nx_number got[64];
    cr_assert_eq(nx_to_flat_list(t, got, 64), n);
    for (int64_t i = 0; i < n; i++) {
        double g = got[i].kind == NX_NUM_FLOAT ? got[i].f
                   : got[i].kind == NX_NUM_UINT ? (double)got[i].u : (double)got[i].i;
        bool ok = (isnan(g) && isnan(want[i])) || (g == want[i] && signbit(g) == signbit(want[i]));
        cr_expect(ok, "%s: element %lld: expected %.17g, got %.17g", what, (long long)i, want[i], g);
    }
}
#define EXPECT(t, type, ...) \
    expect_values_((t), (type), (double[]){ __VA_ARGS__ }, sizeof((double[]){ __VA_ARGS__ }) / sizeof(double), #t)

Test(elementwise, spec_unary_examples)
{
    nx_scope_begin();
    EXPECT(nx_negate(VEC(NX_U8, uint8_t, 0, 1, 2)), NX_U8, 0, 255, 254);
    EXPECT(nx_negate(VEC(NX_S8, int8_t, -128, 127)), NX_S8, -128, -127);
    EXPECT(nx_abs(VEC(NX_S32, int32_t, INT32_MIN, -5)), NX_S32, INT32_MIN, 5);
    EXPECT(nx_sign(VEC(NX_F32, float, -0.0f, NAN, INFINITY, -INFINITY, 0.0f, -3)), NX_F32, -0.0, NAN, 1, -1, 0.0, -1);
    EXPECT(nx_sign(VEC(NX_U8, uint8_t, 0, 7)), NX_U8, 0, 1);
    EXPECT(nx_round(VEC(NX_F32, float, -0.5f, 0.5f, 1.5f, 2.5f, -2.5f)), NX_F32, -1, 1, 2, 3, -3);
    EXPECT(nx_ceil(VEC(NX_F32, float, -0.5f, 0.5f)), NX_F32, -0.0, 1);
    EXPECT(nx_floor(VEC(NX_F64, double, -0.5, INFINITY, NAN)), NX_F64, -1, INFINITY, NAN);
    EXPECT(nx_bitwise_not(VEC(NX_S8, int8_t, -1, 0, 1)), NX_S8, 0, -1, -2);
    EXPECT(nx_bitwise_not(VEC(NX_U8, uint8_t, 0)), NX_U8, 255);
    EXPECT(nx_population_count(VEC(NX_S8, int8_t, -1)), NX_S8, 8);
    EXPECT(nx_population_count(VEC(NX_S32, int32_t, -128)), NX_S32, 25);
    EXPECT(nx_count_leading_zeros(VEC(NX_S32, int32_t, 1, 0, -1)), NX_S32, 31, 32, 0);
    EXPECT(nx_count_leading_zeros(nx_as_type(VEC(NX_S8, int8_t, 0, 1, -1, 7), NX_S4)), NX_S4, 4, 3, 0, 1);
    EXPECT(nx_count_leading_zeros(nx_as_type(VEC(NX_U8, uint8_t, 0, 1, 15), NX_U4)), NX_U4, 4, 3, 0);
    EXPECT(nx_population_count(nx_as_type(VEC(NX_S8, int8_t, -1, -8, 5), NX_S4)), NX_S4, 4, 1, 2);
    EXPECT(nx_is_nan(VEC(NX_F32, float, NAN, 1, INFINITY)), NX_U8, 1, 0, 0);
    EXPECT(nx_is_infinity(VEC(NX_F16, uint16_t, 0x7C00, 0xFC00, 0x7E00, 0x3C00)), NX_U8, 1, 1, 0, 0);
    EXPECT(nx_is_nan(VEC(NX_S32, int32_t, 1, 2)), NX_U8, 0, 0);
    /* math */
    EXPECT(nx_log(VEC(NX_F32, float, 0.0f, -0.0f, -1, 1)), NX_F32, -INFINITY, -INFINITY, NAN, 0.0);
    EXPECT(nx_sqrt(VEC(NX_F32, float, -1, -0.0f, 4)), NX_F32, NAN, -0.0, 2);
    EXPECT(nx_erf_inv(VEC(NX_F32, float, 1, -1, 2, 0)), NX_F32, INFINITY, -INFINITY, NAN, 0.0);
    EXPECT(nx_erf_inv(VEC(NX_F64, double, 1, -1, -2, -0.0)), NX_F64, INFINITY, -INFINITY, NAN, -0.0);
    EXPECT(nx_acos(VEC(NX_F32, float, 2)), NX_F32, NAN);
    EXPECT(nx_atanh(VEC(NX_F32, float, 2, 1, -1)), NX_F32, NAN, INFINITY, -INFINITY);
    EXPECT(nx_cbrt(VEC(NX_F64, double, -8, 8, -0.0)), NX_F64, -2, 2, -0.0);
    nx_number c;
    cr_assert_eq(nx_to_number(nx_cbrt(nx_scalar(NX_FLOAT(-27), NX_F64)), &c), 0);
    cr_expect(c.f < 0 && fabs(c.f + 3) <= 0x1p-51, "cbrt(-27.0) = %.17g", c.f);   /* within 1 ulp */
    EXPECT(nx_exp(VEC(NX_S32, int32_t, 0)), NX_F32, 1);
    EXPECT(nx_exp(VEC(NX_F64, double, -INFINITY, INFINITY, NAN)), NX_F64, 0.0, INFINITY, NAN);
    EXPECT(nx_rsqrt(VEC(NX_F32, float, 0.0f, 4, INFINITY)), NX_F32, INFINITY, 0.5, 0.0);
    EXPECT(nx_sigmoid(VEC(NX_F32, float, 0, INFINITY, -INFINITY)), NX_F32, 0.5, 1, 0.0);
    nx_scope_end();
}

Test(elementwise, unary_returns_integer_input_unchanged)
{
    nx_scope_begin();
    nx_tensor *u = nx_rename(VEC(NX_U8, uint8_t, 1, 2, 3), NX_NAMES("x"));
    const char *rounding[] = { "abs", "floor", "ceil", "round" };
    for (int i = 0; i < 4; i++) {
        nx_tensor *r = ops[op_index(rounding[i])].u(u);
        EXPECT(r, NX_U8, 1, 2, 3);
        cr_expect_eq(nx_names_of(r).v[0], nx_atom("x"), "%s keeps the names", rounding[i]);
    }
    EXPECT(nx_floor(VEC(NX_S64, int64_t, INT64_MIN + 1, -3)), NX_S64, (double)(INT64_MIN + 1), -3);
    /* unary ops keep names and vectorized axes */
    nx_tensor *v = nx_vectorize(nx_iota(NX_SHAPE(2, 3), .names = NX_NAMES("a", "b")), "a");
    nx_tensor *e = nx_exp(v);
    cr_assert_not_null(e, "%s", nx_error_message());
    cr_expect_eq(nx_vectorized_rank(e), 1);
    cr_expect_eq(nx_rank(e), 1);
    cr_expect_eq(nx_names_of(e).v[0], nx_atom("b"));
    nx_scope_end();
}

Test(elementwise, spec_binary_examples)
{
    nx_scope_begin();
    nx_tensor *u8 = nx_rename(VEC(NX_U8, uint8_t, 0, 1, 2), NX_NAMES("data"));
    nx_tensor *r = nx_add(u8, NX_I(-1));
    EXPECT(r, NX_S16, -1, 0, 1);
    cr_expect_eq(nx_names_of(r).v[0], nx_atom("data"));
    EXPECT(nx_add(VEC(NX_S32, int32_t, 1, 2, 3), NX_F(1.0)), NX_F32, 2, 3, 4);
    EXPECT(nx_add(NX_I(1), NX_I(2)), NX_S32, 3);
    cr_expect_eq(nx_rank(nx_add(NX_I(1), NX_I(2))), 0);
    EXPECT(nx_divide(NX_I(1), NX_I(2)), NX_F32, 0.5);
    EXPECT(nx_remainder(VEC(NX_S8, int8_t, -11), VEC(NX_U8, uint8_t, 10)), NX_S16, -1);
    EXPECT(nx_remainder(VEC(NX_S32, int32_t, -11, 11, -11), VEC(NX_S32, int32_t, 10, -10, -10)), NX_S32, -1, 1, -1);
    EXPECT(nx_left_shift(VEC(NX_S32, int32_t, -1), NX_I(3)), NX_S32, -8);
    EXPECT(nx_right_shift(VEC(NX_S32, int32_t, -64), NX_I(3)), NX_S32, -8);
    EXPECT(nx_right_shift(VEC(NX_U8, uint8_t, 128), NX_I(3)), NX_U8, 16);
    EXPECT(nx_atan2(VEC(NX_F64, double, -0.0, 0.0, -0.0, 0.0), VEC(NX_F64, double, -0.0, -0.0, 0.0, 0.0)), NX_F64,
           -M_PI, M_PI, -0.0, 0.0);
    EXPECT(nx_pow(VEC(NX_F32, float, 0, -8, 2), VEC(NX_F32, float, 0, 1.0f / 3, -1)), NX_F32, 1, NAN, 0.5);
    EXPECT(nx_pow(VEC(NX_S32, int32_t, 2, 3, -2), VEC(NX_S32, int32_t, 10, 0, 3)), NX_S32, 1024, 1, -8);
    EXPECT(nx_divide(VEC(NX_F32, float, 1, -1, 0), VEC(NX_F32, float, 0, 0, 0)), NX_F32, INFINITY, -INFINITY, NAN);
    EXPECT(nx_max(VEC(NX_F32, float, NAN, 1, 2), VEC(NX_F32, float, 1, NAN, 3)), NX_F32, NAN, NAN, 3);
    EXPECT(nx_min(VEC(NX_F64, double, NAN, 1, -INFINITY), VEC(NX_F64, double, 1, NAN, 3)), NX_F64, NAN, NAN, -INFINITY);
    EXPECT(nx_remainder(VEC(NX_F32, float, 5.5f, -5.5f, 1, INFINITY), VEC(NX_F32, float, 2, 2, 0, 1)), NX_F32, 1.5, -1.5,
           NAN, NAN);
    nx_scope_end();
}

Test(elementwise, spec_comparison_and_logic)
{
    nx_scope_begin();
    nx_tensor *a = VEC(NX_F32, float, NAN, 1, INFINITY, -INFINITY, 0.0f);
    nx_tensor *b = VEC(NX_F32, float, NAN, NAN, 1e30f, -1e30f, -0.0f);
    EXPECT(nx_equal(a, b), NX_U8, 0, 0, 0, 0, 1);
    EXPECT(nx_not_equal(a, b), NX_U8, 1, 1, 1, 1, 0);
    EXPECT(nx_greater(a, b), NX_U8, 0, 0, 1, 0, 0);
    EXPECT(nx_less(a, b), NX_U8, 0, 0, 0, 1, 0);
    EXPECT(nx_greater_equal(a, b), NX_U8, 0, 0, 1, 0, 1);
    EXPECT(nx_less_equal(a, b), NX_U8, 0, 0, 0, 1, 1);
    EXPECT(nx_logical_and(a, b), NX_U8, 1, 1, 1, 1, 0);
    EXPECT(nx_logical_or(VEC(NX_F32, float, NAN, 0), VEC(NX_F32, float, 0, 0)), NX_U8, 1, 0);
    EXPECT(nx_logical_xor(VEC(NX_S8, int8_t, 0, 3, 0), VEC(NX_S8, int8_t, -1, 2, 0)), NX_U8, 1, 0, 0);
    EXPECT(nx_equal(VEC(NX_S8, int8_t, -1), VEC(NX_U8, uint8_t, 255)), NX_U8, 0);
    EXPECT(nx_less(VEC(NX_S8, int8_t, -1), VEC(NX_U8, uint8_t, 255)), NX_U8, 1);
    nx_scope_end();
}

/* §8: "operands are compared in their own types (mixed int/float compares numerically)";
 * §0.4: any non-zero value is true. These pairs lose information when converted to their
 * binary type, so they are left out of the random cases and checked here. */
Test(elementwise, mixed_types_compare_numerically)
{
    nx_scope_begin();
    EXPECT(nx_equal(VEC(NX_S32, int32_t, 16777217), VEC(NX_F32, float, 16777216.0f)), NX_U8, 0);
    EXPECT(nx_greater(VEC(NX_S32, int32_t, 16777217), VEC(NX_F32, float, 16777216.0f)), NX_U8, 1);
    EXPECT(nx_equal(VEC(NX_S32, int32_t, 2049), VEC(NX_F16, uint16_t, 0x6800 /* 2048 */)), NX_U8, 0);
    EXPECT(nx_less(VEC(NX_S32, int32_t, 70000), VEC(NX_F16, uint16_t, 0x7C00 /* +Inf */)), NX_U8, 1);
    EXPECT(nx_greater(VEC(NX_U64, uint64_t, (uint64_t)1 << 63), VEC(NX_S64, int64_t, 0)), NX_U8, 1);
    EXPECT(nx_not_equal(VEC(NX_U64, uint64_t, UINT64_MAX), VEC(NX_S64, int64_t, -1)), NX_U8, 1);
    EXPECT(nx_logical_and(nx_as_type(VEC(NX_F32, float, 1e-30f), NX_BF16), VEC(NX_F16, uint16_t, 0x3C00)), NX_U8, 1);
    EXPECT(nx_logical_or(VEC(NX_F16, uint16_t, 0), nx_as_type(VEC(NX_F32, float, 1e-30f), NX_BF16)), NX_U8, 1);
    nx_scope_end();
}

/* §0.4 and §7, §9: nxc's defined results where Nx's reference backend raises. */
Test(elementwise, integer_corner_cases)
{
    nx_scope_begin();
    EXPECT(nx_quotient(VEC(NX_S32, int32_t, 7, -7, INT32_MIN, INT32_MIN), VEC(NX_S32, int32_t, 0, 0, -1, 1)), NX_S32, -1,
           -1, INT32_MIN, INT32_MIN);
    EXPECT(nx_quotient(VEC(NX_U16, uint16_t, 7), VEC(NX_U16, uint16_t, 0)), NX_U16, 65535);
    EXPECT(nx_remainder(VEC(NX_S64, int64_t, 7, -7, INT64_MIN), VEC(NX_S64, int64_t, 0, 0, -1)), NX_S64, 7, -7, 0);
    EXPECT(nx_pow(VEC(NX_S32, int32_t, 2, 1, -1, -1, 0), VEC(NX_S32, int32_t, -1, -5, -3, -2, -1)), NX_S32, 0, 1, -1, 1, 0);
    EXPECT(nx_left_shift(VEC(NX_S32, int32_t, 1, 1, -1), VEC(NX_S32, int32_t, 32, -1, 31)), NX_S32, 0, 0, INT32_MIN);
    EXPECT(nx_right_shift(VEC(NX_S32, int32_t, -5, 5, -5, INT32_MIN), VEC(NX_S32, int32_t, 32, 40, -1, 31)), NX_S32, -1,
           0, -1, -1);
    EXPECT(nx_right_shift(VEC(NX_U8, uint8_t, 255, 255), VEC(NX_U8, uint8_t, 8, 7)), NX_U8, 0, 1);
    EXPECT(nx_left_shift(nx_as_type(VEC(NX_S8, int8_t, 1, -1, 3), NX_S4), nx_as_type(VEC(NX_S8, int8_t, 3, 4, 2), NX_S4)),
           NX_S4, -8, 0, -4);
    EXPECT(nx_right_shift(nx_as_type(VEC(NX_S8, int8_t, -8, 7), NX_S4), nx_as_type(VEC(NX_S8, int8_t, 4, 5), NX_S4)),
           NX_S4, -1, 0);
    EXPECT(nx_quotient(nx_as_type(VEC(NX_S8, int8_t, -8, 5), NX_S4), nx_as_type(VEC(NX_S8, int8_t, -1, 0), NX_S4)), NX_S4,
           -8, -1);
    EXPECT(nx_multiply(VEC(NX_U8, uint8_t, 16), VEC(NX_U8, uint8_t, 17)), NX_U8, 16);
    EXPECT(nx_add(VEC(NX_S64, int64_t, INT64_MAX), VEC(NX_S64, int64_t, 1)), NX_S64, (double)INT64_MIN);
    nx_scope_end();
}

/* ------------------------------------------------------------------ errors */

Test(elementwise, type_errors)
{
    nx_scope_begin();
    nx_tensor *f = VEC(NX_F32, float, 1), *i = VEC(NX_S32, int32_t, 1);
    cr_assert_null(nx_quotient(NX_I(10), NX_F(1.0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "quotient expects integer tensors as inputs and outputs an integer tensor, got: {:f, 32}");
    cr_assert_null(nx_quotient(f, i));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "quotient expects integer tensors as inputs and outputs an integer tensor, got: {:f, 32}");
    cr_assert_null(nx_bitwise_and(i, NX_F(1.0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "bitwise operators expect integer tensors as inputs and outputs an integer tensor, got: {:f, 32}");
    cr_assert_null(nx_left_shift(nx_as_type(f, NX_BF16), i));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "bitwise operators expect integer tensors as inputs and outputs an integer tensor, got: {:bf, 16}");
    cr_assert_null(nx_bitwise_not(nx_as_type(f, NX_F64)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "bitwise operators expect integer tensors as inputs and outputs an integer tensor, got: {:f, 64}");
    cr_assert_null(nx_population_count(nx_as_type(f, NX_F8_E4M3FN)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "bitwise operators expect integer tensors as inputs and outputs an integer tensor, got: {:f8_e4m3fn, 8}");
    nx_scope_end();
}

Test(elementwise, complex_rejections)
{
    nx_scope_begin();
    nx_tensor *c = nx_scalar(NX_COMPLEX(1, 2), NX_C64), *f = VEC(NX_F32, float, 1, 2);
    cr_assert_not_null(c, "%s", nx_error_message());
    cr_assert_null(nx_remainder(c, f));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.remainder/2 does not support complex inputs");
    cr_assert_null(nx_remainder(f, nx_number_tensor(NX_COMPLEX(1, 1))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.remainder/2 does not support complex inputs");
    cr_assert_null(nx_max(f, c));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.max/2 does not support complex inputs");
    cr_assert_null(nx_min(c, c));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.min/2 does not support complex inputs");
    cr_assert_null(nx_greater(f, c));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.greater/2 does not support complex inputs");
    cr_assert_null(nx_less_equal(c, f));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.less_equal/2 does not support complex inputs");
    cr_assert_null(nx_erf(c));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.erf/1 does not support complex inputs");
    cr_assert_null(nx_erf_inv(nx_as_type(c, NX_C128)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.erf_inv/1 does not support complex inputs");
    cr_assert_null(nx_floor(c));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.floor/1 does not support complex inputs");
    cr_assert_null(nx_round(c));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.round/1 does not support complex inputs");
    cr_assert_null(nx_quotient(c, f));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "quotient expects integer tensors as inputs and outputs an integer tensor, got: {:c, 64}");
    cr_assert_null(nx_bitwise_or(VEC(NX_S8, int8_t, 1), nx_number_tensor(NX_COMPLEX(0, 1))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "bitwise operators expect integer tensors as inputs and outputs an integer tensor, got: {:c, 64}");
    nx_scope_end();
}

Test(elementwise, broadcasting)
{
    nx_scope_begin();
    nx_tensor *a = nx_iota(NX_SHAPE(8, 1, 6, 1)), *b = nx_iota(NX_SHAPE(7, 1, 5));
    nx_tensor *r = nx_add(a, b);
    cr_assert_not_null(r, "%s", nx_error_message());
    nx_shape s = nx_shape_of(r);
    cr_assert(s.rank == 4 && s.dims[0] == 8 && s.dims[1] == 7 && s.dims[2] == 6 && s.dims[3] == 5);
    /* element [i, j, k, l] = a[i, 0, k, 0] + b[j, 0, l] = (6i + k) + (5j + l) */
    int32_t got[8 * 7 * 6 * 5];
    cr_assert_eq(nx_to_binary(r, got, sizeof got), (int64_t)sizeof got * 8);
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 7; j++)
            for (int k = 0; k < 6; k++)
                for (int l = 0; l < 5; l++)
                    cr_assert_eq(got[((i * 7 + j) * 6 + k) * 5 + l], 6 * i + k + 5 * j + l);
    s = nx_shape_of(nx_multiply(nx_iota(NX_SHAPE(5, 4)), nx_iota(NX_SHAPE(1))));
    cr_assert(s.rank == 2 && s.dims[0] == 5 && s.dims[1] == 4);
    s = nx_shape_of(nx_subtract(nx_iota(NX_SHAPE(3)), NX_I(1)));
    cr_assert(s.rank == 1 && s.dims[0] == 3);
    cr_assert_null(nx_add(nx_iota(NX_SHAPE(4)), nx_iota(NX_SHAPE(2))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot broadcast tensor of dimensions {4} to {2}");
    cr_assert_null(nx_equal(nx_iota(NX_SHAPE(2, 3)), nx_iota(NX_SHAPE(3, 3))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot broadcast tensor of dimensions {2, 3} to {3, 3}");
    cr_assert_null(nx_bitwise_and(nx_iota(NX_SHAPE(2)), nx_iota(NX_SHAPE(3, 1, 3))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot broadcast tensor of dimensions {2} to {3, 1, 3}");
    nx_scope_end();
}

/* Operands that are views (transposed, broadcast) rather than fresh row-major data. */
Test(elementwise, view_operands)
{
    nx_scope_begin();
    nx_tensor *a = nx_iota(NX_SHAPE(2, 3));                  /* [[0 1 2] [3 4 5]] */
    nx_tensor *t = nx_transpose(a);                          /* [[0 3] [1 4] [2 5]] */
    cr_assert_not_null(t, "%s", nx_error_message());
    nx_tensor *r = nx_add(t, nx_iota(NX_SHAPE(3, 2)));       /* + [[0 1] [2 3] [4 5]] */
    int32_t got[6];
    cr_assert_eq(nx_to_binary(r, got, sizeof got), 6 * 32, "%s", nx_error_message());
    int32_t want[6] = { 0, 4, 3, 7, 6, 10 };
    for (int i = 0; i < 6; i++)
        cr_expect_eq(got[i], want[i], "transpose + iota: element %d: %d, expected %d", i, got[i], want[i]);
    nx_tensor *bc = nx_broadcast(nx_iota(NX_SHAPE(3)), NX_SHAPE(2, 3));
    cr_assert_not_null(bc, "%s", nx_error_message());
    r = nx_multiply(bc, a);
    cr_assert_eq(nx_to_binary(r, got, sizeof got), 6 * 32);
    int32_t want2[6] = { 0, 1, 4, 0, 4, 10 };
    for (int i = 0; i < 6; i++)
        cr_expect_eq(got[i], want2[i], "broadcast * iota: element %d: %d, expected %d", i, got[i], want2[i]);
    nx_scope_end();
}

Test(elementwise, names_merge)
{
    nx_scope_begin();
    nx_tensor *xy = nx_iota(NX_SHAPE(2, 3), .names = NX_NAMES("x", NULL));
    nx_tensor *y = nx_iota(NX_SHAPE(3), .names = NX_NAMES("y"));
    nx_tensor *r = nx_add(xy, y);
    cr_assert_not_null(r, "%s", nx_error_message());
    nx_names n = nx_names_of(r);
    cr_expect(n.v[0] == nx_atom("x") && n.v[1] == nx_atom("y"), "names [%s, %s]", n.v[0] ? n.v[0] : "nil",
              n.v[1] ? n.v[1] : "nil");
    r = nx_greater(nx_iota(NX_SHAPE(1, 3), .names = NX_NAMES(NULL, "c")),
                   nx_iota(NX_SHAPE(2, 1), .names = NX_NAMES("r", NULL)));
    cr_assert_not_null(r, "%s", nx_error_message());
    n = nx_names_of(r);
    cr_expect(n.v[0] == nx_atom("r") && n.v[1] == nx_atom("c"));
    cr_assert_null(nx_add(nx_iota(NX_SHAPE(2, 3), .names = NX_NAMES("x", "a")),
                          nx_iota(NX_SHAPE(3), .names = NX_NAMES("b"))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot merge name :a on axis 1 with name :b on axis 1");
    cr_assert_null(nx_multiply(nx_iota(NX_SHAPE(1, 2, 3), .names = NX_NAMES("batch", NULL, NULL)),
                               nx_iota(NX_SHAPE(1, 2, 3), .names = NX_NAMES("time", "x", "y"))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot merge name :batch on axis 0 with name :time on axis 0");
    nx_scope_end();
}

Test(elementwise, vectorized_axes)
{
    nx_scope_begin();
    nx_tensor *a = nx_vectorize(nx_iota(NX_SHAPE(2, 3)), "x");                    /* x: 2, inner {3} */
    nx_tensor *b = nx_vectorize(nx_multiply(nx_iota(NX_SHAPE(4)), NX_I(10)), "y"); /* y: 4, inner {} */
    nx_tensor *r = nx_add(a, b);
    cr_assert_not_null(r, "%s", nx_error_message());
    cr_assert_eq(nx_vectorized_rank(r), 2);
    cr_assert_eq(nx_rank(r), 1);
    nx_tensor *d = nx_devectorize(r, true);
    nx_shape s = nx_shape_of(d);
    cr_assert(s.rank == 3 && s.dims[0] == 2 && s.dims[1] == 4 && s.dims[2] == 3);
    nx_names n = nx_names_of(d);
    cr_expect(n.v[0] == nx_atom("x") && n.v[1] == nx_atom("y"));
    int32_t got[24];
    cr_assert_eq(nx_to_binary(d, got, sizeof got), 24 * 32);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 4; j++)
            for (int k = 0; k < 3; k++)
                cr_expect_eq(got[(i * 4 + j) * 3 + k], 3 * i + k + 10 * j);
    nx_tensor *c = nx_vectorize(nx_iota(NX_SHAPE(3)), "x");
    cr_assert_null(nx_subtract(c, a));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected vectorized axis :x to have the same size in both tensors "
                                    "or to one of them to have size 1, got 2 and 3");
    nx_scope_end();
}

/* Operands whose vectorized axes come in different orders: the result takes the order of
 * first appearance; a[x][y] = 3x + y, b[y][x] = 10(2y + x). */
Test(elementwise, vectorized_axes_in_another_order)
{
    nx_scope_begin();
    nx_tensor *a = nx_vectorize(nx_vectorize(nx_iota(NX_SHAPE(2, 3)), "x"), "y");
    nx_tensor *b = nx_vectorize(nx_vectorize(nx_multiply(nx_iota(NX_SHAPE(3, 2)), NX_I(10)), "y"), "x");
    for (int flip = 0; flip < 2; flip++) {
        nx_tensor *r = flip ? nx_add(b, a) : nx_add(a, b);
        cr_assert_not_null(r, "%s", nx_error_message());
        nx_tensor *d = nx_devectorize(r, true);
        nx_names n = nx_names_of(d);
        cr_assert(n.v[0] == nx_atom(flip ? "y" : "x") && n.v[1] == nx_atom(flip ? "x" : "y"));
        int32_t got[6];
        cr_assert_eq(nx_to_binary(d, got, sizeof got), 6 * 32);
        for (int x = 0; x < 2; x++)
            for (int y = 0; y < 3; y++)
                cr_expect_eq(got[flip ? y * 2 + x : x * 3 + y], 3 * x + y + 10 * (2 * y + x));
    }
    nx_scope_end();
}

Test(elementwise, templates_and_null)
{
    nx_scope_begin();
    nx_tensor *t = nx_template(NX_SHAPE(2), NX_F32), *x = VEC(NX_F32, float, 1, 2);
    cr_assert_null(nx_exp(t));
    NXTEST_ERROR(NX_RUNTIME_ERROR, "cannot perform operations on a Nx.TemplateBackend tensor");
    cr_assert_null(nx_add(x, t));
    NXTEST_ERROR(NX_RUNTIME_ERROR, "cannot perform operations on a Nx.TemplateBackend tensor");
    cr_assert_null(nx_equal(t, x));
    NXTEST_ERROR(NX_RUNTIME_ERROR, "cannot perform operations on a Nx.TemplateBackend tensor");
    /* a failed argument keeps its own error (the first error wins) */
    cr_assert_null(nx_multiply(nx_add(nx_iota(NX_SHAPE(4)), nx_iota(NX_SHAPE(2))), x));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot broadcast tensor of dimensions {4} to {2}");
    cr_assert_null(nx_negate(NULL));
    cr_assert_neq(nx_error(), NX_OK);
    nx_error_clear();
    nx_scope_end();
}

/* Number operands become the scalar tensor Nx.tensor(number) makes (types-and-inspect §2:
 * s32 or f32, integers wrapping), typed by merge_number (§3.2). */
Test(elementwise, number_operands)
{
    nx_scope_begin();
    EXPECT(nx_add(VEC(NX_U8, uint8_t, 250), NX_I(10)), NX_U8, 4);
    EXPECT(nx_add(VEC(NX_U8, uint8_t, 0), NX_I(256)), NX_U16, 256);
    EXPECT(nx_add(VEC(NX_S8, int8_t, 0), NX_I(128)), NX_S16, 128);
    EXPECT(nx_add(VEC(NX_S8, int8_t, 0), NX_I(-129)), NX_S16, -129);
    EXPECT(nx_add(nx_as_type(VEC(NX_U8, uint8_t, 3), NX_U2), NX_I(1)), NX_U2, 0);
    EXPECT(nx_add(nx_as_type(VEC(NX_U8, uint8_t, 3), NX_U2), NX_I(2)), NX_U8, 5);
    EXPECT(nx_add(VEC(NX_F16, uint16_t, 0x3C00), NX_F(1.5)), NX_F16, 2.5);
    EXPECT(nx_add(VEC(NX_F16, uint16_t, 0x3C00), NX_I(100000)), NX_F16, INFINITY);
    EXPECT(nx_add(VEC(NX_S8, int8_t, 1), NX_F(1.0)), NX_F32, 2);
    EXPECT(nx_add(nx_as_type(VEC(NX_F32, float, 1), NX_F8_E4M3FN), NX_I(1)), NX_F32, 2);
    EXPECT(nx_add(VEC(NX_U64, uint64_t, 5), NX_I(-1)), NX_S64, 4);
    EXPECT(nx_subtract(NX_I(1), VEC(NX_U8, uint8_t, 2)), NX_U8, 255);
    EXPECT(nx_add(VEC(NX_F16, uint16_t, 0x3C00), NX_F(NAN)), NX_F32, NAN);
    EXPECT(nx_multiply(nx_as_type(VEC(NX_F32, float, 2), NX_BF16), NX_F(-INFINITY)), NX_F32, -INFINITY);
    EXPECT(nx_add(NX_I(1), NX_F(2.5)), NX_F32, 3.5);
    EXPECT(nx_add(NX_I(INT32_MAX), NX_I(1)), NX_S32, INT32_MIN);
    nx_scope_end();
}
