/* src/ops/random_perm.c: Nx.Random.shuffle and choice (spec/random.md §5.5, §5.6):
 * permutations by stable sorts of random keys, sampling with and without replacement,
 * uniformly or by a probability vector (cumulative sums in Nx's scan order, Gumbel top-k). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "nx/random.h"
#include "ops/random.h"

/* Rounds of sorting for n elements, computed in f32 as Nx does. */
static int rounds_of(int64_t n)
{
    if (n <= 1)
        return 0;
    float l1 = (float)log((double)(float)n), a = (float)(3.0 * (double)l1);
    float l2 = (float)log(4294967295.0);
    return (int)ceil((double)(float)((double)a / (double)l2));
}

/* x shuffled along `axis` in place of every slice (the independent shuffle); k becomes
 * the key after the last round. NULL with an error. */
static nx_tensor *shuffle_rounds(uint32_t k[2], const nx_tensor *x, int axis)
{
    nx_shape shape = nx_shape_of(x);
    int rounds = rounds_of(x->size);
    nx_tensor *y = (nx_tensor *)x;
    for (int r = 0; y && r < rounds; r++) {
        uint32_t knext[2], kuse[2];
        nxrandom_split2(k, knext, kuse);
        nx_tensor *keys = nxrandom_new(NX_U32, &shape, (nx_names){ 0 });
        if (!keys || nxrandom_words(kuse, keys->size, nxtensor_data(keys)) < 0)
            return NULL;
        nx_tensor *idx = nx_argsort(keys, .axis = NX_AXIS(axis), .stable = true, .type = NX_S64);
        y = idx ? nx_take_along_axis(y, idx, .axis = NX_AXIS(axis)) : NULL;
        k[0] = knext[0], k[1] = knext[1];
    }
    return y;
}

/* The permutation of 0 .. n-1 the non-independent shuffle applies. */
static nx_tensor *permutation(uint32_t k[2], int64_t n)
{
    nx_tensor *p = nx_iota(NX_SHAPE(n), .type = NX_S32);
    return p ? shuffle_rounds(k, p, 0) : NULL;
}

/* shuffle with the key k (updated to the returned key). */
static nx_tensor *shuffle_with(uint32_t k[2], const nx_tensor *t, int axis, bool independent)
{
    if (independent)
        return shuffle_rounds(k, t, axis);
    nx_tensor *p = permutation(k, t->dims[axis]);
    return p ? nx_take(t, p, .axis = NX_AXIS(axis)) : NULL;
}

/* The tensor with the returned key in *new_key (when asked), inside the caller's scope. */
static nx_tensor *hand_back(nx_tensor *r, const uint32_t k[2], nx_tensor **new_key)
{
    r = nx_scope_end_keep(r);
    if (r && new_key) {
        nx_tensor *nk = nxrandom_key_new(k);
        if (!nk) {
            nx_release(r);
            return NULL;
        }
        *new_key = nk;
    }
    return r;
}

nx_tensor *nx_random_shuffle_(const nx_tensor *key, const nx_tensor *t, nx_tensor **new_key, nx_shuffle_opts o)
{
    uint32_t k[2];
    if (nxrandom_key_read(key, k) < 0 || nxrandom_check_plain(t, "tensor") < 0)
        return NULL;
    int axis = nx_axis_index(t, o.axis.set || o.axis.name ? o.axis : NX_AXIS(0));
    if (axis < 0)
        return NULL;
    nx_scope_begin();
    nx_tensor *r = shuffle_with(k, t, axis, o.independent);
    return hand_back(r, k, new_key);
}

/* ---------------------------------------------------------------- choice */

/* Nx's cumulative_sum of v[n] in type t: the associative scan's order of additions. */
static int scan(nx_type t, double *v, int64_t n)
{
    if (n < 2)
        return 0;
    int64_t ne = n / 2, no = n / 2;   /* pairs (v[2i], v[2i+1]) */
    double *r = nx_alloc(sizeof *r * (size_t)no);
    if (!r)
        return nxerr_oom(sizeof *r * (size_t)no), -1;
    for (int64_t i = 0; i < no; i++)
        r[i] = nxrandom_rnd(t, v[2 * i + 1] + v[2 * i]);
    if (scan(t, r, no) < 0) {
        nx_free(r);
        return -1;
    }
    /* Odd positions take the scanned pair sums; even ones after 0 add their own value. */
    for (int64_t i = 0; i < no; i++)
        v[2 * i + 1] = r[i];
    for (int64_t i = 1; 2 * i < n; i++)
        v[2 * i] = nxrandom_rnd(t, r[i - 1] + v[2 * i]);
    (void)ne;
    nx_free(r);
    return 0;
}

typedef struct { double v; int64_t i; } keyed;

/* Ascending, NaN last, ties by position: a stable order. */
static int keyed_cmp(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int xn = isnan(x->v), yn = isnan(y->v);
    if (xn != yn)
        return xn - yn;
    if (!xn && x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

/* Indices (s64[d]) drawn with probabilities p (type t, n entries) and the key k. */
static nx_tensor *weighted(uint32_t k[2], const nx_tensor *p, int64_t n, int64_t d, bool replace)
{
    nx_type t = p->type;
    uint32_t knew[2], kuse[2];
    nxrandom_split2(k, knew, kuse);
    nx_tensor *idx = nxrandom_new(NX_S64, &NX_SHAPE(d), (nx_names){ 0 });
    keyed *s = idx ? nx_alloc(sizeof *s * (size_t)n) : NULL;
    double *c = s ? nx_alloc(sizeof *c * (size_t)n) : NULL;
    nx_tensor *g = NULL;
    if (!c) {
        nx_free(s);
        return idx ? nxerr_oom(sizeof *s * (size_t)n) : NULL;
    }
    int64_t *out = nxtensor_data(idx);
    for (int64_t i = 0; i < n; i++)
        s[i] = (keyed){ nxrandom_read(p, i).f, i };
    if (replace) {
        for (int64_t i = 0; i < n; i++)
            c[i] = s[i].v;
        if (scan(t, c, n) < 0)
            goto fail;
        g = nxrandom_uniform_const(kuse, 0.0, 1.0, t, &NX_SHAPE(d), (nx_names){ 0 });
        for (int64_t j = 0; g && j < d; j++) {
            double r = nxrandom_rnd(t, c[n - 1] * nxrandom_rnd(t, 1.0 - nxrandom_read(g, j).f));
            int64_t at = 0;
            while (at < n && !(c[at] > r))
                at++;
            out[j] = at < n ? at : 0;
        }
    } else {
        g = nxrandom_gumbel_real(kuse, t, &NX_SHAPE(n));
        for (int64_t i = 0; g && i < n; i++)
            s[i].v = nxrandom_rnd(t, -nxrandom_read(g, i).f - nxrandom_rnd(t, log(s[i].v)));
        if (g)
            qsort(s, (size_t)n, sizeof *s, keyed_cmp);
        for (int64_t j = 0; g && j < d; j++)
            out[j] = s[j].i;
    }
    if (!g)
        goto fail;
    nx_free(s), nx_free(c);
    k[0] = knew[0], k[1] = knew[1];
    return idx;
fail:
    nx_free(s), nx_free(c);
    return NULL;
}

/* Checks of spec §5.6 in Nx's order; fills the axis and the number of inputs. */
static int choice_checks(const nx_tensor *t, const nx_tensor *p, nx_choice_opts o, int *axis, int64_t *n)
{
    char buf[64];
    if (o.axis.set || o.axis.name) {
        *axis = nx_axis_index(t, o.axis);
        if (*axis < 0)
            return -1;
        *n = t->dims[*axis];
    } else {
        *axis = 0;
        *n = t->size;
    }
    if (t->rank < 1)
        return nxerr_set(NX_ARGUMENT_ERROR, "tensor must have rank 1 or greater");
    if (o.samples < 0)
        return nxerr_set(NX_RUNTIME_ERROR, "must take at least one sample, got samples=%lld", (long long)o.samples);
    int64_t d = o.samples ? o.samples : 1;
    if (o.no_replace && d > *n)
        return nxerr_set(NX_ARGUMENT_ERROR, "cannot take more samples than the input size when replace: false");
    if (p) {
        if (nxrandom_check_plain(p, "p") < 0)
            return -1;
        if (p->rank != 1)
            return nxerr_set(NX_ARGUMENT_ERROR, "probability tensor must have rank 1, got: %d", p->rank);
        if (p->size != *n)
            return nxerr_set(NX_ARGUMENT_ERROR, "probability tensor of size %lld is expected to have size %lld",
                             (long long)p->size, (long long)*n);
        if (!nx_type_is_float(p->type) || nx_type_is_complex(p->type))
            return nxerr_set(NX_ARGUMENT_ERROR, "expected float type for the probability tensor, got type %s",
                             nx_type_tuple(p->type));
    }
    (void)buf;
    return 0;
}

nx_tensor *nx_random_choice_(const nx_tensor *key, const nx_tensor *t, const nx_tensor *p, nx_tensor **new_key,
                             nx_choice_opts o)
{
    uint32_t k[2];
    int axis;
    int64_t n;
    if (nxrandom_key_read(key, k) < 0 || nxrandom_check_plain(t, "tensor") < 0 || choice_checks(t, p, o, &axis, &n) < 0)
        return NULL;
    int64_t d = o.samples ? o.samples : 1;
    nx_scope_begin();
    nx_tensor *x = o.axis.set || o.axis.name ? (nx_tensor *)t : nx_reshape(t, NX_SHAPE(t->size)), *idx = NULL, *r;
    if (!x) {
        r = NULL;
    } else if (p) {
        idx = weighted(k, nxrandom_arg(p), n, d, !o.no_replace);
        r = idx ? nx_take(x, idx, .axis = NX_AXIS(axis)) : NULL;
    } else if (!o.no_replace) {
        uint32_t knew[2], kuse[2];
        nxrandom_split2(k, knew, kuse);
        nx_tensor *use = nxrandom_key_new(kuse);
        idx = use ? nx_random_randint_split(use, nx_scalar(NX_INT(0), NX_S64), nx_scalar(NX_INT(n), NX_S64),
                                            .shape = NX_SHAPE(d), .type = NX_U32)
                  : NULL;
        r = idx ? nx_take(x, idx, .axis = NX_AXIS(axis)) : NULL;
        k[0] = knew[0], k[1] = knew[1];
    } else {
        nx_tensor *y = shuffle_with(k, x, axis, false);
        r = y ? nx_slice_along_axis(y, 0, d, .axis = NX_AXIS(axis)) : NULL;
    }
    return hand_back(r, k, new_key);
}
