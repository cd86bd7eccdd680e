/* src/io/serialize.c: Nx.serialize / Nx.deserialize (spec/formats.md §2): containers of
 * tensors to the "nx" v1 layout (header, structure term, data buffers) and back, and
 * reading Nx 0.5's legacy format. Tensor data is read straight from the input (a file
 * window when reading a file) into the tensor. */
#include <stdio.h>
#include <string.h>
#include <zlib.h>
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
#define TUPLE_MODULE "Elixir.Nx.Container.Tuple"
#define MAP_MODULE "Elixir.Nx.Container.Map"
#define MAX_DEPTH 100

/* ---------------------------------------------------------------- writing */

typedef struct {
    nxio_writer *w;
    const nx_tensor **tensors;  /* in traversal order: the data buffers */
    int64_t n, cap, offset;
} writer;

static int put_tensor(writer *s, const nx_tensor *t)
{
    int64_t bytes;
    if (!nxio_data(t, &bytes))
        return -1;
    if (s->n == s->cap) {
        int64_t cap = s->cap ? 2 * s->cap : 8;
        const nx_tensor **p = nxalloc_realloc(s->tensors, (size_t)cap * sizeof *p);
        if (!p)
            return nxerr_oom((size_t)cap * sizeof *p), -1;
        s->tensors = p;
        s->cap = cap;
    }
    s->tensors[s->n++] = t;
    const char *tuple = nx_type_tuple(t->type);     /* "{:f8_e4m3fn, 8}" */
    const char *kind = tuple + 2, *comma = strchr(kind, ',');
    nxio_writer *w = s->w;
    int rc = nxetf_put_tuple(w, 7) | nxetf_put_atom(w, "t", 1) | nxetf_put_tuple(w, t->rank);
    for (int i = 0; i < t->rank; i++)
        rc |= nxetf_put_int(w, t->dims[i]);
    rc |= nxetf_put_tuple(w, 2) | nxetf_put_atom(w, kind, (size_t)(comma - kind)) |
          nxetf_put_int(w, nx_type_bits(t->type));
    if (t->rank)
        rc |= nxetf_put_list(w, t->rank);
    for (int i = 0; i < t->rank; i++)
        rc |= t->names[i] ? nxetf_put_atom(w, t->names[i], strlen(t->names[i])) : nxetf_put_atom(w, "nil", 3);
    rc |= nxetf_put_nil(w);
    if (t->vrank)
        rc |= nxetf_put_list(w, t->vrank);
    for (int i = 0; i < t->vrank; i++)
        rc |= nxetf_put_tuple(w, 2) | nxetf_put_atom(w, t->names[i], strlen(t->names[i])) |
              nxetf_put_int(w, t->dims[i]);
    rc |= nxetf_put_nil(w);
    rc |= nxetf_put_int(w, s->offset) | nxetf_put_int(w, bytes);
    s->offset += bytes;
    return rc ? -1 : 0;
}

/* Erlang term order of keys: integers < atoms < binaries. */
static int key_cmp(const nx_key *a, const nx_key *b)
{
    static const int rank[] = { [NX_KEY_INT] = 0, [NX_KEY_ATOM] = 1, [NX_KEY_STRING] = 2 };
    if (a->kind != b->kind)
        return rank[a->kind] - rank[b->kind];
    if (a->kind == NX_KEY_INT)
        return (a->i > b->i) - (a->i < b->i);
    int64_t la = a->kind == NX_KEY_ATOM ? (int64_t)strlen(a->text) : a->len;
    int64_t lb = b->kind == NX_KEY_ATOM ? (int64_t)strlen(b->text) : b->len;
    int c = memcmp(a->text, b->text, (size_t)(la < lb ? la : lb));
    return c ? c : (la > lb) - (la < lb);
}

static int put_term(writer *s, const nx_term *t, int depth)
{
    if (!t || depth > MAX_DEPTH)
        return nxerr_set(NX_ARGUMENT_ERROR, "serialize: expected a tensor, tuple or map");
    if (t->kind == NX_TERM_TENSOR)
        return put_tensor(s, t->tensor);
    if ((t->kind != NX_TERM_TUPLE && t->kind != NX_TERM_MAP) || t->n < 0 || (t->n && !t->items) ||
        (t->kind == NX_TERM_MAP && t->n && !t->keys))
        return nxerr_set(NX_ARGUMENT_ERROR, "serialize: expected a tensor, tuple or map");
    nxio_writer *w = s->w;
    int map = t->kind == NX_TERM_MAP;
    const char *module = map ? MAP_MODULE : TUPLE_MODULE;
    /* Map pairs go out sorted by key (a selection of the next key each time keeps the
     * caller's arrays untouched). */
    int64_t *order = nx_alloc((size_t)(t->n + 1) * sizeof *order);
    if (!order)
        return nxerr_oom((size_t)(t->n + 1) * sizeof *order), -1;
    for (int64_t i = 0; i < t->n; i++)
        order[i] = i;
    for (int64_t i = 0; map && i < t->n; i++) {
        const nx_key *k = &t->keys[order[i]];
        if (!k->text && k->kind != NX_KEY_INT) {
            nx_free(order);
            return nxerr_set(NX_ARGUMENT_ERROR, "serialize: a map key has no text");
        }
        for (int64_t j = i + 1; j < t->n; j++)
            if (key_cmp(&t->keys[order[j]], &t->keys[order[i]]) < 0) {
                int64_t x = order[i];
                order[i] = order[j];
                order[j] = x;
            }
        if (i > 0 && key_cmp(&t->keys[order[i - 1]], &t->keys[order[i]]) == 0) {
            nx_free(order);
            return nxerr_set(NX_ARGUMENT_ERROR, "serialize: a map has the same key twice");
        }
    }
    int rc = nxetf_put_tuple(w, 3) | nxetf_put_atom(w, module, strlen(module));
    if (t->n)
        rc |= nxetf_put_list(w, t->n);
    for (int64_t i = 0; rc == 0 && i < t->n; i++) {
        rc |= nxetf_put_tuple(w, 2);
        const nx_key *k = map ? &t->keys[order[i]] : NULL;
        if (!map)
            rc |= nxetf_put_nil(w);
        else if (k->kind == NX_KEY_INT)
            rc |= nxetf_put_int(w, k->i);
        else if (k->kind == NX_KEY_ATOM)
            rc |= nxetf_put_atom(w, k->text, strlen(k->text));
        else
            rc |= nxetf_put_binary(w, k->text, k->len);
        rc |= put_term(s, &t->items[order[i]], depth + 1);
    }
    nx_free(order);
    rc |= nxetf_put_nil(w) | nxetf_put_atom(w, "ok", 2);
    return rc ? -1 : 0;
}

static int serialize(const nx_term *term, const char *path, void **out, size_t *out_len, int level)
{
    if (level < 0 || level > 9)
        return nxerr_set(NX_ARGUMENT_ERROR, "serialize: :compressed must be an integer from 0 to 9, got: %d", level);
    nxio_writer tw = { 0 }, fw;
    writer s = { .w = &tw };
    unsigned char v = 131;
    if (nxio_write(&tw, &v, 1) < 0 || put_term(&s, term, 0) < 0) {
        nxio_finish(&tw, 0, NULL, NULL);
        nx_free(s.tensors);
        return -1;
    }
    unsigned char *packed = NULL;
    int64_t tlen = tw.len;
    if (level > 0) {
        /* 131, 80, the size of what follows 131, then zlib's stream of it. */
        uLong plain = (uLong)(tw.len - 1), bound = compressBound(plain);
        uLongf got = bound;
        packed = nx_alloc(bound + 6);
        if (!packed || compress2(packed + 6, &got, tw.buf + 1, plain, level) != Z_OK) {
            nx_free(packed);
            nx_free(s.tensors);
            nxio_finish(&tw, 0, NULL, NULL);
            return nxerr_set(NX_MEMORY_ERROR, "serialize: could not compress the term");
        }
        packed[0] = 131;
        packed[1] = 80;
        for (int i = 0; i < 4; i++)
            packed[2 + i] = (unsigned char)(plain >> (24 - 8 * i));
        tlen = (int64_t)got + 6;
    }
    unsigned char head[12] = { 'n', 'x', 1, 0 };
    for (int i = 0; i < 8; i++)
        head[4 + i] = (unsigned char)((uint64_t)tlen >> (56 - 8 * i));
    int created = nxio_create(&fw, path) == 0, ok = created;
    ok = ok && nxio_write(&fw, head, 12) == 0 && nxio_write(&fw, packed ? packed : tw.buf, tlen) == 0;
    for (int64_t i = 0; ok && i < s.n; i++) {
        int64_t bytes;
        const void *data = nxio_data(s.tensors[i], &bytes);
        ok = nxio_write(&fw, data, bytes) == 0;
    }
    nx_free(packed);
    nx_free(s.tensors);
    nxio_finish(&tw, 0, NULL, NULL);
    return created ? nxio_finish(&fw, ok, out, out_len) : -1;
}

int nx_serialize_(const nx_term *term, void **out, size_t *out_len, nx_serialize_opts o)
{
    if (!out)
        return nxerr_set(NX_ARGUMENT_ERROR, "nx_serialize: out is NULL");
    return serialize(term, NULL, out, out_len, o.compressed);
}

int nx_serialize_file_(const nx_term *term, const char *path, nx_serialize_opts o)
{
    if (!path)
        return nxerr_set(NX_ARGUMENT_ERROR, "nx_serialize_file: path is NULL");
    return serialize(term, path, NULL, NULL, o.compressed);
}
