/* src/io/zip.c: the ZIP container under .npz (PKWARE APPNOTE): finds and checks the
 * central directory (ZIP64 records as NumPy writes them), opens members as streams that
 * never yield more than their declared size, and writes stored or deflated members. */
#include <string.h>
#include <zlib.h>
#include "core/alloc.h"
#include "core/error.h"
#include "io/zip.h"

#define EOCD_SIG 0x06054b50u
#define CDIR_SIG 0x02014b50u
#define LOCAL_SIG 0x04034b50u
#define Z64_LOC_SIG 0x07064b50u
#define Z64_EOCD_SIG 0x06064b50u
#define U32_MAX 0xFFFFFFFFu
/* Deflate expands at most about 1032:1; a member claiming more is a bomb or a lie. */
#define MAX_RATIO 1032
#define CHUNK (64 * 1024)

static int bad(const char *err)
{
    return nxerr_set(NX_ARGUMENT_ERROR, "%s", err);
}

/* Reads n bytes at pos into buf; -1 with `err`. */
static int read_at(nxio_reader *r, int64_t pos, void *buf, int64_t n, const char *err)
{
    if (pos < 0 || n > r->len || pos > r->len - n || nxio_seek(r, pos) < 0)
        return bad(err);
    return nxio_read_exact(r, buf, n, err);
}

/* The ZIP64 end record, when the plain one says its fields overflowed. */
static int zip64_end(nxio_reader *r, int64_t eocd, const char *err, int64_t *count,
                     int64_t *cd_size, int64_t *cd_off)
{
    unsigned char loc[20], rec[56];
    if (eocd < 20 || read_at(r, eocd - 20, loc, 20, err) < 0 || nxio_le32(loc) != Z64_LOC_SIG)
        return bad(err);
    uint64_t at = nxio_le64(loc + 8);
    if (at > (uint64_t)eocd || read_at(r, (int64_t)at, rec, 56, err) < 0 || nxio_le32(rec) != Z64_EOCD_SIG)
        return bad(err);
    uint64_t c = nxio_le64(rec + 32), s = nxio_le64(rec + 40), o = nxio_le64(rec + 48);
    if (c > INT64_MAX || s > INT64_MAX || o > INT64_MAX)
        return bad(err);
    *count = (int64_t)c, *cd_size = (int64_t)s, *cd_off = (int64_t)o;
    return 0;
}

/* Fills e from a central directory record at p (n bytes left); the record's length or -1. */
static int64_t parse_entry(const unsigned char *p, int64_t n, const char *err, nxzip_entry *e)
{
    if (n < 46 || nxio_le32(p) != CDIR_SIG)
        return bad(err);
    int64_t nlen = nxio_le16(p + 28), xlen = nxio_le16(p + 30), clen = nxio_le16(p + 32);
    if (46 + nlen + xlen + clen > n)
        return bad(err);
    if (nxio_le16(p + 8) & 1)   /* encrypted */
        return bad(err);
    e->method = nxio_le16(p + 10);
    e->crc = nxio_le32(p + 16);
    uint64_t csize = nxio_le32(p + 20), usize = nxio_le32(p + 24), local = nxio_le32(p + 42);
    /* ZIP64 extra field: the 64-bit values of the fields that read 0xFFFFFFFF, in order. */
    const unsigned char *x = p + 46 + nlen, *xend = x + xlen;
    while (xend - x >= 4) {
        int id = nxio_le16(x), len = nxio_le16(x + 2);
        if (len > xend - x - 4)
            return bad(err);
        if (id == 1) {
            const unsigned char *v = x + 4, *vend = v + len;
            uint64_t *fields[3] = { &usize, &csize, &local };
            for (int i = 0; i < 3; i++)
                if (*fields[i] == U32_MAX) {
                    if (vend - v < 8)
                        return bad(err);
                    *fields[i] = nxio_le64(v);
                    v += 8;
                }
        }
        x += 4 + len;
    }
    if (csize > INT64_MAX || usize > INT64_MAX || local > INT64_MAX || memchr(p + 46, 0, (size_t)nlen))
        return bad(err);
    e->csize = (int64_t)csize, e->usize = (int64_t)usize, e->local = (int64_t)local;
    e->name = nxio_strndup((const char *)p + 46, (size_t)nlen);
    return e->name ? 46 + nlen + xlen + clen : -1;
}

int nxzip_read_dir(nxio_reader *r, const char *err, nxzip_entry **out, int64_t *n)
{
    *out = NULL;
    *n = 0;
    /* The end record is in the last 22 + 65535 (comment) bytes: search backwards. */
    int64_t tail = r->len < 22 + 65535 ? r->len : 22 + 65535;
    if (tail < 22)
        return bad(err);
    unsigned char *t = nx_alloc((size_t)tail);
    if (!t)
        return nxerr_oom((size_t)tail), -1;
    int64_t eocd = -1;
    if (read_at(r, r->len - tail, t, tail, err) == 0)
        for (int64_t i = tail - 22; i >= 0 && eocd < 0; i--)
            if (nxio_le32(t + i) == EOCD_SIG && i + 22 + nxio_le16(t + i + 20) <= tail)
                eocd = i;
    if (eocd < 0) {
        nx_free(t);
        return bad(err);
    }
    const unsigned char *e = t + eocd;
    int64_t count = nxio_le16(e + 10), cd_size = nxio_le32(e + 12), cd_off = nxio_le32(e + 16);
    eocd += r->len - tail;
    nx_free(t);
    if ((count == 0xFFFF || cd_size == U32_MAX || cd_off == U32_MAX) &&
        zip64_end(r, eocd, err, &count, &cd_size, &cd_off) < 0)
        return -1;
    /* The directory lies before the end record, and each entry takes 46 bytes at least:
     * nothing is allocated beyond what the input holds. */
    if (cd_off > eocd || cd_size > eocd - cd_off || count > cd_size / 46)
        return bad(err);
    unsigned char *cd = nx_alloc((size_t)cd_size + 1);
    nxzip_entry *dir = nxalloc_zeroed((size_t)count + 1, sizeof *dir);
    if (!cd || !dir) {
        nx_free(cd);
        nx_free(dir);
        return nxerr_oom((size_t)cd_size), -1;
    }
    int64_t at = 0, i = 0;
    if (read_at(r, cd_off, cd, cd_size, err) == 0)
        for (; i < count; i++) {
            int64_t used = parse_entry(cd + at, cd_size - at, err, &dir[i]);
            if (used < 0)
                break;
            at += used;
        }
    nx_free(cd);
    if (i < count) {
        nxzip_free_dir(dir, i);
        return -1;
    }
    *out = dir;
    *n = count;
    return 0;
}

void nxzip_free_dir(nxzip_entry *dir, int64_t n)
{
    for (int64_t i = 0; dir && i < n; i++)
        nx_free(dir[i].name);
    nx_free(dir);
}

int nxzip_open(nxio_reader *r, const nxzip_entry *e, const char *err, nxzip_member *m)
{
    *m = (nxzip_member){ .crc = e->crc, .err = err };
    unsigned char h[30];
    if (read_at(r, e->local, h, 30, err) < 0)
        return -1;
    int64_t data = e->local + 30 + nxio_le16(h + 26) + nxio_le16(h + 28);
    if (nxio_le32(h) != LOCAL_SIG || data > r->len || e->csize > r->len - data)
        return bad(err);
    m->window = nxio_window(r, data, e->csize);
    m->window.err = err;
    if (e->method == 0) {
        if (e->usize != e->csize)
            return bad(err);
        m->stream = &m->window;
        return 0;
    }
    if (e->method != 8 || e->usize / MAX_RATIO > e->csize + 1)
        return bad(err);
    if (nxio_inflate_begin(&m->inflate, &m->window, 1, e->usize) < 0)
        return -1;
    m->stream = &m->inflate;
    return 0;
}

int nxzip_close(nxzip_member *m, int check)
{
    int rc = 0;
    if (check && m->stream->crc != m->crc)
        rc = bad(m->err);
    nxio_inflate_end(&m->inflate);
    return rc;
}

/* ---------------------------------------------------------------- writing */

void nxzip_writer_init(nxzip_writer *zw, nxio_writer *w, int level)
{
    *zw = (nxzip_writer){ .w = w, .level = level };
}

static int too_large(void)
{
    return nxerr_set(NX_ARGUMENT_ERROR, "archive too large: nxc writes members and archives under 4 GiB");
}

int nxzip_begin(nxzip_writer *zw, const char *name)
{
    size_t nlen = strlen(name);
    if (nlen > 0xFFFF || zw->n >= 0xFFFF || zw->w->len >= U32_MAX)
        return too_large();
    if (zw->n == zw->cap) {
        int64_t cap = zw->cap ? zw->cap * 2 : 8;
        nxzip_entry *d = nxalloc_realloc(zw->dir, (size_t)cap * sizeof *d);
        if (!d)
            return nxerr_oom((size_t)cap * sizeof *d), -1;
        zw->dir = d;
        zw->cap = cap;
    }
    nxzip_entry *e = &zw->dir[zw->n];
    *e = (nxzip_entry){ .method = zw->level ? 8 : 0, .local = zw->w->len };
    if (!(e->name = nxio_strndup(name, nlen)))
        return -1;
    zw->n++;
    if (zw->level) {
        z_stream *z = nxalloc_zeroed(1, sizeof *z);
        zw->zout = nx_alloc(CHUNK);
        if (!z || !zw->zout) {
            nx_free(z);
            return nxerr_oom(CHUNK), -1;
        }
        if (deflateInit2(z, zw->level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
            nx_free(z);
            return nxerr_set(NX_MEMORY_ERROR, "could not start zlib");
        }
        zw->z = z;
    }
    /* Version 2.0, no flags, 1980-01-01 00:00; CRC and sizes patched by nxzip_end. */
    unsigned char h[30] = { 0 };
    nxio_put_le(h, LOCAL_SIG, 4);
    nxio_put_le(h + 4, 20, 2);
    nxio_put_le(h + 8, (uint64_t)e->method, 2);
    nxio_put_le(h + 12, 0x21, 2);
    nxio_put_le(h + 26, nlen, 2);
    return nxio_write(zw->w, h, 30) < 0 || nxio_write(zw->w, name, (int64_t)nlen) < 0 ? -1 : 0;
}

static int deflate_out(nxzip_writer *zw, int flush)
{
    z_stream *z = zw->z;
    nxzip_entry *e = &zw->dir[zw->n - 1];
    int rc;
    do {
        z->next_out = zw->zout;
        z->avail_out = CHUNK;
        rc = deflate(z, flush);
        if (rc == Z_STREAM_ERROR)
            return nxerr_set(NX_RUNTIME_ERROR, "zlib failed to compress");
        int64_t got = CHUNK - z->avail_out;
        e->csize += got;
        if (nxio_write(zw->w, zw->zout, got) < 0)
            return -1;
    } while (z->avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    return 0;
}

int nxzip_data(nxzip_writer *zw, const void *data, int64_t n)
{
    nxzip_entry *e = &zw->dir[zw->n - 1];
    const unsigned char *p = data;
    while (n > 0) {
        uInt part = n > (1 << 30) ? (1u << 30) : (uInt)n;
        e->crc = (uint32_t)crc32(e->crc, p, part);
        e->usize += part;
        if (zw->z) {
            z_stream *z = zw->z;
            z->next_in = (unsigned char *)p;
            z->avail_in = part;
            if (deflate_out(zw, Z_NO_FLUSH) < 0)
                return -1;
        } else {
            e->csize += part;
            if (nxio_write(zw->w, p, part) < 0)
                return -1;
        }
        p += part;
        n -= part;
    }
    return 0;
}

static void end_deflate(nxzip_writer *zw)
{
    if (zw->z) {
        deflateEnd(zw->z);
        nx_free(zw->z);
        zw->z = NULL;
    }
    nx_free(zw->zout);
    zw->zout = NULL;
}

int nxzip_end(nxzip_writer *zw)
{
    nxzip_entry *e = &zw->dir[zw->n - 1];
    int rc = zw->z ? deflate_out(zw, Z_FINISH) : 0;
    end_deflate(zw);
    if (rc < 0)
        return -1;
    if (e->csize >= U32_MAX || e->usize >= U32_MAX)
        return too_large();
    unsigned char f[12];
    nxio_put_le(f, e->crc, 4);
    nxio_put_le(f + 4, (uint64_t)e->csize, 4);
    nxio_put_le(f + 8, (uint64_t)e->usize, 4);
    return nxio_patch(zw->w, e->local + 14, f, 12);
}

int nxzip_finish(nxzip_writer *zw, int ok)
{
    end_deflate(zw);
    int64_t start = zw->w->len;
    for (int64_t i = 0; ok && i < zw->n; i++) {
        nxzip_entry *e = &zw->dir[i];
        size_t nlen = strlen(e->name);
        unsigned char h[46] = { 0 };
        nxio_put_le(h, CDIR_SIG, 4);
        nxio_put_le(h + 4, 20, 2);
        nxio_put_le(h + 6, 20, 2);
        nxio_put_le(h + 10, (uint64_t)e->method, 2);
        nxio_put_le(h + 14, 0x21, 2);
        nxio_put_le(h + 16, e->crc, 4);
        nxio_put_le(h + 20, (uint64_t)e->csize, 4);
        nxio_put_le(h + 24, (uint64_t)e->usize, 4);
        nxio_put_le(h + 28, nlen, 2);
        nxio_put_le(h + 38, 0644u << 16, 4);   /* Unix mode rw-r--r-- */
        nxio_put_le(h + 42, (uint64_t)e->local, 4);
        ok = nxio_write(zw->w, h, 46) == 0 && nxio_write(zw->w, e->name, (int64_t)nlen) == 0;
    }
    int64_t size = zw->w->len - start;
    if (ok && (start >= U32_MAX || size >= U32_MAX))
        ok = too_large() == 0;
    if (ok) {
        unsigned char end[22] = { 0 };
        nxio_put_le(end, EOCD_SIG, 4);
        nxio_put_le(end + 8, (uint64_t)zw->n, 2);
        nxio_put_le(end + 10, (uint64_t)zw->n, 2);
        nxio_put_le(end + 12, (uint64_t)size, 4);
        nxio_put_le(end + 16, (uint64_t)start, 4);
        ok = nxio_write(zw->w, end, 22) == 0;
    }
    nxzip_free_dir(zw->dir, zw->n);
    zw->dir = NULL;
    zw->n = zw->cap = 0;
    return ok ? 0 : -1;
}
