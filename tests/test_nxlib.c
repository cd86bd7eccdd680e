/* tests/test_nxlib.c: the bindings of Nx, Nx.Type, Nx.Constants and Nx.Floating, called
 * through nxi_lookup. A small reader turns the documentation's call expressions into
 * calls (literals, qualified calls, `|>`, `x = ...` bindings), so the steps below are Nx's
 * own doc examples (conformance/cases/Nx.*.jsonl files), compared with nxi_inspect or the raised
 * exception; then properties and corners the examples do not reach. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli/nxlib.h"
#include "cli/nxlib_args.h"

/* ---------------------------------------------------------------- the reader */

typedef struct { const char *name; nxv *value; } binding;
typedef struct {
    const char *p;
    binding vars[16];
    int nvars;
    int failed;   /* a syntax error in a test (not a raise) */
} reader;

static nxv *expr(reader *r);

static void skip_ws(reader *r)
{
    while (*r->p && isspace((unsigned char)*r->p))
        r->p++;
}

static int eat(reader *r, const char *tok)
{
    skip_ws(r);
    size_t n = strlen(tok);
    if (strncmp(r->p, tok, n))
        return 0;
    r->p += n;
    return 1;
}

static nxv *syntax(reader *r, const char *what)
{
    cr_log_error("test reader: %s at: %s", what, r->p);
    r->failed = 1;
    return NULL;
}

static int ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '?' || c == '!';
}

static char *take_ident(reader *r)
{
    const char *s = r->p;
    while (ident_char(*r->p))
        r->p++;
    return nxi_strndup(s, (size_t)(r->p - s));
}

/* Items up to `close`; `key: value` items become {:key, value} tuples. With `kwtail`
 * (call arguments), keyword items are gathered into one trailing list. */
static int items(reader *r, const char *close, nxv ***out, int kwtail)
{
    nxv **v = nxv_items(64), **kw = nxv_items(64);
    int n = 0, nk = 0;
    skip_ws(r);
    while (!eat(r, close)) {
        if (n || nk)
            if (!eat(r, ","))
                return syntax(r, "expected ,"), -1;
        skip_ws(r);
        const char *save = r->p;
        if (isalpha((unsigned char)*r->p) && islower((unsigned char)*r->p)) {
            char *key = take_ident(r);
            if (*r->p == ':' && r->p[1] == ' ') {
                r->p++;
                nxv **pair = nxv_items(2);
                pair[0] = nxv_atom(key);
                if (!(pair[1] = expr(r)))
                    return -1;
                if (kwtail)
                    kw[nk++] = nxv_tuple(2, pair);
                else
                    v[n++] = nxv_tuple(2, pair);
                continue;
            }
            r->p = save;
        }
        if (!(v[n++] = expr(r)))
            return -1;
    }
    if (nk)
        v[n++] = nxv_list(nk, kw);
    *out = v;
    return n;
}

static nxv *call(reader *r, const char *module, const char *name, nxv *first)
{
    nxv **args;
    int n = items(r, ")", &args, 1);
    if (n < 0)
        return NULL;
    if (first) {
        memmove(args + 1, args, sizeof *args * (size_t)n);
        args[0] = first;
        n++;
    }
    const nxi_func *f = nxi_lookup(module, name, n);
    if (!f)
        return syntax(r, "no such function");
    return f->fn(n, args);
}

/* A qualified name "Nx.Type.merge" split at its last dot; local names are Kernel's. */
static nxv *named_call(reader *r, char *id, nxv *first)
{
    char *dot = strrchr(id, '.');
    if (!dot)
        return call(r, "Kernel", id, first);
    *dot = 0;
    return call(r, id, dot + 1, first);
}

static nxv *primary(reader *r)
{
    skip_ws(r);
    const char *s = r->p;
    if (*s == '[') {
        nxv **v;
        r->p++;
        int n = items(r, "]", &v, 0);
        return n < 0 ? NULL : nxv_list(n, v);
    }
    if (*s == '{') {
        nxv **v;
        r->p++;
        int n = items(r, "}", &v, 0);
        return n < 0 ? NULL : nxv_tuple(n, v);
    }
    if (!strncmp(s, "%{", 2)) {
        nxv **v;
        r->p += 2;
        int n = items(r, "}", &v, 0);
        if (n < 0)
            return NULL;
        nxv **keys = nxv_items(n), **vals = nxv_items(n);
        for (int i = 0; i < n; i++) {
            keys[i] = v[i]->tuple.items[0];
            vals[i] = v[i]->tuple.items[1];
        }
        return nxv_map(n, keys, vals);
    }
    if (!strncmp(s, "<<", 2)) {
        unsigned char bytes[256];
        int n = 0;
        r->p += 2;
        while (!eat(r, ">>")) {
            if (n && !eat(r, ","))
                return syntax(r, "expected , in <<>>");
            skip_ws(r);
            bytes[n++] = (unsigned char)strtol(r->p, (char **)&r->p, 0);
        }
        return nxv_binary(bytes, 8 * n);
    }
    if (*s == ':') {
        r->p++;
        return nxv_atom(take_ident(r));
    }
    if (*s == '"') {
        const char *e = strchr(s + 1, '"');
        r->p = e + 1;
        return nxv_string(nxi_strndup(s + 1, (size_t)(e - s - 1)));
    }
    if (isdigit((unsigned char)*s) || (*s == '-' && isdigit((unsigned char)s[1]))) {
        char buf[64];
        int n = 0, is_float = 0;
        buf[n++] = *r->p++;
        while (n < 60 && (isdigit((unsigned char)*r->p) || *r->p == '_' ||
                          (*r->p == '.' && isdigit((unsigned char)r->p[1])) ||
                          (is_float && (*r->p == 'e' || ((*r->p == '-' || *r->p == '+') && r->p[-1] == 'e'))))) {
            is_float |= *r->p == '.';
            if (*r->p != '_')   /* 10_000 */
                buf[n++] = *r->p;
            r->p++;
        }
        buf[n] = 0;
        if (is_float)
            return nxv_float(strtod(buf, NULL));
        nxi_int i = 0;
        for (const char *d = buf + (buf[0] == '-'); *d; d++)
            i = i * 10 + (*d - '0');
        return nxv_int(buf[0] == '-' ? -i : i);
    }
    if (isalpha((unsigned char)*s)) {
        char *id = take_ident(r);
        if (*r->p == '(') {
            r->p++;
            return named_call(r, id, NULL);
        }
        if (isupper((unsigned char)id[0])) {
            char *full = nxi_alloc(strlen(id) + 8);
            sprintf(full, "Elixir.%s", id);
            return nxv_atom(full);
        }
        if (!strcmp(id, "nil") || !strcmp(id, "true") || !strcmp(id, "false"))
            return nxv_atom(id);
        for (int i = r->nvars - 1; i >= 0; i--)
            if (!strcmp(r->vars[i].name, id))
                return r->vars[i].value;
        return syntax(r, "unbound variable");
    }
    return syntax(r, "unexpected input");
}

static nxv *expr(reader *r)
{
    nxv *v = primary(r);
    while (v && eat(r, "|>")) {
        skip_ws(r);
        char *id = take_ident(r);
        if (!eat(r, "("))
            return syntax(r, "expected a call after |>");
        v = named_call(r, id, v);
    }
    return v;
}

/* One step: `name = expr` or `expr`. */
static nxv *eval_step(reader *r, const char *code)
{
    r->p = code;
    skip_ws(r);
    const char *save = r->p;
    if (islower((unsigned char)*r->p)) {
        char *id = take_ident(r);
        if (eat(r, "=") && *r->p != '=') {
            nxv *v = expr(r);
            if (v)
                r->vars[r->nvars++] = (binding){ id, v };
            return v;
        }
        r->p = save;
    }
    return expr(r);
}

/* ---------------------------------------------------------------- Nx's examples */

typedef struct {
    const char *code;
    const char *expect;              /* NULL: value not checked */
    const char *kind, *message;      /* an expected exception */
} step;
typedef struct {
    const char *id;
    step steps[32];
} doc_case;

static const doc_case cases[] = {
    { "Nx.tensor/2#1", { { "Nx.tensor(0)", "#Nx.Tensor<\n  s32\n  0\n>", NULL, NULL } } },
    { "Nx.tensor/2#2", { { "Nx.tensor(1.0)", "#Nx.Tensor<\n  f32\n  1.0\n>", NULL, NULL } } },
    { "Nx.tensor/2#4", { { "Nx.tensor([1.2, 2.3, 3.4, 4.5])", "#Nx.Tensor<\n  f32[4]\n  [1.2, 2.3, 3.4, 4.5]\n>", NULL, NULL } } },
    { "Nx.tensor/2#5", { { "Nx.tensor([300, 301, 302], type: :s8)", "#Nx.Tensor<\n  s8[3]\n  [44, 45, 46]\n>", NULL, NULL } } },
    { "Nx.tensor/2#8", { { "Nx.tensor(false)", "#Nx.Tensor<\n  u8\n  0\n>", NULL, NULL } } },
    { "Nx.tensor/2#10", { { "Nx.tensor([[1, 2, 3], [4, 5, 6]])", "#Nx.Tensor<\n  s32[2][3]\n  [\n    [1, 2, 3],\n    [4, 5, 6]\n  ]\n>", NULL, NULL } } },
    { "Nx.tensor/2#11", { { "Nx.tensor([[1, 2], [3, 4], [5, 6]])", "#Nx.Tensor<\n  s32[3][2]\n  [\n    [1, 2],\n    [3, 4],\n    [5, 6]\n  ]\n>", NULL, NULL } } },
    { "Nx.tensor/2#12", { { "Nx.tensor([[[1, 2], [3, 4], [5, 6]], [[-1, -2], [-3, -4], [-5, -6]]])", "#Nx.Tensor<\n  s32[2][3][2]\n  [\n    [\n      [1, 2],\n      [3, 4],\n      [5, 6]\n    ],\n    [\n      [-1, -2],\n      [-3, -4],\n      [-5, -6]\n    ]\n  ]\n>", NULL, NULL } } },
    { "Nx.tensor/2#13", { { "Nx.tensor([1, 2, 3], type: :f16)", "#Nx.Tensor<\n  f16[3]\n  [1.0, 2.0, 3.0]\n>", NULL, NULL } } },
    { "Nx.tensor/2#14", { { "Nx.tensor([1, 2, 3], type: :f64)", "#Nx.Tensor<\n  f64[3]\n  [1.0, 2.0, 3.0]\n>", NULL, NULL } } },
    { "Nx.tensor/2#15", { { "Nx.tensor([1, 2, 3], type: :bf16)", "#Nx.Tensor<\n  bf16[3]\n  [1.0, 2.0, 3.0]\n>", NULL, NULL } } },
    { "Nx.tensor/2#16", { { "Nx.tensor([:neg_infinity, :nan, :infinity])", "#Nx.Tensor<\n  f32[3]\n  [-Inf, NaN, Inf]\n>", NULL, NULL } } },
    { "Nx.tensor/2#17", { { "Nx.tensor(Complex.new(1, -1))", "#Nx.Tensor<\n  c64\n  1.0-1.0i\n>", NULL, NULL } } },
    { "Nx.tensor/2#18", { { "Nx.tensor([1, 2, 3], type: :f8)", "#Nx.Tensor<\n  f8[3]\n  [1.0, 2.0, 3.0]\n>", NULL, NULL } } },
    { "Nx.tensor/2#19", { { "Nx.tensor([1, 2, 3], type: :f8_e4m3fn)", "#Nx.Tensor<\n  f8_e4m3fn[3]\n  [1.0, 2.0, 3.0]\n>", NULL, NULL } } },
    { "Nx.tensor/2#22", { { "Nx.tensor([[[1, 2, 3], [4, 5, 6], [7, 8, 9]]], names: [:batch, :height, :width])", "#Nx.Tensor<\n  s32[batch: 1][height: 3][width: 3]\n  [\n    [\n      [1, 2, 3],\n      [4, 5, 6],\n      [7, 8, 9]\n    ]\n  ]\n>", NULL, NULL } } },
    { "Nx.tensor/2#23", { { "Nx.tensor([[[1, 2, 3], [4, 5, 6], [7, 8, 9]]], names: [:batch, nil, nil])", "#Nx.Tensor<\n  s32[batch: 1][3][3]\n  [\n    [\n      [1, 2, 3],\n      [4, 5, 6],\n      [7, 8, 9]\n    ]\n  ]\n>", NULL, NULL } } },
    { "Nx.tensor/2#25", { { "Nx.tensor(Nx.tensor([1, 2, 3]))", "#Nx.Tensor<\n  s32[3]\n  [1, 2, 3]\n>", NULL, NULL } } },
    { "Nx.tensor/2#26", { { "Nx.tensor(Nx.tensor([1, 2, 3]), type: :f32)", NULL, "ArgumentError", "Nx.tensor/2 expects a tensor with type :f32 but it was given a tensor of type {:s, 32}" } } },
    { "Nx.tensor/2#27", { { "Nx.tensor(Nx.tensor([1, 2, 3]), names: [:row])", "#Nx.Tensor<\n  s32[row: 3]\n  [1, 2, 3]\n>", NULL, NULL } } },
    { "Nx.tensor/2#28", { { "Nx.tensor(Nx.tensor([1, 2, 3], names: [:column]))", "#Nx.Tensor<\n  s32[3]\n  [1, 2, 3]\n>", NULL, NULL } } },
    { "Nx.tensor/2#29", { { "Nx.tensor(Nx.tensor([1, 2, 3], names: [:column]), names: [:row])", NULL, "ArgumentError", "cannot merge name :column on axis 0 with name :row on axis 0" } } },
    { "Nx.template/3#2", { { "Nx.template({2, 3}, {:f, 32}, names: [:rows, :columns])", "#Nx.Tensor<\n  f32[rows: 2][columns: 3]\n  Nx.TemplateBackend\n>", NULL, NULL } } },
    { "Nx.to_template/1#1", { { "Nx.iota({2, 3}) |> Nx.to_template()", "#Nx.Tensor<\n  s32[2][3]\n  Nx.TemplateBackend\n>", NULL, NULL } } },
    { "Nx.iota/2#2", { { "Nx.iota({5})", "#Nx.Tensor<\n  s32[5]\n  [0, 1, 2, 3, 4]\n>", NULL, NULL } } },
    { "Nx.iota/2#3", { { "Nx.iota({3, 2, 3}, names: [:batch, :height, :width])", "#Nx.Tensor<\n  s32[batch: 3][height: 2][width: 3]\n  [\n    [\n      [0, 1, 2],\n      [3, 4, 5]\n    ],\n    [\n      [6, 7, 8],\n      [9, 10, 11]\n    ],\n    [\n      [12, 13, 14],\n      [15, 16, 17]\n    ]\n  ]\n>", NULL, NULL } } },
    { "Nx.iota/2#4", { { "Nx.iota({3, 3}, axis: 1, names: [:batch, nil])", "#Nx.Tensor<\n  s32[batch: 3][3]\n  [\n    [0, 1, 2],\n    [0, 1, 2],\n    [0, 1, 2]\n  ]\n>", NULL, NULL } } },
    { "Nx.iota/2#5", { { "Nx.iota({3, 3}, axis: -1)", "#Nx.Tensor<\n  s32[3][3]\n  [\n    [0, 1, 2],\n    [0, 1, 2],\n    [0, 1, 2]\n  ]\n>", NULL, NULL } } },
    { "Nx.iota/2#7", { { "Nx.iota({1, 3, 2}, axis: 2)", "#Nx.Tensor<\n  s32[1][3][2]\n  [\n    [\n      [0, 1],\n      [0, 1],\n      [0, 1]\n    ]\n  ]\n>", NULL, NULL } } },
    { "Nx.iota/2#8", { { "Nx.iota({2, 3}, axis: 0, vectorized_axes: [x: 1, y: 2])", "#Nx.Tensor<\n  vectorized[x: 1][y: 2]\n  s32[2][3]\n  [\n    [\n      [\n        [0, 0, 0],\n        [1, 1, 1]\n      ],\n      [\n        [0, 0, 0],\n        [1, 1, 1]\n      ]\n    ]\n  ]\n>", NULL, NULL } } },
    { "Nx.eye/2#1", { { "Nx.eye(2)", "#Nx.Tensor<\n  s32[2][2]\n  [\n    [1, 0],\n    [0, 1]\n  ]\n>", NULL, NULL } } },
    { "Nx.eye/2#2", { { "Nx.eye(3, type: :f32, names: [:height, :width])", "#Nx.Tensor<\n  f32[height: 3][width: 3]\n  [\n    [1.0, 0.0, 0.0],\n    [0.0, 1.0, 0.0],\n    [0.0, 0.0, 1.0]\n  ]\n>", NULL, NULL } } },
    { "Nx.eye/2#3", { { "Nx.eye({1, 2})", "#Nx.Tensor<\n  s32[1][2]\n  [\n    [1, 0]\n  ]\n>", NULL, NULL } } },
    { "Nx.eye/2#4", { { "Nx.eye({2, 4, 3})", "#Nx.Tensor<\n  s32[2][4][3]\n  [\n    [\n      [1, 0, 0],\n      [0, 1, 0],\n      [0, 0, 1],\n      [0, 0, 0]\n    ],\n    [\n      [1, 0, 0],\n      [0, 1, 0],\n      [0, 0, 1],\n      [0, 0, 0]\n    ]\n  ]\n>", NULL, NULL } } },
    { "Nx.eye/2#5", { { "Nx.eye({3}, vectorized_axes: [x: 1, y: 2])", "#Nx.Tensor<\n  vectorized[x: 1][y: 2]\n  s32[3]\n  [\n    [\n      [1, 0, 0],\n      [1, 0, 0]\n    ]\n  ]\n>", NULL, NULL } } },
    { "Nx.eye/2#6", { { "Nx.eye({2, 3}, vectorized_axes: [x: 2])", "#Nx.Tensor<\n  vectorized[x: 2]\n  s32[2][3]\n  [\n    [\n      [1, 0, 0],\n      [0, 1, 0]\n    ],\n    [\n      [1, 0, 0],\n      [0, 1, 0]\n    ]\n  ]\n>", NULL, NULL } } },
    { "Nx.from_binary/3#1", { { "Nx.from_binary(<<1, 2, 3, 4>>, :s8)", "#Nx.Tensor<\n  s8[4]\n  [1, 2, 3, 4]\n>", NULL, NULL } } },
    { "Nx.from_binary/3#3", { { "Nx.from_binary(<<1, 2, 3, 4>>, :f64)", NULL, "ArgumentError", "binary does not match the given size" } } },
    { "Nx.to_binary/2#3", { { "Nx.to_binary(Nx.tensor([1.0, 2.0, 3.0]), limit: 2)", "<<0, 0, 128, 63, 0, 0, 0, 64>>", NULL, NULL } } },
    { "Nx.to_binary/2#4", { { "Nx.to_binary(Nx.vectorize(Nx.tensor([[1, 2], [3, 4]]), :x))", "<<1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0>>", NULL, NULL } } },
    { "Nx.to_binary/2#5", { { "Nx.to_binary(Nx.vectorize(Nx.tensor([1, 2, 3]), :x), limit: 2)", "<<1, 0, 0, 0, 2, 0, 0, 0>>", NULL, NULL } } },
    { "Nx.to_flat_list/2#1", { { "Nx.to_flat_list(1)", "[1]", NULL, NULL } } },
    { "Nx.to_flat_list/2#2", { { "Nx.to_flat_list(Nx.tensor([1.0, 2.0, 3.0]))", "[1.0, 2.0, 3.0]", NULL, NULL } } },
    { "Nx.to_flat_list/2#3", { { "Nx.to_flat_list(Nx.tensor([1.0, 2.0, 3.0]), limit: 2)", "[1.0, 2.0]", NULL, NULL } } },
    { "Nx.to_flat_list/2#4", { { "t = Nx.tensor([:neg_infinity, :nan, :infinity])", NULL, NULL, NULL },
        { "Nx.to_flat_list(t)", "[:neg_infinity, :nan, :infinity]", NULL, NULL } } },
    { "Nx.to_flat_list/2#5", { { "t = Nx.vectorize(Nx.tensor([[1], [2], [3], [4]]), :x)", NULL, NULL, NULL },
        { "Nx.to_flat_list(t)", "[1, 2, 3, 4]", NULL, NULL },
        { "Nx.to_flat_list(t, limit: 2)", "[1, 2]", NULL, NULL } } },
    { "Nx.to_list/1#1", { { "Nx.iota({2, 3}) |> Nx.to_list()", "[[0, 1, 2], [3, 4, 5]]", NULL, NULL } } },
    { "Nx.to_list/1#2", { { "Nx.tensor(123) |> Nx.to_list()", NULL, "ArgumentError", "cannot convert a scalar tensor to a list, got: #Nx.Tensor<\n  s32\n  123\n>" } } },
    { "Nx.to_number/1#1", { { "Nx.to_number(1)", "1", NULL, NULL } } },
    { "Nx.to_number/1#2", { { "Nx.to_number(Nx.tensor([1.0, 2.0, 3.0]))", NULL, "ArgumentError", "cannot convert tensor of shape {3} to number" } } },
    { "Nx.to_number/1#3", { { "Nx.to_number(Nx.vectorize(Nx.tensor([1]), :x))", NULL, "ArgumentError", "cannot convert vectorized tensor with axes [x: 1] and shape {} to number" } } },
    { "Nx.as_type/2#1", { { "Nx.as_type(Nx.tensor([0, 1, 2], names: [:data]), :f32)", "#Nx.Tensor<\n  f32[data: 3]\n  [0.0, 1.0, 2.0]\n>", NULL, NULL } } },
    { "Nx.as_type/2#2", { { "Nx.as_type(Nx.tensor([0.0, 1.0, 2.0], names: [:data]), :bf16)", "#Nx.Tensor<\n  bf16[data: 3]\n  [0.0, 1.0, 2.0]\n>", NULL, NULL } } },
    { "Nx.as_type/2#4", { { "Nx.as_type(Nx.tensor([1, -2]), :c64)", "#Nx.Tensor<\n  c64[2]\n  [1.0+0.0i, -2.0+0.0i]\n>", NULL, NULL } } },
    { "Nx.as_type/2#5", { { "Nx.as_type(Nx.tensor([Complex.new(1, 2), Complex.new(0, 3), Complex.new(4, 5)]), :f64)", "#Nx.Tensor<\n  f64[3]\n  [1.0, 0.0, 4.0]\n>", NULL, NULL } } },
    { "Nx.as_type/2#6", { { "Nx.as_type(Nx.tensor([Complex.new(-1, 2), Complex.new(-2, 3), Complex.new(3, -4)]), :s64)", "#Nx.Tensor<\n  s64[3]\n  [-1, -2, 3]\n>", NULL, NULL } } },
    { "Nx.as_type/2#7", { { "non_finite = Nx.tensor([:infinity, :nan, :neg_infinity])", NULL, NULL, NULL },
        { "Nx.as_type(non_finite, :u8)", "#Nx.Tensor<\n  u8[3]\n  [255, 0, 0]\n>", NULL, NULL },
        { "Nx.as_type(non_finite, :s32)", "#Nx.Tensor<\n  s32[3]\n  [2147483647, 0, -2147483648]\n>", NULL, NULL } } },
    { "Nx.as_type/2#8", { { "non_finite = Nx.tensor([:infinity, :nan])", NULL, NULL, NULL },
        { "Nx.as_type(non_finite, :f64)", "#Nx.Tensor<\n  f64[2]\n  [Inf, NaN]\n>", NULL, NULL },
        { "Nx.as_type(non_finite, :f16)", "#Nx.Tensor<\n  f16[2]\n  [Inf, NaN]\n>", NULL, NULL } } },
    { "Nx.as_type/2#9", { { "Nx.as_type(1.0e-128, :f32)", "#Nx.Tensor<\n  f32\n  0.0\n>", NULL, NULL },
        { "Nx.as_type(1.0e-128, :f64)", "#Nx.Tensor<\n  f64\n  1.0e-128\n>", NULL, NULL } } },
    { "Nx.bitcast/2#1", { { "t = Nx.bitcast(Nx.tensor([0, 0, 0], names: [:data], type: :s32), :f32)", "#Nx.Tensor<\n  f32[data: 3]\n  [0.0, 0.0, 0.0]\n>", NULL, NULL },
        { "Nx.bitcast(t, :s32)", "#Nx.Tensor<\n  s32[data: 3]\n  [0, 0, 0]\n>", NULL, NULL } } },
    { "Nx.bitcast/2#2", { { "t = Nx.vectorize(Nx.tensor([[0, -1], [1, -2], [2, -3]], type: :s8), :x)", "#Nx.Tensor<\n  vectorized[x: 3]\n  s8[2]\n  [\n    [0, -1],\n    [1, -2],\n    [2, -3]\n  ]\n>", NULL, NULL },
        { "Nx.bitcast(t, :u8)", "#Nx.Tensor<\n  vectorized[x: 3]\n  u8[2]\n  [\n    [0, 255],\n    [1, 254],\n    [2, 253]\n  ]\n>", NULL, NULL } } },
    { "Nx.bitcast/2#3", { { "Nx.bitcast(Nx.tensor([0, 1, 2], names: [:data], type: :s16), :f32)", NULL, "ArgumentError", "input type width must match new type width, got input type {:s, 16} and output type {:f, 32}" } } },
    { "Nx.reshape/3#1", { { "t = Nx.tensor([1, 2, 3, 4], names: [:x])", NULL, NULL, NULL },
        { "Nx.reshape(t, {2, 2}, names: [:x, :y])", "#Nx.Tensor<\n  s32[x: 2][y: 2]\n  [\n    [1, 2],\n    [3, 4]\n  ]\n>", NULL, NULL } } },
    { "Nx.reshape/3#2", { { "shape = Nx.tensor([[0], [0], [0], [0]], names: [:x, :y])", NULL, NULL, NULL },
        { "Nx.reshape(Nx.tensor([1, 2, 3, 4]), shape)", "#Nx.Tensor<\n  s32[x: 4][y: 1]\n  [\n    [1],\n    [2],\n    [3],\n    [4]\n  ]\n>", NULL, NULL } } },
    { "Nx.rename/2#1", { { "Nx.rename(Nx.iota({2, 3}), [:foo, :bar])", "#Nx.Tensor<\n  s32[foo: 2][bar: 3]\n  [\n    [0, 1, 2],\n    [3, 4, 5]\n  ]\n>", NULL, NULL } } },
    { "Nx.rename/2#2", { { "t = Nx.tensor([[1], [2], [3]], names: [nil, :y]) |> Nx.vectorize(:x)", NULL, NULL, NULL },
        { "Nx.rename(t, [:a])", "#Nx.Tensor<\n  vectorized[x: 3]\n  s32[a: 1]\n  [\n    [1],\n    [2],\n    [3]\n  ]\n>", NULL, NULL },
        { "Nx.rename(t, [:x])", NULL, "ArgumentError", "name :x is already a name for a vectorized axis" } } },
    { "Nx.broadcast/3#1", { { "Nx.broadcast(1, {1, 2, 3})", "#Nx.Tensor<\n  s32[1][2][3]\n  [\n    [\n      [1, 1, 1],\n      [1, 1, 1]\n    ]\n  ]\n>", NULL, NULL } } },
    { "Nx.broadcast/3#3", { { "Nx.broadcast(Nx.tensor([[1, 2]], names: [:x, :y]), Nx.tensor([[10, 20], [30, 40]], names: [:i, :j]))", "#Nx.Tensor<\n  s32[i: 2][j: 2]\n  [\n    [1, 2],\n    [1, 2]\n  ]\n>", NULL, NULL } } },
    { "Nx.broadcast/3#4", { { "Nx.broadcast(Nx.iota({2, 2}, names: [:x, :y]), {2, 2})", "#Nx.Tensor<\n  s32[2][2]\n  [\n    [0, 1],\n    [2, 3]\n  ]\n>", NULL, NULL } } },
    { "Nx.broadcast/3#5", { { "Nx.broadcast(Nx.iota({2, 2}, names: [:x, :y]), {2, 2}, names: [:i, :j])", "#Nx.Tensor<\n  s32[i: 2][j: 2]\n  [\n    [0, 1],\n    [2, 3]\n  ]\n>", NULL, NULL } } },
    { "Nx.broadcast/3#6", { { "t = Nx.tensor([1, 2, 3])", NULL, NULL, NULL },
        { "Nx.broadcast(t, {3, 2}, axes: [0], names: [:x, :y])", "#Nx.Tensor<\n  s32[x: 3][y: 2]\n  [\n    [1, 1],\n    [2, 2],\n    [3, 3]\n  ]\n>", NULL, NULL } } },
    { "Nx.broadcast/3#8", { { "a = Nx.tensor([[[1, 2, 3]], [[4, 5, 6]]]) |> Nx.vectorize(:x)", NULL, NULL, NULL },
        { "Nx.broadcast(a, {2, 3})", "#Nx.Tensor<\n  vectorized[x: 2]\n  s32[2][3]\n  [\n    [\n      [1, 2, 3],\n      [1, 2, 3]\n    ],\n    [\n      [4, 5, 6],\n      [4, 5, 6]\n    ]\n  ]\n>", NULL, NULL } } },
    { "Nx.broadcast/3#9", { { "a = Nx.tensor([[1, 2, 3], [4, 5, 6]]) |> Nx.vectorize(:x)", "#Nx.Tensor<\n  vectorized[x: 2]\n  s32[3]\n  [\n    [1, 2, 3],\n    [4, 5, 6]\n  ]\n>", NULL, NULL },
        { "b = Nx.tensor([[[1, 2, 3], [4, 5, 6]]], names: [nil, nil, :y]) |> Nx.vectorize(:a)", "#Nx.Tensor<\n  vectorized[a: 1]\n  s32[2][y: 3]\n  [\n    [\n      [1, 2, 3],\n      [4, 5, 6]\n    ]\n  ]\n>", NULL, NULL },
        { "Nx.broadcast(a, b, axes: [1], names: [:i, :j])", "#Nx.Tensor<\n  vectorized[x: 2]\n  s32[i: 2][j: 3]\n  [\n    [\n      [1, 2, 3],\n      [1, 2, 3]\n    ],\n    [\n      [4, 5, 6],\n      [4, 5, 6]\n    ]\n  ]\n>", NULL, NULL } } },
    { "Nx.type/1#2", { { "Nx.type(Nx.tensor([1, 2, 3], type: :f32))", "{:f, 32}", NULL, NULL } } },
    { "Nx.type/1#3", { { "Nx.type(1)", "{:s, 32}", NULL, NULL } } },
    { "Nx.type/1#4", { { "Nx.type(1.0)", "{:f, 32}", NULL, NULL } } },
    { "Nx.compatible?/2#1", { { "Nx.compatible?(Nx.iota({3, 2}), Nx.iota({3, 2}))", "true", NULL, NULL } } },
    { "Nx.compatible?/2#2", { { "Nx.compatible?(Nx.iota({3, 2}), Nx.iota({3, 2}, names: [:rows, :columns]))", "true", NULL, NULL } } },
    { "Nx.compatible?/2#3", { { "Nx.compatible?(\n  Nx.iota({3, 2}, names: [:rows, nil]),\n  Nx.iota({3, 2}, names: [nil, :columns])\n)", "true", NULL, NULL } } },
    { "Nx.compatible?/2#4", { { "Nx.compatible?(\n  Nx.iota({3, 2}, names: [:foo, :bar]),\n  Nx.iota({3, 2}, names: [:rows, :columns])\n)", "false", NULL, NULL } } },
    { "Nx.compatible?/2#5", { { "Nx.compatible?(Nx.iota({3, 2}), Nx.iota({2, 3}))", "false", NULL, NULL } } },
    { "Nx.compatible?/2#7", { { "Nx.compatible?({Nx.iota({3, 2}), {1, 2}}, {Nx.iota({3, 2}), {3, 4}})", "true", NULL, NULL } } },
    { "Nx.compatible?/2#8", { { "Nx.compatible?(%{foo: Nx.iota({3, 2})}, %{foo: Nx.iota({3, 2})})", "true", NULL, NULL } } },
    { "Nx.compatible?/2#9", { { "Nx.compatible?(%{foo: Nx.iota({3, 2})}, %{bar: Nx.iota({3, 2})})", "false", NULL, NULL } } },
    { "Nx.compatible?/2#10", { { "Nx.compatible?(Nx.tensor([1, 2]) |> Nx.vectorize(:x), Nx.tensor([3, 4]) |> Nx.vectorize(:x))", "true", NULL, NULL },
        { "Nx.compatible?(Nx.tensor([1, 2, 3]) |> Nx.vectorize(:x), Nx.tensor([1, 2]) |> Nx.vectorize(:x))", "false", NULL, NULL },
        { "Nx.compatible?(Nx.tensor([1]) |> Nx.vectorize(:x), Nx.tensor([1, 2]) |> Nx.vectorize(:y))", "false", NULL, NULL } } },
    { "Nx.shape/1#1", { { "Nx.shape(Nx.tensor(1))", "{}", NULL, NULL } } },
    { "Nx.shape/1#3", { { "Nx.shape(1)", "{}", NULL, NULL } } },
    { "Nx.shape/1#4", { { "Nx.shape({1, 2, 3})", "{1, 2, 3}", NULL, NULL } } },
    { "Nx.rank/1#3", { { "Nx.rank(1)", "0", NULL, NULL } } },
    { "Nx.rank/1#4", { { "Nx.rank({1, 2, 3})", "3", NULL, NULL } } },
    { "Nx.axis_size/2#1", { { "Nx.axis_size(Nx.iota({100, 10, 20}), 0)", "100", NULL, NULL } } },
    { "Nx.axis_size/2#2", { { "Nx.axis_size(Nx.iota({100, 10, 20}, names: [:batch, :x, :y]), :y)", "20", NULL, NULL } } },
    { "Nx.axis_index/2#1", { { "Nx.axis_index(Nx.iota({100, 10, 20}), 0)", "0", NULL, NULL } } },
    { "Nx.axis_index/2#2", { { "Nx.axis_index(Nx.iota({100, 10, 20}), -1)", "2", NULL, NULL } } },
    { "Nx.axis_index/2#3", { { "Nx.axis_index(Nx.iota({100, 10, 20}, names: [:batch, :x, :y]), :x)", "1", NULL, NULL } } },
    { "Nx.size/1#2", { { "Nx.size(1)", "1", NULL, NULL } } },
    { "Nx.size/1#3", { { "Nx.size({1, 2, 3, 2})", "12", NULL, NULL } } },
    { "Nx.size/1#4", { { "Nx.size(Nx.vectorize(Nx.iota({4, 3, 2}), :x))", "6", NULL, NULL } } },
    { "Nx.flat_size/1#2", { { "Nx.flat_size(10)", "1", NULL, NULL } } },
    { "Nx.flat_size/1#3", { { "t = Nx.iota({4, 3, 2})", NULL, NULL, NULL },
        { "v1 = Nx.vectorize(t, :x)", NULL, NULL, NULL },
        { "Nx.flat_size(v1)", "24", NULL, NULL },
        { "Nx.flat_size(Nx.vectorize(v1, :y))", "24", NULL, NULL } } },
    { "Nx.byte_size/1#1", { { "Nx.byte_size(Nx.tensor([[1, 2, 3], [4, 5, 6]]))", "24", NULL, NULL },
        { "Nx.byte_size(Nx.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))", "24", NULL, NULL },
        { "Nx.byte_size(Nx.tensor([[1, 2, 3], [4, 5, 6]], type: :u8))", "6", NULL, NULL },
        { "Nx.byte_size(1)", "4", NULL, NULL } } },
    { "Nx.byte_size/1#2", { { "Nx.byte_size(Nx.tensor([[1, 2], [3, 4]]) |> Nx.vectorize(:x))", "16", NULL, NULL } } },
    { "Nx.bit_size/1#1", { { "Nx.bit_size(Nx.tensor([[1, 2, 3], [4, 5, 6]]))", "192", NULL, NULL },
        { "Nx.bit_size(Nx.tensor([[1, 2, 3], [4, 5, 6]], type: :u8))", "48", NULL, NULL },
        { "Nx.bit_size(Nx.tensor([[1, 2, 3], [3, 2, 1]], type: :u2))", "12", NULL, NULL },
        { "Nx.bit_size(1)", "32", NULL, NULL } } },
    { "Nx.bit_size/1#2", { { "Nx.bit_size(Nx.tensor([[1, 2], [3, 4]]) |> Nx.vectorize(:x))", "128", NULL, NULL } } },
    { "Nx.axes/1#1", { { "Nx.axes(Nx.tensor([[1, 2, 3], [4, 5, 6]]))", "[0, 1]", NULL, NULL } } },
    { "Nx.axes/1#2", { { "Nx.axes(1)", "[]", NULL, NULL } } },
    { "Nx.axes/1#3", { { "Nx.axes({1, 2, 3})", "[0, 1, 2]", NULL, NULL } } },
    { "Nx.names/1#1", { { "Nx.names(Nx.tensor([[1, 2, 3], [4, 5, 6]], names: [:batch, :data]))", "[:batch, :data]", NULL, NULL } } },
    { "Nx.names/1#2", { { "Nx.names(Nx.tensor([1, 2, 3]))", "[nil]", NULL, NULL } } },
    { "Nx.names/1#3", { { "Nx.names(5)", "[]", NULL, NULL } } },
    { "Nx.vectorize/2#1", { { "t = Nx.iota({2, 3})", NULL, NULL, NULL },
        { "vectorized = Nx.vectorize(t, :first)", "#Nx.Tensor<\n  vectorized[first: 2]\n  s32[3]\n  [\n    [0, 1, 2],\n    [3, 4, 5]\n  ]\n>", NULL, NULL },
        { "Nx.vectorize(vectorized, :second)", "#Nx.Tensor<\n  vectorized[first: 2][second: 3]\n  s32\n  [\n    [0, 1, 2],\n    [3, 4, 5]\n  ]\n>", NULL, NULL } } },
    { "Nx.vectorize/2#8", { { "Nx.vectorize(Nx.tensor([1]), [:x, :y])", NULL, "ArgumentError", "number of vectorized axes must not be greater than the shape size" } } },
    { "Nx.vectorize/2#11", { { "Nx.vectorize(Nx.tensor([[1]], names: [:x, :y]), [:y])", NULL, "ArgumentError", "cannot use name :y for new vectorized axes because there's already an axis with the same name" } } },
    { "Nx.vectorize/2#12", { { "t = Nx.vectorize(Nx.tensor([[1]]), :x)", NULL, NULL, NULL },
        { "Nx.vectorize(t, :x)", NULL, "ArgumentError", "cannot use name :x for new vectorized axes because there's already a vectorized axis with the same name" } } },
    { "Nx.devectorize/2#1", { { "t = Nx.iota({1, 2, 3}) |> Nx.vectorize(:x) |> Nx.vectorize(:y)", "#Nx.Tensor<\n  vectorized[x: 1][y: 2]\n  s32[3]\n  [\n    [\n      [0, 1, 2],\n      [3, 4, 5]\n    ]\n  ]\n>", NULL, NULL },
        { "Nx.devectorize(t)", "#Nx.Tensor<\n  s32[x: 1][y: 2][3]\n  [\n    [\n      [0, 1, 2],\n      [3, 4, 5]\n    ]\n  ]\n>", NULL, NULL },
        { "Nx.devectorize(t, keep_names: false)", "#Nx.Tensor<\n  s32[1][2][3]\n  [\n    [\n      [0, 1, 2],\n      [3, 4, 5]\n    ]\n  ]\n>", NULL, NULL } } },
    { "Nx.Type.infer/1#1", { { "Nx.Type.infer(1)", "{:s, 32}", NULL, NULL },
        { "Nx.Type.infer(1.0)", "{:f, 32}", NULL, NULL },
        { "Nx.Type.infer(Complex.new(1))", "{:c, 64}", NULL, NULL } } },
    { "Nx.Type.normalize!/1#2", { { "Nx.Type.normalize!(:u8)", "{:u, 8}", NULL, NULL } } },
    { "Nx.Type.normalize!/1#3", { { "Nx.Type.normalize!({:u, 0})", NULL, "ArgumentError", "invalid numerical type: {:u, 0} (see Nx.Type docs for all supported types)" } } },
    { "Nx.Type.normalize!/1#4", { { "Nx.Type.normalize!({:k, 8})", NULL, "ArgumentError", "invalid numerical type: {:k, 8} (see Nx.Type docs for all supported types)" } } },
    { "Nx.Type.to_floating/1#1", { { "Nx.Type.to_floating({:s, 8})", "{:f, 32}", NULL, NULL },
        { "Nx.Type.to_floating({:s, 32})", "{:f, 32}", NULL, NULL },
        { "Nx.Type.to_floating({:bf, 16})", "{:bf, 16}", NULL, NULL },
        { "Nx.Type.to_floating({:f, 32})", "{:f, 32}", NULL, NULL },
        { "Nx.Type.to_floating({:c, 64})", "{:c, 64}", NULL, NULL } } },
    { "Nx.Type.to_real/1#1", { { "Nx.Type.to_real({:s, 8})", "{:f, 32}", NULL, NULL },
        { "Nx.Type.to_real({:s, 64})", "{:f, 32}", NULL, NULL },
        { "Nx.Type.to_real({:bf, 16})", "{:bf, 16}", NULL, NULL },
        { "Nx.Type.to_real({:c, 64})", "{:f, 32}", NULL, NULL },
        { "Nx.Type.to_real({:c, 128})", "{:f, 64}", NULL, NULL },
        { "Nx.Type.to_real({:f, 32})", "{:f, 32}", NULL, NULL },
        { "Nx.Type.to_real({:f, 64})", "{:f, 64}", NULL, NULL } } },
    { "Nx.Type.cast_number!/2#1", { { "Nx.Type.cast_number!({:u, 8}, 10)", "10", NULL, NULL },
        { "Nx.Type.cast_number!({:s, 8}, 10)", "10", NULL, NULL },
        { "Nx.Type.cast_number!({:s, 8}, -10)", "-10", NULL, NULL },
        { "Nx.Type.cast_number!({:f, 32}, 10)", "10.0", NULL, NULL },
        { "Nx.Type.cast_number!({:bf, 16}, -10)", "-10.0", NULL, NULL } } },
    { "Nx.Type.cast_number!/2#3", { { "Nx.Type.cast_number!({:c, 64}, 10)", "10.0+0.0i", NULL, NULL } } },
    { "Nx.Type.cast_number!/2#4", { { "Nx.Type.cast_number!({:u, 8}, -10)", NULL, "ArgumentError", "cannot cast number -10 to {:u, 8}" } } },
    { "Nx.Type.cast_number!/2#5", { { "Nx.Type.cast_number!({:s, 8}, 10.0)", NULL, "ArgumentError", "cannot cast number 10.0 to {:s, 8}" } } },
    { "Nx.Type.merge/2#1", { { "Nx.Type.merge({:s, 8}, {:s, 8})", "{:s, 8}", NULL, NULL },
        { "Nx.Type.merge({:s, 8}, {:s, 64})", "{:s, 64}", NULL, NULL } } },
    { "Nx.Type.merge/2#2", { { "Nx.Type.merge({:s, 8}, {:u, 8})", "{:s, 16}", NULL, NULL },
        { "Nx.Type.merge({:s, 16}, {:u, 8})", "{:s, 16}", NULL, NULL },
        { "Nx.Type.merge({:s, 8}, {:u, 16})", "{:s, 32}", NULL, NULL },
        { "Nx.Type.merge({:s, 32}, {:u, 8})", "{:s, 32}", NULL, NULL },
        { "Nx.Type.merge({:s, 8}, {:u, 32})", "{:s, 64}", NULL, NULL },
        { "Nx.Type.merge({:s, 64}, {:u, 8})", "{:s, 64}", NULL, NULL },
        { "Nx.Type.merge({:s, 8}, {:u, 64})", "{:s, 64}", NULL, NULL } } },
    { "Nx.Type.merge/2#3", { { "Nx.Type.merge({:u, 8}, {:f, 32})", "{:f, 32}", NULL, NULL },
        { "Nx.Type.merge({:u, 64}, {:f, 32})", "{:f, 32}", NULL, NULL },
        { "Nx.Type.merge({:s, 8}, {:f, 32})", "{:f, 32}", NULL, NULL },
        { "Nx.Type.merge({:s, 64}, {:f, 32})", "{:f, 32}", NULL, NULL } } },
    { "Nx.Type.merge/2#5", { { "Nx.Type.merge({:u, 8}, {:bf, 16})", "{:bf, 16}", NULL, NULL },
        { "Nx.Type.merge({:u, 64}, {:bf, 16})", "{:bf, 16}", NULL, NULL },
        { "Nx.Type.merge({:s, 8}, {:bf, 16})", "{:bf, 16}", NULL, NULL },
        { "Nx.Type.merge({:s, 64}, {:bf, 16})", "{:bf, 16}", NULL, NULL } } },
    { "Nx.Type.merge/2#6", { { "Nx.Type.merge({:f, 32}, {:bf, 16})", "{:f, 32}", NULL, NULL },
        { "Nx.Type.merge({:f, 64}, {:bf, 16})", "{:f, 64}", NULL, NULL } } },
    { "Nx.Type.merge/2#7", { { "Nx.Type.merge({:f, 16}, {:c, 64})", "{:c, 64}", NULL, NULL },
        { "Nx.Type.merge({:f, 32}, {:c, 64})", "{:c, 64}", NULL, NULL },
        { "Nx.Type.merge({:f, 64}, {:c, 64})", "{:c, 128}", NULL, NULL },
        { "Nx.Type.merge({:c, 64}, {:f, 32})", "{:c, 64}", NULL, NULL } } },
    { "Nx.Type.merge/2#8", { { "Nx.Type.merge({:c, 64}, {:c, 64})", "{:c, 64}", NULL, NULL },
        { "Nx.Type.merge({:c, 128}, {:c, 64})", "{:c, 128}", NULL, NULL } } },
    { "Nx.Type.merge_number/2#1", { { "Nx.Type.merge_number({:u, 8}, 0)", "{:u, 8}", NULL, NULL },
        { "Nx.Type.merge_number({:u, 8}, 255)", "{:u, 8}", NULL, NULL },
        { "Nx.Type.merge_number({:u, 8}, 256)", "{:u, 16}", NULL, NULL },
        { "Nx.Type.merge_number({:u, 8}, -1)", "{:s, 16}", NULL, NULL },
        { "Nx.Type.merge_number({:u, 8}, -32767)", "{:s, 16}", NULL, NULL },
        { "Nx.Type.merge_number({:u, 8}, -32768)", "{:s, 16}", NULL, NULL },
        { "Nx.Type.merge_number({:u, 8}, -32769)", "{:s, 32}", NULL, NULL } } },
    { "Nx.Type.merge_number/2#2", { { "Nx.Type.merge_number({:s, 8}, 0)", "{:s, 8}", NULL, NULL },
        { "Nx.Type.merge_number({:s, 8}, 127)", "{:s, 8}", NULL, NULL },
        { "Nx.Type.merge_number({:s, 8}, -128)", "{:s, 8}", NULL, NULL },
        { "Nx.Type.merge_number({:s, 8}, 128)", "{:s, 16}", NULL, NULL },
        { "Nx.Type.merge_number({:s, 8}, -129)", "{:s, 16}", NULL, NULL },
        { "Nx.Type.merge_number({:s, 8}, 1.0)", "{:f, 32}", NULL, NULL },
        { "Nx.Type.merge_number({:u, 64}, -1337)", "{:s, 64}", NULL, NULL } } },
    { "Nx.Type.merge_number/2#3", { { "Nx.Type.merge_number({:f, 32}, 1)", "{:f, 32}", NULL, NULL },
        { "Nx.Type.merge_number({:f, 32}, 1.0)", "{:f, 32}", NULL, NULL },
        { "Nx.Type.merge_number({:f, 64}, 1.0)", "{:f, 64}", NULL, NULL } } },
    { "Nx.Type.integer?/1#1", { { "Nx.Type.integer?({:s, 8})", "true", NULL, NULL },
        { "Nx.Type.integer?({:u, 64})", "true", NULL, NULL },
        { "Nx.Type.integer?({:f, 64})", "false", NULL, NULL } } },
    { "Nx.Type.float?/1#1", { { "Nx.Type.float?({:f, 32})", "true", NULL, NULL },
        { "Nx.Type.float?({:bf, 16})", "true", NULL, NULL },
        { "Nx.Type.float?({:u, 64})", "false", NULL, NULL } } },
    { "Nx.Type.infinite_float?/1#1", { { "Nx.Type.infinite_float?({:f, 32})", "true", NULL, NULL },
        { "Nx.Type.infinite_float?({:bf, 16})", "true", NULL, NULL },
        { "Nx.Type.infinite_float?({:f8_e4m3fn, 8})", "false", NULL, NULL },
        { "Nx.Type.infinite_float?({:s, 32})", "false", NULL, NULL } } },
    { "Nx.Type.complex?/1#1", { { "Nx.Type.complex?({:c, 64})", "true", NULL, NULL },
        { "Nx.Type.complex?({:f, 64})", "false", NULL, NULL } } },
    { "Nx.Type.to_string/1#1", { { "Nx.Type.to_string({:s, 8})", "\"s8\"", NULL, NULL },
        { "Nx.Type.to_string({:s, 16})", "\"s16\"", NULL, NULL },
        { "Nx.Type.to_string({:s, 32})", "\"s32\"", NULL, NULL },
        { "Nx.Type.to_string({:s, 64})", "\"s64\"", NULL, NULL },
        { "Nx.Type.to_string({:u, 8})", "\"u8\"", NULL, NULL },
        { "Nx.Type.to_string({:u, 16})", "\"u16\"", NULL, NULL },
        { "Nx.Type.to_string({:u, 32})", "\"u32\"", NULL, NULL },
        { "Nx.Type.to_string({:u, 64})", "\"u64\"", NULL, NULL },
        { "Nx.Type.to_string({:f8_e4m3fn, 8})", "\"f8_e4m3fn\"", NULL, NULL },
        { "Nx.Type.to_string({:f, 8})", "\"f8\"", NULL, NULL },
        { "Nx.Type.to_string({:bf, 16})", "\"bf16\"", NULL, NULL },
        { "Nx.Type.to_string({:f, 64})", "\"f64\"", NULL, NULL } } },
    { "Nx.Constants.nan/2#1", { { "Nx.Constants.nan({:f, 8})", "#Nx.Tensor<\n  f8\n  NaN\n>", NULL, NULL } } },
    { "Nx.Constants.nan/2#2", { { "Nx.Constants.nan({:bf, 16})", "#Nx.Tensor<\n  bf16\n  NaN\n>", NULL, NULL } } },
    { "Nx.Constants.nan/2#3", { { "Nx.Constants.nan({:f, 16})", "#Nx.Tensor<\n  f16\n  NaN\n>", NULL, NULL } } },
    { "Nx.Constants.nan/2#4", { { "Nx.Constants.nan({:f, 32})", "#Nx.Tensor<\n  f32\n  NaN\n>", NULL, NULL } } },
    { "Nx.Constants.nan/2#5", { { "Nx.Constants.nan({:f, 64})", "#Nx.Tensor<\n  f64\n  NaN\n>", NULL, NULL } } },
    { "Nx.Constants.infinity/2#1", { { "Nx.Constants.infinity({:f, 8})", "#Nx.Tensor<\n  f8\n  Inf\n>", NULL, NULL } } },
    { "Nx.Constants.infinity/2#2", { { "Nx.Constants.infinity({:bf, 16})", "#Nx.Tensor<\n  bf16\n  Inf\n>", NULL, NULL } } },
    { "Nx.Constants.infinity/2#3", { { "Nx.Constants.infinity({:f, 16})", "#Nx.Tensor<\n  f16\n  Inf\n>", NULL, NULL } } },
    { "Nx.Constants.infinity/2#4", { { "Nx.Constants.infinity({:f, 32})", "#Nx.Tensor<\n  f32\n  Inf\n>", NULL, NULL } } },
    { "Nx.Constants.infinity/2#5", { { "Nx.Constants.infinity({:f, 64})", "#Nx.Tensor<\n  f64\n  Inf\n>", NULL, NULL } } },
    { "Nx.Constants.neg_infinity/2#1", { { "Nx.Constants.neg_infinity({:f, 8})", "#Nx.Tensor<\n  f8\n  -Inf\n>", NULL, NULL } } },
    { "Nx.Constants.neg_infinity/2#2", { { "Nx.Constants.neg_infinity({:bf, 16})", "#Nx.Tensor<\n  bf16\n  -Inf\n>", NULL, NULL } } },
    { "Nx.Constants.neg_infinity/2#3", { { "Nx.Constants.neg_infinity({:f, 16})", "#Nx.Tensor<\n  f16\n  -Inf\n>", NULL, NULL } } },
    { "Nx.Constants.neg_infinity/2#4", { { "Nx.Constants.neg_infinity({:f, 32})", "#Nx.Tensor<\n  f32\n  -Inf\n>", NULL, NULL } } },
    { "Nx.Constants.neg_infinity/2#5", { { "Nx.Constants.neg_infinity({:f, 64})", "#Nx.Tensor<\n  f64\n  -Inf\n>", NULL, NULL } } },
    { "Nx.Constants.max_finite/2#2", { { "Nx.Constants.max_finite({:s, 16})", "#Nx.Tensor<\n  s16\n  32767\n>", NULL, NULL } } },
    { "Nx.Constants.max_finite/2#3", { { "Nx.Constants.max_finite({:f, 32})", "#Nx.Tensor<\n  f32\n  3.4028235e38\n>", NULL, NULL } } },
    { "Nx.Constants.max/2#2", { { "Nx.Constants.max({:f, 32})", "#Nx.Tensor<\n  f32\n  Inf\n>", NULL, NULL } } },
    { "Nx.Constants.min_finite/2#1", { { "Nx.Constants.min_finite({:u, 8})", "#Nx.Tensor<\n  u8\n  0\n>", NULL, NULL } } },
    { "Nx.Constants.min_finite/2#2", { { "Nx.Constants.min_finite({:s, 16})", "#Nx.Tensor<\n  s16\n  -32768\n>", NULL, NULL } } },
    { "Nx.Constants.min_finite/2#3", { { "Nx.Constants.min_finite({:f, 32})", "#Nx.Tensor<\n  f32\n  -3.4028235e38\n>", NULL, NULL } } },
    { "Nx.Constants.i/2#1", { { "Nx.Constants.i()", "#Nx.Tensor<\n  c64\n  0.0+1.0i\n>", NULL, NULL } } },
    { "Nx.Constants.i/2#3", { { "Nx.Constants.i({:f, 32})", NULL, "ArgumentError", "invalid type for complex number. Expected {:c, 64} or {:c, 128}, got: {:f, 32}" } } },
    { "Nx.Constants.smallest_positive_normal/2#1", { { "Nx.Constants.smallest_positive_normal({:f, 64})", "#Nx.Tensor<\n  f64\n  2.2250738585072014e-308\n>", NULL, NULL } } },
    { "Nx.Constants.smallest_positive_normal/2#2", { { "Nx.Constants.smallest_positive_normal({:f, 32})", "#Nx.Tensor<\n  f32\n  1.1754944e-38\n>", NULL, NULL } } },
    { "Nx.Constants.smallest_positive_normal/2#4", { { "Nx.Constants.smallest_positive_normal(:bf16)", "#Nx.Tensor<\n  bf16\n  1.18e-38\n>", NULL, NULL } } },
    { "Nx.Constants.smallest_positive_normal/2#5", { { "Nx.Constants.smallest_positive_normal(:f8)", "#Nx.Tensor<\n  f8\n  6e-5\n>", NULL, NULL } } },
    { "Nx.Constants.smallest_positive_normal/2#6", { { "Nx.Constants.smallest_positive_normal({:s, 32})", NULL, "ArgumentError", "only floating types are supported, got: {:s, 32}" } } },
    { "Nx.Constants.epsilon/2#3", { { "Nx.Constants.epsilon({:f, 16})", "#Nx.Tensor<\n  f16\n  9.77e-4\n>", NULL, NULL } } },
    { "Nx.Constants.epsilon/2#4", { { "Nx.Constants.epsilon(:bf16)", "#Nx.Tensor<\n  bf16\n  0.0078\n>", NULL, NULL } } },
    { "Nx.Constants.epsilon/2#5", { { "Nx.Constants.epsilon(:f8)", "#Nx.Tensor<\n  f8\n  0.25\n>", NULL, NULL } } },
    { "Nx.Constants.pi/2#1", { { "Nx.Constants.pi({:f, 64})", "#Nx.Tensor<\n  f64\n  3.141592653589793\n>", NULL, NULL } } },
    { "Nx.Constants.pi/2#2", { { "Nx.Constants.pi({:f, 32})", "#Nx.Tensor<\n  f32\n  3.1415927\n>", NULL, NULL } } },
    { "Nx.Constants.pi/2#3", { { "Nx.Constants.pi({:f, 16})", "#Nx.Tensor<\n  f16\n  3.14\n>", NULL, NULL } } },
    { "Nx.Constants.pi/2#4", { { "Nx.Constants.pi({:bf, 16})", "#Nx.Tensor<\n  bf16\n  3.14\n>", NULL, NULL } } },
    { "Nx.Constants.pi/2#5", { { "Nx.Constants.pi({:f, 8})", "#Nx.Tensor<\n  f8\n  3.0\n>", NULL, NULL } } },
    { "Nx.Constants.pi/2#6", { { "Nx.Constants.pi({:s, 32})", NULL, "ArgumentError", "only floating types are supported, got: {:s, 32}" } } },
    { "Nx.Constants.e/2#1", { { "Nx.Constants.e({:f, 64})", "#Nx.Tensor<\n  f64\n  2.718281828459045\n>", NULL, NULL } } },
    { "Nx.Constants.e/2#2", { { "Nx.Constants.e({:f, 32})", "#Nx.Tensor<\n  f32\n  2.7182817\n>", NULL, NULL } } },
    { "Nx.Constants.e/2#3", { { "Nx.Constants.e({:f, 16})", "#Nx.Tensor<\n  f16\n  2.719\n>", NULL, NULL } } },
    { "Nx.Constants.euler_gamma/2#3", { { "Nx.Constants.euler_gamma({:f, 16})", "#Nx.Tensor<\n  f16\n  0.577\n>", NULL, NULL } } },
    { "Nx.Constants.euler_gamma/2#5", { { "Nx.Constants.euler_gamma({:f, 8})", "#Nx.Tensor<\n  f8\n  0.5\n>", NULL, NULL } } },
    { "Nx.Floating.load_bf16/1#1", { { "Nx.Floating.load_bf16(Nx.Floating.dump_bf16(1.0))", "1.0", NULL, NULL } } },
    { "Nx.Floating.load_bf16/1#2", { { "Nx.Floating.load_bf16(Nx.Floating.dump_bf16(:infinity))", ":infinity", NULL, NULL } } },
    { "Nx.Floating.load_bf16/1#3", { { "Nx.Floating.load_bf16(Nx.Floating.dump_bf16(:neg_infinity))", ":neg_infinity", NULL, NULL } } },
    { "Nx.Floating.dump_bf16/1#1", { { "Nx.Floating.load_bf16(Nx.Floating.dump_bf16(1.0))", "1.0", NULL, NULL } } },
    { "Nx.Floating.load_f8/1#1", { { "Nx.Floating.load_f8(Nx.Floating.dump_f8(1.0))", "1.0", NULL, NULL } } },
    { "Nx.Floating.load_f8/1#2", { { "Nx.Floating.load_f8(Nx.Floating.dump_f8(:infinity))", ":infinity", NULL, NULL } } },
    { "Nx.Floating.load_f8/1#3", { { "Nx.Floating.load_f8(Nx.Floating.dump_f8(:neg_infinity))", ":neg_infinity", NULL, NULL } } },
    { "Nx.Floating.dump_f8/1#1", { { "Nx.Floating.load_f8(Nx.Floating.dump_f8(1.0))", "1.0", NULL, NULL } } },
    { "Nx.Floating.dump_f8/1#2", { { "Nx.Floating.load_f8(Nx.Floating.dump_f8(-2.0))", "-2.0", NULL, NULL } } },
    { "Nx.Floating.dump_f8/1#3", { { "Nx.Floating.load_f8(Nx.Floating.dump_f8(:nan))", ":nan", NULL, NULL } } },
    { "Nx.Floating.load_f8_e4m3fn/1#1", { { "Nx.Floating.load_f8_e4m3fn(Nx.Floating.dump_f8_e4m3fn(1.0))", "1.0", NULL, NULL } } },
    { "Nx.Floating.load_f8_e4m3fn/1#2", { { "Nx.Floating.load_f8_e4m3fn(Nx.Floating.dump_f8_e4m3fn(:nan))", ":nan", NULL, NULL } } },
    { "Nx.Floating.load_f8_e4m3fn/1#3", { { "Nx.Floating.load_f8_e4m3fn(Nx.Floating.dump_f8_e4m3fn(0.0))", "0.0", NULL, NULL } } },
    { "Nx.Floating.load_f8_e4m3fn/1#4", { { "Nx.Floating.load_f8_e4m3fn(Nx.Floating.dump_f8_e4m3fn(448.0))", "448.0", NULL, NULL } } },
    { "Nx.Floating.dump_f8_e4m3fn/1#1", { { "Nx.Floating.dump_f8_e4m3fn(1.0)", "\"8\"", NULL, NULL } } },
    { "Nx.Floating.dump_f8_e4m3fn/1#4", { { "Nx.Floating.dump_f8_e4m3fn(-448.0)", "<<254>>", NULL, NULL } } },
    { "Nx.Floating.dump_f8_e4m3fn/1#5", { { "Nx.Floating.dump_f8_e4m3fn(:infinity)", "\"~\"", NULL, NULL } } },
    { "Nx.Floating.dump_f8_e4m3fn/1#6", { { "Nx.Floating.dump_f8_e4m3fn(:neg_infinity)", "<<254>>", NULL, NULL } } },
    { "Nx.Floating.dump_f8_e4m3fn/1#7", { { "Nx.Floating.dump_f8_e4m3fn(:nan)", "\"\\d\"", NULL, NULL } } },
};

/* Examples the reader cannot take as written (patterns, ==, field access, Nx.abs),
 * restated with the same values, and corners the examples do not reach: option and
 * type validation, shapes, names, axes, vectorization, containers, constants. */
static const doc_case extra_cases[] = {
    { "Nx.to_list/1#3", { { "t = Nx.vectorize(Nx.tensor([1, 2, 3]), :x)", NULL, NULL, NULL },
        { "Nx.shape(t)", "{}", NULL, NULL }, { "Nx.to_list(t)", "[1, 2, 3]", NULL, NULL } } },
    { "Nx.reshape/3#5", { { "t = Nx.tensor([[[1, 2, 3], [4, 5, 6]]]) |> Nx.vectorize(:x)", NULL, NULL, NULL },
        { "Nx.shape(t)", "{2, 3}", NULL, NULL },
        { "Nx.reshape(t, {3, 2})", "#Nx.Tensor<\n  vectorized[x: 1]\n  s32[3][2]\n  [\n    [\n      [1, 2],\n      [3, 4],\n      [5, 6]\n    ]\n  ]\n>", NULL, NULL } } },
    { "Nx.vectorize/2#2", { { "t = Nx.iota({2, 3})", NULL, NULL, NULL },
        { "Nx.vectorize(t, [:first, second: 3])", "#Nx.Tensor<\n  vectorized[first: 2][second: 3]\n  s32\n  [\n    [0, 1, 2],\n    [3, 4, 5]\n  ]\n>", NULL, NULL } } },
    { "Nx.vectorize/2#6", { { "input = {Nx.tensor([1]), %{a: Nx.tensor([2])}}", NULL, NULL, NULL },
        { "r = Nx.vectorize(input, x: 1)", NULL, NULL, NULL },
        { "elem(r, 0)", "#Nx.Tensor<\n  vectorized[x: 1]\n  s32\n  [1]\n>", NULL, NULL },
        { "Map.get(elem(r, 1), :a)", "#Nx.Tensor<\n  vectorized[x: 1]\n  s32\n  [2]\n>", NULL, NULL } } },
    { "Nx.devectorize/2#2", { { "input = {1, %{a: Nx.iota({3}, vectorized_axes: [x: 1])}}", NULL, NULL, NULL },
        { "r = Nx.devectorize(input)", NULL, NULL, NULL },
        { "elem(r, 0)", "#Nx.Tensor<\n  s32\n  1\n>", NULL, NULL },
        { "Map.get(elem(r, 1), :a)", "#Nx.Tensor<\n  s32[x: 1][3]\n  [\n    [0, 1, 2]\n  ]\n>", NULL, NULL } } },
    { "Nx.template/3#3", { { "t = Nx.template({2, 3}, {:f, 32}, names: [:rows, :columns])", NULL, NULL, NULL },
        { "Nx.to_binary(t)", NULL, "RuntimeError", "cannot perform operations on a Nx.TemplateBackend tensor" },
        { "Nx.as_type(t, :f64)", NULL, "RuntimeError", "cannot perform operations on a Nx.TemplateBackend tensor" } } },
    { "Nx.to_template/1 containers", { { "r = Nx.to_template({1, 2.0})", NULL, NULL, NULL },
        { "elem(r, 0)", "#Nx.Tensor<\n  s32\n  Nx.TemplateBackend\n>", NULL, NULL },
        { "elem(r, 1)", "#Nx.Tensor<\n  f32\n  Nx.TemplateBackend\n>", NULL, NULL },
        { "Nx.to_template(Nx.vectorize(Nx.iota({2, 3}, names: [nil, :y]), :x))", "#Nx.Tensor<\n  vectorized[x: 2]\n  s32[y: 3]\n  Nx.TemplateBackend\n>", NULL, NULL },
        { "Nx.to_template([1])", NULL, "Protocol.UndefinedError", "protocol Nx.LazyContainer not implemented for type List, lists are not valid tensors (and therefore not supported as defn inputs). However, you can convert them to tensors using Nx.tensor/1\n\nGot value:\n\n    [1]" } } },
    { "options", {
        { "Nx.tensor([1], foo: 1)", NULL, "ArgumentError", "unknown key :foo in [foo: 1], expected one of [:type, :names, :backend]" },
        { "Nx.tensor([1], [:foo])", NULL, "ArgumentError", "expected a keyword list with keys [:type, :names, :backend], got: [:foo]" },
        { "Nx.tensor([1], type: :f32, type: :f64)", NULL, "ArgumentError", "unknown key :type in [type: :f32, type: :f64], expected one of [:type, :names, :backend]" },
        { "Nx.iota({2}, foo: 1)", NULL, "ArgumentError", "unknown key :foo in [foo: 1], expected one of [:axis, :names, :backend, :vectorized_axes, :type]" },
        { "Nx.eye(2, axis: 1)", NULL, "ArgumentError", "unknown key :axis in [axis: 1], expected one of [:names, :backend, :vectorized_axes, :type]" },
        { "Nx.broadcast(1, {2}, foo: 1)", NULL, "ArgumentError", "unknown key :foo in [foo: 1], expected one of [:axes, :names]" },
        { "Nx.to_binary(1, foo: 1)", NULL, "ArgumentError", "unknown key :foo in [foo: 1], expected one of [:limit]" },
        { "Nx.from_binary(<<1>>, :u8, foo: 1)", NULL, "ArgumentError", "unknown key :foo in [foo: 1], expected one of [:backend]" },
        { "Nx.template({2}, :f32, type: :f32)", NULL, "ArgumentError", "unknown key :type in [type: :f32], expected one of [:names]" },
        { "Nx.iota({2}, backend: Nx.BinaryBackend)", "#Nx.Tensor<\n  s32[2]\n  [0, 1]\n>", NULL, NULL },
        { "Nx.tensor(1, backend: {Nx.BinaryBackend, []})", "#Nx.Tensor<\n  s32\n  1\n>", NULL, NULL },
        { "Nx.tensor(1, backend: 1)", NULL, "ArgumentError", ":backend must be an atom or a tuple {backend, options}, got: 1" },
        { "Nx.tensor(Nx.tensor(1), backend: {EXLA.Backend, []})", NULL, "ArgumentError", "Nx.tensor/2 wants to allocate on backend EXLA.Backend but it was given a tensor allocated on Nx.BinaryBackend" },
        { "Nx.tensor(Nx.tensor(1), backend: Nx.BinaryBackend)", "#Nx.Tensor<\n  s32\n  1\n>", NULL, NULL },
        { "Nx.devectorize(Nx.vectorize(Nx.iota({2}), :x), foo: 1)", NULL, "ArgumentError", "unknown key :foo in [foo: 1], expected one of [:keep_names]" },
        { "Nx.devectorize(Nx.iota({2}), foo: 1)", "#Nx.Tensor<\n  s32[2]\n  [0, 1]\n>", NULL, NULL } } },
    { "types", {
        { "Nx.tensor([1, 2], type: {:u, 0})", NULL, "ArgumentError", "invalid numerical type: {:u, 0} (see Nx.Type docs for all supported types)" },
        { "Nx.tensor([1, 2], type: :k8)", NULL, "ArgumentError", "invalid numerical type: :k8 (see Nx.Type docs for all supported types)" },
        { "Nx.tensor([1, 2], type: \"f32\")", NULL, "ArgumentError", "invalid numerical type: \"f32\" (see Nx.Type docs for all supported types)" },
        { "Nx.type(Nx.tensor(1, type: {:f8_e4m3fn, 8}))", "{:f8_e4m3fn, 8}", NULL, NULL },
        { "Nx.type(:nan)", "{:f, 32}", NULL, NULL },
        { "Nx.type(Complex.new(1, 2))", "{:c, 64}", NULL, NULL },
        { "Nx.u8([1, 2])", "#Nx.Tensor<\n  u8[2]\n  [1, 2]\n>", NULL, NULL },
        { "Nx.bf16(1)", "#Nx.Tensor<\n  bf16\n  1.0\n>", NULL, NULL },
        { "Nx.c128([1, 2])", "#Nx.Tensor<\n  c128[2]\n  [1.0+0.0i, 2.0+0.0i]\n>", NULL, NULL },
        { "Nx.u8(Nx.tensor([1]))", NULL, "ArgumentError", "Nx.tensor/2 expects a tensor with type :u8 but it was given a tensor of type {:s, 32}" },
        { "Nx.s32(Nx.tensor([1]))", "#Nx.Tensor<\n  s32[1]\n  [1]\n>", NULL, NULL },
        { "Nx.as_type(:infinity, :f16)", "#Nx.Tensor<\n  f16\n  Inf\n>", NULL, NULL },
        { "Nx.bitcast(Nx.tensor([0], type: :c64), :s64)", NULL, "ArgumentError", "Nx.bitcast/2 does not support complex inputs" },
        { "Nx.bitcast(1, :f32)", "#Nx.Tensor<\n  f32\n  1e-45\n>", NULL, NULL } } },
    { "tensor/2 errors", {
        { "Nx.tensor([[1, 2], [3]])", NULL, "ArgumentError", "cannot build tensor because lists have different shapes, got {2} at position 0 and {1} at position 2" },
        { "Nx.tensor([])", NULL, "ArgumentError", "invalid value given to Nx.tensor/1, got: []" },
        { "Nx.tensor([], type: :f32)", NULL, "RuntimeError", "cannot build empty tensor" },
        { "Nx.tensor([1, :foo])", NULL, "ArgumentError", "invalid value given to Nx.tensor/1, got: :foo" },
        { "Nx.tensor([1, {1}])", NULL, "ArgumentError", "invalid value given to Nx.tensor/1, got: {1}" },
        { "Nx.tensor([[1, 2, 3]], names: [])", NULL, "ArgumentError", "invalid names for tensor of rank 2, when specifying names every dimension must have a name or be nil" },
        { "Nx.tensor([[1, 2, 3]], names: [:x])", NULL, "ArgumentError", "invalid names for tensor of rank 2, when specifying names every dimension must have a name or be nil" },
        { "Nx.tensor(Nx.tensor([1, 2, 3]), names: [:a, :b])", NULL, "ArgumentError", "invalid names for tensor of rank 1, when specifying names every dimension must have a name or be nil" },
        { "Nx.tensor(Complex.new(1, 2), type: :f32)", NULL, "ArgumentError", "invalid type for complex number. Expected {:c, 64} or {:c, 128}, got: {:f, 32}" },
        { "Nx.tensor([true, 2])", "#Nx.Tensor<\n  s32[2]\n  [1, 2]\n>", NULL, NULL },
        { "Nx.tensor(10_000_000_000)", "#Nx.Tensor<\n  s32\n  1410065408\n>", NULL, NULL },
        { "Nx.tensor([:infinity], type: :f8_e4m3fn)", "#Nx.Tensor<\n  f8_e4m3fn[1]\n  [450.0]\n>", NULL, NULL },
        { "Nx.tensor(:nan, names: [])", "#Nx.Tensor<\n  f32\n  NaN\n>", NULL, NULL } } },
    { "shapes", {
        { "Nx.shape(:foo)", NULL, "ArgumentError", "expected a shape. A shape is a n-element tuple with the size of each dimension. Alternatively, you can pass a tensor (or a number) and the shape will be retrieved from the tensor. Got: :foo" },
        { "Nx.shape({1, 0, 3})", NULL, "ArgumentError", "invalid dimension in axis 1 found in shape. Each dimension must be a positive integer, got 0 in shape {1, 0, 3}" },
        { "Nx.shape({1, 2.0, -1})", NULL, "ArgumentError", "invalid dimension in axis 2 found in shape. Each dimension must be a positive integer, got -1 in shape {1, 2.0, -1}" },
        { "Nx.shape({1, 2.0})", NULL, "ArgumentError", "invalid dimension in axis 1 found in shape. Each dimension must be a positive integer, got 2.0 in shape {1, 2.0}" },
        { "Nx.rank({0, :a})", "2", NULL, NULL },
        { "Nx.axes(Nx.iota({2, 2}) |> Nx.vectorize(:x))", "[0]", NULL, NULL },
        { "Nx.size(Nx.iota({2, 3}))", "6", NULL, NULL },
        { "Nx.names(Nx.iota({2, 3}, names: [:a, nil]) |> Nx.vectorize(:x))", "[nil]", NULL, NULL },
        { "Nx.axis_index(Nx.iota({100, 10, 20}), 3)", NULL, "ArgumentError", "given axis (3) invalid for shape with rank 3" },
        { "Nx.axis_index(Nx.iota({100, 10, 20}, names: [:batch, :x, :y]), :z)", NULL, "ArgumentError", "name :z not found in tensor with names [:batch, :x, :y]" },
        { "Nx.axis_index(Nx.iota({100, 10, 20}), 1.0)", NULL, "ArgumentError", "given axis (1.0) invalid for shape with rank 3" },
        { "Nx.axis_index({4, 5}, -1)", "1", NULL, NULL },
        { "Nx.axis_size({4, 5}, 0)", "4", NULL, NULL } } },
    { "creation shapes", {
        { "Nx.iota({2, 3}, axis: :y, names: [:x, :y])", "#Nx.Tensor<\n  s32[x: 2][y: 3]\n  [\n    [0, 1, 2],\n    [0, 1, 2]\n  ]\n>", NULL, NULL },
        { "Nx.iota(2)", "#Nx.Tensor<\n  s32\n  0\n>", NULL, NULL },
        { "Nx.iota(Nx.tensor([5, 6], names: [:x]))", "#Nx.Tensor<\n  s32[x: 2]\n  [0, 1]\n>", NULL, NULL },
        { "Nx.iota(Nx.vectorize(Nx.tensor([[5, 6]]), :v))", NULL, "ArgumentError", "vectorization is only supported for shape inputs" },
        { "Nx.iota(Nx.tensor([5, 6]), vectorized_axes: [x: 1])", NULL, "ArgumentError", "vectorization is only supported for shape inputs" },
        { "Nx.iota({2}, names: [:a], vectorized_axes: [x: 2])", "#Nx.Tensor<\n  vectorized[x: 2]\n  s32[2]\n  [\n    [0, 1],\n    [0, 1]\n  ]\n>", NULL, NULL },
        { "Nx.iota({0})", NULL, "ArgumentError", "invalid dimension in axis 0 found in shape. Each dimension must be a positive integer, got 0 in shape {0}" },
        { "Nx.eye(0)", NULL, "ArgumentError", "eye/2 expects a shape with at least 2 dimensions or an integer, got: {}" },
        { "Nx.eye({3})", NULL, "ArgumentError", "eye/2 expects a shape with at least 2 dimensions or an integer, got: {3}" },
        { "Nx.eye(Nx.iota({2, 2}) |> Nx.vectorize(:x))", NULL, "ArgumentError", "eye/2 does not support vectorized inputs" },
        { "Nx.eye({2, 2}, names: [:r, :c], vectorized_axes: [x: 1])", "#Nx.Tensor<\n  vectorized[x: 1]\n  s32[r: 2][c: 2]\n  [\n    [\n      [1, 0],\n      [0, 1]\n    ]\n  ]\n>", NULL, NULL },
        { "Nx.reshape(Nx.iota({6}), {:auto, 2})", "#Nx.Tensor<\n  s32[3][2]\n  [\n    [0, 1],\n    [2, 3],\n    [4, 5]\n  ]\n>", NULL, NULL },
        { "Nx.reshape(Nx.iota({6}), {:auto, :auto})", NULL, "ArgumentError", "only a single :auto dimension is allowed in reshape, got: {:auto, :auto}" },
        { "Nx.reshape(Nx.iota({6}), {4})", NULL, "ArgumentError", "cannot reshape, current shape {6} is not compatible with new shape {4}" },
        { "Nx.reshape(Nx.iota({6}), {2, 3}, names: [:a])", NULL, "ArgumentError", "invalid names for tensor of rank 2, when specifying names every dimension must have a name or be nil" },
        { "Nx.broadcast(Nx.tensor([1, 2, 3]), {3, 2}, axes: [])", NULL, "ArgumentError", "expected length of axes (0) to match rank of shape (1)" },
        { "Nx.broadcast(Nx.tensor([1, 2]), {3})", NULL, "ArgumentError", "cannot broadcast tensor of dimensions {2} to {3}" },
        { "Nx.rename(Nx.iota({2, 3}, names: [:a, :b]), nil)", "#Nx.Tensor<\n  s32[2][3]\n  [\n    [0, 1, 2],\n    [3, 4, 5]\n  ]\n>", NULL, NULL },
        { "Nx.from_binary(<<>>, :u8)", NULL, "ArgumentError", "cannot build an empty tensor" },
        { "Nx.from_binary(<<255, 1>>, :s4)", "#Nx.Tensor<\n  s4[4]\n  [-1, -1, 0, 1]\n>", NULL, NULL } } },
    { "conversion", {
        { "Nx.to_binary(1)", "<<1, 0, 0, 0>>", NULL, NULL },
        { "Nx.to_binary(Nx.tensor([1, 2], type: :u8), limit: 0)", "\"\"", NULL, NULL },
        { "Nx.to_flat_list(Nx.tensor([1, 2]), limit: 0)", "[]", NULL, NULL },
        { "Nx.to_flat_list(Nx.tensor([1, 2]), limit: 5)", "[1, 2]", NULL, NULL },
        { "Nx.to_flat_list(Nx.tensor([18446744073709551615], type: :u64))", "[18446744073709551615]", NULL, NULL },
        { "Nx.to_flat_list(Nx.tensor([Complex.new(1, -2)]))", "[1.0-2.0i]", NULL, NULL },
        { "Nx.to_number(Nx.tensor(:neg_infinity))", ":neg_infinity", NULL, NULL },
        { "Nx.to_number(2.5)", "2.5", NULL, NULL },
        { "Nx.to_list(Nx.iota({2, 1}, type: :f32))", "[[0.0], [1.0]]", NULL, NULL },
        { "Nx.to_tensor({1, 2})", NULL, "ArgumentError", "cannot convert {1, 2} to tensor because it represents a collection of tensors, use Nx.stack/2 or Nx.concatenate/2 instead" },
        { "Nx.to_tensor(:nan)", "#Nx.Tensor<\n  f32\n  NaN\n>", NULL, NULL },
        { "Nx.to_tensor(true)", NULL, "Protocol.UndefinedError", "protocol Nx.LazyContainer not implemented for type Atom, booleans are not valid tensors (and therefore not supported as defn inputs). However, you can convert them to tensors using Nx.tensor/1\n\nGot value:\n\n    true" } } },
    { "compatible? and is_tensor", {
        { "Nx.compatible?(1, 2)", "true", NULL, NULL },
        { "Nx.compatible?(1, 2.0)", "false", NULL, NULL },
        { "Nx.compatible?({1}, [1])", "false", NULL, NULL },
        { "Nx.compatible?(%{a: 1, b: {2}}, %{b: {3}, a: 4})", "true", NULL, NULL },
        { "Nx.compatible?(Nx.iota({2, 2}), Nx.iota({2, 2}, type: :f32))", "false", NULL, NULL },
        { "Nx.is_tensor(1)", "true", NULL, NULL },
        { "Nx.is_tensor(:nan)", "true", NULL, NULL },
        { "Nx.is_tensor(Complex.new(1, 2))", "true", NULL, NULL },
        { "Nx.is_tensor(:foo)", "false", NULL, NULL },
        { "Nx.is_tensor([1])", "false", NULL, NULL } } },
    { "vectorize", {
        { "Nx.vectorize(Nx.tensor(1), :x)", NULL, "ArgumentError", "cannot vectorize tensor of rank 0" },
        { "Nx.vectorize(1, :x)", NULL, "ArgumentError", "cannot vectorize tensor of rank 0" },
        { "Nx.vectorize(1, [])", "#Nx.Tensor<\n  s32\n  1\n>", NULL, NULL },
        { "Nx.vectorize(Nx.tensor([1]), [x: 2])", NULL, "ArgumentError", "expected vectorized axis :x to have size 2, got 1" },
        { "Nx.vectorize(Nx.tensor([[1]]), [:x, \"y\"])", NULL, "ArgumentError", "expected vectorized axis specification to be an atom or a tuple of {atom, pos_integer}, got: \"y\"" },
        { "Nx.vectorize(Nx.tensor([[1, 2]], names: [:a, :b]), [:a])", "#Nx.Tensor<\n  vectorized[a: 1]\n  s32[b: 2]\n  [\n    [1, 2]\n  ]\n>", NULL, NULL },
        { "Nx.vectorize(Nx.tensor([[1, 2]], names: [:a, :b]), [:b])", NULL, "ArgumentError", "cannot use name :b for new vectorized axes because there's already an axis with the same name" },
        { "Nx.vectorize(Nx.tensor([[1, 2]], names: [:a, :b]), [:b, :a])", "#Nx.Tensor<\n  vectorized[b: 1][a: 2]\n  s32\n  [\n    [1, 2]\n  ]\n>", NULL, NULL },
        { "Nx.vectorize(Nx.iota({2, 2}), x: 2, y: 2) |> Nx.devectorize(keep_names: false)", "#Nx.Tensor<\n  s32[2][2]\n  [\n    [0, 1],\n    [2, 3]\n  ]\n>", NULL, NULL },
        { "Nx.vectorize([1], :x)", NULL, "Protocol.UndefinedError", "protocol Nx.LazyContainer not implemented for type List, lists are not valid tensors (and therefore not supported as defn inputs). However, you can convert them to tensors using Nx.tensor/1\n\nGot value:\n\n    [1]" } } },
    { "Nx.Constants", {
        { "Nx.Constants.nan()", "#Nx.Tensor<\n  f32\n  NaN\n>", NULL, NULL },
        { "Nx.Constants.pi()", "#Nx.Tensor<\n  f32\n  3.1415927\n>", NULL, NULL },
        { "Nx.Constants.max(:u8)", "#Nx.Tensor<\n  u8\n  255\n>", NULL, NULL },
        { "Nx.Constants.min_finite(:s4)", "#Nx.Tensor<\n  s4\n  -8\n>", NULL, NULL },
        { "Nx.Constants.max_finite(:u64)", "#Nx.Tensor<\n  u64\n  18446744073709551615\n>", NULL, NULL },
        { "Nx.Constants.infinity(:f8_e4m3fn)", "#Nx.Tensor<\n  f8_e4m3fn\n  450.0\n>", NULL, NULL },
        { "Nx.Constants.smallest_positive_normal({:f, 16})", "#Nx.Tensor<\n  f16\n  6.104e-5\n>", NULL, NULL },
        { "Nx.Constants.e({:s, 32})", NULL, "ArgumentError", "only floating types are supported, got: {:s, 32}" },
        { "Nx.Constants.nan({:s, 32})", NULL, "ArgumentError", "only floating types are supported, got: {:s, 32}" },
        { "Nx.Constants.max(:c64)", NULL, "ArgumentError", "only real types are supported, got: {:c, 64}" },
        { "Nx.Constants.pi(:f64, backend: Nx.BinaryBackend)", "#Nx.Tensor<\n  f64\n  3.141592653589793\n>", NULL, NULL },
        { "Nx.Constants.pi(:f32, foo: 1)", NULL, "ArgumentError", "unknown key :foo in [foo: 1], expected one of [:backend]" },
        { "Nx.Constants.pi(:k8)", NULL, "ArgumentError", "invalid numerical type: :k8 (see Nx.Type docs for all supported types)" },
        { "Nx.Constants.i({:c, 128})", "#Nx.Tensor<\n  c128\n  0.0+1.0i\n>", NULL, NULL },
        { "Nx.Constants.i(:c64, names: [])", "#Nx.Tensor<\n  c64\n  0.0+1.0i\n>", NULL, NULL },
        { "Nx.Constants.i(:c64, type: :c64)", NULL, "RuntimeError", "type must not be passed as an option" } } },
    { "Nx.Type", {
        { "Nx.Type.normalize!({:u, 8})", "{:u, 8}", NULL, NULL },
        { "Nx.Type.normalize!(:f8_e4m3fn)", "{:f8_e4m3fn, 8}", NULL, NULL },
        { "Nx.Type.to_complex({:s, 64})", "{:c, 64}", NULL, NULL },
        { "Nx.Type.to_complex({:f, 64})", "{:c, 128}", NULL, NULL },
        { "Nx.Type.to_aggregate({:u, 16})", "{:u, 32}", NULL, NULL },
        { "Nx.Type.to_aggregate({:u, 64})", "{:s, 64}", NULL, NULL },
        { "Nx.Type.to_aggregate({:bf, 16})", "{:bf, 16}", NULL, NULL },
        { "Nx.Type.merge({:f8_e4m3fn, 8}, {:f, 16})", "{:f8_e4m3fn, 8}", NULL, NULL },
        { "Nx.Type.merge({:u, 8}, {:f, 64})", "{:f, 64}", NULL, NULL },
        { "Nx.Type.merge_number({:s, 32}, 10_000_000_000)", "{:s, 64}", NULL, NULL },
        { "Nx.Type.infer(true)", "{:u, 8}", NULL, NULL },
        { "Nx.Type.infer(:nan)", "{:f, 32}", NULL, NULL },
        { "Nx.Type.float?({:c, 64})", "true", NULL, NULL },
        { "Nx.Type.float?({:f8_e4m3fn, 8})", "true", NULL, NULL },
        { "Nx.Type.integer?({:k, 8})", "false", NULL, NULL },
        { "Nx.Type.to_string({:c, 128})", "\"c128\"", NULL, NULL },
        { "Nx.Type.cast_number!({:f, 32}, 10.0)", "10.0", NULL, NULL },
        { "Nx.Type.cast_number!({:bf, 16}, -10.0)", "-10.0", NULL, NULL },
        { "Nx.Type.cast_number!(:u8, 1)", NULL, "ArgumentError", "cannot cast number 1 to :u8" },
        { "Nx.Type.nan_binary({:f, 32})", "<<0, 0, 192, 127>>", NULL, NULL },
        { "Nx.Type.max_finite_binary({:u, 8})", "<<255>>", NULL, NULL },
        { "Nx.Type.pi_binary({:bf, 16})", "\"I@\"", NULL, NULL },
        { "Nx.Type.min_finite_binary({:s, 4})", "<<8::size(4)>>", NULL, NULL },
        { "Nx.Type.epsilon_binary({:s, 8})", NULL, "ArgumentError", "only floating types are supported, got: {:s, 8}" } } },
    { "Nx.Floating", {
        { "Nx.Floating.dump_bf16(1.0)", "<<128, 63>>", NULL, NULL },
        { "Nx.Floating.dump_bf16(1)", "<<128, 63>>", NULL, NULL },
        { "Nx.Floating.load_bf16(<<128, 63>>)", "1.0", NULL, NULL },
        { "Nx.Floating.load_bf16(Nx.Floating.dump_bf16(:nan))", ":nan", NULL, NULL },
        { "Nx.Floating.dump_f8(:infinity)", "\"|\"", NULL, NULL },
        { "Nx.Floating.load_f8(<<1>>)", "1.52587890625e-5", NULL, NULL },
        { "Nx.Floating.dump_f8_e4m3fn(0.0)", "<<0>>", NULL, NULL },
        { "Nx.Floating.dump_f8_e4m3fn(448.0)", "\"~\"", NULL, NULL },
        { "Nx.Floating.dump_f8_e4m3fn(500.0)", "\"~\"", NULL, NULL },
        { "Nx.Floating.load_f8_e4m3fn(<<126>>)", "448.0", NULL, NULL },
        { "Nx.Floating.load_bf16(<<1>>)", NULL, "FunctionClauseError", "no function clause matching in Nx.Floating.load_bf16/1" },
        { "Nx.Floating.dump_f8(:foo)", NULL, "FunctionClauseError", "no function clause matching in Nx.Floating.dump_f8/1" } } },
};

/* Runs the steps of one example in one environment; returns the failures. */
static int steps_run;

static int run_case(const doc_case *c)
{
    reader r = { 0 };
    int failures = 0;
    for (int i = 0; i < 32 && c->steps[i].code; i++) {
        const step *s = &c->steps[i];
        steps_run++;
        nxi_clear_raised();
        nx_error_clear();
        nxv *v = eval_step(&r, s->code);
        if (r.failed) {
            cr_log_error("%s: cannot read %s", c->id, s->code);
            return failures + 1;
        }
        if (s->kind) {
            if (v || !nxi_raised() || strcmp(nxi_raised_kind(), s->kind) || strcmp(nxi_raised_message(), s->message)) {
                cr_log_error("%s step %d: %s\n  wanted ** (%s) %s\n  got %s%s%s", c->id, i + 1, s->code, s->kind,
                             s->message, v ? nxi_inspect(v) : "** (", v ? "" : nxi_raised_kind(),
                             v ? "" : nxi_raised_message());
                failures++;
            }
            continue;
        }
        if (!v) {
            cr_log_error("%s step %d: %s\n  raised ** (%s) %s", c->id, i + 1, s->code,
                         nxi_raised() ? nxi_raised_kind() : "?", nxi_raised() ? nxi_raised_message() : "");
            failures++;
            continue;
        }
        const char *got = nxi_inspect(v);
        if (s->expect && strcmp(got, s->expect)) {
            cr_log_error("%s step %d: %s\n  wanted %s\n  got    %s", c->id, i + 1, s->code, s->expect, got);
            failures++;
        }
    }
    return failures;
}

Test(nxlib, doc_examples)
{
    int failures = 0, n = (int)(sizeof cases / sizeof *cases);
    nx_scope_begin();
    for (int i = 0; i < n; i++)
        failures += run_case(&cases[i]);
    nx_scope_end();
    cr_expect_eq(failures, 0, "%d steps of the %d examples failed", failures, n);
    cr_expect_gt(steps_run, 300, "only %d steps ran", steps_run);
}

Test(nxlib, corners)
{
    int failures = 0, n = (int)(sizeof extra_cases / sizeof *extra_cases);
    nx_scope_begin();
    for (int i = 0; i < n; i++)
        failures += run_case(&extra_cases[i]);
    nx_scope_end();
    cr_expect_eq(failures, 0, "%d steps of the %d groups failed", failures, n);
}

/* ---------------------------------------------------------------- the table */

Test(nxlib, lookup_by_module_name_and_arity)
{
    cr_expect_not_null(nxi_lookup("Nx", "tensor", 1));
    cr_expect_not_null(nxi_lookup("Nx", "tensor", 2));
    cr_expect_null(nxi_lookup("Nx", "tensor", 3));
    cr_expect_null(nxi_lookup("Nx", "tensor", 0));
    cr_expect_not_null(nxi_lookup("Nx", "c128", 1));
    cr_expect_null(nxi_lookup("Nx", "f8_e4m3fn", 1));   /* Nx has no such shorthand */
    cr_expect_not_null(nxi_lookup("Nx.Constants", "nan", 0));
    cr_expect_not_null(nxi_lookup("Nx.Constants", "nan", 2));
    cr_expect_null(nxi_lookup("Nx.Constants", "max", 0));
    cr_expect_not_null(nxi_lookup("Nx.Constants", "i", 0));
    cr_expect_not_null(nxi_lookup("Nx.Type", "cast_number!", 2));
    cr_expect_not_null(nxi_lookup("Nx.Floating", "dump_f8_e4m3fn", 1));
    cr_expect_not_null(nxi_lookup("Kernel", "elem", 2));   /* kernel.c's table is searched too */
    cr_expect_null(nxi_lookup("Nx", "no_such_function", 1));
    cr_expect_null(nxi_lookup("Nx.Tensor", "tensor", 1));
    cr_expect_null(nxi_lookup(NULL, "tensor", 1));
    cr_expect(nxi_module_exists("Nx.Floating"));
    cr_expect(nxi_module_exists("Kernel"));
    cr_expect_not(nxi_module_exists("Nx.Nope"));
    cr_expect_not(nxi_module_exists(NULL));
}

typedef struct { int count, nx; const char *last_module, *last_name; int repeated; } walk;

static void count_function(const char *module, const char *name, void *ctx)
{
    walk *w = ctx;
    if (w->last_name && !strcmp(w->last_module, module) && !strcmp(w->last_name, name))
        w->repeated++;
    w->last_module = module;
    w->last_name = name;
    w->count++;
    w->nx += !strcmp(module, "Nx");
}

Test(nxlib, each_function_names_each_function_once)
{
    walk w = { 0 };
    nxi_each_function(count_function, &w);
    cr_expect_eq(w.repeated, 0);
    cr_expect_geq(w.nx, 48, "Nx functions listed: %d", w.nx);
    cr_expect_gt(w.count, w.nx);
}

/* No two entries of one name may claim the same arity: lookup would hide one. */
Test(nxlib, arities_do_not_overlap)
{
    const char *modules[] = { "Nx", "Nx.Type", "Nx.Constants", "Nx.Floating" };
    for (int m = 0; m < 4; m++)
        for (int arity = 0; arity <= 6; arity++) {
            const char *names[] = { "tensor", "iota", "eye", "template", "nan", "pi", "i", "merge", "devectorize",
                                    "reshape", "broadcast", "to_binary", "to_flat_list", "load_bf16" };
            for (int i = 0; i < 14; i++) {
                const nxi_func *f = nxi_lookup(modules[m], names[i], arity);
                if (f)
                    cr_expect(f->min_arity <= arity && arity <= f->max_arity && f->min_arity <= f->max_arity);
            }
        }
}

/* ---------------------------------------------------------------- conversions */

Test(nxlib, every_type_round_trips_through_its_spellings)
{
    for (int t = NX_U2; t < NX_TYPE_COUNT; t++) {
        nxv *tuple = nxi_type_value((nx_type)t);
        cr_assert_not_null(tuple);
        cr_expect_eq(nxi_to_type(tuple), (nx_type)t);
        cr_expect_eq(nxi_to_type(nxv_atom(nx_type_name((nx_type)t))), (nx_type)t, "%s", nx_type_name((nx_type)t));
        cr_expect_str_eq(nxi_inspect(tuple), nx_type_tuple((nx_type)t));
    }
    nxi_clear_raised();
    cr_expect_eq(nxi_to_type(nxv_atom("f8_e5m2")), NX_TYPE_NONE);
    cr_expect_str_eq(nxi_raised_message(), "invalid numerical type: :f8_e5m2 (see Nx.Type docs for all supported types)");
    nxi_clear_raised();
}

Test(nxlib, numbers_come_back_as_elixir_holds_them)
{
    cr_expect_str_eq(nxi_inspect(nxi_number_value(NX_FLOAT(NAN))), ":nan");
    cr_expect_str_eq(nxi_inspect(nxi_number_value(NX_FLOAT(-INFINITY))), ":neg_infinity");
    cr_expect_str_eq(nxi_inspect(nxi_number_value(NX_FLOAT(0.5))), "0.5");
    cr_expect_str_eq(nxi_inspect(nxi_number_value(NX_UINT(UINT64_MAX))), "18446744073709551615");
    cr_expect_str_eq(nxi_inspect(nxi_number_value(NX_INT(INT64_MIN))), "-9223372036854775808");
    nx_number n;
    cr_expect_eq(nxi_number_of(nxv_atom("infinity"), &n), 0);
    cr_expect(n.kind == NX_NUM_FLOAT && isinf(n.f) && n.f > 0);
    cr_expect_eq(nxi_number_of(nxv_atom("foo"), &n), -1);
    cr_expect_eq(nxi_number_of(nxv_int((nxi_int)1 << 64), &n), 0);   /* wraps to the low bits */
    cr_expect(n.kind == NX_NUM_UINT && n.u == 0);
}

Test(nxlib, options_are_checked_like_keyword_bang)
{
    static const char *const allowed[] = { "axes", "keep_axes" };
    nxv *vals[2];
    nxv **kv = nxv_items(2), **items = nxv_items(1);
    kv[0] = nxv_atom("keep_axes");
    kv[1] = nxv_bool(1);
    items[0] = nxv_tuple(2, kv);
    nxi_clear_raised();
    cr_expect_eq(nxi_opts(nxv_list(1, items), allowed, 2, vals), 0);
    cr_expect_null(vals[0]);
    cr_expect(nxv_is_atom(vals[1], "true"));
    cr_expect_eq(nxi_opts(NULL, allowed, 2, vals), 0);
    cr_expect_eq(nxi_opts(nxv_atom("keep_axes"), allowed, 2, vals), -1);
    cr_expect_str_eq(nxi_raised_message(), "expected a keyword list with keys [:axes, :keep_axes], got: :keep_axes");
    nxi_clear_raised();
}
