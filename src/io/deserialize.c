/* src/io/deserialize.c: Nx.deserialize (spec/formats.md §2.6): the "nx" v1 header, the
 * structure term rebuilt into an nx_term tree, each tensor's data read from its slice of
 * the buffer area (byte-swapped when the writer was big-endian), and Nx 0.5's legacy
 * format. The data of all tensors together may not exceed the input. */
#include <stdio.h>
#include <string.h>
#include "core/alloc.h"
#include "core/error.h"
#include "core/op.h"
#include "core/shape.h"
#include "core/tensor.h"
#include "io/etf.h"
#include "nx/create.h"
#include "nx/scope.h"

#define BAD_TERM "unable to deserialize binary term to tensor"
#define OUT_OF_RANGE "errors were found at the given arguments:\n\n  * 3rd argument: out of range\n"
#define MAX_DEPTH 100

typedef struct {
    nxio_reader *area;          /* v1: the buffers after the term */
    int swap;
    int legacy;
    int64_t used;               /* bytes of tensor data made so far */
    int64_t budget;             /* ... may not exceed the input's size */
} ctx;

static int bad_term(const nxetf *t)
{
    char text[512];
    return nxerr_set(NX_ARGUMENT_ERROR, "unable to deserialize term to tensor: %s",
                     nxetf_text(t, text, sizeof text));
}

static int is_int(const nxetf *t)
{
    return t->kind == NXETF_INT && t->i >= 0;
}

/* A tensor from its pieces: shape (tuple), type ({kind, bits}), names (list), data of
 * `bits` bits at `offset` of r. */
static nx_tensor *make_tensor(ctx *c, const nxetf *whole, const nxetf *shape, const nxetf *type,
                              const nxetf *names, nxio_reader *r, int64_t offset, int64_t bits)
{
    int64_t dims[NX_MAX_RANK];
    const char *nm[NX_MAX_RANK];
    if (shape->kind != NXETF_TUPLE || shape->n > NX_MAX_RANK || type->kind != NXETF_TUPLE ||
        type->n != 2 || type->items[0].kind != NXETF_ATOM || type->items[1].kind != NXETF_INT ||
        names->kind != NXETF_LIST || names->n != shape->n)
        return bad_term(whole), NULL;
    int rank = (int)shape->n;
    for (int i = 0; i < rank; i++) {
        const nxetf *d = &shape->items[i], *n = &names->items[i];
        if (!is_int(d) || n->kind != NXETF_ATOM)
            return bad_term(whole), NULL;
        dims[i] = d->i;
        nm[i] = nxetf_is_atom(n, "nil") ? NULL : n->s;   /* interned once the tensor is valid */
    }
    char tuple[128];
    snprintf(tuple, sizeof tuple, "{:%.60s, %lld}", type->items[0].s, (long long)type->items[1].i);
    nx_type ty = nx_type_parse(tuple);
    if (!ty)
        return NULL;
    /* Nx.from_binary's checks, then reshape's. A 2/4-bit tensor's last byte may carry
     * padding bits: only the shape's bits count. */
    if (bits == 0)
        return nxerr_null(NX_ARGUMENT_ERROR, "cannot build an empty tensor");
    int w = nx_type_bits(ty);
    nx_shape s = { .rank = rank };
    memcpy(s.dims, dims, (size_t)rank * sizeof *dims);
    int64_t want = nxshape_size(rank, dims);
    if (w < 8 && want > 0 && want <= INT64_MAX / w && want * w <= bits && bits - want * w < 8)
        bits = want * w;
    if (bits % w)
        return nxerr_null(NX_ARGUMENT_ERROR, "binary does not match the given size");
    if (nxshape_check(&s, "shape") < 0)
        return NULL;
    if (want != bits / w) {
        char a[64], b[512];
        int64_t have = bits / w;
        return nxerr_null(NX_ARGUMENT_ERROR, "cannot reshape, current shape %s is not compatible with new shape %s",
                          nxshape_text(a, sizeof a, 1, &have), nxshape_text(b, sizeof b, rank, dims));
    }
    int64_t bytes = (bits + 7) / 8;
    if (c->used > c->budget - bytes)
        return nxerr_null(NX_ARGUMENT_ERROR, BAD_TERM);
    c->used += bytes;
    if (nxio_seek(r, offset) < 0)
        return NULL;
    nx_tensor *t = nxio_read_tensor(r, ty, rank, dims, BAD_TERM);
    if (!t)
        return NULL;
    /* Names are interned for the life of the process (as Erlang's atoms are): only those
     * of tensors that loaded. */
    for (int i = 0; i < rank; i++)
        if (nm[i] && !(t->names[i] = nx_atom(nm[i]))) {
            nx_release(t);
            return NULL;
        }
    unsigned char *p = nxtensor_data(t);
    if (bits % 8)
        p[bytes - 1] &= (unsigned char)(0xFF << (8 - bits % 8));
    if (c->swap)
        nxio_swap(p, ty, want);
    return t;
}

/* {:t, shape, type, names, vectorized_axes, offset, size} */
static nx_tensor *v1_tensor(ctx *c, const nxetf *t)
{
    const nxetf *it = t->items, *vax = &it[4];
    if (!is_int(&it[5]) || !is_int(&it[6]) || vax->kind != NXETF_LIST || vax->n > it[1].n)
        return bad_term(t), NULL;
    int64_t offset = it[5].i, size = it[6].i, left = c->area->len;
    if (offset > left || size > left - offset)
        return nxerr_null(NX_ARGUMENT_ERROR, OUT_OF_RANGE);
    if (size > INT64_MAX / 8)
        return nxerr_null(NX_ARGUMENT_ERROR, BAD_TERM);
    nx_tensor *x = make_tensor(c, t, &it[1], &it[2], &it[3], c->area, offset, size * 8);
    for (int64_t i = 0; x && i < vax->n; i++) {
        const nxetf *a = &vax->items[i];
        if (a->kind != NXETF_TUPLE || a->n != 2 || a->items[0].kind != NXETF_ATOM ||
            !is_int(&a->items[1]) || a->items[1].i != x->dims[i]) {
            nx_release(x);
            return bad_term(t), NULL;
        }
        nx_tensor *v = nx_vectorize(x, a->items[0].s);
        nx_release(x);
        x = v;
    }
    return x;
}

/* {:tensor, shape, type, names, binary} (legacy) */
static nx_tensor *legacy_tensor(ctx *c, const nxetf *t)
{
    const nxetf *data = &t->items[4];
    if (data->kind != NXETF_BINARY)
        return bad_term(t), NULL;
    nxio_reader r = nxio_mem(data->s, data->len);
    return make_tensor(c, t, &t->items[1], &t->items[2], &t->items[3], &r, 0, data->bits);
}

static int rebuild(ctx *c, const nxetf *t, nx_term *out, int depth);

/* Fills out (a TUPLE or MAP) from n values; keys (NULL for tuples) from the key terms. */
static int container(ctx *c, const nxetf *whole, nx_term *out, nx_term_kind kind, int64_t n,
                     const nxetf *const *keys, const nxetf *const *vals, int depth)
{
    out->kind = kind;
    out->items = nxalloc_zeroed((size_t)n + 1, sizeof *out->items);
    if (kind == NX_TERM_MAP)
        out->keys = nxalloc_zeroed((size_t)n + 1, sizeof *out->keys);
    if (!out->items || (kind == NX_TERM_MAP && !out->keys))
        return nxerr_oom((size_t)n * sizeof *out->items), -1;
    for (int64_t i = 0; i < n; i++) {
        if (keys) {
            const nxetf *k = keys[i];
            nx_key *key = &out->keys[i];
            if (k->kind == NXETF_INT) {
                *key = (nx_key){ .kind = NX_KEY_INT, .i = k->i };
            } else if (k->kind == NXETF_ATOM || (k->kind == NXETF_BINARY && k->bits == 8 * k->len)) {
                key->kind = k->kind == NXETF_ATOM ? NX_KEY_ATOM : NX_KEY_STRING;
                key->len = k->len;
                if (!(key->text = nxio_strndup(k->s, (size_t)k->len)))
                    return -1;
            } else {
                return bad_term(whole);
            }
        }
        out->n = i + 1;
        if (rebuild(c, vals[i], &out->items[i], depth + 1) < 0)
            return -1;
    }
    return 0;
}

/* {module, [{key, term}...], metadata} */
static int pairs(ctx *c, const nxetf *t, nx_term *out, int depth)
{
    const nxetf *list = &t->items[1];
    int map = nxetf_is_atom(&t->items[0], "Elixir.Nx.Container.Map");
    if ((!map && !nxetf_is_atom(&t->items[0], "Elixir.Nx.Container.Tuple")) || list->kind != NXETF_LIST)
        return bad_term(t);
    const nxetf **kv = nx_alloc((size_t)(2 * list->n + 1) * sizeof *kv);
    if (!kv)
        return nxerr_oom((size_t)(2 * list->n + 1) * sizeof *kv), -1;
    for (int64_t i = 0; i < list->n; i++) {
        const nxetf *p = &list->items[i];
        if (p->kind != NXETF_TUPLE || p->n != 2) {
            nx_free(kv);
            return bad_term(t);
        }
        kv[i] = &p->items[0];
        kv[list->n + i] = &p->items[1];
    }
    int rc = container(c, t, out, map ? NX_TERM_MAP : NX_TERM_TUPLE, list->n, map ? kv : NULL,
                       kv + list->n, depth);
    nx_free(kv);
    return rc;
}

static int rebuild(ctx *c, const nxetf *t, nx_term *out, int depth)
{
    if (depth > MAX_DEPTH)
        return nxerr_set(NX_ARGUMENT_ERROR, BAD_TERM);
    if (t->kind == NXETF_TUPLE && t->n == 7 && nxetf_is_atom(&t->items[0], "t") && !c->legacy) {
        out->kind = NX_TERM_TENSOR;
        return (out->tensor = v1_tensor(c, t)) ? 0 : -1;
    }
    if (t->kind == NXETF_TUPLE && t->n == 5 && nxetf_is_atom(&t->items[0], "tensor") && c->legacy) {
        out->kind = NX_TERM_TENSOR;
        return (out->tensor = legacy_tensor(c, t)) ? 0 : -1;
    }
    if (t->kind == NXETF_TUPLE && t->n == 3 && t->items[0].kind == NXETF_ATOM &&
        !strncmp(t->items[0].s, "Elixir.", 7))
        return pairs(c, t, out, depth);
    if (c->legacy && t->kind == NXETF_TUPLE && t->n == 2 && nxetf_is_atom(&t->items[0], "container")) {
        const nxetf *v = &t->items[1];
        int64_t n = v->n;
        const nxetf **kv = nx_alloc((size_t)(2 * n + 1) * sizeof *kv);
        if (!kv)
            return nxerr_oom((size_t)(2 * n + 1) * sizeof *kv), -1;
        for (int64_t i = 0; i < n; i++) {
            kv[i] = v->kind == NXETF_MAP ? &v->items[2 * i] : NULL;
            kv[n + i] = v->kind == NXETF_MAP ? &v->items[2 * i + 1] : &v->items[i];
        }
        int rc = v->kind == NXETF_MAP || v->kind == NXETF_TUPLE
                     ? container(c, t, out, v->kind == NXETF_MAP ? NX_TERM_MAP : NX_TERM_TUPLE, n,
                                 v->kind == NXETF_MAP ? kv : NULL, kv + n, depth)
                     : nxerr_set(NX_ARGUMENT_ERROR, BAD_TERM);
        nx_free(kv);
        return rc;
    }
    return c->legacy ? nxerr_set(NX_ARGUMENT_ERROR, BAD_TERM) : bad_term(t);
}

static void release_tensors(nx_term *t)
{
    if (t->kind == NX_TERM_TENSOR && t->tensor)
        nx_release(t->tensor);
    for (int64_t i = 0; t->kind != NX_TERM_TENSOR && i < t->n; i++)
        release_tensors(&t->items[i]);
}

static void free_tree(nx_term *t)
{
    if (t->kind == NX_TERM_TENSOR)
        return;
    for (int64_t i = 0; i < t->n; i++) {
        free_tree(&t->items[i]);
        if (t->keys)
            nx_free((void *)t->keys[i].text);
    }
    nx_free(t->items);
    nx_free(t->keys);
}

void nx_term_free(nx_term *term)
{
    if (!term)
        return;
    free_tree(term);
    nx_free(term);
}

/* Rebuilds the decoded term into a new tree; NULL with an error (and no tensors left). */
static nx_term *finish(ctx *c, const nxetf *t)
{
    nx_term *out = nxalloc_zeroed(1, sizeof *out);
    if (!out)
        return nxerr_oom(sizeof *out);
    if (rebuild(c, t, out, 0) < 0) {
        release_tensors(out);
        nx_term_free(out);
        return NULL;
    }
    return out;
}

static nx_term *deserialize(nxio_reader *r)
{
    unsigned char h[12] = { 0 };
    int64_t len = r->len, head = len < 12 ? len : 12;
    if (nxio_read_exact(r, h, head, BAD_TERM) < 0)
        return NULL;
    nxetf_arena arena = { 0 };
    unsigned char *bytes = NULL;
    nx_term *out = NULL;
    ctx c = { .budget = len };
    if (len >= 3 && h[0] == 'n' && h[1] == 'x') {
        uint64_t tlen = 0;
        for (int i = 0; i < 8; i++)
            tlen = tlen << 8 | h[4 + i];
        if (h[2] != 1 || len < 12 || tlen > (uint64_t)(len - 12))
            return nxerr_null(NX_ARGUMENT_ERROR, "cannot deserialize Nx format v%d", h[2]);
        if (!(bytes = nx_alloc((size_t)tlen + 1)))
            return nxerr_oom((size_t)tlen + 1);
        nxetf *t = NULL;
        if (nxio_read_exact(r, bytes, (int64_t)tlen, BAD_TERM) == 0 &&
            (t = nxetf_decode(bytes, (int64_t)tlen, &arena, BAD_TERM)) != NULL) {
            nxio_reader area = nxio_window(r, 12 + (int64_t)tlen, len - 12 - (int64_t)tlen);
            area.err = BAD_TERM;
            c.area = &area;
            c.budget = area.len;
            c.swap = h[3] != 0;
            out = finish(&c, t);
        }
    } else {
        /* Legacy: the whole input is {1, :little | :big, term}. */
        if (!(bytes = nx_alloc((size_t)len + 1)))
            return nxerr_oom((size_t)len + 1);
        memcpy(bytes, h, (size_t)head);
        nxetf *t = NULL;
        if (nxio_read_exact(r, bytes + head, len - head, BAD_TERM) == 0 &&
            (t = nxetf_decode(bytes, len, &arena, BAD_TERM)) != NULL) {
            if (t->kind != NXETF_TUPLE || t->n != 3 || t->items[0].kind != NXETF_INT || t->items[0].i != 1 ||
                !(nxetf_is_atom(&t->items[1], "little") || nxetf_is_atom(&t->items[1], "big"))) {
                nxerr_set(NX_ARGUMENT_ERROR, BAD_TERM);
            } else {
                c.legacy = 1;
                c.swap = nxetf_is_atom(&t->items[1], "big");
                out = finish(&c, &t->items[2]);
            }
        }
    }
    nxetf_arena_free(&arena);
    nx_free(bytes);
    return out;
}

nx_term *nx_deserialize(const void *data, size_t len)
{
    nxio_reader r = nxio_mem(data, (int64_t)len);
    return deserialize(&r);
}

nx_term *nx_deserialize_file(const char *path)
{
    nxio_reader r;
    if (nxio_open(&r, path) < 0)
        return NULL;
    nx_term *t = deserialize(&r);
    nxio_close(&r);
    return t;
}
