/* src/io/npy.c: NumPy's .npy format (spec/formats.md §3.1): Nx.load_numpy!'s header
 * rules and errors, the data read straight into the tensor, and np.save's exact bytes. */
#include <stdio.h>
#include <string.h>
#include "core/error.h"
#include "core/shape.h"
#include "core/tensor.h"
#include "io/npy.h"
#include "nx/layout.h"

#define NPY_CORRUPT "unable to parse NumPy file, it may be corrupted or invalid"
/* NumPy writes headers of a few hundred bytes; a longer one is refused rather than read
 * into memory (a deflated .npz member could declare gigabytes of header). */
#define NPY_MAX_HEADER (1 << 20)

static int parse_error(void)
{
    return nxerr_set(NX_ARGUMENT_ERROR, NPY_CORRUPT);
}

/* The descriptor's three characters (byte order, kind, size digit) as an Nx type, with
 * Nx's errors in Nx's order. *swap: the data is big-endian. */
static nx_type descr_type(const char *d, int *swap)
{
    char order = d[0], kind = d[1], size = d[2];
    if (!(order == '<' || order == '>' || (order == '|' && size == '1')))
        return nxerr_set(NX_ARGUMENT_ERROR, "unsupported numpy endianness: %d", (unsigned char)order),
               NX_TYPE_NONE;
    *swap = order == '>';
    const char *k = kind == 'i' ? "s" : kind == 'u' ? "u" : kind == 'f' ? "f" : NULL;
    if (!k)
        return nxerr_set(NX_RUNTIME_ERROR, "unsupported numpy type: %d", (unsigned char)kind),
               NX_TYPE_NONE;
    if (size < '0' || size > '9')
        return parse_error(), NX_TYPE_NONE;
    char tuple[32];
    snprintf(tuple, sizeof tuple, "{:%s, %d}", k, (size - '0') * 8);
    return nx_type_parse(tuple);
}

/* The dimensions between "(" and the first ")": pieces split on ",", trimmed, empty ones
 * skipped, each a decimal integer. Returns the rank or -1. */
static int parse_shape(const char *s, const char *end, int64_t *dims)
{
    const char *close = memchr(s, ')', (size_t)(end - s));
    if (!close)
        return parse_error();
    int rank = 0;
    while (s < close) {
        const char *comma = memchr(s, ',', (size_t)(close - s));
        const char *stop = comma ? comma : close;
        while (s < stop && (*s == ' ' || *s == '\t' || *s == '\n'))
            s++;
        const char *e = stop;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'))
            e--;
        if (e > s) {
            if (rank == NX_MAX_RANK)
                return nxerr_set(NX_ARGUMENT_ERROR, "rank %d is not supported (nxc allows at most %d axes)",
                                 rank + 1, NX_MAX_RANK);
            int64_t v = 0;
            for (const char *p = s; p < e; p++) {
                if (*p < '0' || *p > '9' || v > (INT64_MAX - 9) / 10)
                    return parse_error();
                v = v * 10 + (*p - '0');
            }
            dims[rank++] = v;
        }
        s = comma ? comma + 1 : close;
    }
    return rank;
}

nx_tensor *nxio_npy_read(nxio_reader *r)
{
    unsigned char pre[12];
    if (!r->err)
        r->err = NPY_CORRUPT;
    if (nxio_read_exact(r, pre, 8, NPY_CORRUPT) < 0 || memcmp(pre, "\x93NUMPY", 6) != 0)
        return parse_error(), NULL;
    int wide = !(pre[6] == 1 && pre[7] == 0);
    if (nxio_read_exact(r, pre + 8, wide ? 4 : 2, NPY_CORRUPT) < 0)
        return NULL;
    int64_t hlen = wide ? nxio_le32(pre + 8) : nxio_le16(pre + 8);
    int64_t left = nxio_remaining(r);
    if (hlen > NPY_MAX_HEADER || (left >= 0 && hlen > left))
        return parse_error(), NULL;
    char *h = nx_alloc((size_t)hlen + 1);
    if (!h)
        return nxerr_oom((size_t)hlen + 1);
    nx_tensor *t = NULL, *out = NULL;
    if (nxio_read_exact(r, h, hlen, NPY_CORRUPT) < 0)
        goto out_header;
    h[hlen] = 0;
    static const char open[] = "{'descr': '", mid[] = "', 'fortran_order': ", tail[] = ", 'shape': (";
    const char *p = h, *end = h + hlen;
    int fortran;
    if (hlen < 34 || memcmp(p, open, 11) != 0 || memcmp(p + 14, mid, 20) != 0) {
        parse_error();
        goto out_header;
    }
    p += 34;
    if (end - p >= 5 && !memcmp(p, "False", 5))
        fortran = 0, p += 5;
    else if (end - p >= 4 && !memcmp(p, "True", 4))
        fortran = 1, p += 4;
    else {
        parse_error();
        goto out_header;
    }
    if (end - p < 12 || memcmp(p, tail, 12) != 0) {
        parse_error();
        goto out_header;
    }
    int swap;
    nx_type type = descr_type(h + 11, &swap);
    if (!type)
        goto out_header;
    int64_t dims[NX_MAX_RANK], rdims[NX_MAX_RANK];
    int rank = parse_shape(p + 12, end, dims);
    if (rank < 0)
        goto out_header;
    int64_t size = nxio_count(rank, dims);
    if (size == 0) {
        /* No data: Nx's from_binary of an empty binary, if nothing follows. */
        int e = nxio_at_end(r);
        if (e >= 0)
            nxerr_set(NX_ARGUMENT_ERROR, e ? "cannot build an empty tensor" : NPY_CORRUPT);
        goto out_header;
    }
    for (int i = 0; i < rank; i++)
        rdims[i] = dims[fortran ? rank - 1 - i : i];
    left = nxio_remaining(r);
    int64_t bytes;
    if (size < 0 || __builtin_mul_overflow(size, (int64_t)(nx_type_bits(type) / 8), &bytes) ||
        (left >= 0 && left != bytes)) {
        parse_error();
        goto out_header;
    }
    t = nxio_read_tensor(r, type, rank, rdims, NPY_CORRUPT);
    if (!t)
        goto out_header;
    int e = nxio_at_end(r);
    if (e <= 0) {
        if (e == 0)
            parse_error();
        goto out_tensor;
    }
    if (swap)
        nxio_swap(nxtensor_data(t), type, size);
    if (!fortran || rank < 2) {
        out = t;
        goto out_header;
    }
    nx_axes rev = { .n = rank };
    for (int i = 0; i < rank; i++)
        rev.index[i] = rank - 1 - i;
    out = nx_transpose(t, .axes = rev);
out_tensor:
    if (out != t)
        nx_release(t);
out_header:
    nx_free(h);
    return out;
}

static const char *descr_of(nx_type type)
{
    switch (type) {
    case NX_U8: return "|u1";
    case NX_U16: return "<u2";
    case NX_U32: return "<u4";
    case NX_U64: return "<u8";
    case NX_S8: return "|i1";
    case NX_S16: return "<i2";
    case NX_S32: return "<i4";
    case NX_S64: return "<i8";
    case NX_F8: return "|f1";
    case NX_F16: return "<f2";
    case NX_F32: return "<f4";
    case NX_F64: return "<f8";
    case NX_C64: return "<c8";
    case NX_C128: return "<c16";
    default: return NULL;
    }
}

int nxio_npy_header(const nx_tensor *t, char *buf, size_t cap)
{
    int64_t bytes;
    if (!nxio_data(t, &bytes))
        return -1;
    const char *descr = descr_of(t->type);
    if (!descr)
        return nxerr_set(NX_ARGUMENT_ERROR, "cannot save a tensor of type %s as NumPy: NumPy has no such type",
                         nx_type_name(t->type));
    /* np.save's text: keys sorted, a Python tuple for the shape, then spare room for the
     * first dimension to grow to 21 digits, then spaces and "\n" up to a multiple of 64. */
    char text[1024];
    int n = snprintf(text, sizeof text, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
    for (int i = 0; i < t->rank; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, i ? ", %lld" : "%lld", (long long)t->dims[i]);
    n += snprintf(text + n, sizeof text - (size_t)n, "%s), }", t->rank == 1 ? "," : "");
    if (t->rank > 0) {
        char first[24];
        int digits = snprintf(first, sizeof first, "%lld", (long long)t->dims[0]);
        for (int i = digits; i < 21; i++)
            text[n++] = ' ';
    }
    int hlen = n + 1;
    int total = 10 + hlen + (64 - (10 + hlen) % 64);
    if ((size_t)total > cap)
        return nxerr_set(NX_ARGUMENT_ERROR, "NumPy header too long");
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    nxio_put_le((unsigned char *)buf + 8, (uint64_t)(total - 10), 2);
    memcpy(buf + 10, text, (size_t)n);
    memset(buf + 10 + n, ' ', (size_t)(total - 11 - n));
    buf[total - 1] = '\n';
    return total;
}

static int save(const nx_tensor *t, const char *path, void **out, size_t *out_len)
{
    char header[NXIO_NPY_HEADER_MAX];
    int64_t bytes;
    int n = nxio_npy_header(t, header, sizeof header);
    if (n < 0)
        return -1;
    const void *data = nxio_data(t, &bytes);
    nxio_writer w;
    if (nxio_create(&w, path) < 0)
        return -1;
    int ok = nxio_write(&w, header, n) == 0 && nxio_write(&w, data, bytes) == 0;
    return nxio_finish(&w, ok, out, out_len);
}

nx_tensor *nx_load_numpy(const void *data, size_t len)
{
    nxio_reader r = nxio_mem(data, (int64_t)len);
    return nxio_npy_read(&r);
}

nx_tensor *nx_load_numpy_file(const char *path)
{
    nxio_reader r;
    if (nxio_open(&r, path) < 0)
        return NULL;
    nx_tensor *t = nxio_npy_read(&r);
    nxio_close(&r);
    return t;
}

int nx_save_numpy(const nx_tensor *t, void **out, size_t *out_len)
{
    if (!out)
        return nxerr_set(NX_ARGUMENT_ERROR, "nx_save_numpy: out is NULL");
    return save(t, NULL, out, out_len);
}

int nx_save_numpy_file(const nx_tensor *t, const char *path)
{
    if (!path)
        return nxerr_set(NX_ARGUMENT_ERROR, "nx_save_numpy_file: path is NULL");
    return save(t, path, NULL, NULL);
}
