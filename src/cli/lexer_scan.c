/* src/cli/lexer_scan.c: the lexer's scanners for short tokens, each called by lexer.c's
 * loop at the token's first character: numbers (bases, underscores, floats; integers past
 * 128 bits flagged .big), ?characters, operators (longest first, and an operator followed
 * by '/' is a function name, as in &+/2), atoms (:foo, :+; lexer_string.c reads :"quoted"),
 * identifiers, aliases, reserved words and keyword keys. */
#include "cli/lexer_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- numbers ---- */

static int digit_in(int c, int base)
{
    int v = hex_val(c);
    return v >= 0 && v < base;
}

void nxlex_number(lexer *lx)
{
    static const nxi_uint umax = ~(nxi_uint)0;
    size_t start = lx->pos;
    int line = lx->line, col = lx->col;
    int base = 10, big = 0, is_float = 0;
    nxi_uint v = 0;
    if (at(lx, 0) == '0') {
        int c = at(lx, 1);
        int b = c == 'x' ? 16 : c == 'o' ? 8 : c == 'b' ? 2 : 0;
        if (b && digit_in(at(lx, 2), b)) {
            base = b;
            adv(lx, 2);
        }
    }
    for (;;) {
        int c = at(lx, 0);
        if (digit_in(c, base)) {
            unsigned d = (unsigned)hex_val(c);
            if (v > (umax - d) / (unsigned)base)
                big = 1;
            else
                v = v * (unsigned)base + d;
            adv(lx, 1);
        } else if (c == '_' && digit_in(at(lx, 1), base)) {
            adv(lx, 1);
        } else {
            break;
        }
    }
    if (base == 10 && at(lx, 0) == '.' && is_digit(at(lx, 1))) {
        is_float = 1;
        adv(lx, 1);
        while (is_digit(at(lx, 0)) || (at(lx, 0) == '_' && is_digit(at(lx, 1))))
            adv(lx, 1);
        int e = at(lx, 0), s = at(lx, 1);
        if ((e == 'e' || e == 'E') &&
            (is_digit(s) || ((s == '+' || s == '-') && is_digit(at(lx, 2))))) {
            adv(lx, is_digit(s) ? 1 : 2);
            while (is_digit(at(lx, 0)) || (at(lx, 0) == '_' && is_digit(at(lx, 1))))
                adv(lx, 1);
        }
    }
    int c = at(lx, 0);
    if (is_ident(c))
        nxlex_fail(lx, line, col, "SyntaxError", 0,
                   "invalid character \"%c\" after number %.*s. If you intended to write a "
                   "number, make sure to separate the number from the character (using comma, "
                   "space, etc). If you meant to write a function name or a variable, note that "
                   "identifiers in Elixir cannot start with numbers. Unexpected token: %c",
                   c, (int)(lx->pos - start > 60 ? 60 : lx->pos - start),
                   (const char *)lx->s + start, c);
    int i = nxlex_tok_push(lx, is_float ? TK_FLOAT : TK_INT, start, line, col);
    nxi_token *t = &lx->toks[i];
    if (!is_float) {
        t->ival = v;
        t->big = big;
        return;
    }
    char *digits = nxi_alloc(lx->pos - start + 1);
    size_t k = 0;
    for (size_t j = start; j < lx->pos; j++)
        if (lx->s[j] != '_')
            digits[k++] = (char)lx->s[j];
    digits[k] = '\0';
    t->fval = strtod(digits, NULL);
    if (isinf(t->fval))
        nxlex_fail(lx, line, col, "SyntaxError", 0, "invalid float number %.60s", digits);
}

/* ?a, ?\n, ?é: the code point. */
void nxlex_char(lexer *lx)
{
    static const char esc_from[] = "abdefnrstv0";
    static const unsigned char esc_to[] = {7, 8, 127, 27, 12, 10, 13, 32, 9, 11, 0};
    size_t start = lx->pos;
    int line = lx->line, col = lx->col;
    uint32_t cp;
    size_t off = 1;
    if (at(lx, 1) == '\\')
        off = 2;
    if (at(lx, off) < 0)
        nxlex_fail(lx, line, col, "TokenMissingError", 1,
                   "syntax error: expression is incomplete");
    int k = nxi_utf8_decode(lx->s + lx->pos + off, lx->len - lx->pos - off, &cp);
    if (k == 0)
        k = 1, cp = lx->s[lx->pos + off];
    if (off == 2 && cp < 128) {
        const char *e = strchr(esc_from, (int)cp);
        if (e && cp)
            cp = esc_to[e - esc_from];
    }
    adv(lx, off + (size_t)k);
    int i = nxlex_tok_push(lx, TK_CHAR, start, line, col);
    lx->toks[i].ival = cp;
}

/* ---- operators ---- */

typedef struct opdef {
    const char *s;
    nxi_op_class cls;
} opdef;

static const opdef ops3[] = {
    {"===", OPC_COMP}, {"!==", OPC_COMP}, {"&&&", OPC_AND}, {"|||", OPC_OR},
    {"^^^", OPC_XOR}, {"+++", OPC_CONCAT}, {"---", OPC_CONCAT}, {"<<<", OPC_ARROW},
    {">>>", OPC_ARROW}, {"~>>", OPC_ARROW}, {"<<~", OPC_ARROW}, {"<~>", OPC_ARROW},
    {"<|>", OPC_ARROW}, {"~~~", OPC_UNARY}, {"...", OPC_ELLIPSIS},
};
static const opdef ops2[] = {
    {"//", OPC_TERNARY}, {"**", OPC_POW}, {"..", OPC_CONCAT}, {"++", OPC_CONCAT},
    {"--", OPC_CONCAT}, {"<>", OPC_CONCAT}, {"|>", OPC_ARROW}, {"~>", OPC_ARROW},
    {"<~", OPC_ARROW}, {"==", OPC_COMP}, {"=~", OPC_COMP}, {"!=", OPC_COMP},
    {"<=", OPC_REL}, {">=", OPC_REL}, {"&&", OPC_AND}, {"||", OPC_OR},
    {"<-", OPC_IN_MATCH}, {"\\\\", OPC_IN_MATCH}, {"::", OPC_TYPE}, {"->", OPC_STAB},
    {"=>", OPC_ASSOC},
};
static const opdef op_dot = {".", OPC_NONE};
static const opdef ops1[] = {
    {"&", OPC_CAPTURE}, {"@", OPC_AT}, {"!", OPC_UNARY}, {"^", OPC_UNARY}, {"<", OPC_REL},
    {">", OPC_REL}, {"+", OPC_DUAL}, {"-", OPC_DUAL}, {"*", OPC_MULT}, {"/", OPC_MULT},
    {"=", OPC_MATCH}, {"|", OPC_PIPE},
};

static const opdef *match_op(const lexer *lx, const opdef *tab, size_t n, size_t len)
{
    if (lx->pos + len > lx->len)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (memcmp(lx->s + lx->pos, tab[i].s, len) == 0)
            return &tab[i];
    return NULL;
}

/* The operator of exactly len (1 to 3) bytes at the current position, or NULL. */
static const opdef *find_op(const lexer *lx, size_t len)
{
    if (len == 3)
        return match_op(lx, ops3, sizeof ops3 / sizeof ops3[0], 3);
    if (len == 2)
        return match_op(lx, ops2, sizeof ops2 / sizeof ops2[0], 2);
    return match_op(lx, ops1, sizeof ops1 / sizeof ops1[0], 1);
}

/* An operator written as a function name, as in &+/2: followed by '/' but not '//'. */
static int op_is_name(const lexer *lx, nxi_op_class cls, const char *s)
{
    size_t p = lx->pos;
    if (cls == OPC_CAPTURE || cls == OPC_TERNARY || cls == OPC_ELLIPSIS || cls == OPC_STAB ||
        cls == OPC_PIPE || cls == OPC_ASSOC || cls == OPC_TYPE || cls == OPC_MATCH ||
        cls == OPC_IN_MATCH || cls == OPC_AT || strcmp(s, "..") == 0)
        return 0;
    while (p < lx->len && is_hspace(lx->s[p]))
        p++;
    return p < lx->len && lx->s[p] == '/' && !(p + 1 < lx->len && lx->s[p + 1] == '/');
}

static void push_op(lexer *lx, const opdef *op, size_t len)
{
    size_t start = lx->pos;
    int line = lx->line, col = lx->col;
    adv(lx, len);
    if (op_is_name(lx, op->cls, op->s)) {
        int i = nxlex_tok_push(lx, TK_IDENT, start, line, col);
        lx->toks[i].text = op->s;
        lx->toks[i].len = len;
        return;
    }
    nxlex_pull_eol(lx, TK_OP, op->cls);
    int i = nxlex_tok_push(lx, TK_OP, start, line, col);
    lx->toks[i].text = op->s;
    lx->toks[i].len = len;
    lx->toks[i].op = op->cls;
}

int nxlex_operator(lexer *lx, size_t len)
{
    const opdef *op = find_op(lx, len);
    if (!op)
        return 0;
    push_op(lx, op, len);
    return 1;
}

/* :foo, :foo?, :Foo, :"quoted", :+ ... (at the ':'; "::" was taken as an operator). */
void nxlex_atom(lexer *lx)
{
    size_t start = lx->pos;
    int line = lx->line, col = lx->col;
    int c = at(lx, 1);
    if (c == '"' || c == '\'') {
        nxlex_quoted_atom(lx);
        return;
    }
    if (is_lower(c) || is_upper(c)) {
        size_t p = 1;
        while (is_ident(at(lx, p)))
            p++;
        if ((at(lx, p) == '?' || at(lx, p) == '!') && at(lx, p + 1) != '=')
            p++;
        if (p - 1 > 255)
            nxlex_fail(lx, line, col, "SyntaxError", 0,
                       "atom length must be less than system limit: %.40s...",
                       (const char *)lx->s + start + 1);
        adv(lx, p);
        int i = nxlex_tok_push(lx, TK_ATOM, start, line, col);
        lx->toks[i].text = nxlex_text_dup(lx->s + start + 1, p - 1);
        lx->toks[i].len = p - 1;
        return;
    }
    /* Operator atoms: :+, :==, :|>, :.. */
    adv(lx, 1);
    const opdef *op = find_op(lx, 3);
    size_t len = 3;
    if (!op)
        op = find_op(lx, len = 2);
    if (!op || op->cls == OPC_TERNARY || op->cls == OPC_TYPE || op->cls == OPC_ASSOC)
        op = find_op(lx, len = 1);
    if (!op && at(lx, 0) == '.')
        op = &op_dot, len = 1;
    if (!op) {
        lx->pos = start, lx->col = col;
        nxlex_unexpected_char(lx);
    }
    adv(lx, len);
    int i = nxlex_tok_push(lx, TK_ATOM, start, line, col);
    lx->toks[i].text = op->s;
    lx->toks[i].len = len;
}

/* ---- identifiers and keywords ---- */

void nxlex_word(lexer *lx)
{
    static const struct { const char *w; nxi_tok_kind kind; nxi_op_class op; } words[] = {
        {"true", TK_ATOM, OPC_NONE}, {"false", TK_ATOM, OPC_NONE}, {"nil", TK_ATOM, OPC_NONE},
        {"fn", TK_FN, OPC_NONE}, {"do", TK_DO, OPC_NONE}, {"end", TK_END, OPC_NONE},
        {"else", TK_BLOCK_KW, OPC_NONE}, {"after", TK_BLOCK_KW, OPC_NONE},
        {"catch", TK_BLOCK_KW, OPC_NONE}, {"rescue", TK_BLOCK_KW, OPC_NONE},
        {"not", TK_OP, OPC_UNARY}, {"and", TK_OP, OPC_AND}, {"or", TK_OP, OPC_OR},
        {"when", TK_OP, OPC_WHEN}, {"in", TK_OP, OPC_IN},
    };
    size_t start = lx->pos;
    int line = lx->line, col = lx->col;
    int upper = is_upper(at(lx, 0));
    size_t p = 1;
    while (is_ident(at(lx, p)))
        p++;
    if (!upper && (at(lx, p) == '?' || at(lx, p) == '!') && at(lx, p + 1) != '=')
        p++;
    const char *name = nxlex_text_dup(lx->s + start, p);
    adv(lx, p);
    if (at(lx, 0) == ':' && at(lx, 1) != ':') {
        int c = at(lx, 1);
        if (c >= 0 && c != ' ' && c != '\t' && c != '\n' && c != '\r')
            nxlex_fail(lx, line, col, "SyntaxError", 0,
                       "keyword argument must be followed by space after: %s:", name);
        adv(lx, 1);
        int i = nxlex_tok_push(lx, TK_KW, start, line, col);
        lx->toks[i].text = name;
        lx->toks[i].len = p;
        return;
    }
    if (p > 255)
        nxlex_fail(lx, line, col, "SyntaxError", 0,
                   "atom length must be less than system limit: %.40s...", name);
    nxi_tok_kind kind = upper ? TK_ALIAS : TK_IDENT;
    nxi_op_class op = OPC_NONE;
    int after_dot = lx->n > 0 && lx->toks[lx->n - 1].kind == TK_DOT;
    if (!upper && !after_dot)
        for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
            if (strcmp(name, words[i].w) == 0) {
                kind = words[i].kind;
                op = words[i].op;
                break;
            }
    if (kind == TK_OP && op == OPC_IN && lx->n > 0) {
        nxi_token *prev = &lx->toks[lx->n - 1];
        if (prev->kind == TK_OP && strcmp(prev->text, "not") == 0) {
            /* `a not in b`: one operator */
            prev->text = "not in";
            prev->len = 6;
            prev->op = OPC_IN;
            prev->srclen = lx->pos - (size_t)(prev->src - (const char *)lx->s);
            return;
        }
    }
    if (kind == TK_OP || kind == TK_DO)
        nxlex_pull_eol(lx, kind, op);
    int i = nxlex_tok_push(lx, kind, start, line, col);
    nxi_token *t = &lx->toks[i];
    t->text = name;
    t->len = p;
    t->op = op;
    if (kind == TK_DO || kind == TK_FN)
        nxlex_open_bracket(lx, i);
    else if (kind == TK_END)
        nxlex_close_bracket(lx, i);
}
