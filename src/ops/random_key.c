/* src/ops/random_key.c: Nx.Random keys (spec/random.md §2-4): key, split, fold_in,
 * Threefry-2x32-20 and the counter blocks and raw bits every sampler draws from. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "core/elem.h"
#include "core/shape.h"
#include "nx/random.h"
#include "ops/random.h"

static inline uint32_t rotl(uint32_t x, int r)
{
    return x << r | x >> (32 - r);
}

void nxrandom_threefry(const uint32_t k[2], uint32_t *x0, uint32_t *x1, int64_t n)
{
    static const int rot[2][4] = { { 13, 15, 26, 6 }, { 17, 29, 16, 24 } };
    const uint32_t ks[3] = { k[1], k[0] ^ k[1] ^ 0x1BD11BDAu, k[0] };
    for (int64_t j = 0; j < n; j++) {
        uint32_t a = x0[j] + k[0], b = x1[j] + k[1];
        for (int i = 1; i <= 5; i++) {
            const int *r = rot[(i - 1) & 1];
            for (int q = 0; q < 4; q++) {
                a += b;
                b = rotl(b, r[q]) ^ a;
            }
            /* The injected words rotate left by one each time: ks[(i-1) % 3], ks[i % 3]. */
            a += ks[(i - 1) % 3];
            b += ks[i % 3] + (uint32_t)i;
        }
        x0[j] = a;
        x1[j] = b;
    }
}

int nxrandom_words(const uint32_t k[2], int64_t n, uint32_t *out)
{
    int64_t h = (n + 1) / 2;
    uint32_t *x = nx_alloc(sizeof *x * (size_t)(h > 0 ? 2 * h : 1));
    if (!x)
        return nxerr_oom(sizeof *x * (size_t)(2 * h)), -1;
    /* Counters 0 .. n-1, then one padding 0 when n is odd; halves x[0..h) and x[h..2h). */
    for (int64_t i = 0; i < 2 * h; i++)
        x[i] = i < n ? (uint32_t)i : 0;
    nxrandom_threefry(k, x, x + h, h);
    memcpy(out, x, sizeof *x * (size_t)n);
    nx_free(x);
    return 0;
}

int nxrandom_bits(const uint32_t k[2], int64_t n, int width, uint64_t *out)
{
    int64_t m = width == 64 ? 2 * n : n;
    uint32_t *w = nx_alloc(sizeof *w * (size_t)(m ? m : 1));
    if (!w)
        return nxerr_oom(sizeof *w * (size_t)m), -1;
    if (nxrandom_words(k, m, w) < 0) {
        nx_free(w);
        return -1;
    }
    uint64_t mask = width >= 32 ? 0xFFFFFFFFu : (1u << width) - 1;
    for (int64_t i = 0; i < n; i++)
        out[i] = width == 64 ? (uint64_t)w[i] << 32 | w[n + i] : (w[i] & mask);
    nx_free(w);
    return 0;
}

void nxrandom_split2(const uint32_t k[2], uint32_t knew[2], uint32_t kuse[2])
{
    /* threefry2x32(key, {2, 2}): counters x0 = [0, 1], x1 = [2, 3]; rows y0 and y1. */
    uint32_t x0[2] = { 0, 1 }, x1[2] = { 2, 3 };
    nxrandom_threefry(k, x0, x1, 2);
    knew[0] = x0[0], knew[1] = x0[1];
    kuse[0] = x1[0], kuse[1] = x1[1];
}

int nxrandom_key_read(const nx_tensor *key, uint32_t k[2])
{
    char buf[256];
    if (nxrandom_check_plain(key, "key") < 0)
        return -1;
    if (key->rank != 1 || key->dims[0] != 2)
        return nxerr_set(NX_ARGUMENT_ERROR, "expected key to have shape {2}, got tensor with shape %s",
                         nxshape_text(buf, sizeof buf, key->rank, key->dims));
    if (key->type != NX_U32)
        return nxerr_set(NX_ARGUMENT_ERROR, "expected key with 32-bit unsigned integer type, got key with type %s",
                         nx_type_tuple(key->type));
    memcpy(k, nxtensor_data(key), 2 * sizeof *k);
    return 0;
}

nx_tensor *nxrandom_key_new(const uint32_t k[2])
{
    return nx_from_data(k, NX_U32, NX_SHAPE(2));
}

nx_tensor *nx_random_key(uint64_t seed)
{
    uint32_t k[2] = { (uint32_t)(seed >> 32), (uint32_t)seed };
    return nxrandom_key_new(k);
}

nx_tensor *nx_random_key_tensor(const nx_tensor *seed)
{
    if (nxfront_check_tensor(seed) < 0)
        return NULL;
    if (seed->rank != 0 || (seed->type != NX_U64 && seed->type != NX_S64)) {
        char *text = nx_inspect(seed);
        nxerr_set(NX_ARGUMENT_ERROR, "expected seed to be an integer, u64 tensor or s64 tensor, got: %s",
                  text ? text : "a tensor");
        nx_free(text);
        return NULL;
    }
    uint64_t s;
    memcpy(&s, nxtensor_data(seed), sizeof s);
    return nx_random_key(s);
}

nx_tensor *nx_random_split_(const nx_tensor *key, nx_random_split_opts o)
{
    uint32_t k[2];
    int64_t parts = o.parts ? o.parts : 2;
    if (nxrandom_key_read(key, k) < 0)
        return NULL;
    if (parts < 0 || parts > INT64_MAX / 2)
        return nxerr_null(NX_ARGUMENT_ERROR, "split expects :parts to be a positive integer, got: %lld",
                          (long long)parts);
    nx_shape s = NX_SHAPE(parts, 2);
    nx_tensor *t = nxrandom_new(NX_U32, &s, (nx_names){ 0 });
    if (t && nxrandom_words(k, 2 * parts, nxtensor_data(t)) < 0) {
        nx_release(t);
        return NULL;
    }
    return t;
}

nx_tensor *nx_random_threefry2x32(const nx_tensor *key, nx_shape shape)
{
    uint32_t k[2];
    if (nxrandom_key_read(key, k) < 0)
        return NULL;
    nx_tensor *t = nxrandom_new(NX_U32, &shape, (nx_names){ 0 });
    if (t && nxrandom_words(k, t->size, nxtensor_data(t)) < 0) {
        nx_release(t);
        return NULL;
    }
    return t;
}

nx_tensor *nx_random_bits_(const nx_tensor *key, nx_random_bits_opts o)
{
    uint32_t k[2];
    int width = o.width ? o.width : 32;
    nx_type type;
    switch (width) {
    case 2: type = NX_U2; break;
    case 4: type = NX_U4; break;
    case 8: type = NX_U8; break;
    case 16: type = NX_U16; break;
    case 32: type = NX_U32; break;
    case 64: type = NX_U64; break;
    default: return nxerr_null(NX_ARGUMENT_ERROR, "expected bit width to be 2, 4, 8, 16, 32 or 64, got: %d", width);
    }
    if (nxrandom_key_read(key, k) < 0)
        return NULL;
    nx_tensor *t = nxrandom_new(type, &o.shape, (nx_names){ 0 });
    uint64_t *b = t ? nx_alloc(sizeof *b * (size_t)(t->size ? t->size : 1)) : NULL;
    if (!b || nxrandom_bits(k, t->size, width, b) < 0) {
        if (t && !b)
            nxerr_oom(sizeof *b * (size_t)t->size);
        nx_free(b);
        nx_release(t);
        return NULL;
    }
    for (int64_t i = 0; i < t->size; i++)
        nxelem_write(type, nxtensor_data(t), i, NX_UINT(b[i]));
    nx_free(b);
    return t;
}

nx_tensor *nx_random_threefry2x32_20_concat(const nx_tensor *xs, const nx_tensor *key)
{
    uint32_t k[2];
    char buf[256];
    if (nxrandom_key_read(key, k) < 0 || nxrandom_check_plain(xs, "xs") < 0)
        return NULL;
    if (xs->type != NX_U32 || xs->rank != 2 || xs->dims[0] != 2)
        return nxerr_null(NX_ARGUMENT_ERROR, "expected xs to be a u32 tensor of shape {2, m}, got %s tensor with shape %s",
                          nx_type_tuple(xs->type), nxshape_text(buf, sizeof buf, xs->rank, xs->dims));
    int64_t m = xs->dims[1];
    nx_shape s = NX_SHAPE(2 * m);
    nx_tensor *t = nxrandom_new(NX_U32, &s, (nx_names){ 0 });
    if (!t)
        return NULL;
    uint32_t *y = nxtensor_data(t);
    memcpy(y, nxtensor_data(xs), sizeof *y * (size_t)(2 * m));
    nxrandom_threefry(k, y, y + m, m);
    return t;
}

/* fold_in's data element as Nx.as_type(_, :u64) gives it (wrapping, floats truncated). */
static uint64_t as_u64(nx_number n)
{
    double f;
    switch (n.kind) {
    case NX_NUM_INT: return (uint64_t)n.i;
    case NX_NUM_UINT: return n.u;
    case NX_NUM_FLOAT: f = n.f; break;
    default: f = n.c.re; break;
    }
    if (isnan(f))
        return 0;
    if (isinf(f))
        return f > 0 ? UINT64_MAX : 0;
    double r = fmod(trunc(f), 18446744073709551616.0);   /* exact */
    if (r < 0)
        r += 18446744073709551616.0;
    return r >= 18446744073709551616.0 ? 0 : (uint64_t)r;
}

nx_tensor *nx_random_fold_in(const nx_tensor *key, const nx_tensor *data)
{
    uint32_t k[2];
    if (nxrandom_key_read(key, k) < 0 || nxrandom_check_plain(data, "data") < 0)
        return NULL;
    nx_scope_begin();
    nx_tensor *d = nxrandom_arg(data), *t = NULL;
    if (!d || d->rank + 1 > NX_MAX_RANK)
        goto out;
    nx_shape s = { .rank = d->rank + 1 };
    memcpy(s.dims, d->dims, sizeof *s.dims * (size_t)d->rank);
    s.dims[d->rank] = 2;
    t = nxrandom_new(NX_U32, &s, (nx_names){ 0 });
    if (!t)
        goto out;
    uint32_t *y = nxtensor_data(t);
    for (int64_t i = 0; i < d->size; i++) {
        uint64_t v = as_u64(nxrandom_read(d, i));
        uint32_t x0 = (uint32_t)(v >> 32), x1 = (uint32_t)v;
        nxrandom_threefry(k, &x0, &x1, 1);
        y[2 * i] = x0, y[2 * i + 1] = x1;
    }
out:
    return nx_scope_end_keep(t);
}
