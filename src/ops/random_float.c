/* src/ops/random_float.c: Nx.Random's float samplers (spec/random.md §5.1, §5.2, §5.4):
 * uniform, normal and gumbel, with constant and call-boundary bounds kept apart as Nx's
 * numerical definitions keep them; complex types draw (real, imaginary) pairs. */
#include <math.h>
#include <string.h>
#include "core/shape.h"
#include "nx/random.h"
#include "ops/random.h"

/* Mantissa width, bits of 1.0 and smallest positive normal of a real float type. */
typedef struct { int mant; uint64_t one; double tiny; } float_info;

static float_info info_of(nx_type t)
{
    switch (t) {
    case NX_F64: return (float_info){ 52, 0x3FF0000000000000u, 0x1p-1022 };
    case NX_F32: return (float_info){ 23, 0x3F800000u, 0x1p-126 };
    case NX_F16: return (float_info){ 10, 0x3C00u, 0x1p-14 };
    case NX_BF16: return (float_info){ 7, 0x3F80u, 0x1p-126 };
    case NX_F8: return (float_info){ 2, 0x3Cu, 0x1p-14 };
    default: return (float_info){ 3, 0x38u, 0x1p-6 };   /* f8_e4m3fn */
    }
}

/* The uniform draw of n values of real type t with per-element lower bounds lo (bits)
 * and scales s, read at i * step: u = max(rnd(rnd(t * S) + lo), lo), as bits. */
static int uniform_fill(const uint32_t k[2], nx_type t, int64_t n, const uint64_t *lo, const double *s,
                        int64_t step, uint64_t *out)
{
    int w = nx_type_bits(t);
    float_info fi = info_of(t);
    if (nxrandom_bits(k, n, w, out) < 0)
        return -1;
    for (int64_t i = 0; i < n; i++) {
        double f = nxrandom_dec(t, out[i] >> (w - fi.mant) | fi.one) - 1.0;   /* exact */
        double l = nxrandom_dec(t, lo[i * step]);
        double a = nxrandom_rnd(t, f * s[i * step]);
        uint64_t c = nxrandom_enc(t, a + l);
        double cv = nxrandom_dec(t, c);
        out[i] = isnan(cv) || isnan(l) ? nxrandom_enc(t, NAN) : cv >= l ? c : lo[i * step];
    }
    return 0;
}

static uint64_t *bits_alloc(int64_t n)
{
    uint64_t *b = nx_alloc(sizeof *b * (size_t)(n ? n : 1));
    if (!b)
        nxerr_oom(sizeof *b * (size_t)n);
    return b;
}

nx_tensor *nxrandom_uniform_const(const uint32_t k[2], double lo_d, double hi_d, nx_type t,
                                  const nx_shape *shape, nx_names names)
{
    nx_tensor *r = nxrandom_new(t, shape, names);
    uint64_t lo = nxrandom_enc(t, lo_d), *b = r ? bits_alloc(r->size) : NULL;
    double s = nxrandom_rnd(t, hi_d - lo_d);   /* constants fold in double first */
    if (!b || uniform_fill(k, t, r->size, &lo, &s, 0, b) < 0) {
        nx_free(b);
        nx_release(r);
        return NULL;
    }
    for (int64_t i = 0; i < r->size; i++)
        nxrandom_store(r, i, b[i]);
    nx_free(b);
    return r;
}

/* shape ++ {2} for complex draws; -1 with an error past the rank limit. */
static int pair_shape(const nx_shape *shape, nx_shape *out)
{
    if (shape->rank + 1 > NX_MAX_RANK)
        return nxerr_set(NX_ARGUMENT_ERROR, "shape has too many axes for a complex sample");
    *out = *shape;
    out->dims[out->rank++] = 2;
    return 0;
}

/* The real draw r (shape ++ {2}) seen as complex of type t with `shape` and names. */
static nx_tensor *as_complex(nx_tensor *r, nx_type t, const nx_shape *shape, nx_names names)
{
    const char *n[NX_MAX_RANK];
    if (!r || nxshape_names(names, shape->rank, n) < 0)
        return NULL;
    return nxfront_view(r, t, shape->rank, shape->dims, names.n ? n : NULL, 0);
}

/* The type of a float sampler: opts or to_floating(merge(a, b)), f32 without bounds. */
static nx_type float_type(nx_type given, const nx_tensor *a, const nx_tensor *b)
{
    nx_type t = given ? given : a && b ? nx_type_to_floating(nx_type_merge(a->type, b->type)) : NX_F32;
    if (nxfront_check_type(t) < 0)
        return NX_TYPE_NONE;
    if (!nx_type_is_float(t)) {
        nxerr_set(NX_ARGUMENT_ERROR, "expected float or complex type, got type %s", nx_type_tuple(t));
        return NX_TYPE_NONE;
    }
    return t;
}

/* Both bounds or neither; the given ones as defn sees them (numbers to s32/f32). */
static int bound_args(const nx_tensor *a, const nx_tensor *b, nx_tensor **ea, nx_tensor **eb)
{
    *ea = *eb = NULL;
    if (!a && !b)
        return 0;
    if (!a || !b)
        return nxerr_set(NX_ARGUMENT_ERROR, "expected both bounds (or neither) to be given");
    if (nxrandom_check_plain(a, "bound") < 0 || nxrandom_check_plain(b, "bound") < 0)
        return -1;
    *ea = nxrandom_arg(a);
    *eb = nxrandom_arg(b);
    return *ea && *eb ? 0 : -1;
}

/* x broadcast to shape and each element written into real type t: bits[size]. */
static uint64_t *bounds_of(const nx_tensor *x, nx_type t, const nx_shape *shape)
{
    nx_tensor *bx = nx_broadcast(x, *shape);
    uint64_t *b = bx ? bits_alloc(bx->size) : NULL;
    for (int64_t i = 0; b && i < bx->size; i++)
        b[i] = nxrandom_enc_number(t, nxrandom_read(bx, i));
    return b;
}

/* uniform_split of real type t over `shape`; min/max NULL: the constants 0.0 and 1.0. */
static nx_tensor *uniform_real(const uint32_t k[2], const nx_tensor *min, const nx_tensor *max, nx_type t,
                               const nx_shape *shape, nx_names names)
{
    if (!min)
        return nxrandom_uniform_const(k, 0.0, 1.0, t, shape, names);
    nx_tensor *r = nxrandom_new(t, shape, names);
    uint64_t *lo = r ? bounds_of(min, t, shape) : NULL, *hi = lo ? bounds_of(max, t, shape) : NULL;
    double *s = hi ? nx_alloc(sizeof *s * (size_t)(r->size ? r->size : 1)) : NULL;
    if (!s)
        goto fail;
    for (int64_t i = 0; i < r->size; i++)
        s[i] = nxrandom_rnd(t, nxrandom_dec(t, hi[i]) - nxrandom_dec(t, lo[i]));
    if (uniform_fill(k, t, r->size, lo, s, 1, hi) < 0)
        goto fail;
    for (int64_t i = 0; i < r->size; i++)
        nxrandom_store(r, i, hi[i]);
    nx_free(s), nx_free(hi), nx_free(lo);
    return r;
fail:
    if (lo && hi && !s)
        nxerr_oom(sizeof *s * (size_t)r->size);
    nx_free(s), nx_free(hi), nx_free(lo);
    nx_release(r);
    return NULL;
}

nx_tensor *nx_random_uniform_split_(const nx_tensor *key, const nx_tensor *min, const nx_tensor *max,
                                    nx_random_opts o)
{
    uint32_t k[2];
    nx_tensor *lo, *hi, *r = NULL;
    if (nxrandom_key_read(key, k) < 0)
        return NULL;
    nx_scope_begin();
    nx_type t = bound_args(min, max, &lo, &hi) < 0 ? NX_TYPE_NONE : float_type(o.type, lo, hi);
    nx_shape s2;
    if (t && nx_type_is_complex(t)) {
        if (pair_shape(&o.shape, &s2) == 0)
            r = as_complex(uniform_real(k, lo, hi, nx_type_to_real(t), &s2, (nx_names){ 0 }), t, &o.shape, o.names);
    } else if (t) {
        r = uniform_real(k, lo, hi, t, &o.shape, o.names);
    }
    return nx_scope_end_keep(r);
}

/* ---------------------------------------------------------------- normal */

/* The double next to -1.0 toward zero in the IEEE float of t's width (bf16: f16's). */
static double next_after_minus_1(nx_type t)
{
    int w = nx_type_bits(t);
    return w == 64 ? -(1 - 0x1p-53) : w == 32 ? -(1 - 0x1p-24) : -(1 - 0x1p-11);
}

/* normal_split of real type t: sd * e then times √2, plus mean (mean/sd NULL: the
 * constants 0 and 1, giving rnd(√2 · e)). */
static nx_tensor *normal_real(const uint32_t k[2], const nx_tensor *mean, const nx_tensor *sd, nx_type t,
                              const nx_shape *shape, nx_names names)
{
    nx_tensor *r = NULL;
    uint64_t *mb = NULL, *sb = NULL;
    nx_scope_begin();
    nx_tensor *u = nxrandom_uniform_const(k, next_after_minus_1(t), 1.0, t, shape, (nx_names){ 0 });
    if (!u)
        goto out;
    if (mean && (!(mb = bounds_of(mean, t, shape)) || !(sb = bounds_of(sd, t, shape))))
        goto out;
    r = nxrandom_new(t, shape, names);
    if (!r)
        goto out;
    double sq = nxrandom_rnd(t, sqrt(2.0));
    for (int64_t i = 0; i < r->size; i++) {
        double e = nxrandom_rnd(t, nxrandom_erf_inv(nxrandom_read(u, i).f));
        uint64_t v;
        if (mean) {
            double y = nxrandom_rnd(t, nxrandom_dec(t, sb[i]) * e);
            double z = nxrandom_rnd(t, sq * y);
            v = nxrandom_enc(t, z + nxrandom_dec(t, mb[i]));
        } else {
            v = nxrandom_enc(t, sq * e);
        }
        nxrandom_store(r, i, v);
    }
out:
    nx_free(mb), nx_free(sb);
    return nx_scope_end_keep(r);
}

nx_tensor *nxrandom_normal_std(const uint32_t k[2], nx_type t, const nx_shape *shape)
{
    return normal_real(k, NULL, NULL, t, shape, (nx_names){ 0 });
}

nx_tensor *nx_random_normal_split_(const nx_tensor *key, const nx_tensor *mean, const nx_tensor *sd,
                                   nx_random_opts o)
{
    uint32_t k[2];
    nx_tensor *m, *s, *r = NULL;
    if (nxrandom_key_read(key, k) < 0)
        return NULL;
    nx_scope_begin();
    nx_type t = bound_args(mean, sd, &m, &s) < 0 ? NX_TYPE_NONE : float_type(o.type, m, s);
    nx_shape s2;
    if (t == NX_F8 || t == NX_F8_E4M3FN) {
        nxerr_set(NX_ARGUMENT_ERROR, "normal/4 does not support 8-bit float types");
    } else if (t && nx_type_is_complex(t)) {
        if (pair_shape(&o.shape, &s2) == 0)
            r = as_complex(normal_real(k, m, s, nx_type_to_real(t), &s2, (nx_names){ 0 }), t, &o.shape, o.names);
    } else if (t) {
        r = normal_real(k, m, s, t, &o.shape, o.names);
    }
    return nx_scope_end_keep(r);
}

/* ---------------------------------------------------------------- gumbel */

nx_tensor *nxrandom_gumbel_real(const uint32_t k[2], nx_type t, const nx_shape *shape)
{
    nx_scope_begin();
    nx_tensor *u = nxrandom_uniform_const(k, info_of(t).tiny, 1.0, t, shape, (nx_names){ 0 });
    nx_tensor *r = u ? nxrandom_new(t, shape, (nx_names){ 0 }) : NULL;
    for (int64_t i = 0; r && i < r->size; i++) {
        double a = nxrandom_rnd(t, log(nxrandom_read(u, i).f));
        nxrandom_store(r, i, nxrandom_enc(t, -log(-a)));   /* -rnd(x) == rnd(-x) */
    }
    return nx_scope_end_keep(r);
}

nx_tensor *nx_random_gumbel_split_(const nx_tensor *key, nx_random_opts o)
{
    uint32_t k[2];
    nx_type t = o.type ? o.type : NX_F32;
    if (nxrandom_key_read(key, k) < 0 || nxfront_check_type(t) < 0)
        return NULL;
    if (!nx_type_is_float(t))
        return nxerr_null(NX_ARGUMENT_ERROR, "output type must be floating-point, got: %s", nx_type_tuple(t));
    if (nx_type_is_complex(t))
        return nxerr_null(NX_ARGUMENT_ERROR, "only floating types are supported, got: %s", nx_type_tuple(t));
    nx_scope_begin();
    nx_tensor *r = nxrandom_gumbel_real(k, t, &o.shape);
    if (r && o.names.n)
        r = nx_rename(r, o.names);
    return nx_scope_end_keep(r);
}

/* ---------------------------------------------------------------- with a new key */

nx_tensor *nxrandom_with_key(const nx_tensor *key, nx_tensor **new_key, nxrandom_sampler *fn, const void *ctx)
{
    uint32_t k[2], knew[2], kuse[2];
    if (nxrandom_key_read(key, k) < 0)
        return NULL;
    nxrandom_split2(k, knew, kuse);
    nx_scope_begin();
    nx_tensor *use = nxrandom_key_new(kuse);
    nx_tensor *r = use ? fn(use, ctx) : NULL;
    r = nx_scope_end_keep(r);
    if (r && new_key) {
        nx_tensor *nk = nxrandom_key_new(knew);
        if (!nk) {
            nx_release(r);
            return NULL;
        }
        *new_key = nk;
    }
    return r;
}

typedef struct { const nx_tensor *a, *b; nx_random_opts o; } two_args;

static nx_tensor *uniform_cb(const nx_tensor *k, const void *c)
{
    const two_args *x = c;
    return nx_random_uniform_split_(k, x->a, x->b, x->o);
}

static nx_tensor *normal_cb(const nx_tensor *k, const void *c)
{
    const two_args *x = c;
    return nx_random_normal_split_(k, x->a, x->b, x->o);
}

static nx_tensor *gumbel_cb(const nx_tensor *k, const void *c)
{
    const two_args *x = c;
    return nx_random_gumbel_split_(k, x->o);
}

nx_tensor *nx_random_uniform_(const nx_tensor *key, const nx_tensor *min, const nx_tensor *max,
                              nx_tensor **new_key, nx_random_opts o)
{
    two_args x = { min, max, o };
    return nxrandom_with_key(key, new_key, uniform_cb, &x);
}

nx_tensor *nx_random_normal_(const nx_tensor *key, const nx_tensor *mean, const nx_tensor *sd,
                             nx_tensor **new_key, nx_random_opts o)
{
    two_args x = { mean, sd, o };
    return nxrandom_with_key(key, new_key, normal_cb, &x);
}

nx_tensor *nx_random_gumbel_(const nx_tensor *key, nx_tensor **new_key, nx_random_opts o)
{
    two_args x = { NULL, NULL, o };
    return nxrandom_with_key(key, new_key, gumbel_cb, &x);
}
