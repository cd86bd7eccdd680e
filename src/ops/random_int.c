/* src/ops/random_int.c: Nx.Random.randint (spec/random.md §5.3): integers in [min, max)
 * from two halves of random bits of the output's width, with Nx's span and multiplier
 * arithmetic reproduced exactly (wrapping widths, truncated remainders). */
#include <math.h>
#include "core/elem.h"
#include "nx/random.h"
#include "ops/random.h"

typedef __int128 wide;

/* x wrapped into an integer type (two's complement for signed types). */
static wide wrap_int(wide x, nx_type t)
{
    int w = nx_type_bits(t);
    unsigned __int128 m = ((unsigned __int128)1 << w) - 1, u = (unsigned __int128)x & m;
    if (!nx_type_is_unsigned(t) && (u >> (w - 1)) & 1)
        return (wide)u - ((wide)1 << w);
    return (wide)u;
}

static wide exact(nx_number n)
{
    return n.kind == NX_NUM_UINT ? (wide)n.u : (wide)n.i;
}

/* A float value truncated and wrapped to 64 bits (as_type to an integer). */
static wide trunc_wrap(double f)
{
    if (isnan(f))
        return 0;
    if (isinf(f))
        return f > 0 ? INT64_MAX : INT64_MIN;
    double r = fmod(trunc(f), 18446744073709551616.0);
    return r < 0 ? (wide)(int64_t)r : (wide)(uint64_t)r;
}

/* The span max - min in their merged type (wrapping, or rounded in a float type), as
 * the unsigned N-bit value randint divides by. */
static uint64_t span_of(nx_number lo, nx_number hi, nx_type mt, int n)
{
    uint64_t mask = n == 64 ? UINT64_MAX : (1ull << n) - 1;
    wide d;
    if (nx_type_is_integer(mt))
        d = wrap_int(exact(hi) - exact(lo), mt);
    else
        d = trunc_wrap(nxrandom_rnd(nx_type_to_real(mt), hi.f - lo.f));
    return (uint64_t)d & mask;
}

/* lo as randint adds it: exact for integers, truncated for floats. */
static wide low_of(nx_number lo)
{
    return lo.kind == NX_NUM_FLOAT ? trunc_wrap(lo.f) : exact(lo);
}

static nx_tensor *randint_into(const uint32_t k[2], const nx_tensor *lo, const nx_tensor *hi, nx_type t,
                               const nx_shape *shape, nx_names names)
{
    int n = nx_type_bits(t);
    nx_type mt = nx_type_merge(lo->type, hi->type);
    nx_tensor *blo = nx_broadcast(lo, *shape), *bhi = blo ? nx_broadcast(hi, *shape) : NULL;
    nx_tensor *r = bhi ? nxrandom_new(t, shape, names) : NULL;
    if (!r)
        return NULL;
    int64_t size = r->size;
    uint64_t *b = nx_alloc(sizeof *b * (size_t)(size > 0 ? 2 * size : 1));
    if (!b)
        return nxerr_oom(sizeof *b * (size_t)(2 * size));
    if (nxrandom_bits(k, 2 * size, n, b) < 0) {
        nx_free(b);
        return NULL;
    }
    uint64_t half = 1ull << (n / 2);
    for (int64_t i = 0; i < size; i++) {
        nx_number l = nxrandom_read(blo, i), h = nxrandom_read(bhi, i);
        uint64_t span = span_of(l, h, mt, n);
        if (span == 0) {
            nx_free(b);
            return nxerr_null(NX_ARGUMENT_ERROR, "randint expects max_val to be greater than min_val");
        }
        uint64_t q = half % span;
        int64_t m = (int64_t)((wide)(int64_t)(q * q) % (wide)span);   /* s64: q² may wrap */
        uint64_t o1 = b[i] % span;
        int64_t o3 = (int64_t)(o1 * (uint64_t)m + b[size + i] % span);   /* both wrap in s64 */
        wide o4 = (wide)o3 % (wide)span;
        int64_t v = (int64_t)(uint64_t)(low_of(l) + o4);
        nxelem_write(t, nxtensor_data(r), i, NX_INT(v));
    }
    nx_free(b);
    return r;
}

nx_tensor *nx_random_randint_split_(const nx_tensor *key, const nx_tensor *min, const nx_tensor *max,
                                    nx_random_opts o)
{
    uint32_t k[2];
    if (nxrandom_key_read(key, k) < 0 || nxrandom_check_plain(min, "min") < 0 ||
        nxrandom_check_plain(max, "max") < 0)
        return NULL;
    nx_scope_begin();
    nx_tensor *lo = nxrandom_arg(min), *hi = nxrandom_arg(max), *r = NULL;
    nx_type t = !lo || !hi ? NX_TYPE_NONE : o.type ? o.type : nx_type_merge(lo->type, hi->type);
    if (t && nxfront_check_type(t) == 0) {
        if (!nx_type_is_integer(t))
            nxerr_set(NX_ARGUMENT_ERROR, "expected integer type, got type %s", nx_type_tuple(t));
        else
            r = randint_into(k, lo, hi, t, &o.shape, o.names);
    }
    return nx_scope_end_keep(r);
}

typedef struct { const nx_tensor *a, *b; nx_random_opts o; } two_args;

static nx_tensor *randint_cb(const nx_tensor *k, const void *c)
{
    const two_args *x = c;
    return nx_random_randint_split_(k, x->a, x->b, x->o);
}

nx_tensor *nx_random_randint_(const nx_tensor *key, const nx_tensor *min, const nx_tensor *max,
                              nx_tensor **new_key, nx_random_opts o)
{
    two_args x = { min, max, o };
    return nxrandom_with_key(key, new_key, randint_cb, &x);
}
