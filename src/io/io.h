/* src/io/io.h: what the file formats share (stream.c): readers over memory, a window of
 * a file, or a zlib/deflate stream over another reader; writers into a growing memory
 * buffer or a file; tensors whose data is read straight from a reader; byte swapping. */
#ifndef NXIO_IO_H
#define NXIO_IO_H

#include <stdint.h>
#include <stdio.h>
#include "nx/io.h"
#include "nx/scope.h"

typedef enum { NXIO_MEM, NXIO_FILE, NXIO_INFLATE } nxio_kind;

/* A sequential reader; MEM and FILE readers also seek. `len` is the number of bytes the
 * reader holds when known (MEM, FILE: the window; INFLATE: the declared size, which the
 * stream must then produce exactly), -1 otherwise. */
typedef struct nxio_reader {
    nxio_kind kind;
    const unsigned char *mem;   /* MEM */
    FILE *f;                    /* FILE: bytes [base, base + len) of f */
    int64_t base, pos, len;
    /* INFLATE */
    struct nxio_reader *inner;
    void *z;                    /* z_stream */
    unsigned char *in;          /* input chunk */
    int zend;                   /* the stream has ended */
    /* A CRC-32 of everything read (zip members check it at their end). */
    uint32_t crc;
    /* The ArgumentError message for input that ends early or does not inflate. */
    const char *err;
} nxio_reader;

nxio_reader nxio_mem(const void *data, int64_t len);
/* Opens path for reading: a FILE reader over the whole file; -1 with a File error. */
int nxio_open(nxio_reader *r, const char *path);
void nxio_close(nxio_reader *r);
/* A window [offset, offset + len) of a MEM or FILE reader (shares its data / FILE). */
nxio_reader nxio_window(const nxio_reader *r, int64_t offset, int64_t len);
/* An inflating reader over `inner` (raw deflate when raw, else zlib), that must produce
 * exactly `out_len` bytes. -1 with an error. Free with nxio_inflate_end. */
int nxio_inflate_begin(nxio_reader *r, nxio_reader *inner, int raw, int64_t out_len);
void nxio_inflate_end(nxio_reader *r);

/* Reads up to n bytes (fewer only at the end); the count, or -1 with an error. */
int64_t nxio_read(nxio_reader *r, void *buf, int64_t n);
/* Reads exactly n bytes; -1 (with `what`'s ArgumentError when the input ends early). */
int nxio_read_exact(nxio_reader *r, void *buf, int64_t n, const char *what);
/* Bytes left when known, else -1. */
int64_t nxio_remaining(const nxio_reader *r);
/* Moves a MEM or FILE reader to pos within its window. */
int nxio_seek(nxio_reader *r, int64_t pos);
/* Whether the reader is at its end (reads one byte to find out for streams). -1: error. */
int nxio_at_end(nxio_reader *r);

/* A writer into memory (f NULL) or a file. */
typedef struct nxio_writer {
    FILE *f;
    unsigned char *buf;
    int64_t len, cap;          /* memory: bytes written and allocated; file: bytes written */
    const char *path;
    uint32_t crc;              /* CRC-32 of what went through nxio_write_crc */
} nxio_writer;
int nxio_create(nxio_writer *w, const char *path);
int nxio_write(nxio_writer *w, const void *data, int64_t n);
/* Overwrites bytes already written at `at` (header fields known only afterwards). */
int nxio_patch(nxio_writer *w, int64_t at, const void *data, int64_t n);
/* Ends a writer: memory hands its buffer to *out (shrunk to fit), files are closed.
 * With ok = 0 everything is dropped (and a half-written file removed). -1 on error. */
int nxio_finish(nxio_writer *w, int ok, void **out, size_t *out_len);

/* A new tensor of the given shape with data read from r (bytes: exactly the tensor's
 * size); NULL with `what`'s error when the input ends early. */
nx_tensor *nxio_read_tensor(nxio_reader *r, nx_type type, int rank, const int64_t *dims,
                            const char *what);
/* Elements of a declared shape: 0 when a dimension is 0, -1 on overflow. */
int64_t nxio_count(int rank, const int64_t *dims);
/* Swaps the bytes of n elements of `type` in place (complex: each component). */
void nxio_swap(void *data, nx_type type, int64_t n);
/* The tensor's elements (row-major, devectorized), and their byte count. */
const void *nxio_data(const nx_tensor *t, int64_t *bytes);

/* Little-endian fields. */
static inline uint16_t nxio_le16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t nxio_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t nxio_le64(const unsigned char *p)
{
    return (uint64_t)nxio_le32(p) | (uint64_t)nxio_le32(p + 4) << 32;
}
static inline void nxio_put_le(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}
/* The public loaders of the formats that hold several named tensors (npz, safetensors):
 * `load` reads them from a reader; these run it over a buffer or a file, after checking
 * `out` (named `who` in the error). On failure `load` leaves nothing in out. */
typedef int nxio_load_fn(nxio_reader *r, nx_named_tensors *out);
int nxio_load_mem(nxio_load_fn *load, const char *who, const void *data, size_t len, nx_named_tensors *out);
int nxio_load_file(nxio_load_fn *load, const char *who, const char *path, nx_named_tensors *out);
/* Releases the tensors of a list being built and frees it (a failed load's cleanup). */
void nxio_drop(nx_named_tensors *out);

/* A string's copy from nx_alloc; NULL with a MemoryError. */
char *nxio_strndup(const char *s, size_t n);

#endif
