/* src/cli/bits.c: literals that build data: bitstrings (<<1::32-native, 2.0::float-32>>)
 * and sigils (~MAT / ~VEC tensors, ~c charlists, ~s strings, ~w word lists). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli/eval.h"
#include "cli/utf8.h"
#include "cli/nxlib.h"

nxv *nxi_eval_expr(const nxi_ast *a, nxi_env **env);

/* ---------------------------------------------------------------- bit writer */

typedef struct {
    unsigned char *bytes;
    int64_t bits, cap;   /* cap in bytes */
} bitbuf;

static void put_bit(bitbuf *b, int bit)
{
    if (b->bits / 8 >= b->cap) {
        int64_t cap = b->cap ? b->cap * 2 : 64;
        unsigned char *bytes = nxi_alloc((size_t)cap);
        memset(bytes, 0, (size_t)cap);
        if (b->bytes)
            memcpy(bytes, b->bytes, (size_t)b->cap);
        b->bytes = bytes;
        b->cap = cap;
    }
    if (bit)
        b->bytes[b->bits / 8] |= (unsigned char)(0x80 >> (b->bits % 8));
    b->bits++;
}

/* Appends the low `n` bits of v, most significant first. */
static void put_bits(bitbuf *b, unsigned __int128 v, int64_t n)
{
    for (int64_t i = n - 1; i >= 0; i--)
        put_bit(b, i < 128 ? (int)((v >> i) & 1) : 0);
}

static void put_bytes(bitbuf *b, const unsigned char *p, int64_t bits)
{
    for (int64_t i = 0; i < bits; i++)
        put_bit(b, (p[i / 8] >> (7 - i % 8)) & 1);
}

/* An integer of `bits` bits with the given byte order (little: whole bytes reversed). */
static void put_int(bitbuf *b, unsigned __int128 v, int64_t bits, int little)
{
    if (!little || bits % 8) {
        put_bits(b, v, bits);
        return;
    }
    for (int64_t i = 0; i < bits / 8; i++)
        put_bits(b, i < 16 ? (v >> (8 * i)) & 0xFF : 0, 8);
}

static int64_t seg_size(const nxi_segment *s, nxi_env **env, int64_t dflt)
{
    if (!s->size)
        return dflt;
    nxv *v = nxi_eval_expr(s->size, env);
    if (!v)
        return -2;
    if (v->kind != NXV_INT || v->i < 0 || v->i > (1 << 24)) {
        char *t = nxi_inspect_plain(v);
        nxi_raise("ArgumentError", "construction of binary failed: invalid size %s", t);
        return -2;
    }
    return (int64_t)v->i;
}

/* Raises Erlang's message for a segment that does not fit its type; returns -1. */
static int seg_error(int index, const char *type, nxv *v)
{
    char *t = nxi_inspect_plain(v);
    nxi_raise("ArgumentError",
                     "construction of binary failed: segment %d of type '%s': expected %s but got: %s",
                     index + 1, type, !strcmp(type, "integer") ? "an integer" :
                     !strcmp(type, "float") ? "a float or an integer" : "a binary", t);
    return -1;
}

static void put_utf8(bitbuf *b, uint32_t cp)
{
    unsigned char u[4];
    int n = nxi_utf8_encode(cp, u);
    for (int i = 0; i < n; i++)
        put_bits(b, u[i], 8);
}

static int put_segment(bitbuf *b, const nxi_segment *s, int index, nxi_env **env)
{
    nxv *v = nxi_eval_expr(s->value, env);
    if (!v)
        return -1;
    const char *type = s->type ? s->type : "integer";
    int little = s->endian == 1 || s->endian == 2;   /* native is little-endian here */
    /* A literal string without a type is its bytes. */
    if (!strcmp(type, "integer") && v->kind == NXV_BINARY && !s->size)
        type = "binary";
    if (!strcmp(type, "integer")) {
        if (v->kind != NXV_INT)
            return seg_error(index, "integer", v);
        int64_t n = seg_size(s, env, 8);
        if (n < -1)
            return -1;
        put_int(b, (unsigned __int128)v->i, n * (s->unit ? s->unit : 1), little);
        return 0;
    }
    if (!strcmp(type, "float")) {
        if (v->kind != NXV_INT && v->kind != NXV_FLOAT)
            return seg_error(index, "float", v);
        double d = v->kind == NXV_INT ? (double)v->i : v->f;
        int64_t n = seg_size(s, env, 64);
        if (n < -1)
            return -1;
        if (n == 64) {
            uint64_t u;
            memcpy(&u, &d, 8);
            put_int(b, u, 64, little);
        } else if (n == 32) {
            float f = (float)d;
            uint32_t u;
            memcpy(&u, &f, 4);
            put_int(b, u, 32, little);
        } else if (n == 16) {
            nx_tensor *t = nx_scalar(NX_FLOAT(d), NX_F16);
            uint16_t u = 0;
            if (!t || nx_to_binary(t, &u, 2) < 0) {
                nxi_raise_from_nx();
                return -1;
            }
            put_int(b, u, 16, little);
        } else {
            nxi_raise("ArgumentError", "construction of binary failed: segment %d of type 'float': invalid size %lld",
                      index + 1, (long long)n);
            return -1;
        }
        return 0;
    }
    if (!strcmp(type, "binary") || !strcmp(type, "bytes") || !strcmp(type, "bits") || !strcmp(type, "bitstring")) {
        int whole = type[1] == 'i' && type[2] == 'n' ? 1 : type[0] == 'b' && type[1] == 'y';
        if (v->kind != NXV_BINARY || (whole && v->bin.bits % 8))
            return seg_error(index, "binary", v);
        int64_t n = seg_size(s, env, -1);
        if (n < -1)
            return -1;
        int64_t bits = n < 0 ? v->bin.bits : n * (whole ? 8 : 1);
        if (bits > v->bin.bits)
            return seg_error(index, "binary", v);
        put_bytes(b, v->bin.bytes, bits);
        return 0;
    }
    if (!strcmp(type, "utf8")) {
        if (v->kind != NXV_INT || v->i < 0 || v->i > 0x10FFFF)
            return seg_error(index, "utf8", v);
        put_utf8(b, (uint32_t)v->i);
        return 0;
    }
    nxi_raise("ArgumentError", "construction of binary failed: unsupported segment type %s", type);
    return -1;
}

nxv *nxi_eval_bitstring(const nxi_ast *a, nxi_env **env)
{
    bitbuf b = { 0 };
    for (int i = 0; i < a->n; i++)
        if (put_segment(&b, &a->segs[i], i, env) < 0)
            return NULL;
    return nxv_binary(b.bytes ? b.bytes : (const unsigned char *)"", b.bits);
}

/* ---------------------------------------------------------------- ~MAT and ~VEC */

/* One entry of a tensor sigil: "1", "-2.5", "Inf", "NaN", "1+2i", "-2.0i", "Inf+2i". */
static int parse_real(const char *s, size_t n, nxv **out)
{
    char buf[128];
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = 0;
    const char *p = buf;
    int neg = 0;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if (!strcmp(p, "Inf")) {
        *out = nxv_float(neg ? -INFINITY : INFINITY);
        return 0;
    }
    if (!strcmp(p, "NaN")) {
        *out = nxv_float(NAN);
        return 0;
    }
    for (const char *q = p; *q; q++)
        if (!((*q >= '0' && *q <= '9') || *q == '.' || *q == 'e' || *q == 'E' || *q == '_' ||
              ((*q == '-' || *q == '+') && q > p && (q[-1] == 'e' || q[-1] == 'E'))))
            return -1;
    if (!*p || *p == '.')
        return -1;
    if (strchr(p, '.') || strchr(p, 'e') || strchr(p, 'E')) {
        char *end;
        double d = strtod(buf, &end);
        if (*end)
            return -1;
        *out = nxv_float(d);
        return 0;
    }
    nxi_int v = 0;
    for (const char *q = p; *q; q++)
        if (*q != '_' && __builtin_mul_overflow(v, 10, &v))
            return -1;
        else if (*q != '_')
            v += *q - '0';
    *out = nxv_int(neg ? -v : v);
    return 0;
}

static int parse_entry(const char *s, size_t n, nxv **out)
{
    if (n > 0 && s[n - 1] == 'i') {
        /* Split before the last sign that does not follow an exponent "e". */
        size_t cut = 0;
        for (size_t k = n - 1; k > 0; k--)
            if ((s[k] == '+' || s[k] == '-') && s[k - 1] != 'e' && s[k - 1] != 'E') {
                cut = k;
                break;
            }
        nxv *re = nxv_float(0), *im;
        if (cut && parse_real(s, cut, &re) < 0)
            return -1;
        size_t ilen = n - 1 - cut;
        if (ilen == 0 || (ilen == 1 && (s[cut] == '+' || s[cut] == '-')))
            return -1;
        if (parse_real(s + cut, ilen, &im) < 0)
            return -1;
        double r = re->kind == NXV_INT ? (double)re->i : re->f;
        double i = im->kind == NXV_INT ? (double)im->i : im->f;
        *out = nxv_complex(r, i);
        return 0;
    }
    return parse_real(s, n, out);
}

/* The type modifier after the sigil: one kind letter and a size ("f16", "u8", "c128"). */
static nx_type modifier_type(const char *m)
{
    if (!m || !*m)
        return NX_TYPE_NONE;
    char text[32];
    snprintf(text, sizeof text, "%s", m);
    nx_type t = nx_type_parse(text);
    if (t == NX_TYPE_NONE)
        nxi_raise_from_nx();
    return t;
}

static nxv *tensor_sigil(const nxi_ast *a, int matrix)
{
    const char *s = a->module ? a->module : "";
    size_t len = a->len;
    nxv **rows = nxv_items((int64_t)len + 1);
    int64_t nrows = 0;
    size_t i = 0;
    while (i < len) {
        size_t eol = i;
        while (eol < len && s[eol] != '\n')
            eol++;
        nxv **entries = nxv_items((int64_t)(eol - i) + 1);
        int64_t n = 0;
        for (size_t k = i; k < eol;) {
            while (k < eol && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r'))
                k++;
            size_t start = k;
            while (k < eol && s[k] != ' ' && s[k] != '\t' && s[k] != '\r')
                k++;
            if (k == start)
                break;
            if (parse_entry(s + start, k - start, &entries[n]) < 0)
                return nxi_raise("ArgumentError", "expected a numerical value for tensor, got %.*s",
                                 (int)(k - start), s + start);
            n++;
        }
        if (n > 0)
            rows[nrows++] = nxv_list(n, entries);
        i = eol + 1;
    }
    if (nrows == 0)
        return nxi_raise("ArgumentError", "expected a numerical value for tensor, got nothing");
    if (!matrix && nrows > 1)
        return nxi_raise("ArgumentError", "must be one-dimensional");
    /* Nx types the entries by a running merge from s32; the tensor builder infers the same. */
    nx_type type = modifier_type(a->modifiers);
    if (a->modifiers && *a->modifiers && type == NX_TYPE_NONE)
        return NULL;
    if (type == NX_TYPE_NONE) {
        type = NX_S32;
        for (int64_t r = 0; r < nrows; r++)
            for (int64_t k = 0; k < rows[r]->list.n; k++) {
                nxv *e = rows[r]->list.items[k];
                nx_type t = e->kind == NXV_INT ? NX_S32 : e->kind == NXV_FLOAT ? NX_F32 : NX_C64;
                type = nx_type_merge(type, t);
            }
    }
    nxv *data = matrix ? nxv_list(nrows, rows) : rows[0];
    const nxi_func *f = nxi_lookup("Nx", "tensor", 2);
    if (!f)
        return nxi_raise("RuntimeError", "Nx.tensor/2 is not available");
    nxv **kv = nxv_items(2);
    kv[0] = nxv_atom("type");
    kv[1] = nxv_atom(nx_type_name(type));
    nxv **opts = nxv_items(1);
    opts[0] = nxv_tuple(2, kv);
    nxv *args[2] = { data, nxv_list(1, opts) };
    return f->fn(2, args);
}

nxv *nxi_eval_sigil(const nxi_ast *a)
{
    const char *name = a->text;
    if (!strcmp(name, "MAT") || !strcmp(name, "M"))
        return tensor_sigil(a, 1);
    if (!strcmp(name, "VEC") || !strcmp(name, "V"))
        return tensor_sigil(a, 0);
    const char *s = a->module ? a->module : "";
    if (!strcmp(name, "s") || !strcmp(name, "S"))
        return nxv_binary(s, (int64_t)a->len * 8);
    if (!strcmp(name, "c") || !strcmp(name, "C")) {
        nxv **items = nxv_items((int64_t)a->len);
        for (size_t i = 0; i < a->len; i++)
            items[i] = nxv_int((unsigned char)s[i]);
        return nxv_list((int64_t)a->len, items);
    }
    if (!strcmp(name, "w") || !strcmp(name, "W")) {
        nxv **items = nxv_items((int64_t)a->len + 1);
        int64_t n = 0;
        int atoms = a->modifiers && strchr(a->modifiers, 'a');
        for (size_t i = 0; i < a->len;) {
            while (i < a->len && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t'))
                i++;
            size_t start = i;
            while (i < a->len && s[i] != ' ' && s[i] != '\n' && s[i] != '\t')
                i++;
            if (i > start) {
                char *w = nxi_strndup(s + start, i - start);
                items[n++] = atoms ? nxv_atom(w) : nxv_string(w);
            }
        }
        return nxv_list(n, items);
    }
    return nxi_raise("UndefinedFunctionError", "function sigil_%s/2 is undefined or private", name);
}
