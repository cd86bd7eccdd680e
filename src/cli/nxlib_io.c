/* src/cli/nxlib_io.c: the interpreter's bindings of tensors in files (include/nx/io.h):
 * Nx.serialize/2, Nx.deserialize/2, Nx.load_numpy!/1, Nx.load_numpy_archive!/1, and the
 * File.read!/1 and File.write!/3 that Nx's documented usage pairs with them. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "cli/nxlib_args.h"
#include "nx.h"

/* A binary argument's bytes; NULL after raising (bitstrings are refused). */
static const unsigned char *bytes_of(nxv *v, const char *fn, int64_t *len)
{
    if (!v || v->kind != NXV_BINARY || v->bin.bits % 8)
        return nxi_raise("ArgumentError", "%s expects a binary, got: %s", fn, v ? nxi_inspect_plain(v) : "nil"),
               NULL;
    *len = v->bin.bits / 8;
    return v->bin.bytes ? v->bin.bytes : (const unsigned char *)"";
}

/* iodata made of binaries and bytes, flattened into arena memory. */
static int64_t iodata_size(nxv *v, int depth)
{
    if (depth > 100)
        return -1;
    if (v->kind == NXV_BINARY)
        return v->bin.bits % 8 ? -1 : v->bin.bits / 8;
    if (v->kind == NXV_INT)
        return v->i >= 0 && v->i <= 255 ? 1 : -1;
    if (v->kind != NXV_LIST || (v->list.tail && v->list.tail->kind != NXV_BINARY))
        return -1;
    int64_t n = v->list.tail ? iodata_size(v->list.tail, depth + 1) : 0;
    for (int64_t i = 0; n >= 0 && i < v->list.n; i++) {
        int64_t k = iodata_size(v->list.items[i], depth + 1);
        n = k < 0 ? -1 : n + k;
    }
    return n;
}

static unsigned char *iodata_copy(nxv *v, unsigned char *p)
{
    if (v->kind == NXV_BINARY) {
        memcpy(p, v->bin.bytes, (size_t)(v->bin.bits / 8));
        return p + v->bin.bits / 8;
    }
    if (v->kind == NXV_INT) {
        *p = (unsigned char)v->i;
        return p + 1;
    }
    for (int64_t i = 0; i < v->list.n; i++)
        p = iodata_copy(v->list.items[i], p);
    return v->list.tail ? iodata_copy(v->list.tail, p) : p;
}

static const unsigned char *iodata(nxv *v, const char *fn, int64_t *len)
{
    if (v && v->kind == NXV_BINARY)
        return bytes_of(v, fn, len);
    int64_t n = v ? iodata_size(v, 0) : -1;
    if (n < 0)
        return bytes_of(v, fn, len);
    unsigned char *buf = nxi_alloc((size_t)n + 1);
    iodata_copy(v, buf);
    *len = n;
    return buf;
}

/* ---------------------------------------------------------------- Nx.serialize */

static int to_term(nxv *v, nx_term *out, int depth)
{
    nx_number num;
    if (depth > 100)
        return nxi_raise("ArgumentError", "container nested too deeply to serialize"), -1;
    if (v && v->kind == NXV_TENSOR) {
        *out = (nx_term){ .kind = NX_TERM_TENSOR, .tensor = v->tensor };
        return 0;
    }
    if (v && nxi_number_of(v, &num) == 0) {
        /* A number is stored as the scalar of its inferred type: s32, f32 or c64. */
        nx_type type = num.kind == NX_NUM_FLOAT ? NX_F32 : num.kind == NX_NUM_COMPLEX ? NX_C64 : NX_S32;
        nx_tensor *t = nx_scalar(num, type);
        if (!t)
            return nxi_raise_from_nx(), -1;
        *out = (nx_term){ .kind = NX_TERM_TENSOR, .tensor = t };
        return 0;
    }
    if (v && v->kind == NXV_TUPLE) {
        *out = (nx_term){ .kind = NX_TERM_TUPLE, .n = v->tuple.n,
                          .items = nxi_alloc((size_t)(v->tuple.n + 1) * sizeof(nx_term)) };
        for (int64_t i = 0; i < v->tuple.n; i++)
            if (to_term(v->tuple.items[i], &out->items[i], depth + 1) < 0)
                return -1;
        return 0;
    }
    if (v && v->kind == NXV_MAP) {
        int64_t n = v->map.n;
        *out = (nx_term){ .kind = NX_TERM_MAP, .n = n, .items = nxi_alloc((size_t)(n + 1) * sizeof(nx_term)),
                          .keys = nxi_alloc((size_t)(n + 1) * sizeof(nx_key)) };
        for (int64_t i = 0; i < n; i++) {
            nxv *k = v->map.keys[i];
            nx_key *key = &out->keys[i];
            if (k->kind == NXV_ATOM) {
                *key = (nx_key){ .kind = NX_KEY_ATOM, .text = k->atom };
            } else if (k->kind == NXV_BINARY && k->bin.bits % 8 == 0) {
                int64_t len = k->bin.bits / 8;
                char *s = nxi_alloc((size_t)len + 1);
                memcpy(s, k->bin.bytes, (size_t)len);
                s[len] = 0;
                *key = (nx_key){ .kind = NX_KEY_STRING, .text = s, .len = len };
            } else if (k->kind == NXV_INT && k->i >= INT64_MIN && k->i <= INT64_MAX) {
                *key = (nx_key){ .kind = NX_KEY_INT, .i = (int64_t)k->i };
            } else {
                return nxi_raise("ArgumentError", "nxc serializes maps whose keys are atoms, strings or integers, got key: %s",
                                 nxi_inspect_plain(k)), -1;
            }
            if (to_term(v->map.vals[i], &out->items[i], depth + 1) < 0)
                return -1;
        }
        return 0;
    }
    if (v && v->kind == NXV_LIST)
        return nxi_raise("ArgumentError", "lists are not containers: Nx.serialize expects a tensor, a number, "
                         "a tuple or a map, got: %s", nxi_inspect_plain(v)), -1;
    return nxi_raise_not_container(v), -1;
}

static nxv *serialize_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "compressed" };
    nxv *vals[1] = { NULL };
    if (nxi_validate_keywords(argc > 1 ? argv[1] : NULL, allowed, 1, vals) < 0)
        return NULL;
    int level = 0;
    if (vals[0]) {
        if (vals[0]->kind != NXV_INT || vals[0]->i < 0 || vals[0]->i > 9)
            return nxi_raise("ArgumentError", "expected :compressed to be an integer from 0 to 9, got: %s",
                             nxi_inspect_plain(vals[0]));
        level = (int)vals[0]->i;
    }
    nx_term term;
    if (to_term(argv[0], &term, 0) < 0)
        return NULL;
    void *out;
    size_t len;
    if (nx_serialize(&term, &out, &len, .compressed = level) < 0)
        return nxi_raise_from_nx();
    nxv *v = nxv_binary(out, (int64_t)len * 8);
    nx_free(out);
    return v;
}

/* ---------------------------------------------------------------- Nx.deserialize */

static nxv *from_term(const nx_term *t)
{
    if (t->kind == NX_TERM_TENSOR)
        return nxv_tensor(t->tensor);
    nxv **items = nxv_items(t->n);
    for (int64_t i = 0; i < t->n; i++)
        items[i] = from_term(&t->items[i]);
    if (t->kind == NX_TERM_TUPLE)
        return nxv_tuple(t->n, items);
    nxv **keys = nxv_items(t->n);
    for (int64_t i = 0; i < t->n; i++) {
        const nx_key *k = &t->keys[i];
        keys[i] = k->kind == NX_KEY_INT ? nxv_int(k->i)
                  : k->kind == NX_KEY_ATOM ? nxv_atom(k->text) : nxv_binary(k->text, k->len * 8);
    }
    return nxv_map(t->n, keys, items);
}

static nxv *deserialize_b(int argc, nxv **argv)
{
    nxv *vals[1];
    if (nxi_validate_keywords(argc > 1 ? argv[1] : NULL, NULL, 0, vals) < 0)
        return NULL;
    int64_t len;
    const unsigned char *data = iodata(argv[0], "Nx.deserialize/2", &len);
    if (!data)
        return NULL;
    nx_term *t = nx_deserialize(data, (size_t)len);
    if (!t)
        return nxi_raise_from_nx();
    nxv *v = from_term(t);
    nx_term_free(t);
    return v;
}

/* ---------------------------------------------------------------- NumPy */

static nxv *load_numpy_b(int argc, nxv **argv)
{
    (void)argc;
    int64_t len;
    const unsigned char *data = bytes_of(argv[0], "Nx.load_numpy!/1", &len);
    return data ? nxi_tensor_value(nx_load_numpy(data, (size_t)len)) : NULL;
}

static nxv *load_numpy_archive_b(int argc, nxv **argv)
{
    (void)argc;
    int64_t len;
    const unsigned char *data = bytes_of(argv[0], "Nx.load_numpy_archive!/1", &len);
    nx_named_tensors list;
    if (!data)
        return NULL;
    if (nx_load_numpy_archive(data, (size_t)len, &list) < 0)
        return nxi_raise_from_nx();
    nxv **items = nxv_items(list.n);
    for (int64_t i = 0; i < list.n; i++) {
        nxv **pair = nxv_items(2);
        pair[0] = nxv_string(list.names[i]);
        pair[1] = nxv_tensor(list.tensors[i]);
        items[i] = nxv_tuple(2, pair);
    }
    int64_t n = list.n;
    nx_named_tensors_free(&list);
    return nxv_list(n, items);
}

/* ---------------------------------------------------------------- File */

static const char *path_of(nxv *v)
{
    if (!v || v->kind != NXV_BINARY || v->bin.bits % 8 || memchr(v->bin.bytes, 0, (size_t)(v->bin.bits / 8)))
        return nxi_raise("ArgumentError", "expected a path (a string), got: %s", v ? nxi_inspect_plain(v) : "nil"),
               NULL;
    return nxi_strndup((const char *)v->bin.bytes, (size_t)(v->bin.bits / 8));
}

/* Elixir's File.Error reason text for errno. */
static const char *reason(int e)
{
    switch (e) {
    case ENOENT: return "no such file or directory";
    case EACCES: return "permission denied";
    case EISDIR: return "illegal operation on a directory";
    case ENOTDIR: return "not a directory";
    case ENOSPC: return "no space left on device";
    default: return strerror(e);
    }
}

/* Fuzzing builds (scripts/fuzz.sh) must not touch the machine's files. */
#ifdef NXC_FUZZING
#define NO_FILES() return nxi_raise("File.Error", "files are disabled while fuzzing")
#else
#define NO_FILES() (void)0
#endif

static nxv *file_read_b(int argc, nxv **argv)
{
    (void)argc;
    NO_FILES();
    const char *path = path_of(argv[0]);
    if (!path)
        return NULL;
    FILE *f = fopen(path, "rb");
    long size = -1;
    if (f && fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    if (!f || size < 0 || fseek(f, 0, SEEK_SET) != 0) {
        int e = f ? EISDIR : errno;
        if (f)
            fclose(f);
        return nxi_raise("File.Error", "could not read file \"%s\": %s", path, reason(e));
    }
    unsigned char *buf = nx_alloc((size_t)size + 1);
    if (!buf) {
        fclose(f);
        return nxi_raise("File.Error", "could not read file \"%s\": not enough memory", path);
    }
    size_t got = fread(buf, 1, (size_t)size, f);
    int err = ferror(f);
    fclose(f);
    nxv *v = err ? nxi_raise("File.Error", "could not read file \"%s\": %s", path, reason(EIO))
                 : nxv_binary(buf, (int64_t)got * 8);
    nx_free(buf);
    return v;
}

static nxv *file_write_b(int argc, nxv **argv)
{
    NO_FILES();
    const char *path = path_of(argv[0]);
    int64_t len;
    if (!path)
        return NULL;
    int append = 0;
    if (argc > 2) {
        nxv *modes = argv[2];
        if (modes->kind != NXV_LIST)
            return nxi_raise("ArgumentError", "expected modes to be a list, got: %s", nxi_inspect_plain(modes));
        for (int64_t i = 0; i < modes->list.n; i++)
            if (nxv_is_atom(modes->list.items[i], "append"))
                append = 1;
            else if (!nxv_is_atom(modes->list.items[i], "write") && !nxv_is_atom(modes->list.items[i], "binary"))
                return nxi_raise("ArgumentError", "nxc's File.write! supports the modes :write, :append and :binary, got: %s",
                                 nxi_inspect_plain(modes->list.items[i]));
    }
    const unsigned char *data = iodata(argv[1], "File.write!/3", &len);
    if (!data)
        return NULL;
    FILE *f = fopen(path, append ? "ab" : "wb");
    if (!f)
        return nxi_raise("File.Error", "could not write to file \"%s\": %s", path, reason(errno));
    size_t put = fwrite(data, 1, (size_t)len, f);
    int bad = fclose(f) != 0 || put != (size_t)len;
    return bad ? nxi_raise("File.Error", "could not write to file \"%s\": %s", path, reason(EIO)) : nxv_atom("ok");
}

const nxi_func nxi_io_funcs[] = {
    { "Nx", "serialize", 1, 2, serialize_b },
    { "Nx", "deserialize", 1, 2, deserialize_b },
    { "Nx", "load_numpy!", 1, 1, load_numpy_b },
    { "Nx", "load_numpy_archive!", 1, 1, load_numpy_archive_b },
    { "File", "read!", 1, 1, file_read_b },
    { "File", "write!", 2, 3, file_write_b },
    { NULL, NULL, 0, 0, NULL },
};
