/* tests/test_io.c: tensors in files (include/nx/io.h). NumPy and safetensors files from
 * tests/oracle/gen_io.py load to the values NumPy reads and write back byte for byte;
 * NumPy and safetensors read what nxc writes (tests/oracle/check_io.py); Nx.serialize's
 * bytes match spec/formats.md §2.5 and random containers round-trip; every class of
 * malformed input gives its error without allocating beyond a small limit; failed
 * allocations leave nothing behind. */
#include "support/nxtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "core/alloc.h"

#define NPY_CORRUPT "unable to parse NumPy file, it may be corrupted or invalid"
#define NPZ_CORRUPT "unable to parse NumPy archive, it may be corrupted or invalid"
#define BAD_TERM "unable to deserialize binary term to tensor"

/* ---------------------------------------------------------------- helpers */

static void expect_same(const nx_tensor *got, const nx_tensor *want, const char *what)
{
    cr_assert_not_null(got, "%s: %s", what, nx_error_message());
    cr_assert_eq(nx_type_of(got), nx_type_of(want), "%s: type %s, expected %s", what,
                 nx_type_name(nx_type_of(got)), nx_type_name(nx_type_of(want)));
    cr_assert_eq(nx_vectorized_rank(got), nx_vectorized_rank(want), "%s: vectorized axes", what);
    nx_tensor *g = nx_devectorize(got, true), *w = nx_devectorize(want, true);
    nx_shape gs = nx_shape_of(g), ws = nx_shape_of(w);
    nx_names gn = nx_names_of(g), wn = nx_names_of(w);
    cr_assert_eq(gs.rank, ws.rank, "%s: rank %d, expected %d", what, gs.rank, ws.rank);
    for (int i = 0; i < ws.rank; i++) {
        cr_assert_eq(gs.dims[i], ws.dims[i], "%s: axis %d", what, i);
        cr_assert_eq(gn.n ? gn.v[i] : NULL, wn.n ? wn.v[i] : NULL, "%s: name of axis %d", what, i);
    }
    int64_t n = (nx_to_binary(w, NULL, 0) + 7) / 8;
    unsigned char *a = malloc((size_t)n + 1), *b = malloc((size_t)n + 1);
    cr_assert_eq(nx_to_binary(g, a, n), nx_to_binary(w, b, n));
    cr_assert_geq(nx_to_binary(w, b, n), 0, "%s", nx_error_message());
    size_t at = 0;
    while (at < (size_t)n && a[at] == b[at])
        at++;
    cr_assert(at == (size_t)n, "%s: %s data differs at byte %zu of %lld: %02x, expected %02x (rank %d)", what,
              nx_type_name(nx_type_of(w)), at, (long long)n, a[at], b[at], ws.rank);
    free(a);
    free(b);
}

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s (run tests/oracle/gen_io.py)", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *p = malloc((size_t)n + 1);
    cr_assert_eq(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return p;
}

static char *oracle_path(const char *rel)
{
    static char buf[4096];
    if (rel[0] == '/')
        snprintf(buf, sizeof buf, "%s", rel);
    else
        snprintf(buf, sizeof buf, "%s/%s", nxtest_oracle_dir(), rel);
    return buf;
}

static char *rd_str(nxtest_reader *r)
{
    uint64_t n = nxtest_rd_le(r, 2);
    char *s = malloc(n + 1);
    memcpy(s, nxtest_rd_bytes(r, n), n);
    s[n] = 0;
    return s;
}

/* One oracle tensor: name, then the tensor. */
static nx_tensor *rd_tensor(nxtest_reader *r, char **name)
{
    *name = rd_str(r);
    char *type = rd_str(r);
    nx_shape s = nxtest_rd_shape(r);
    uint64_t n = nxtest_rd_le(r, 8);
    nx_tensor *t = nx_from_data(nxtest_rd_bytes(r, n), nxtest_type_named(type), s);
    free(type);
    return t;
}

static nx_tensor *find(const nx_named_tensors *l, const char *name)
{
    for (int64_t i = 0; i < l->n; i++)
        if (!strcmp(l->names[i], name))
            return l->tensors[i];
    cr_assert_fail("no tensor named %s", name);
    return NULL;
}

/* A scratch folder for files nxc writes. */
static const char *scratch(void)
{
    static char dir[512];
    snprintf(dir, sizeof dir, "%s/io-tmp-%d", nxtest_oracle_dir(), (int)getpid());
    char cmd[600];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    return dir;
}

static void remove_scratch(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

/* ---------------------------------------------------------------- the NumPy oracle */

/* Every file of the oracle loads (from memory and from the file) to NumPy's values, and
 * the canonical ones are written back byte for byte. With `pairs`, also writes nxc's
 * own files into dir and lists them for check_io.py. */
static void each_oracle_file(FILE *pairs, const char *dir)
{
    size_t len;
    unsigned char *buf = nxtest_read_oracle("io_cases.bin", &len);
    nxtest_reader r = { buf, buf + len };
    cr_assert(memcmp(nxtest_rd_bytes(&r, 8), "NXIO001\n", 8) == 0, "regenerate io_cases.bin");
    uint64_t nfiles = nxtest_rd_le(&r, 4);
    for (uint64_t f = 0; f < nfiles; f++) {
        nx_scope_begin();
        int kind = (int)nxtest_rd_le(&r, 1);
        char *rel = rd_str(&r), path[4096], out[4096];
        int canonical = (int)nxtest_rd_le(&r, 1);
        uint64_t nt = nxtest_rd_le(&r, 4);
        snprintf(path, sizeof path, "%s", oracle_path(rel));
        size_t flen;
        unsigned char *file = read_file(path, &flen);
        snprintf(out, sizeof out, "%s/out_%llu", dir ? dir : "", (unsigned long long)f);
        if (kind == 0) {
            char *name;
            nx_tensor *want = rd_tensor(&r, &name);
            expect_same(nx_load_numpy(file, flen), want, path);
            expect_same(nx_load_numpy_file(path), want, path);
            void *bytes;
            size_t blen;
            if (nx_save_numpy(want, &bytes, &blen) == 0) {
                if (canonical)
                    cr_assert(blen == flen && memcmp(bytes, file, flen) == 0, "%s: np.save's bytes differ", path);
                nx_free(bytes);
            }
            NXTEST_OK();
            if (pairs && canonical) {
                cr_assert_eq(nx_save_numpy_file(want, out), 0, "%s", nx_error_message());
                fprintf(pairs, "npy %s %s\n", out, path);
            }
            free(name);
        } else {
            nx_named_tensors mem, fil;
            int rc = kind == 1 ? nx_load_numpy_archive(file, flen, &mem) : nx_load_safetensors(file, flen, &mem);
            cr_assert_eq(rc, 0, "%s: %s", path, nx_error_message());
            rc = kind == 1 ? nx_load_numpy_archive_file(path, &fil) : nx_load_safetensors_file(path, &fil);
            cr_assert_eq(rc, 0, "%s: %s", path, nx_error_message());
            cr_assert_eq(mem.n, (int64_t)nt, "%s: %lld tensors", path, (long long)mem.n);
            for (uint64_t i = 0; i < nt; i++) {
                char *name;
                nx_tensor *want = rd_tensor(&r, &name);
                if (kind == 1) /* .npz: archive order */
                    cr_assert_str_eq(mem.names[i], name, "%s: member %llu", path, (unsigned long long)i);
                expect_same(find(&mem, name), want, path);
                expect_same(find(&fil, name), want, path);
                free(name);
            }
            if (kind == 2 && canonical) {
                void *bytes;
                size_t blen;
                cr_assert_eq(nx_save_safetensors(&mem, &bytes, &blen), 0, "%s", nx_error_message());
                cr_assert(blen == flen && memcmp(bytes, file, flen) == 0, "%s: safetensors' bytes differ", path);
                nx_free(bytes);
            }
            if (pairs) {
                if (kind == 1) {
                    char out2[4200];
                    snprintf(out2, sizeof out2, "%s_c.npz", out);
                    strcat(out, ".npz");
                    cr_assert_eq(nx_save_numpy_archive_file(&mem, out), 0, "%s", nx_error_message());
                    cr_assert_eq(nx_save_numpy_archive_file(&mem, out2, .compressed = true), 0);
                    fprintf(pairs, "npz %s %s\nnpz %s %s\n", out, path, out2, path);
                } else {
                    cr_assert_eq(nx_save_safetensors_file(&mem, out), 0, "%s", nx_error_message());
                    fprintf(pairs, "st %s %s\n", out, path);
                }
            }
            nx_named_tensors_free(&mem);
            nx_named_tensors_free(&fil);
        }
        free(file);
        free(rel);
        nx_scope_end();
    }
    cr_assert_eq(r.p, r.end, "trailing bytes in io_cases.bin");
    free(buf);
}

Test(io, numpy_and_safetensors_oracle)
{
    each_oracle_file(NULL, NULL);
}

/* NumPy and the safetensors package read back what nxc writes. */
Test(io, numpy_reads_what_nxc_writes)
{
    const char *dir = scratch();
    char list[600], cmd[2000];
    snprintf(list, sizeof list, "%s/pairs.txt", dir);
    FILE *pairs = fopen(list, "w");
    cr_assert_not_null(pairs);
    each_oracle_file(pairs, dir);
    fclose(pairs);
    snprintf(cmd, sizeof cmd, "'%s/../venv/bin/python' '%s/tests/oracle/check_io.py' '%s' >'%s/check.log' 2>&1",
             nxtest_oracle_dir(), NXC_SOURCE_DIR, dir, dir);
    int rc = system(cmd);
    if (rc != 0) {
        char log[600];
        snprintf(log, sizeof log, "%s/check.log", dir);
        size_t n;
        unsigned char *text = read_file(log, &n);
        cr_assert_fail("check_io.py failed (the venv of scripts/test.sh is needed): %.*s", (int)n, text);
    }
    remove_scratch(dir);
}

/* ---------------------------------------------------------------- Nx.serialize */

static void expect_bytes(const nx_term *term, const char *hex)
{
    unsigned char want[1024];
    size_t n = 0;
    for (const char *p = hex; *p;) {
        if (*p == ' ' || *p == '\n') {
            p++;
            continue;
        }
        unsigned v;
        cr_assert_eq(sscanf(p, "%2x", &v), 1);
        want[n++] = (unsigned char)v;
        p += 2;
    }
    void *got;
    size_t len;
    cr_assert_eq(nx_serialize(term, &got, &len), 0, "%s", nx_error_message());
    char dump[4096] = "";
    for (size_t i = 0; i < len && i < 1000; i++)
        snprintf(dump + strlen(dump), sizeof dump - strlen(dump), "%02X ", ((unsigned char *)got)[i]);
    cr_assert_eq(len, n, "%zu bytes, expected %zu: %s", len, n, dump);
    cr_assert(memcmp(got, want, n) == 0, "bytes differ from spec/formats.md §2.5: %s", dump);
    nx_free(got);
}

#define TENSOR_TERM(t) ((nx_term){ .kind = NX_TERM_TENSOR, .tensor = (t) })

/* The examples of spec/formats.md §2.5, byte for byte. */
Test(io, serialize_spec_bytes)
{
    nx_scope_begin();
    int32_t s123[] = { 1, 2, 3 };
    nx_term t1 = TENSOR_TERM(nx_from_data(s123, NX_S32, NX_SHAPE(3)));
    expect_bytes(&t1, "6E 78 01 00 00 00 00 00 00 00 00 21 83 68 07 77 01 74 68 01 61 03 68 02 77 01 73 61 20"
                      "6C 00 00 00 01 77 03 6E 69 6C 6A 6A 61 00 61 0C 01 00 00 00 02 00 00 00 03 00 00 00");
    float f12[] = { 1, 2 };
    nx_term items[2] = { TENSOR_TERM(nx_scalar(NX_INT(1), NX_S32)),
                         TENSOR_TERM(nx_from_data(f12, NX_F32, NX_SHAPE(2), .names = NX_NAMES("x"))) };
    nx_term tup = { .kind = NX_TERM_TUPLE, .n = 2, .items = items };
    expect_bytes(&tup, "6E 78 01 00 00 00 00 00 00 00 00 60"
                       "83 68 03 77 19 45 6C 69 78 69 72 2E 4E 78 2E 43 6F 6E 74 61 69 6E 65 72 2E 54 75 70 6C 65"
                       "6C 00 00 00 02"
                       "68 02 6A 68 07 77 01 74 68 00 68 02 77 01 73 61 20 6A 6A 61 00 61 04"
                       "68 02 6A 68 07 77 01 74 68 01 61 02 68 02 77 01 66 61 20 6C 00 00 00 01 77 01 78 6A 6A 61 04 61 08"
                       "6A 77 02 6F 6B 01 00 00 00 00 00 80 3F 00 00 00 40");
    uint8_t u12[] = { 1, 2 };
    nx_term mitem = TENSOR_TERM(nx_from_data(u12, NX_U8, NX_SHAPE(1, 2)));
    nx_key key = { .kind = NX_KEY_STRING, .text = "w", .len = 1 };
    nx_term map = { .kind = NX_TERM_MAP, .n = 1, .items = &mitem, .keys = &key };
    expect_bytes(&map, "6E 78 01 00 00 00 00 00 00 00 00 55"
                       "83 68 03 77 17 45 6C 69 78 69 72 2E 4E 78 2E 43 6F 6E 74 61 69 6E 65 72 2E 4D 61 70"
                       "6C 00 00 00 01 68 02 6D 00 00 00 01 77"
                       "68 07 77 01 74 68 02 61 01 61 02 68 02 77 01 75 61 08 6C 00 00 00 02 77 03 6E 69 6C 77 03 6E 69 6C 6A 6A 61 00 61 02"
                       "6A 77 02 6F 6B 01 02");
    int16_t s16[] = { 1, 2, 3, 4 };
    nx_term vec = TENSOR_TERM(nx_vectorize(nx_from_data(s16, NX_S16, NX_SHAPE(2, 2)), "rows"));
    expect_bytes(&vec, "6E 78 01 00 00 00 00 00 00 00 00 38"
                       "83 68 07 77 01 74 68 02 61 02 61 02 68 02 77 01 73 61 10"
                       "6C 00 00 00 02 77 04 72 6F 77 73 77 03 6E 69 6C 6A"
                       "6C 00 00 00 01 68 02 77 04 72 6F 77 73 61 02 6A 61 00 61 08"
                       "01 00 02 00 03 00 04 00");
    nx_term f = TENSOR_TERM(nx_scalar(NX_FLOAT(1.5), NX_F32));
    /* The spec prints L = 0x14 here, but the 21 term bytes it lists (and the layout of
     * the examples above) make L = 0x15. */
    expect_bytes(&f, "6E 78 01 00 00 00 00 00 00 00 00 15 83 68 07 77 01 74 68 00 68 02 77 01 66 61 20 6A 6A 61 00 61 04"
                     "00 00 C0 3F");
    nx_scope_end();
}

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* A random tensor of any type: random bits, random shape, maybe names and a vectorized
 * axis. */
static nx_tensor *random_tensor(void)
{
    nx_type type = (nx_type)(1 + rnd() % (NX_TYPE_COUNT - 1));
    nx_shape s = { .rank = (int)(rnd() % 4) };
    for (int i = 0; i < s.rank; i++)
        s.dims[i] = 1 + (int64_t)(rnd() % 5);
    nx_names names = { 0 };
    if (s.rank && rnd() % 2) {
        static const char *pool[] = { "a", "b", "c", "d" };
        names.n = s.rank;
        for (int i = 0; i < s.rank; i++)
            names.v[i] = rnd() % 2 ? pool[i] : NULL;
    }
    unsigned char data[2048];   /* 4 * 5 * 5 elements of 16 bytes at most */
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)rnd();
    nx_tensor *t = nx_from_data(data, type, s, .names = names);
    if (s.rank && rnd() % 3 == 0)
        t = nx_vectorize(t, "v");
    return t;
}

static void random_term(nx_term *t, int depth)
{
    int k = depth > 2 ? 0 : (int)(rnd() % 3);
    if (k == 0) {
        *t = TENSOR_TERM(random_tensor());
        return;
    }
    int64_t n = (int64_t)(rnd() % 4);
    *t = (nx_term){ .kind = k == 1 ? NX_TERM_TUPLE : NX_TERM_MAP, .n = n, .items = calloc((size_t)n + 1, sizeof(nx_term)) };
    if (k == 2)
        t->keys = calloc((size_t)n + 1, sizeof(nx_key));
    for (int64_t i = 0; i < n; i++) {
        if (k == 2) {
            static const char *texts[] = { "alpha", "beta", "gamma", "delta" };
            int kk = (int)(i % 3);
            t->keys[i] = kk == 0 ? (nx_key){ .kind = NX_KEY_INT, .i = (int64_t)i * 1000 - 1 }
                         : (nx_key){ .kind = kk == 1 ? NX_KEY_ATOM : NX_KEY_STRING, .text = texts[i], .len = (int64_t)strlen(texts[i]) };
        }
        random_term(&t->items[i], depth + 1);
    }
}

static void free_random(nx_term *t)
{
    if (t->kind == NX_TERM_TENSOR)
        return;
    for (int64_t i = 0; i < t->n; i++)
        free_random(&t->items[i]);
    free(t->items);
    free(t->keys);
}

/* Same structure, keys (in any order for maps) and tensors. */
static void expect_same_term(const nx_term *got, const nx_term *want)
{
    cr_assert_eq(got->kind, want->kind);
    if (want->kind == NX_TERM_TENSOR) {
        expect_same(got->tensor, want->tensor, "deserialized tensor");
        return;
    }
    cr_assert_eq(got->n, want->n);
    for (int64_t i = 0; i < want->n; i++) {
        int64_t j = i;
        if (want->kind == NX_TERM_MAP) {
            const nx_key *k = &want->keys[i];
            for (j = 0; j < got->n; j++) {
                const nx_key *g = &got->keys[j];
                if (g->kind == k->kind && (k->kind == NX_KEY_INT ? g->i == k->i : !strcmp(g->text, k->text)))
                    break;
            }
            cr_assert_lt(j, got->n, "key missing after deserialize");
        }
        expect_same_term(&got->items[j], &want->items[i]);
    }
}

Test(io, serialize_round_trips)
{
    const char *dir = scratch();
    char path[700];
    snprintf(path, sizeof path, "%s/term.nx", dir);
    for (long c = 0; c < nxtest_scaled(200); c++) {
        nx_scope_begin();
        nx_term want;
        random_term(&want, 0);
        void *bytes;
        size_t len;
        int level = (int)(c % 3) * 4;
        cr_assert_eq(nx_serialize(&want, &bytes, &len, .compressed = level), 0, "%s", nx_error_message());
        nx_term *got = nx_deserialize(bytes, len);
        cr_assert_not_null(got, "%s", nx_error_message());
        expect_same_term(got, &want);
        nx_term_free(got);
        if (c % 10 == 0) {
            cr_assert_eq(nx_serialize_file(&want, path, .compressed = level), 0);
            got = nx_deserialize_file(path);
            cr_assert_not_null(got, "%s", nx_error_message());
            expect_same_term(got, &want);
            nx_term_free(got);
            /* The file holds exactly the bytes nx_serialize made. */
            size_t flen;
            unsigned char *file = read_file(path, &flen);
            cr_assert(flen == len && memcmp(file, bytes, len) == 0);
            free(file);
        }
        nx_free(bytes);
        free_random(&want);
        nx_scope_end();
    }
    remove_scratch(dir);
}

/* Big-endian writers' data is swapped; Nx 0.5's legacy format still loads. */
Test(io, deserialize_big_endian_and_legacy)
{
    nx_scope_begin();
    int32_t v[] = { 1, 2, 3 };
    nx_tensor *t = nx_from_data(v, NX_S32, NX_SHAPE(3));
    nx_term term = TENSOR_TERM(t);
    void *bytes;
    size_t len;
    cr_assert_eq(nx_serialize(&term, &bytes, &len), 0);
    unsigned char *b = bytes;
    b[3] = 1;                                     /* written by a big-endian machine */
    for (size_t i = len - 12; i < len; i += 4) {  /* ... with its data in its order */
        unsigned char x = b[i], y = b[i + 1];
        b[i] = b[i + 3], b[i + 1] = b[i + 2], b[i + 2] = y, b[i + 3] = x;
    }
    nx_term *got = nx_deserialize(bytes, len);
    cr_assert_not_null(got, "%s", nx_error_message());
    expect_same(got->tensor, t, "big-endian");
    nx_term_free(got);
    nx_free(bytes);
    /* {1, :little, {:container, {{:tensor, {2}, {:s, 16}, [:x], <<1, 0, 2, 0>>}}}} */
    static const unsigned char legacy[] = {
        131, 104, 3, 97, 1, 100, 0, 6, 'l', 'i', 't', 't', 'l', 'e',
        104, 2, 100, 0, 9, 'c', 'o', 'n', 't', 'a', 'i', 'n', 'e', 'r', 104, 1,
        104, 5, 100, 0, 6, 't', 'e', 'n', 's', 'o', 'r', 104, 1, 97, 2, 104, 2, 100, 0, 1, 's', 97, 16,
        108, 0, 0, 0, 1, 100, 0, 1, 'x', 106, 109, 0, 0, 0, 4, 1, 0, 2, 0,
    };
    got = nx_deserialize(legacy, sizeof legacy);
    cr_assert_not_null(got, "%s", nx_error_message());
    cr_assert_eq(got->kind, NX_TERM_TUPLE);
    cr_assert_eq(got->n, 1);
    int16_t w[] = { 1, 2 };
    expect_same(got->items[0].tensor, nx_from_data(w, NX_S16, NX_SHAPE(2), .names = NX_NAMES("x")), "legacy");
    nx_term_free(got);
    nx_scope_end();
}

/* ---------------------------------------------------------------- malformed input */

/* A .npy file with the given header text (version 1.0) and data. */
static size_t make_npy(unsigned char *out, const char *header, const void *data, size_t n)
{
    size_t h = strlen(header);
    memcpy(out, "\x93NUMPY\x01\x00", 8);
    out[8] = (unsigned char)h, out[9] = (unsigned char)(h >> 8);
    memcpy(out + 10, header, h);
    memcpy(out + 10 + h, data, n);
    return 10 + h + n;
}

static void npy_error(const char *header, size_t ndata, nx_error_kind kind, const char *message)
{
    unsigned char buf[4096], data[64] = { 0 };
    size_t n = make_npy(buf, header, data, ndata);
    cr_assert_null(nx_load_numpy(buf, n), "%s loaded", header);
    NXTEST_ERROR(kind, message);
}

/* Inputs that would need large allocations must fail first: 1 MiB is plenty. */
#define SMALL_ALLOCS() nx_set_alloc_limit(1 << 20)
#define ANY_ALLOCS() nx_set_alloc_limit(0)

Test(io, malformed_npy)
{
    SMALL_ALLOCS();
    nx_scope_begin();
    cr_assert_null(nx_load_numpy("garbage", 7));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, NPY_CORRUPT);
    npy_error("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", 3, NX_RUNTIME_ERROR, "unsupported numpy type: 98");
    npy_error("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", 8, NX_RUNTIME_ERROR, "unsupported numpy type: 99");
    npy_error("{'descr': '=i4', 'fortran_order': False, 'shape': (1,), }", 4, NX_ARGUMENT_ERROR, "unsupported numpy endianness: 61");
    npy_error("{'descr': '|i4', 'fortran_order': False, 'shape': (1,), }", 4, NX_ARGUMENT_ERROR, "unsupported numpy endianness: 124");
    npy_error("{'descr': '<i3', 'fortran_order': False, 'shape': (1,), }", 3, NX_ARGUMENT_ERROR,
              "invalid numerical type: {:s, 24} (see Nx.Type docs for all supported types)");
    npy_error("{'descr': '<i4', 'fortran_order': False, 'shape': (0,), }", 0, NX_ARGUMENT_ERROR, "cannot build an empty tensor");
    npy_error("{'fortran_order': False, 'descr': '<i4', 'shape': (1,), }", 4, NX_ARGUMENT_ERROR, NPY_CORRUPT);
    npy_error("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", 4, NX_ARGUMENT_ERROR, NPY_CORRUPT);
    npy_error("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", 8, NX_ARGUMENT_ERROR, NPY_CORRUPT);
    npy_error("{'descr': '<i4', 'fortran_order': False, 'shape': (1000000000000,), }", 12, NX_ARGUMENT_ERROR, NPY_CORRUPT);
    npy_error("{'descr': '<i4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", 12, NX_ARGUMENT_ERROR, NPY_CORRUPT);
    npy_error("{'descr': '<i4', 'fortran_order': False, 'shape': (99999999999999999999999,), }", 4, NX_ARGUMENT_ERROR, NPY_CORRUPT);
    npy_error("{'descr': '<i4', 'fortran_order': False, 'shape': (1, ", 4, NX_ARGUMENT_ERROR, NPY_CORRUPT);
    /* A header length beyond the input, and a version 2.0 length of 4 GiB. */
    unsigned char lie[] = "\x93NUMPY\x01\x00\xff\xff{'descr'";
    cr_assert_null(nx_load_numpy(lie, sizeof lie - 1));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, NPY_CORRUPT);
    unsigned char lie2[] = "\x93NUMPY\x02\x00\xff\xff\xff\xff{'descr'";
    cr_assert_null(nx_load_numpy(lie2, sizeof lie2 - 1));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, NPY_CORRUPT);
    /* Big-endian data is swapped (Nx itself fails here; spec/formats.md §3.1). */
    unsigned char buf[256], be[] = { 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 1, 0 };
    size_t n = make_npy(buf, "{'descr': '>i4', 'fortran_order': False, 'shape': (3,), }", be, 12);
    NXTEST_PRINTS(nx_load_numpy(buf, n), "#Nx.Tensor<\n  s32[3]\n  [1, 2, 256]\n>");
    /* Every prefix of a valid file fails cleanly. */
    for (size_t k = 0; k < n; k++) {
        cr_assert_null(nx_load_numpy(buf, k));
        cr_assert_neq(nx_error(), NX_OK);
        nx_error_clear();
    }
    nx_scope_end();
    ANY_ALLOCS();
}

/* A stored .npz (one member) around the given member bytes. */
static size_t make_zip(unsigned char *out, const char *name, const void *member, size_t n, int method,
                       size_t csize_claim, size_t usize_claim)
{
    unsigned char comp[65536];
    uLongf clen = sizeof comp;
    const void *data = member;
    if (method == 8) {
        z_stream z = { 0 };
        deflateInit2(&z, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
        z.next_in = (unsigned char *)member;
        z.avail_in = (uInt)n;
        z.next_out = comp;
        z.avail_out = sizeof comp;
        cr_assert_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
        clen = sizeof comp - z.avail_out;
        deflateEnd(&z);
        data = comp;
    } else {
        clen = n;
    }
    uint32_t crc = (uint32_t)crc32(0, member, (uInt)n);
    size_t nl = strlen(name), at = 0;
    unsigned char *p = out;
#define LE(v, k) do { for (int i_ = 0; i_ < (k); i_++) p[at++] = (unsigned char)((uint64_t)(v) >> (8 * i_)); } while (0)
    LE(0x04034b50, 4); LE(20, 2); LE(0, 2); LE(method, 2); LE(0, 4); LE(crc, 4);
    LE(clen, 4); LE(n, 4); LE(nl, 2); LE(0, 2);
    memcpy(p + at, name, nl), at += nl;
    memcpy(p + at, data, clen), at += clen;
    size_t cd = at;
    LE(0x02014b50, 4); LE(20, 2); LE(20, 2); LE(0, 2); LE(method, 2); LE(0, 4); LE(crc, 4);
    LE(csize_claim ? csize_claim : clen, 4); LE(usize_claim ? usize_claim : n, 4); LE(nl, 2); LE(0, 2); LE(0, 2);
    LE(0, 2); LE(0, 2); LE(0, 4); LE(0, 4);
    memcpy(p + at, name, nl), at += nl;
    size_t cdlen = at - cd;
    LE(0x06054b50, 4); LE(0, 2); LE(0, 2); LE(1, 2); LE(1, 2); LE(cdlen, 4); LE(cd, 4); LE(0, 2);
#undef LE
    return at;
}

Test(io, malformed_npz)
{
    SMALL_ALLOCS();
    nx_scope_begin();
    unsigned char npy[256], zip[70000], data[4] = { 7, 0, 0, 0 };
    nx_named_tensors l;
    size_t n = make_npy(npy, "{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", data, 4);
    for (int method = 0; method <= 8; method += 8) {
        size_t z = make_zip(zip, "x.npy", npy, n, method, 0, 0);
        cr_assert_eq(nx_load_numpy_archive(zip, z, &l), 0, "%s", nx_error_message());
        cr_assert_str_eq(l.names[0], "x");
        NXTEST_PRINTS(l.tensors[0], "#Nx.Tensor<\n  s32[1]\n  [7]\n>");
        nx_named_tensors_free(&l);
        /* Every prefix and every single corrupted byte: an error or a result, no crash. */
        for (size_t k = 0; k < z; k++) {
            cr_assert_eq(nx_load_numpy_archive(zip, k, &l), -1);
            nx_error_clear();
            unsigned char keep = zip[k];
            zip[k] ^= 0x5A;
            if (nx_load_numpy_archive(zip, z, &l) == 0)
                nx_named_tensors_free(&l);
            nx_error_clear();
            zip[k] = keep;
        }
        /* A wrong CRC (in the central directory, which readers trust). */
        zip[z - 22 - 51 + 16] ^= 1;
        cr_assert_eq(nx_load_numpy_archive(zip, z, &l), -1);
        NXTEST_ERROR(NX_ARGUMENT_ERROR, NPZ_CORRUPT);
    }
    cr_assert_eq(nx_load_numpy_archive("PK", 2, &l), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, NPZ_CORRUPT);
    /* A member that is not .npy gives load_numpy!'s error. */
    size_t z = make_zip(zip, "y", "hello", 5, 0, 0, 0);
    cr_assert_eq(nx_load_numpy_archive(zip, z, &l), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, NPY_CORRUPT);
    /* A deflated member claiming 1 GiB from 20 bytes is refused before inflating. */
    z = make_zip(zip, "x.npy", npy, n, 8, 0, 1u << 30);
    cr_assert_eq(nx_load_numpy_archive(zip, z, &l), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, NPZ_CORRUPT);
    /* A bomb: the header says 1 element, the stream inflates to 16 MiB more. Only what
     * the shape needs (plus one byte) is inflated. */
    size_t big = 16 << 20;
    unsigned char *bomb = calloc(1, n + big);
    memcpy(bomb, npy, n);
    z = make_zip(zip, "x.npy", bomb, n + big, 8, 0, n);
    free(bomb);
    cr_assert_eq(nx_load_numpy_archive(zip, z, &l), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, NPY_CORRUPT);
    nx_scope_end();
    ANY_ALLOCS();
}

static void deserialize_error(const void *data, size_t n, const char *message)
{
    nx_term *t = nx_deserialize(data, n);
    cr_assert_null(t, "deserialized: %s", message);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, message);
}

/* "nx" v1 around a term (the bytes after 131) and data. */
static size_t make_v1(unsigned char *out, const void *term, size_t tn, const void *data, size_t dn)
{
    memcpy(out, "nx\x01\x00\0\0\0\0\0\0\0", 11);
    out[11] = (unsigned char)(tn + 1);
    out[12] = 131;
    memcpy(out + 13, term, tn);
    if (dn)
        memcpy(out + 13 + tn, data, dn);
    return 13 + tn + dn;
}

/* {:t, {dims...}, {:s, 32}, [nil...], [], offset, size} with dims and names for rank 1/2 */
static size_t tensor_term(unsigned char *p, int rank, const int *dims, int offset, int size)
{
    size_t at = 0;
    static const unsigned char head[] = { 104, 7, 119, 1, 't' };
    memcpy(p, head, 5), at = 5;
    p[at++] = 104, p[at++] = (unsigned char)rank;
    for (int i = 0; i < rank; i++)
        p[at++] = 97, p[at++] = (unsigned char)dims[i];
    static const unsigned char type[] = { 104, 2, 119, 1, 's', 97, 32 };
    memcpy(p + at, type, 7), at += 7;
    if (rank) {
        p[at++] = 108, p[at++] = 0, p[at++] = 0, p[at++] = 0, p[at++] = (unsigned char)rank;
        for (int i = 0; i < rank; i++)
            p[at++] = 119, p[at++] = 3, p[at++] = 'n', p[at++] = 'i', p[at++] = 'l';
    }
    p[at++] = 106, p[at++] = 106;   /* the tail of names (or []), and [] vectorized axes */
    p[at++] = 97, p[at++] = (unsigned char)offset, p[at++] = 97, p[at++] = (unsigned char)size;
    return at;
}

Test(io, malformed_serialize)
{
    SMALL_ALLOCS();
    nx_scope_begin();
    unsigned char buf[4096], term[512], data[16] = { 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0 };
    int d3[] = { 3 }, d22[] = { 2, 2 };
    size_t tn = tensor_term(term, 1, d3, 0, 12), n = make_v1(buf, term, tn, data, 12);
    nx_term *ok = nx_deserialize(buf, n);
    cr_assert_not_null(ok, "%s", nx_error_message());
    nx_term_free(ok);
    deserialize_error(buf, 20, "cannot deserialize Nx format v1");
    for (size_t k = 0; k < n; k++) {       /* every prefix, every corrupted byte */
        if (!nx_deserialize(buf, k) && nx_error() == NX_OK)
            cr_assert_fail("NULL without an error");
        nx_error_clear();
        unsigned char keep = buf[k];
        for (int x = 1; x < 256; x <<= 1) {
            buf[k] ^= (unsigned char)x;
            nx_term_free(nx_deserialize(buf, n));
            nx_error_clear();
            buf[k] = keep;
        }
    }
    buf[2] = 2;
    deserialize_error(buf, n, "cannot deserialize Nx format v2");
    n = make_v1(buf, term, tensor_term(term, 1, d3, 4, 12), data, 12);
    deserialize_error(buf, n, "errors were found at the given arguments:\n\n  * 3rd argument: out of range\n");
    n = make_v1(buf, term, tensor_term(term, 1, d3, 0, 0), data, 12);
    deserialize_error(buf, n, "cannot build an empty tensor");
    n = make_v1(buf, term, tensor_term(term, 1, d3, 0, 11), data, 12);
    deserialize_error(buf, n, "binary does not match the given size");
    n = make_v1(buf, term, tensor_term(term, 2, d22, 0, 12), data, 12);
    deserialize_error(buf, n, "cannot reshape, current shape {3} is not compatible with new shape {2, 2}");
    static const unsigned char foo[] = { 119, 3, 'f', 'o', 'o' };
    n = make_v1(buf, foo, sizeof foo, NULL, 0);
    deserialize_error(buf, n, "unable to deserialize term to tensor: :foo");
    static const unsigned char badtag[] = { 200, 1 };
    n = make_v1(buf, badtag, sizeof badtag, NULL, 0);
    deserialize_error(buf, n, BAD_TERM);
    static const unsigned char huge_list[] = { 108, 0x7F, 0xFF, 0xFF, 0xFF, 106 };
    n = make_v1(buf, huge_list, sizeof huge_list, NULL, 0);
    deserialize_error(buf, n, BAD_TERM);
    static const unsigned char zbomb[] = { 80, 0x7F, 0xFF, 0xFF, 0xFF, 0x78, 0x9C, 3, 0 };
    n = make_v1(buf, zbomb, sizeof zbomb, NULL, 0);
    deserialize_error(buf, n, BAD_TERM);
    /* Deep nesting: 2000 one-element tuples. */
    unsigned char deep[4001];
    for (int i = 0; i < 2000; i++)
        deep[2 * i] = 104, deep[2 * i + 1] = 1;
    deep[4000] = 106;
    deep[0] = 131;
    deserialize_error(deep, sizeof deep, BAD_TERM);
    /* Two tensors on the same 12 bytes: their data may not exceed the input. */
    unsigned char two[512];
    size_t at = 0;
    static const char mod[] = "Elixir.Nx.Container.Tuple";
    two[at++] = 104, two[at++] = 3, two[at++] = 119, two[at++] = (unsigned char)strlen(mod);
    memcpy(two + at, mod, strlen(mod)), at += strlen(mod);
    two[at++] = 108, two[at++] = 0, two[at++] = 0, two[at++] = 0, two[at++] = 2;
    for (int i = 0; i < 2; i++) {
        two[at++] = 104, two[at++] = 2, two[at++] = 106;
        at += tensor_term(two + at, 1, d3, 0, 12);
    }
    two[at++] = 106, two[at++] = 119, two[at++] = 2, two[at++] = 'o', two[at++] = 'k';
    n = make_v1(buf, two, at, data, 12);
    deserialize_error(buf, n, BAD_TERM);
    deserialize_error("abc", 3, BAD_TERM);
    nx_scope_end();
    ANY_ALLOCS();
}

static size_t make_st(unsigned char *out, const char *json, const void *data, size_t n)
{
    size_t h = strlen(json);
    for (int i = 0; i < 8; i++)
        out[i] = (unsigned char)((uint64_t)h >> (8 * i));
    memcpy(out + 8, json, h);
    memcpy(out + 8 + h, data, n);
    return 8 + h + n;
}

static void st_error(const char *json, size_t ndata, const char *message)
{
    unsigned char buf[4096], data[64] = { 0 };
    nx_named_tensors l;
    size_t n = make_st(buf, json, data, ndata);
    cr_assert_eq(nx_load_safetensors(buf, n, &l), -1, "%s loaded", json);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, message);
}

Test(io, malformed_safetensors)
{
    SMALL_ALLOCS();
    nx_scope_begin();
    nx_named_tensors l;
    cr_assert_eq(nx_load_safetensors("abc", 3, &l), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid safetensors file: too short");
    cr_assert_eq(nx_load_safetensors("\xff\xff\xff\xff\xff\xff\xff\x7f{}", 10, &l), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid safetensors file: the header length is larger than the file");
    st_error("{\"a\":", 0, "invalid safetensors file: the header is not valid JSON");
    st_error("[1]", 0, "invalid safetensors file: the header is not a JSON object");
    st_error("{\"a\":{\"dtype\":\"X9\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1,
             "unsupported safetensors dtype: X9 (tensor \"a\")");
    st_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4,
             "invalid safetensors file: data_offsets outside the data (tensor \"a\")");
    st_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8,
             "invalid safetensors file: data_offsets do not match the shape and dtype (tensor \"a\")");
    st_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[4503599627370496,4096],\"data_offsets\":[0,8]}}", 8,
             "invalid safetensors file: data_offsets do not match the shape and dtype (tensor \"a\")");
    st_error("{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},"
             "\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[1,3]}}", 4,
             "invalid safetensors file: tensors overlap (tensor \"b\")");
    st_error("{\"a\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,2]}}", 4,
             "invalid safetensors file: a dimension is not a non-negative integer (tensor \"a\")");
    st_error("{\"a\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}}", 0, "cannot build an empty tensor");
    st_error("{\"__metadata__\":{\"k\":1}}", 0, "invalid safetensors file: __metadata__ values must be strings");
    /* found by the fuzzer: the second block overwrote (and leaked) the first one's strings */
    st_error("{\"__metadata__\":{\"k\":\"v\"},\"__metadata__\":{\"k\":\"w\"}}", 0,
             "invalid safetensors file: __metadata__ appears twice");
    /* Every prefix and corrupted byte of a valid file. */
    unsigned char buf[512], data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    size_t n = make_st(buf, "{\"__metadata__\":{\"k\":\"v\"},\"a\":{\"dtype\":\"I16\",\"shape\":[2,2],\"data_offsets\":[0,8]}}",
                       data, 8);
    cr_assert_eq(nx_load_safetensors(buf, n, &l), 0, "%s", nx_error_message());
    cr_assert_str_eq(l.meta_keys[0], "k");
    cr_assert_str_eq(l.meta_values[0], "v");
    nx_named_tensors_free(&l);
    for (size_t k = 0; k < n; k++) {
        cr_assert_eq(nx_load_safetensors(buf, k, &l), -1);
        nx_error_clear();
        unsigned char keep = buf[k];
        buf[k] ^= 0x21;
        if (nx_load_safetensors(buf, n, &l) == 0)
            nx_named_tensors_free(&l);
        nx_error_clear();
        buf[k] = keep;
    }
    nx_scope_end();
    ANY_ALLOCS();
}

/* Types a format has no name for are refused on writing. */
Test(io, unwritable_types)
{
    nx_scope_begin();
    uint8_t v[] = { 0x12 };
    nx_tensor *t = nx_from_data(v, NX_U4, NX_SHAPE(2));
    void *out;
    size_t len;
    cr_assert_eq(nx_save_numpy(t, &out, &len), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot save a tensor of type u4 as NumPy: NumPy has no such type");
    char *name = "t";
    nx_named_tensors l = { .n = 1, .names = &name, .tensors = &t };
    cr_assert_eq(nx_save_safetensors(&l, &out, &len), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot save a tensor of type u4 as safetensors: no such dtype");
    nx_scope_end();
}

/* ---------------------------------------------------------------- allocation failures */

Test(io, failed_allocations_are_clean)
{
    nx_scope_begin();
    int32_t v[] = { 1, 2, 3, 4 };
    nx_tensor *t = nx_from_data(v, NX_S32, NX_SHAPE(2, 2));
    char *name = "w";
    nx_named_tensors l = { .n = 1, .names = &name, .tensors = &t };
    nx_key key = { .kind = NX_KEY_ATOM, .text = "k" };
    nx_term leaf = TENSOR_TERM(t), map = { .kind = NX_TERM_MAP, .n = 1, .items = &leaf, .keys = &key };
    void *npy, *npz, *npzc, *st, *ser;
    size_t n1, n2, n3, n4, n5;
    cr_assert_eq(nx_save_numpy(t, &npy, &n1) | nx_save_numpy_archive(&l, &npz, &n2) |
                 nx_save_numpy_archive(&l, &npzc, &n3, .compressed = true) | nx_save_safetensors(&l, &st, &n4) |
                 nx_serialize(&map, &ser, &n5, .compressed = 6), 0);
    for (long n = 1; n < 60; n++) {
        nx_scope_begin();
        nx_named_tensors out;
        void *bytes;
        size_t len;
        nxalloc_fail_at(n, 0);
        nx_tensor *a = nx_load_numpy(npy, n1);
        int rc[4] = { nx_load_numpy_archive(npz, n2, &out), 0, 0, 0 };
        if (rc[0] == 0)
            nx_named_tensors_free(&out);
        nxalloc_fail_at(n, 0);
        if ((rc[1] = nx_load_numpy_archive(npzc, n3, &out)) == 0)
            nx_named_tensors_free(&out);
        nxalloc_fail_at(n, 0);
        if ((rc[2] = nx_load_safetensors(st, n4, &out)) == 0)
            nx_named_tensors_free(&out);
        nxalloc_fail_at(n, 0);
        nx_term *d = nx_deserialize(ser, n5);
        nx_term_free(d);
        nxalloc_fail_at(n, 0);
        if ((rc[3] = nx_serialize(&map, &bytes, &len, .compressed = 1)) == 0)
            nx_free(bytes);
        nxalloc_fail_at(0, 0);
        if (!a || !d || rc[0] || rc[1] || rc[2] || rc[3])
            cr_assert_neq(nx_error(), NX_OK, "n = %ld: a failure without an error", n);
        nx_error_clear();
        nx_scope_end();
    }
    nx_free(npy), nx_free(npz), nx_free(npzc), nx_free(st), nx_free(ser);
    nx_scope_end();
}

/* ---------------------------------------------------------------- the interpreter */

Test(io, interpreter)
{
    nxtest_expect_code("{a, %{b: b}} = Nx.deserialize(Nx.serialize({Nx.vectorize(Nx.tensor([1, 2, 3]), :x), "
                       "%{b: Nx.tensor([4, 5, 6])}})); a",
                       "#Nx.Tensor<\n  vectorized[x: 3]\n  s32\n  [1, 2, 3]\n>");
    nxtest_expect_code("Nx.deserialize(Nx.serialize({1, 2.5}, compressed: 9))",
                       "{#Nx.Tensor<\n   s32\n   1\n >,\n #Nx.Tensor<\n   f32\n   2.5\n >}");
    nxtest_expect_code("Nx.deserialize([Nx.serialize(Nx.tensor([1, 2], type: :u4))])",
                       "#Nx.Tensor<\n  u4[2]\n  [1, 2]\n>");
    nxtest_expect_code("Nx.serialize([1])",
                       "** (ArgumentError) lists are not containers: Nx.serialize expects a tensor, a number, "
                       "a tuple or a map, got: [1]");
    nxtest_expect_code("Nx.serialize(1, foo: 1)",
                       "** (ArgumentError) unknown keys [:foo] in [foo: 1], the allowed keys are: [:compressed]");
    nxtest_expect_code("Nx.deserialize(<<\"nx\", 7, 0>>)", "** (ArgumentError) cannot deserialize Nx format v7");
    nxtest_expect_code("Nx.load_numpy!(File.read!(\"" NXC_SOURCE_DIR "/../shared/conformance/fixtures/numpy/1d_int64.npy\"))",
                       "#Nx.Tensor<\n  s64[4]\n  [1, 2, 3, 4]\n>");
    nxtest_expect_code("Nx.load_numpy!(\"nope\")", "** (ArgumentError) " NPY_CORRUPT);
    nxtest_expect_code("Nx.load_numpy_archive!(\"nope\")", "** (ArgumentError) " NPZ_CORRUPT);
    nxtest_expect_code("File.read!(\"/nonexistent/x\")",
                       "** (File.Error) could not read file \"/nonexistent/x\": no such file or directory");
}
