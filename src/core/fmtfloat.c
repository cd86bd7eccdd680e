/* src/core/fmtfloat.c: the text of float elements (spec/types-and-inspect.md §5.4-5.8).
 * Digits are always the shortest decimal that reads back to the same bits, the closest to
 * the exact value among those, ties to even (Ryu's choice, see shortest(); per
 * spec/decisions.md 5 nxc does not copy the rare f32 slips of Nx's Ryu port). They are
 * found with the C library's exact conversions: printf gives the correctly rounded
 * P-digit decimal, strtod/strtof read it back. The digits are then laid out by algorithm
 * A (f64, §5.6) or layout_B (the others, §5.7). */
#include "core/fmtfloat.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Mantissa and exponent widths, and a number of significant digits that always reads
 * back (ceil(1 + precision * log10 2), with room to spare for the narrow types). */
typedef struct {
    int mbits, ebits, maxp;
} fmt_info;

static const fmt_info infos[NX_TYPE_COUNT] = {
    [NX_F8] = { 2, 5, 3 },
    [NX_F8_E4M3FN] = { 3, 4, 3 },
    [NX_BF16] = { 7, 8, 4 },
    [NX_F16] = { 10, 5, 5 },
    [NX_F32] = { 23, 8, 9 },
    [NX_F64] = { 52, 11, 17 },
};

static const uint64_t pow10_u64[20] = {
    1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
    100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
    10000000000000ull, 100000000000000ull, 1000000000000000ull, 10000000000000000ull,
    100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull,
};

/* A positive finite value being printed: its exact value and what reading back needs. */
typedef struct {
    nx_type type;
    double v;        /* exact value (every supported type fits a double) */
    uint64_t mf;     /* v = mf * 2^ef */
    double lo, hi;   /* narrow types: the rounding interval, exact in a double */
    bool accept;     /* narrow types: the interval's ends round to v (even mantissa) */
    uint64_t d17;    /* v correctly rounded to 17 significant digits ... */
    int p17;         /* ... is d17 * 10^p17 */
    double far;      /* a distance from v, in units of 10^p17, beyond the interval */
} fmt_value;

/* A decimal D * 10^p. */
typedef struct {
    uint64_t d;
    int p;
} decimal;

static int write_u64(char *out, uint64_t n)
{
    char tmp[24];
    int k = 0;
    do {
        tmp[k++] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    for (int i = 0; i < k; i++)
        out[i] = tmp[k - 1 - i];
    return k;
}

static int write_int(char *out, int n)
{
    if (n < 0) {
        out[0] = '-';
        return 1 + write_u64(out + 1, (uint64_t)(-(int64_t)n));
    }
    return write_u64(out, (uint64_t)n);
}

/* Parses printf's "%.Ne" text of a positive value into D * 10^p. */
static decimal parse_sci(const char *s)
{
    decimal r = { 0, 0 };
    int frac = 0;
    bool dot = false;
    for (; *s && *s != 'e'; s++) {
        if (*s == '.') {
            dot = true;
            continue;
        }
        r.d = r.d * 10 + (uint64_t)(*s - '0');
        frac += dot;
    }
    r.p = (*s == 'e' ? atoi(s + 1) : 0) - frac;
    return r;
}

/* True when the decimal reads back as the value being printed. */
static bool reads_back(const fmt_value *fv, decimal c)
{
    char s[48];
    int n = write_u64(s, c.d);
    s[n++] = 'e';
    n += write_int(s + n, c.p);
    s[n] = '\0';
    if (fv->type == NX_F64)
        return strtod(s, NULL) == fv->v;
    if (fv->type == NX_F32)
        return strtof(s, NULL) == (float)fv->v;
    /* Narrow types: the interval ends are doubles, and no short decimal lies within half
     * a double ulp of one without being equal to it (checked over every pattern). */
    double d = strtod(s, NULL);
    return (d > fv->lo && d < fv->hi) || (fv->accept && (d == fv->lo || d == fv->hi));
}

/* v correctly rounded to P significant digits, ties to even. */
static decimal round_to(const fmt_value *fv, int P)
{
    int cut = 17 - P;
    if (cut == 0)
        return (decimal){ fv->d17, fv->p17 };
    uint64_t div = pow10_u64[cut], half = div / 2;
    uint64_t q = fv->d17 / div, rem = fv->d17 % div;
    if (rem == half) {
        /* A tie in the 17-digit text may be a rounded near-tie: ask printf for the exact
         * P-digit rounding. */
        char s[48];
        snprintf(s, sizeof s, "%.*e", P - 1, fv->v);
        return parse_sci(s);
    }
    decimal r = { q + (rem > half), fv->p17 + cut };
    if (r.d == pow10_u64[P]) {
        r.d = pow10_u64[P - 1];
        r.p++;
    }
    return r;
}

/* The closest P-digit decimal that reads back as v, if there is one. The nearest P-digit
 * decimal r is the answer when it reads back; otherwise only its neighbour on the other
 * side of v can (the interval holds v and is convex), so both neighbours are tried. */
static bool try_digits(const fmt_value *fv, int P, decimal *out)
{
    decimal r = round_to(fv, P);
    /* Most lengths tried are too short, and plainly so: skip reading them back. */
    uint64_t scaled = r.d * pow10_u64[r.p - fv->p17];
    uint64_t dist = scaled > fv->d17 ? scaled - fv->d17 : fv->d17 - scaled;
    if ((double)dist > fv->far)
        return false;
    if (reads_back(fv, r)) {
        *out = r;
        return true;
    }
    decimal up = { r.d + 1, r.p };
    if (up.d == pow10_u64[P]) {
        up.d = pow10_u64[P - 1];
        up.p++;
    }
    if (reads_back(fv, up)) {
        *out = up;
        return true;
    }
    decimal down = { r.d - 1, r.p };
    if (r.d == pow10_u64[P - 1]) {
        down.d = pow10_u64[P] - 1;
        down.p--;
    }
    if (down.d > 0 && reads_back(fv, down)) {
        *out = down;
        return true;
    }
    return false;
}

/* Shortest digits of a positive finite value, as Ryu defines them: D * 10^p with the
 * largest p for which the interval holds a multiple of 10^p, D the closest to v. That is
 * the fewest digits; having a P-digit decimal in the interval implies having a (P+1)-digit
 * one, so the length is found by bisection. A wide interval (narrow types, subnormals) may
 * hold, besides the closest P-digit decimal, the next power of ten: no longer, but on a
 * coarser grid, so it wins (f8 0x2E, 0.09375: 0.1, not 0.09). `wide` asks to look. */
static decimal shortest(fmt_value *fv, int maxp, bool wide)
{
    char s[48];
    snprintf(s, sizeof s, "%.16e", fv->v);
    decimal d17 = parse_sci(s);
    fv->d17 = d17.d;
    fv->p17 = d17.p;
    /* The interval is at most one gap (mf * 2^ef has gap 2^ef, v / mf) either side of v;
     * twice that, plus the 17-digit rounding, is safely outside. */
    fv->far = 2.0 * (double)d17.d / (double)fv->mf + 1.0;

    int lo = 1, hi = maxp;
    decimal best = d17;
    int best_p = 0;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        decimal c;
        if (try_digits(fv, mid, &c)) {
            hi = mid;
            best = c;
            best_p = mid;
        } else {
            lo = mid + 1;
        }
    }
    if (best_p != lo) {
        decimal c;
        if (try_digits(fv, lo, &c))
            best = c;
    }
    while (best.d % 10 == 0 && best.d != 0) {
        best.d /= 10;
        best.p++;
    }
    if (wide) {
        char digits[24];
        decimal power = { 1, best.p + write_u64(digits, best.d) };
        if (reads_back(fv, power))
            best = power;
    }
    return best;
}

/* Algorithm A (§5.6): Erlang's float_to_binary(F, [short]) layout. */
static int layout_a(char *out, decimal dec)
{
    char s[24];
    int l = write_u64(s, dec.d), p = dec.p, x = p + l - 1, n = 0;
    int lo = l == 1 ? -4 : -(l + 2), hi = (l != 1 && x < 10) ? 1 : 2;
    bool fixed = lo <= p && p <= hi && !(p == 0 && dec.d >= (1ull << 53)) &&
                 !(p == 1 && dec.d > 900719925474099ull) &&
                 !(p == 2 && dec.d > 90071992547409ull);
    if (fixed && p >= 0) {
        memcpy(out, s, (size_t)l);
        n = l;
        for (int i = 0; i < p; i++)
            out[n++] = '0';
        out[n++] = '.';
        out[n++] = '0';
    } else if (fixed && l + p > 0) {
        memcpy(out, s, (size_t)(l + p));
        n = l + p;
        out[n++] = '.';
        memcpy(out + n, s + l + p, (size_t)(-p));
        n += -p;
    } else if (fixed) {
        out[n++] = '0';
        out[n++] = '.';
        for (int i = 0; i < -(l + p); i++)
            out[n++] = '0';
        memcpy(out + n, s, (size_t)l);
        n += l;
    } else {
        out[n++] = s[0];
        out[n++] = '.';
        if (l > 1) {
            memcpy(out + n, s + 1, (size_t)(l - 1));
            n += l - 1;
        } else {
            out[n++] = '0';
        }
        out[n++] = 'e';
        n += write_int(out + n, x);
    }
    return n;
}

/* layout_B (§5.7): Nx.Ryu's layout; a one-digit significand in scientific form has no
 * ".0", and [1e-4, 1e-3) is scientific. */
static int layout_b(char *out, decimal dec)
{
    char s[24], xs[12];
    int l = write_u64(s, dec.d), p = dec.p, x = p + l - 1, n = 0;
    int c = write_int(xs, x) + 2;
    bool sci;
    if (p < 0 && x >= 0) {
        memcpy(out, s, (size_t)(l + p));
        n = l + p;
        out[n++] = '.';
        memcpy(out + n, s + l + p, (size_t)(-p));
        return n - p;
    }
    if (p < 0) {
        sci = 2 - p - l > c;
        if (!sci) {
            out[n++] = '0';
            out[n++] = '.';
            for (int i = 0; i < -p - l; i++)
                out[n++] = '0';
            memcpy(out + n, s, (size_t)l);
            return n + l;
        }
    } else {
        sci = c + (l == 1) < p + 2;
        if (!sci) {
            memcpy(out, s, (size_t)l);
            n = l;
            for (int i = 0; i < p; i++)
                out[n++] = '0';
            out[n++] = '.';
            out[n++] = '0';
            return n;
        }
    }
    out[n++] = s[0];
    if (l > 1) {
        out[n++] = '.';
        memcpy(out + n, s + 1, (size_t)(l - 1));
        n += l - 1;
    }
    out[n++] = 'e';
    n += write_int(out + n, x);
    return n;
}

/* Copies text of length n to buf as snprintf would; returns n. */
static int emit(char *buf, size_t cap, const char *text, int n)
{
    if (cap > 0) {
        size_t k = (size_t)n < cap - 1 ? (size_t)n : cap - 1;
        memcpy(buf, text, k);
        buf[k] = '\0';
    }
    return n;
}

/* The text without NUL into out (at least NXFMT_FLOAT_MAX bytes); returns its length. */
static int format_float(char *out, nx_type t, uint64_t bits)
{
    const fmt_info *fi = &infos[t];
    int M = fi->mbits, E = fi->ebits;
    uint64_t fmask = (1ull << M) - 1;
    bool neg = (bits >> (M + E)) & 1;
    int ex = (int)((bits >> M) & ((1u << E) - 1));
    uint64_t fr = bits & fmask;
    int bias = (1 << (E - 1)) - 1, top = (1 << E) - 1;
    int n = 0;

    if (ex == top) {
        if (t == NX_F8_E4M3FN) {
            if (fr == fmask)
                return emit(out, 8, "NaN", 3);
        } else if (fr != 0) {
            return emit(out, 8, "NaN", 3);
        } else {
            return neg ? emit(out, 8, "-Inf", 4) : emit(out, 8, "Inf", 3);
        }
    }
    if (neg)
        out[n++] = '-';
    if (ex == 0 && fr == 0)
        return n + emit(out + n, 8, "0.0", 3);

    /* Exact small integers (§5.7 step 1) print all their digits; for f64 they are also
     * the shortest digits, which skips the search for integer-valued data. */
    uint64_t m2 = fr | (1ull << M);
    int e2 = ex - bias - M;
    if (ex != 0 && -M <= e2 && e2 <= 0 && (m2 & ((1ull << -e2) - 1)) == 0) {
        decimal dec = { m2 >> -e2, 0 };
        while (dec.d % 10 == 0) {
            dec.d /= 10;
            dec.p++;
        }
        return n + (t == NX_F64 ? layout_a(out + n, dec) : layout_b(out + n, dec));
    }

    /* value = mf * 2^ef; the rounding interval is [4mf - 1 - shift, 4mf + 2] * 2^(ef-2),
     * narrower below a power of two (as Ryu's; for E4M3FN's largest value the upper end is
     * where the next value would be, so 448 prints as 450.0, not 5e2). */
    uint64_t mf = ex == 0 ? fr : m2;
    int ef = (ex == 0 ? 1 : ex) - bias - M;
    int shift = (fr == 0 && ex > 1) ? 0 : 1;
    fmt_value fv = {
        .type = t,
        .v = ldexp((double)mf, ef),
        .mf = mf,
        .lo = ldexp((double)(4 * mf - 1 - (uint64_t)shift), ef - 2),
        .hi = ldexp((double)(4 * mf + 2), ef - 2),
        .accept = (fr & 1) == 0,
    };
    decimal dec = shortest(&fv, fi->maxp, (t != NX_F32 && t != NX_F64) || ex == 0);
    return n + (t == NX_F64 ? layout_a(out + n, dec) : layout_b(out + n, dec));
}

static bool is_real_float(nx_type t)
{
    return t == NX_F8 || t == NX_F8_E4M3FN || t == NX_BF16 || t == NX_F16 || t == NX_F32 ||
           t == NX_F64;
}

int nxfmt_float(char *buf, size_t cap, nx_type t, uint64_t bits)
{
    char text[NXFMT_FLOAT_MAX];
    if (!is_real_float(t))
        return -1;
    int n = format_float(text, t, bits);
    return emit(buf, cap, text, n);
}

int nxfmt_complex(char *buf, size_t cap, nx_type t, uint64_t re_bits, uint64_t im_bits)
{
    char text[NXFMT_COMPLEX_MAX];
    nx_type part = t == NX_C64 ? NX_F32 : t == NX_C128 ? NX_F64 : NX_TYPE_NONE;
    if (part == NX_TYPE_NONE)
        return -1;
    int n = format_float(text, part, re_bits);
    char im[NXFMT_FLOAT_MAX];
    int k = format_float(im, part, im_bits);
    if (im[0] != '-')
        text[n++] = '+';
    memcpy(text + n, im, (size_t)k);
    n += k;
    text[n++] = 'i';
    return emit(buf, cap, text, n);
}
