/* src/io/stream.c: the byte streams under every file format: readers over memory, over a
 * window of a file and over a deflate stream; writers into memory or a file; reading a
 * tensor's data straight into its buffer; byte swapping. */
#define _FILE_OFFSET_BITS 64
#define _DEFAULT_SOURCE   /* fseeko, ftello */
#include <errno.h>
#include <string.h>
#include <zlib.h>
#include "core/alloc.h"
#include "core/elem.h"
#include "core/error.h"
#include "core/op.h"
#include "core/shape.h"
#include "core/tensor.h"
#include "io/io.h"

#define CHUNK (64 * 1024)

/* Input that ends early or does not decode: the format's own message when it gave one. */
static int corrupt(const char *what)
{
    return nxerr_set(NX_ARGUMENT_ERROR, "%s", what ? what : "unexpected end of input");
}

char *nxio_strndup(const char *s, size_t n)
{
    char *p = nx_alloc(n + 1);
    if (!p)
        return nxerr_oom(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

/* ---------------------------------------------------------------- readers */

nxio_reader nxio_mem(const void *data, int64_t len)
{
    return (nxio_reader){ .kind = NXIO_MEM, .mem = data, .len = data ? len : 0 };
}

int nxio_open(nxio_reader *r, const char *path)
{
    *r = (nxio_reader){ .kind = NXIO_FILE };
    FILE *f = path ? fopen(path, "rb") : NULL;
    if (!f)
        return nxerr_set(NX_FILE_ERROR, "could not read file \"%s\": %s", path ? path : "(null)",
                         strerror(path ? errno : EINVAL));
    int64_t size = -1;
    if (fseeko(f, 0, SEEK_END) == 0)
        size = ftello(f);
    if (size < 0 || fseeko(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return nxerr_set(NX_FILE_ERROR, "could not read file \"%s\": not a seekable file", path);
    }
    r->f = f;
    r->len = size;
    return 0;
}

void nxio_close(nxio_reader *r)
{
    if (r->kind == NXIO_FILE && r->f)
        fclose(r->f);
    r->f = NULL;
}

nxio_reader nxio_window(const nxio_reader *r, int64_t offset, int64_t len)
{
    nxio_reader w = *r;
    w.base = r->base + offset;
    w.pos = 0;
    w.len = len;
    w.crc = 0;
    if (r->kind == NXIO_MEM)
        w.mem = r->mem + offset, w.base = 0;
    return w;
}

int nxio_inflate_begin(nxio_reader *r, nxio_reader *inner, int raw, int64_t out_len)
{
    *r = (nxio_reader){ .kind = NXIO_INFLATE, .inner = inner, .len = out_len, .err = inner->err };
    z_stream *z = nxalloc_zeroed(1, sizeof *z);
    r->in = nx_alloc(CHUNK);
    if (!z || !r->in) {
        nx_free(z);
        nx_free(r->in);
        return nxerr_oom(CHUNK), -1;
    }
    if (inflateInit2(z, raw ? -MAX_WBITS : MAX_WBITS) != Z_OK) {
        nx_free(z);
        nx_free(r->in);
        return nxerr_set(NX_MEMORY_ERROR, "could not start zlib");
    }
    r->z = z;
    return 0;
}

void nxio_inflate_end(nxio_reader *r)
{
    if (r->kind != NXIO_INFLATE || !r->z)
        return;
    inflateEnd(r->z);
    nx_free(r->z);
    nx_free(r->in);
    r->z = NULL;
    r->in = NULL;
}

static int64_t inflate_some(nxio_reader *r, unsigned char *out, int64_t n)
{
    z_stream *z = r->z;
    int64_t done = 0;
    while (done < n && !r->zend) {
        if (z->avail_in == 0) {
            int64_t got = nxio_read(r->inner, r->in, CHUNK);
            if (got < 0)
                return -1;
            if (got == 0)
                return corrupt(r->err);   /* the compressed data stops mid-stream */
            z->next_in = r->in;
            z->avail_in = (uInt)got;
        }
        int64_t want = n - done > (1 << 30) ? (1 << 30) : n - done;
        z->next_out = out + done;
        z->avail_out = (uInt)want;
        int rc = inflate(z, Z_NO_FLUSH);
        done += want - z->avail_out;
        if (rc == Z_STREAM_END)
            r->zend = 1;
        else if (rc == Z_MEM_ERROR)
            return nxerr_set(NX_MEMORY_ERROR, "zlib ran out of memory");
        else if (rc != Z_OK && rc != Z_BUF_ERROR)
            return corrupt(r->err);
    }
    return done;
}

int64_t nxio_read(nxio_reader *r, void *buf, int64_t n)
{
    int64_t got = 0;
    if (n <= 0)
        return 0;
    if (r->kind == NXIO_INFLATE) {
        got = inflate_some(r, buf, n);
        if (got < 0)
            return -1;
    } else {
        int64_t left = r->len - r->pos;
        got = n < left ? n : left;
        if (got <= 0)
            return 0;
        if (r->kind == NXIO_MEM) {
            memcpy(buf, r->mem + r->pos, (size_t)got);
        } else {
            if (fseeko(r->f, r->base + r->pos, SEEK_SET) != 0)
                return nxerr_set(NX_FILE_ERROR, "could not seek in file: %s", strerror(errno));
            size_t read = fread(buf, 1, (size_t)got, r->f);
            if (read < (size_t)got && ferror(r->f))
                return nxerr_set(NX_FILE_ERROR, "could not read file: %s", strerror(errno));
            got = (int64_t)read;
        }
    }
    r->pos += got;
    for (int64_t i = 0; i < got; i += 1 << 30) {   /* crc32 takes 32-bit lengths */
        int64_t part = got - i < (1 << 30) ? got - i : (1 << 30);
        r->crc = (uint32_t)crc32(r->crc, (const unsigned char *)buf + i, (uInt)part);
    }
    return got;
}

int nxio_read_exact(nxio_reader *r, void *buf, int64_t n, const char *what)
{
    int64_t got = nxio_read(r, buf, n);
    if (got < 0)
        return -1;
    return got < n ? corrupt(what ? what : r->err) : 0;
}

int64_t nxio_remaining(const nxio_reader *r)
{
    if (r->len < 0)
        return -1;
    return r->len > r->pos ? r->len - r->pos : 0;
}

int nxio_seek(nxio_reader *r, int64_t pos)
{
    if (r->kind == NXIO_INFLATE || pos < 0 || pos > r->len)
        return corrupt(r->err);
    r->pos = pos;
    return 0;
}

int nxio_at_end(nxio_reader *r)
{
    if (r->kind != NXIO_INFLATE)
        return r->pos >= r->len;
    unsigned char b;
    int64_t got = nxio_read(r, &b, 1);
    if (got < 0)
        return -1;
    return got == 0 && r->zend;
}

/* ---------------------------------------------------------------- writers */

int nxio_create(nxio_writer *w, const char *path)
{
    *w = (nxio_writer){ .path = path };
    if (!path)
        return 0;
    w->f = fopen(path, "wb");
    if (!w->f)
        return nxerr_set(NX_FILE_ERROR, "could not write file \"%s\": %s", path, strerror(errno));
    return 0;
}

int nxio_write(nxio_writer *w, const void *data, int64_t n)
{
    if (n <= 0)
        return 0;
    if (w->f) {
        if (fwrite(data, 1, (size_t)n, w->f) != (size_t)n)
            return nxerr_set(NX_FILE_ERROR, "could not write file \"%s\": %s", w->path, strerror(errno));
    } else {
        if (n > INT64_MAX / 2 - w->len)
            return nxerr_set(NX_MEMORY_ERROR, "output too large");
        if (w->len + n > w->cap) {
            int64_t cap = w->cap ? w->cap : 4096;
            while (cap < w->len + n)
                cap *= 2;
            unsigned char *p = nxalloc_realloc(w->buf, (size_t)cap);
            if (!p)
                return nxerr_oom((size_t)cap), -1;
            w->buf = p;
            w->cap = cap;
        }
        memcpy(w->buf + w->len, data, (size_t)n);
    }
    w->len += n;
    return 0;
}

int nxio_patch(nxio_writer *w, int64_t at, const void *data, int64_t n)
{
    if (!w->f) {
        memcpy(w->buf + at, data, (size_t)n);
        return 0;
    }
    if (fseeko(w->f, at, SEEK_SET) != 0 || fwrite(data, 1, (size_t)n, w->f) != (size_t)n ||
        fseeko(w->f, 0, SEEK_END) != 0)
        return nxerr_set(NX_FILE_ERROR, "could not write file \"%s\": %s", w->path, strerror(errno));
    return 0;
}

int nxio_finish(nxio_writer *w, int ok, void **out, size_t *out_len)
{
    if (w->f) {
        if (fclose(w->f) != 0 && ok) {
            nxerr_set(NX_FILE_ERROR, "could not write file \"%s\": %s", w->path, strerror(errno));
            ok = 0;
        }
        w->f = NULL;
        if (!ok)
            remove(w->path);
        return ok ? 0 : -1;
    }
    if (!ok || !out) {
        nx_free(w->buf);
        w->buf = NULL;
        return ok ? 0 : -1;
    }
    unsigned char *p = w->buf ? nxalloc_realloc(w->buf, (size_t)(w->len ? w->len : 1)) : nx_alloc(1);
    if (!p) {
        nx_free(w->buf);
        return nxerr_oom((size_t)w->len), -1;
    }
    *out = p;
    if (out_len)
        *out_len = (size_t)w->len;
    w->buf = NULL;
    return 0;
}

/* ---------------------------------------------------------------- tensors */

nx_tensor *nxio_read_tensor(nxio_reader *r, nx_type type, int rank, const int64_t *dims,
                            const char *what)
{
    int64_t size = nxshape_size(rank, dims);
    int64_t bytes = size < 0 ? -1 : nxelem_bytes(type, size);
    int64_t left = nxio_remaining(r);
    /* Refuse before allocating: the input must hold the data the shape declares. */
    if (bytes < 0 || (left >= 0 && left < bytes))
        return corrupt(what ? what : r->err), NULL;
    nx_tensor *t = nxtensor_new(type, rank, dims, NULL);
    if (!t)
        return NULL;
    t->backend = &nxcpu_backend;
    if (nxtensor_alloc_data(t) < 0 || nxio_read_exact(r, nxtensor_data(t), bytes, what) < 0) {
        nx_release(t);
        return NULL;
    }
    return t;
}

int64_t nxio_count(int rank, const int64_t *dims)
{
    for (int i = 0; i < rank; i++)
        if (dims[i] == 0)
            return 0;
    return nxshape_size(rank, dims);
}

void nxio_swap(void *data, nx_type type, int64_t n)
{
    int w = nx_type_bits(type) / 8;
    if (nx_type_is_complex(type))
        w /= 2, n *= 2;
    if (w <= 1)
        return;
    unsigned char *p = data;
    for (int64_t i = 0; i < n; i++, p += w)
        for (int a = 0, b = w - 1; a < b; a++, b--) {
            unsigned char c = p[a];
            p[a] = p[b];
            p[b] = c;
        }
}

const void *nxio_data(const nx_tensor *t, int64_t *bytes)
{
    const nx_tensor *in[1] = { t };
    if (nxtensor_check_inputs(in, 1) < 0)
        return NULL;
    *bytes = nxelem_bytes(t->type, t->size);
    return nxtensor_data(t);
}

void nx_named_tensors_free(nx_named_tensors *list)
{
    if (!list)
        return;
    for (int64_t i = 0; list->names && i < list->n; i++)
        nx_free(list->names[i]);
    for (int64_t i = 0; i < list->n_meta; i++) {
        nx_free(list->meta_keys[i]);
        nx_free(list->meta_values[i]);
    }
    nx_free(list->names);
    nx_free(list->tensors);
    nx_free(list->meta_keys);
    nx_free(list->meta_values);
    *list = (nx_named_tensors){ 0 };
}

int nxio_load_mem(nxio_load_fn *load, const char *who, const void *data, size_t len, nx_named_tensors *out)
{
    if (!out)
        return nxerr_set(NX_ARGUMENT_ERROR, "%s: out is NULL", who);
    nxio_reader r = nxio_mem(data, (int64_t)len);
    return load(&r, out);
}

int nxio_load_file(nxio_load_fn *load, const char *who, const char *path, nx_named_tensors *out)
{
    if (!out)
        return nxerr_set(NX_ARGUMENT_ERROR, "%s: out is NULL", who);
    *out = (nx_named_tensors){ 0 };
    nxio_reader r;
    if (nxio_open(&r, path) < 0)
        return -1;
    int rc = load(&r, out);
    nxio_close(&r);
    return rc;
}

void nxio_drop(nx_named_tensors *out)
{
    for (int64_t i = 0; i < out->n; i++)
        nx_release(out->tensors[i]);
    nx_named_tensors_free(out);
}
