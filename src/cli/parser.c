/* src/cli/parser.c: builds the syntax tree (ast.h) from the tokens of lexer.c, with
 * Elixir's operator precedence, calls with and without parentheses, do-blocks, anonymous
 * functions, containers and bitstrings. Recursive descent with precedence climbing;
 * nesting is bounded (MAX_DEPTH), so no input can exhaust the stack.
 *
 * Shapes worth knowing (beyond ast.h):
 * - `x |> f(a)` stays OP "|>"; `a..b//c` is OP ".." with .step; a bare `..` (as in
 *   t[..]) is 0..-1//1, as Elixir defines it; `-1` and `-1.5` are folded into literals.
 * - `not a in b` is UNARY not (OP in a b), as Elixir rewrites it.
 * - A call's do-block is a last keyword argument [do: body, else: body, ...]: a body is an
 *   AST_BLOCK, or an AST_FN holding the clauses when it is written as `pattern -> expr`
 *   (receive do ... end). `if`/`unless` become AST_IF, `case` AST_CASE, `cond` AST_COND,
 *   from do-blocks and from the keyword form (if c, do: a, else: b).
 * - "a#{x}b" is OP "<>" of the pieces (a balanced tree), each interpolated expression
 *   wrapped in CALL Kernel.to_string; an interpolated charlist is CALL String.to_charlist
 *   of that.
 * - ~s and ~c sigils are strings and charlists; other sigils are AST_SIGIL, contents raw.
 * - %Name{...} is AST_MAP with .module "Name". &name/2 has a CALL name with no
 *   arguments and .parens 0 on the left of "/", like &Mod.name/2.
 * - `ident -1` is a subtraction (Elixir decides by whether ident is a variable);
 *   `Mod.fun -1` is a call.
 * Errors: the lexer's (see lexer.h); "SyntaxError: syntax error before: X" here, or a
 * TokenMissingError "syntax error: expression is incomplete" (.incomplete) at the end of
 * input; "CompileError" for what Elixir rejects when compiling rather than parsing
 * (unknown bitstring specifiers, case/cond without -> clauses). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "cli/ast.h"
#include "cli/lexer.h"

#define MAX_DEPTH 1000      /* nesting of expressions (and length of operator chains) */
#define LOWEST 40           /* the loosest binary operator a plain expression takes (<-) */
#define UNARY_PREC 300
#define CAPTURE_PREC 91

typedef struct parser {
    const nxi_token *t;
    int n, pos;
    int depth;
    int no_do;              /* inside the arguments of a call without parentheses: a `do`
                               belongs to that call, not to the arguments */
    nxi_parse_error *err;
    jmp_buf fail;
} parser;

typedef struct vec {
    nxi_ast **v;
    int n, cap;
} vec;

/* ---- errors ---- */

static _Noreturn void perr(parser *p, const nxi_token *t, const char *kind, int incomplete,
                           const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static _Noreturn void perr(parser *p, const nxi_token *t, const char *kind, int incomplete,
                           const char *fmt, ...)
{
    nxi_parse_error *e = p->err;
    va_list ap;
    e->kind = kind;
    e->line = t->line;
    e->col = t->col;
    e->incomplete = incomplete;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    longjmp(p->fail, 1);
}

/* "syntax error before: X", with X written as Elixir writes tokens. */
static _Noreturn void unexpected(parser *p, const nxi_token *t)
{
    char d[160];
    size_t len = t->srclen;
    switch (t->kind) {
    case TK_EOF:
        perr(p, t, "TokenMissingError", 1, "syntax error: expression is incomplete");
    case TK_DO: case TK_END: case TK_BLOCK_KW:
        perr(p, t, "SyntaxError", 0, "unexpected reserved word: %s", t->text);
    case TK_EOL:
        snprintf(d, sizeof d, "%s", t->ival ? "';'" : "newline");
        break;
    case TK_STR_BEGIN:
        len = (size_t)(p->t[t->match].src + p->t[t->match].srclen - t->src);
        /* fallthrough */
    case TK_INT: case TK_FLOAT: case TK_CHAR: case TK_ATOM: case TK_STRING: case TK_CHARLIST:
    case TK_SIGIL: case TK_IDENT: case TK_ALIAS: case TK_KW: case TK_FN:
        if (len > 60)
            snprintf(d, sizeof d, "%.57s...", t->src);
        else
            snprintf(d, sizeof d, "%.*s", (int)len, t->src);
        break;
    default:
        snprintf(d, sizeof d, "'%.*s'", (int)(len > 60 ? 60 : len), t->src);
        break;
    }
    perr(p, t, "SyntaxError", 0, "syntax error before: %s", d);
}

static void enter(parser *p)
{
    if (++p->depth > MAX_DEPTH)
        perr(p, &p->t[p->pos], "SyntaxError", 0, "expression nested too deeply");
}

/* ---- tokens ---- */

static const nxi_token *peek(const parser *p)
{
    return &p->t[p->pos];
}

static const nxi_token *peek_at(const parser *p, int k)
{
    int i = p->pos + k;
    return &p->t[i < 0 ? 0 : i < p->n ? i : p->n - 1];
}

static const nxi_token *next(parser *p)
{
    const nxi_token *t = &p->t[p->pos];
    if (t->kind != TK_EOF)
        p->pos++;
    return t;
}

static int is(const parser *p, nxi_tok_kind kind)
{
    return p->t[p->pos].kind == kind;
}

static int is_op(const parser *p, nxi_op_class op)
{
    return p->t[p->pos].kind == TK_OP && p->t[p->pos].op == op;
}

static const nxi_token *expect(parser *p, nxi_tok_kind kind)
{
    if (!is(p, kind))
        unexpected(p, peek(p));
    return next(p);
}

static void skip_eol(parser *p)
{
    while (is(p, TK_EOL))
        next(p);
}

/* ---- nodes ---- */

static nxi_ast *mk(nxi_ast_kind kind, const nxi_token *t)
{
    nxi_ast *a = nxi_alloc(sizeof *a);
    memset(a, 0, sizeof *a);
    a->kind = kind;
    a->line = t->line;
    a->col = t->col;
    return a;
}

static void vpush(vec *v, nxi_ast *a)
{
    if (v->n == v->cap) {
        int cap = v->cap ? v->cap * 2 : 4;
        nxi_ast **nv = nxi_alloc((size_t)cap * sizeof *nv);
        if (v->n)
            memcpy(nv, v->v, (size_t)v->n * sizeof *nv);
        v->v = nv;
        v->cap = cap;
    }
    v->v[v->n++] = a;
}

static nxi_ast *mk_kids(nxi_ast_kind kind, const nxi_token *t, const vec *v)
{
    nxi_ast *a = mk(kind, t);
    a->kids = v->v;
    a->n = v->n;
    return a;
}

static nxi_ast *mk_atom(const nxi_token *t, const char *name)
{
    nxi_ast *a = mk(AST_ATOM, t);
    a->text = name;
    a->len = strlen(name);
    return a;
}

static nxi_ast *mk_pair(const nxi_token *t, nxi_ast *k, nxi_ast *v)
{
    vec kv = {0};
    vpush(&kv, k);
    vpush(&kv, v);
    return mk_kids(AST_TUPLE, t, &kv);
}

static nxi_ast *mk_call(const nxi_token *t, const char *module, const char *name, const vec *args,
                        int parens)
{
    nxi_ast *a = mk_kids(AST_CALL, t, args);
    a->module = module;
    a->text = name;
    a->parens = parens;
    return a;
}

static char *cat(const char *a, const char *sep, const char *b)
{
    size_t la = strlen(a), ls = strlen(sep), lb = strlen(b);
    char *s = nxi_alloc(la + ls + lb + 1);
    memcpy(s, a, la);
    memcpy(s + la, sep, ls);
    memcpy(s + la + ls, b, lb + 1);
    return s;
}

static nxi_ast *parse_expr(parser *p, int min);
static nxi_ast *parse_postfix(parser *p, nxi_ast *a);
static vec parse_stmts(parser *p, int heads);
static nxi_ast *finish_call(parser *p, nxi_ast *call, const nxi_token *t);

/* ---- literals ---- */

static nxi_ast *int_literal(parser *p, const nxi_token *t, int negate)
{
    const nxi_uint max = ~(nxi_uint)0 >> 1;
    if (t->big || t->ival > max + (negate ? 1 : 0)) {
        int len = (int)t->srclen;
        perr(p, t, "SyntaxError", 0,
             "integer %s%.*s%s is too large: nxc integers are limited to 128 bits",
             negate ? "-" : "", len > 60 ? 60 : len, t->src, len > 60 ? "..." : "");
    }
    nxi_ast *a = mk(AST_INT, t);
    if (negate)
        a->i = t->ival == 0 ? 0 : -(nxi_int)(t->ival - 1) - 1;
    else
        a->i = (nxi_int)t->ival;
    return a;
}

/* Joins pieces[lo..hi) with "<>" as a balanced tree, so that long strings stay shallow. */
static nxi_ast *concat_tree(const nxi_token *t, nxi_ast **pieces, int lo, int hi)
{
    if (hi - lo == 1)
        return pieces[lo];
    int mid = lo + (hi - lo) / 2;
    nxi_ast *a = mk(AST_OP, t);
    a->text = "<>";
    a->lhs = concat_tree(t, pieces, lo, mid);
    a->rhs = concat_tree(t, pieces, mid, hi);
    return a;
}

/* "text #{expr} text" (at TK_STR_BEGIN). */
static nxi_ast *parse_interpolated(parser *p)
{
    const nxi_token *b = next(p);
    vec pieces = {0};
    int saved = p->no_do;
    p->no_do = 0;
    for (;;) {
        const nxi_token *t = next(p);
        if (t->kind == TK_STR_END)
            break;
        if (t->kind == TK_STR_PART) {
            nxi_ast *s = mk(AST_STRING, t);
            s->text = t->text;
            s->len = t->len;
            vpush(&pieces, s);
            continue;
        }
        if (t->kind != TK_INTERP_OPEN)
            unexpected(p, t);
        vec body = parse_stmts(p, 0);
        expect(p, TK_INTERP_CLOSE);
        if (body.n == 0)
            continue;
        vec arg = {0};
        vpush(&arg, body.n == 1 ? body.v[0] : mk_kids(AST_BLOCK, t, &body));
        vpush(&pieces, mk_call(t, "Kernel", "to_string", &arg, 1));
    }
    p->no_do = saved;
    nxi_ast *s;
    if (pieces.n == 0) {
        s = mk(AST_STRING, b);
        s->text = "";
    } else {
        s = concat_tree(b, pieces.v, 0, pieces.n);
    }
    if (b->ival == NXI_STR_CHARLIST) {
        vec arg = {0};
        vpush(&arg, s);
        s = mk_call(b, "String", "to_charlist", &arg, 1);
    }
    return s;
}

/* ---- containers ---- */

/* key: value, ... (at a TK_KW), as 2-tuples appended to *v. Stops before a comma that is
 * not followed by another key. */
static void parse_kw(parser *p, vec *v)
{
    for (;;) {
        const nxi_token *k = expect(p, TK_KW);
        nxi_ast *val = parse_expr(p, LOWEST);
        vpush(v, mk_pair(k, mk_atom(k, k->text), val));
        if (!(is(p, TK_COMMA) && peek_at(p, 1)->kind == TK_KW))
            return;
        next(p);
    }
}

static nxi_ast *parse_kw_list(parser *p)
{
    vec v = {0};
    const nxi_token *t = peek(p);
    parse_kw(p, &v);
    return mk_kids(AST_LIST, t, &v);
}

static _Noreturn void kw_not_last(parser *p, const char *where)
{
    perr(p, peek(p), "SyntaxError", 0,
         "unexpected expression after keyword list. Keyword lists must always come %s",
         where);
}

/* After a keyword list inside brackets: an optional trailing comma, then `close`. */
static void end_after_kw(parser *p, nxi_tok_kind close, int trailing_comma)
{
    skip_eol(p);
    if (trailing_comma && is(p, TK_COMMA)) {
        next(p);
        skip_eol(p);
    }
    if (!is(p, close)) {
        if (peek_at(p, -1)->kind == TK_COMMA && !is(p, TK_EOF))
            kw_not_last(p, close == TK_RPAREN ? "as the last argument"
                                               : "last in lists and maps");
        unexpected(p, peek(p));
    }
    next(p);
}

/* Arguments in parentheses (after the '('). */
static vec parse_call_args(parser *p)
{
    vec args = {0};
    int saved = p->no_do;
    p->no_do = 0;
    skip_eol(p);
    if (is(p, TK_RPAREN)) {
        next(p);
        p->no_do = saved;
        return args;
    }
    for (;;) {
        skip_eol(p);
        if (is(p, TK_KW)) {
            vpush(&args, parse_kw_list(p));
            if (is(p, TK_COMMA) && peek_at(p, 1)->kind != TK_RPAREN) {
                next(p);
                kw_not_last(p, "as the last argument");
            }
            end_after_kw(p, TK_RPAREN, 0);
            break;
        }
        vpush(&args, parse_expr(p, LOWEST));
        skip_eol(p);
        if (is(p, TK_COMMA)) {
            next(p);
            continue;
        }
        expect(p, TK_RPAREN);
        break;
    }
    p->no_do = saved;
    return args;
}

/* [a, b | tail], [a, k: v] (after the '['). */
static nxi_ast *parse_list(parser *p, const nxi_token *t)
{
    vec items = {0};
    nxi_ast *tail = NULL;
    for (;;) {
        skip_eol(p);
        if (is(p, TK_RBRACKET))
            break;
        if (is(p, TK_KW)) {
            parse_kw(p, &items);
            end_after_kw(p, TK_RBRACKET, 1);
            goto done;
        }
        vpush(&items, parse_expr(p, LOWEST));
        skip_eol(p);
        if (is_op(p, OPC_PIPE)) {
            next(p);
            skip_eol(p);
            tail = parse_expr(p, LOWEST);
            skip_eol(p);
            break;
        }
        if (!is(p, TK_COMMA))
            break;
        next(p);
    }
    expect(p, TK_RBRACKET);
done:;
    nxi_ast *a = mk_kids(AST_LIST, t, &items);
    a->tail = tail;
    return a;
}

/* {a, b} (after the '{'); trailing keywords make one list element, as in Elixir. */
static nxi_ast *parse_tuple(parser *p, const nxi_token *t)
{
    vec items = {0};
    for (;;) {
        skip_eol(p);
        if (is(p, TK_RBRACE))
            break;
        if (is(p, TK_KW)) {
            vpush(&items, parse_kw_list(p));
            end_after_kw(p, TK_RBRACE, 1);
            return mk_kids(AST_TUPLE, t, &items);
        }
        vpush(&items, parse_expr(p, LOWEST));
        skip_eol(p);
        if (!is(p, TK_COMMA))
            break;
        next(p);
    }
    expect(p, TK_RBRACE);
    return mk_kids(AST_TUPLE, t, &items);
}

/* %{k => v, a: 1}, %{base | a: 1} (after the '%{' or the struct's '{'). */
static nxi_ast *parse_map(parser *p, const nxi_token *t, const char *module)
{
    vec pairs = {0};
    nxi_ast *base = NULL;
    for (;;) {
        skip_eol(p);
        if (is(p, TK_RBRACE))
            break;
        if (is(p, TK_KW)) {
            parse_kw(p, &pairs);
            end_after_kw(p, TK_RBRACE, 1);
            goto done;
        }
        nxi_ast *k = parse_expr(p, LOWEST);
        skip_eol(p);
        if (!base && pairs.n == 0 && is_op(p, OPC_PIPE)) {
            base = k;
            next(p);
            continue;
        }
        if (!is_op(p, OPC_ASSOC))
            unexpected(p, peek(p));
        const nxi_token *arrow = next(p);
        skip_eol(p);
        vpush(&pairs, mk_pair(arrow, k, parse_expr(p, LOWEST)));
        skip_eol(p);
        if (!is(p, TK_COMMA))
            break;
        next(p);
    }
    if (base && pairs.n == 0)
        unexpected(p, peek(p));
    expect(p, TK_RBRACE);
done:;
    nxi_ast *a = mk_kids(AST_MAP, t, &pairs);
    a->base = base;
    a->module = module;
    return a;
}

/* %Name{...} (after the '%'). */
static nxi_ast *parse_struct(parser *p, const nxi_token *t)
{
    const char *name = expect(p, TK_ALIAS)->text;
    while (is(p, TK_DOT) && peek_at(p, 1)->kind == TK_ALIAS) {
        next(p);
        name = cat(name, ".", next(p)->text);
    }
    expect(p, TK_LBRACE);
    return parse_map(p, t, name);
}

/* ---- bitstrings ---- */

static int spec_name(const nxi_ast *e, const char **name)
{
    if (e->kind == AST_VAR || (e->kind == AST_CALL && !e->module && !e->lhs && e->n == 0)) {
        *name = e->text;
        return 1;
    }
    return 0;
}

static _Noreturn void bad_spec(parser *p, const nxi_token *t, const nxi_ast *e)
{
    const char *name = "";
    spec_name(e, &name);
    if (*name)
        perr(p, t, "CompileError", 0, "unknown bitstring specifier: %s", name);
    perr(p, t, "CompileError", 0, "unknown bitstring specifier (at line %d, column %d)",
         e->line, e->col);
}

/* Applies one type specification (a-b-c) to a segment. */
static void apply_spec(parser *p, const nxi_token *t, nxi_segment *s, nxi_ast *e)
{
    static const char *const types[] = {"integer", "float", "binary", "bytes", "bits",
                                        "bitstring", "utf8", "utf16", "utf32"};
    const char *name;
    if (e->kind == AST_OP && strcmp(e->text, "-") == 0) {
        apply_spec(p, t, s, e->lhs);
        apply_spec(p, t, s, e->rhs);
        return;
    }
    if (e->kind == AST_INT) {
        s->size = e;
        return;
    }
    if (e->kind == AST_OP && strcmp(e->text, "*") == 0 && e->rhs->kind == AST_INT) {
        s->size = e->lhs;
        s->unit = (int)(e->rhs->i > 256 || e->rhs->i < 1 ? 0 : e->rhs->i);
        if (!s->unit)
            perr(p, t, "CompileError", 0, "unit in bitstring must be an integer between 1 and 256");
        return;
    }
    if (e->kind == AST_CALL && !e->module && !e->lhs && e->n == 1 &&
        (strcmp(e->text, "size") == 0 || strcmp(e->text, "unit") == 0)) {
        if (e->text[0] == 's') {
            s->size = e->kids[0];
            return;
        }
        if (e->kids[0]->kind != AST_INT || e->kids[0]->i < 1 || e->kids[0]->i > 256)
            perr(p, t, "CompileError", 0, "unit in bitstring must be an integer between 1 and 256");
        s->unit = (int)e->kids[0]->i;
        return;
    }
    if (!spec_name(e, &name))
        bad_spec(p, t, e);
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(name, types[i]) == 0) {
            s->type = types[i];
            return;
        }
    if (strcmp(name, "signed") == 0 || strcmp(name, "unsigned") == 0)
        s->is_signed = name[0] == 's';
    else if (strcmp(name, "big") == 0)
        s->endian = 0;
    else if (strcmp(name, "little") == 0)
        s->endian = 1;
    else if (strcmp(name, "native") == 0)
        s->endian = 2;
    else
        bad_spec(p, t, e);
}

/* A string literal, interpolated or not (a binary by default inside <<>>). */
static int is_string_expr(const nxi_ast *e)
{
    return e->kind == AST_STRING || (e->kind == AST_OP && strcmp(e->text, "<>") == 0) ||
           (e->kind == AST_CALL && e->module && strcmp(e->module, "Kernel") == 0 &&
            strcmp(e->text, "to_string") == 0);
}

/* <<1, x::size(8), "abc", 1.0::float-little-32>> (after the '<<'). */
static nxi_ast *parse_bits(parser *p, const nxi_token *t)
{
    nxi_segment *segs = NULL;
    int n = 0, cap = 0;
    for (;;) {
        skip_eol(p);
        if (is(p, TK_BITS_CLOSE))
            break;
        if (n == cap) {
            cap = cap ? cap * 2 : 4;
            nxi_segment *ns = nxi_alloc((size_t)cap * sizeof *ns);
            if (n)
                memcpy(ns, segs, (size_t)n * sizeof *ns);
            segs = ns;
        }
        nxi_segment *s = &segs[n++];
        memset(s, 0, sizeof *s);
        s->value = parse_expr(p, LOWEST);
        if (is_op(p, OPC_TYPE)) {
            const nxi_token *c = next(p);
            apply_spec(p, c, s, parse_expr(p, LOWEST));
        }
        if (!s->type)
            s->type = is_string_expr(s->value) ? "binary"
                      : s->value->kind == AST_FLOAT ? "float" : "integer";
        skip_eol(p);
        if (!is(p, TK_COMMA))
            break;
        next(p);
    }
    expect(p, TK_BITS_CLOSE);
    nxi_ast *a = mk(AST_BITSTRING, t);
    a->segs = segs;
    a->n = n;
    return a;
}

/* ---- clauses, blocks and do-blocks ---- */

/* Whether the tokens from i on, up to the end of the expression, hold a `->` at the top:
 * the start of a clause `pattern -> body`. Brackets are stepped over through .match. */
static int clause_ahead(const parser *p, int i)
{
    for (;;) {
        const nxi_token *t = &p->t[i];
        switch (t->kind) {
        case TK_OP:
            if (t->op == OPC_STAB)
                return 1;
            i++;
            break;
        case TK_EOL: case TK_EOF: case TK_END: case TK_BLOCK_KW: case TK_RPAREN:
        case TK_RBRACKET: case TK_RBRACE: case TK_BITS_CLOSE: case TK_INTERP_CLOSE:
        case TK_STR_END:
            return 0;
        case TK_LPAREN: case TK_LBRACKET: case TK_LBRACE: case TK_MAP_OPEN: case TK_BITS_OPEN:
        case TK_DO: case TK_FN: case TK_STR_BEGIN: case TK_INTERP_OPEN:
            if (t->match <= i)
                return 0;
            i = t->match + 1;
            break;
        default:
            i++;
            break;
        }
    }
}

/* Whether a token ends a block (what follows belongs to an enclosing construct). */
static int ends_block(const nxi_token *t)
{
    switch (t->kind) {
    case TK_EOF: case TK_END: case TK_BLOCK_KW: case TK_RPAREN: case TK_INTERP_CLOSE:
        return 1;
    default:
        return 0;
    }
}

/* Expressions separated by line breaks or ';', up to a token that ends the block; with
 * `heads`, also up to the start of the next clause (from the second expression on). */
static vec parse_stmts(parser *p, int heads)
{
    vec v = {0};
    for (;;) {
        skip_eol(p);
        if (ends_block(peek(p)) || (heads && v.n > 0 && clause_ahead(p, p->pos)))
            break;
        vpush(&v, parse_expr(p, LOWEST));
        if (is(p, TK_EOL))
            continue;
        if (!ends_block(peek(p)))
            unexpected(p, peek(p));
    }
    return v;
}

/* pattern, pattern when guard -> body ... up to `end` (or a block keyword). */
static void parse_clauses(parser *p, nxi_clause **out, int *nout)
{
    nxi_clause *cl = NULL;
    int n = 0, cap = 0;
    skip_eol(p);
    while (!ends_block(peek(p))) {
        vec params = {0};
        nxi_ast *guard = NULL;
        const nxi_token *t = peek(p);
        if (t->kind == TK_LPAREN && t->match > p->pos && t->match + 1 < p->n &&
            p->t[t->match + 1].kind == TK_OP &&
            (p->t[t->match + 1].op == OPC_STAB || p->t[t->match + 1].op == OPC_WHEN)) {
            /* (a, b) -> ... */
            next(p);
            skip_eol(p);
            while (!is(p, TK_RPAREN)) {
                vpush(&params, parse_expr(p, LOWEST));
                skip_eol(p);
                if (!is(p, TK_COMMA))
                    break;
                next(p);
                skip_eol(p);
            }
            expect(p, TK_RPAREN);
            if (is_op(p, OPC_WHEN)) {
                next(p);
                guard = parse_expr(p, LOWEST);
            }
        } else if (!is_op(p, OPC_STAB)) {
            for (;;) {
                vpush(&params, parse_expr(p, LOWEST));
                if (!is(p, TK_COMMA))
                    break;
                next(p);
            }
            nxi_ast *last = params.v[params.n - 1];
            if (last->kind == AST_OP && strcmp(last->text, "when") == 0) {
                params.v[params.n - 1] = last->lhs;
                guard = last->rhs;
            }
        }
        if (!is_op(p, OPC_STAB))
            unexpected(p, peek(p));
        next(p);
        vec body = parse_stmts(p, 1);
        if (n == cap) {
            cap = cap ? cap * 2 : 4;
            nxi_clause *nc = nxi_alloc((size_t)cap * sizeof *nc);
            if (n)
                memcpy(nc, cl, (size_t)n * sizeof *nc);
            cl = nc;
        }
        cl[n].params = params.v;
        cl[n].nparams = params.n;
        cl[n].guard = guard;
        cl[n].body = mk_kids(AST_BLOCK, t, &body);
        n++;
    }
    *out = cl;
    *nout = n;
}

/* fn clauses end (after the `fn`). */
static nxi_ast *parse_fn(parser *p, const nxi_token *t)
{
    nxi_ast *a = mk(AST_FN, t);
    int saved = p->no_do;
    p->no_do = 0;
    parse_clauses(p, &a->clauses, &a->n);
    if (a->n == 0)
        unexpected(p, peek(p));
    expect(p, TK_END);
    p->no_do = saved;
    return a;
}

/* The body of do/else...: clauses (an AST_FN) or expressions (an AST_BLOCK). */
static nxi_ast *parse_do_body(parser *p, const nxi_token *t)
{
    skip_eol(p);
    if (clause_ahead(p, p->pos)) {
        nxi_ast *a = mk(AST_FN, t);
        parse_clauses(p, &a->clauses, &a->n);
        return a;
    }
    vec body = parse_stmts(p, 0);
    return mk_kids(AST_BLOCK, t, &body);
}

/* do ... else ... end: the keyword list [do: ..., else: ...] (at the `do`). */
static nxi_ast *parse_do_block(parser *p)
{
    const nxi_token *t = next(p);
    vec kw = {0};
    int saved = p->no_do;
    p->no_do = 0;
    vpush(&kw, mk_pair(t, mk_atom(t, "do"), parse_do_body(p, t)));
    while (is(p, TK_BLOCK_KW)) {
        const nxi_token *k = next(p);
        vpush(&kw, mk_pair(k, mk_atom(k, k->text), parse_do_body(p, k)));
    }
    expect(p, TK_END);
    p->no_do = saved;
    return mk_kids(AST_LIST, t, &kw);
}

/* ---- calls ---- */

/* Whether t can begin the first argument of a call without parentheses (`IO.puts "x"`). */
static int starts_arg(const nxi_token *t)
{
    if (!t->space)
        return 0;
    switch (t->kind) {
    case TK_INT: case TK_FLOAT: case TK_CHAR: case TK_CAPTURE_INT: case TK_ATOM: case TK_STRING:
    case TK_CHARLIST: case TK_STR_BEGIN: case TK_SIGIL: case TK_IDENT: case TK_ALIAS: case TK_KW:
    case TK_LPAREN: case TK_LBRACKET: case TK_LBRACE: case TK_MAP_OPEN: case TK_PERCENT:
    case TK_BITS_OPEN: case TK_FN:
        return 1;
    case TK_OP:
        return t->op == OPC_UNARY || t->op == OPC_AT || t->op == OPC_CAPTURE;
    default:
        return 0;
    }
}

/* Arguments of a call without parentheses, to the end of the expression. */
static vec parse_noparen_args(parser *p)
{
    vec args = {0};
    p->no_do++;
    for (;;) {
        if (is(p, TK_KW)) {
            vpush(&args, parse_kw_list(p));
            if (is(p, TK_COMMA)) {
                next(p);
                kw_not_last(p, "as the last argument");
            }
            break;
        }
        vpush(&args, parse_expr(p, LOWEST));
        if (!is(p, TK_COMMA))
            break;
        next(p);
    }
    p->no_do--;
    return args;
}

/* Arguments after a function name: (...), none, or without parentheses; then a do-block
 * unless it belongs to an enclosing call. */
static nxi_ast *call_rest(parser *p, const nxi_token *t, const char *module, nxi_ast *lhs,
                          const char *name, int noparen_ok)
{
    vec args = {0};
    int parens = 0;
    const nxi_token *nt = peek(p);
    if (nt->kind == TK_LPAREN && !nt->space) {
        next(p);
        args = parse_call_args(p);
        parens = 1;
    } else if (noparen_ok && (starts_arg(nt) || (module && nt->kind == TK_OP && nt->space &&
                                                  nt->op == OPC_DUAL && !peek_at(p, 1)->space))) {
        /* IO.puts -1 is a call (a remote name is never a variable); x -1 stays x - 1 */
        args = parse_noparen_args(p);
    }
    if (is(p, TK_DO) && !p->no_do)
        vpush(&args, parse_do_block(p));
    nxi_ast *a = mk_call(t, module, name, &args, parens);
    a->lhs = lhs;
    return finish_call(p, a, t);
}

/* The value of `key` in a keyword list node, or NULL; *ok cleared if other keys appear. */
static nxi_ast *kw_get(const nxi_ast *kw, const char *key, const char *k2, int *ok)
{
    nxi_ast *v = NULL;
    if (kw->kind != AST_LIST || kw->tail) {
        *ok = 0;
        return NULL;
    }
    for (int i = 0; i < kw->n; i++) {
        const nxi_ast *e = kw->kids[i];
        if (e->kind != AST_TUPLE || e->n != 2 || e->kids[0]->kind != AST_ATOM) {
            *ok = 0;
            continue;
        }
        const char *k = e->kids[0]->text;
        if (strcmp(k, key) == 0)
            v = v ? (*ok = 0, v) : e->kids[1];
        else if (!k2 || strcmp(k, k2) != 0)
            *ok = 0;
    }
    return v;
}

/* case/cond clause lists take exactly one pattern or condition each. */
static void check_clauses(parser *p, const nxi_token *t, const nxi_ast *fn, const char *what)
{
    for (int i = 0; i < fn->n; i++)
        if (fn->clauses[i].nparams != 1)
            perr(p, t, "CompileError", 0,
                 "expected one argument for :do clauses (->) in \"%s\"", what);
}

/* if/unless/case/cond calls become their own nodes. */
static nxi_ast *finish_call(parser *p, nxi_ast *call, const nxi_token *t)
{
    const char *name = call->text;
    int ok = 1;
    if (call->module || call->lhs)
        return call;
    if ((strcmp(name, "if") == 0 || strcmp(name, "unless") == 0) && call->n == 2) {
        nxi_ast *kw = call->kids[1];
        nxi_ast *body = kw_get(kw, "do", "else", &ok);
        if (!ok || !body)
            return call;
        nxi_ast *a = mk(AST_IF, t);
        a->text = name[0] == 'i' ? "if" : "unless";
        a->lhs = call->kids[0];
        a->rhs = body;
        a->step = kw_get(kw, "else", "do", &ok);
        return a;
    }
    if (strcmp(name, "case") == 0 || strcmp(name, "cond") == 0) {
        int is_case = name[1] == 'a';
        nxi_ast *body = call->n == (is_case ? 2 : 1) ? kw_get(call->kids[call->n - 1], "do",
                                                              NULL, &ok)
                                                     : NULL;
        if (!ok || !body || body->kind != AST_FN)
            perr(p, t, "CompileError", 0, "expected -> clauses for :do in \"%s\"", name);
        check_clauses(p, t, body, name);
        nxi_ast *a = mk(is_case ? AST_CASE : AST_COND, t);
        a->lhs = is_case ? call->kids[0] : NULL;
        a->clauses = body->clauses;
        a->n = body->n;
        return a;
    }
    return call;
}

/* An identifier: a variable, or a local call with or without parentheses. */
static nxi_ast *parse_ident(parser *p, const nxi_token *t)
{
    const nxi_token *nt = peek(p);
    if ((nt->kind == TK_LPAREN && !nt->space) || (nt->kind == TK_DO && !p->no_do) ||
        starts_arg(nt))
        return call_rest(p, t, NULL, NULL, t->text, 1);
    nxi_ast *a = mk(AST_VAR, t);
    a->text = t->text;
    a->len = t->len;
    return a;
}

/* After `lhs.`: Mod.fun(...), Mod.fun args, :erlang.fun(...), map.field, expr.fun(...). */
static nxi_ast *parse_remote(parser *p, nxi_ast *lhs, const nxi_token *name)
{
    const char *module = NULL;
    if (lhs->kind == AST_ALIAS)
        module = lhs->text;
    else if (lhs->kind == AST_ATOM)
        module = cat(":", "", lhs->text);
    const nxi_token *nt = peek(p);
    if (module)
        return call_rest(p, name, module, NULL, name->text, 1);
    if (nt->kind == TK_LPAREN && !nt->space)
        return call_rest(p, name, NULL, lhs, name->text, 0);
    nxi_ast *a = mk(AST_DOT, name);
    a->lhs = lhs;
    a->text = name->text;
    return a;
}

/* ---- expressions ---- */

/* ( expr ) or ( a; b ) (after the '('). */
static nxi_ast *parse_parens(parser *p, const nxi_token *t)
{
    int saved = p->no_do;
    p->no_do = 0;
    vec body = parse_stmts(p, 0);
    expect(p, TK_RPAREN);
    p->no_do = saved;
    return body.n == 1 ? body.v[0] : mk_kids(AST_BLOCK, t, &body);
}

static nxi_ast *parse_primary(parser *p)
{
    const nxi_token *t = next(p);
    nxi_ast *a;
    switch (t->kind) {
    case TK_INT:
        return int_literal(p, t, 0);
    case TK_FLOAT:
        a = mk(AST_FLOAT, t);
        a->f = t->fval;
        return a;
    case TK_CHAR:
        a = mk(AST_INT, t);
        a->i = (nxi_int)t->ival;
        return a;
    case TK_CAPTURE_INT: {
        const nxi_token *nt = expect(p, TK_INT);
        if (nt->big || nt->ival > 255)
            perr(p, nt, "CompileError", 0, "capture argument &%.*s is too large",
                 (int)(nt->srclen > 40 ? 40 : nt->srclen), nt->src);
        a = mk(AST_CAPTURE_ARG, t);
        a->i = (nxi_int)nt->ival;
        return a;
    }
    case TK_ATOM:
        a = mk_atom(t, t->text);
        a->len = t->len;
        return a;
    case TK_STRING: case TK_CHARLIST:
        a = mk(t->kind == TK_STRING ? AST_STRING : AST_CHARLIST, t);
        a->text = t->text;
        a->len = t->len;
        return a;
    case TK_STR_BEGIN:
        p->pos--;
        return parse_interpolated(p);
    case TK_SIGIL:
        a = mk(AST_SIGIL, t);
        a->text = t->text;
        a->module = t->raw;
        a->len = t->rawlen;
        a->modifiers = t->mods;
        return a;
    case TK_IDENT:
        return parse_ident(p, t);
    case TK_ALIAS:
        a = mk(AST_ALIAS, t);
        a->text = t->text;
        a->len = t->len;
        return a;
    case TK_LPAREN:
        return parse_parens(p, t);
    case TK_LBRACKET:
        return parse_list(p, t);
    case TK_LBRACE:
        return parse_tuple(p, t);
    case TK_MAP_OPEN:
        return parse_map(p, t, NULL);
    case TK_PERCENT:
        return parse_struct(p, t);
    case TK_BITS_OPEN:
        return parse_bits(p, t);
    case TK_FN:
        return parse_fn(p, t);
    default:
        unexpected(p, t);
    }
}

/* .field, .fun(...), .(...), [index] after an expression. */
static nxi_ast *parse_postfix(parser *p, nxi_ast *a)
{
    int wraps = 0;
    for (;;) {
        const nxi_token *t = peek(p);
        if (t->kind == TK_DOT) {
            const nxi_token *nt = peek_at(p, 1);
            if (nt->kind == TK_LPAREN && !nt->space) {
                next(p);
                next(p);
                vec args = parse_call_args(p);
                nxi_ast *c = mk_kids(AST_ANON_CALL, t, &args);
                c->lhs = a;
                a = c;
            } else if (nt->kind == TK_ALIAS && a->kind == AST_ALIAS) {
                next(p);
                next(p);
                nxi_ast *c = mk(AST_ALIAS, nt);
                c->line = a->line;
                c->col = a->col;
                c->text = cat(a->text, ".", nt->text);
                c->len = strlen(c->text);
                a = c;
                continue;
            } else if (nt->kind == TK_IDENT) {
                next(p);
                next(p);
                a = parse_remote(p, a, nt);
            } else {
                next(p);
                unexpected(p, nt);
            }
        } else if (t->kind == TK_LBRACKET && !t->space) {
            next(p);
            int saved = p->no_do;
            p->no_do = 0;
            skip_eol(p);
            nxi_ast *c = mk(AST_ACCESS, t);
            c->lhs = a;
            c->rhs = is(p, TK_KW) ? parse_kw_list(p) : parse_expr(p, LOWEST);
            skip_eol(p);
            expect(p, TK_RBRACKET);
            p->no_do = saved;
            a = c;
        } else {
            break;
        }
        wraps++;
        enter(p);
    }
    p->depth -= wraps;
    return a;
}

/* Prefix operators, or a primary expression with its postfix operations. */
static nxi_ast *parse_unary(parser *p)
{
    const nxi_token *t = peek(p);
    nxi_ast *a;
    if (t->kind != TK_OP)
        return parse_postfix(p, parse_primary(p));
    switch (t->op) {
    case OPC_DUAL: case OPC_UNARY: {
        next(p);
        const nxi_token *nt = peek(p);
        if (t->text[0] == '-' && (nt->kind == TK_INT || nt->kind == TK_FLOAT)) {
            /* -1 is a literal (which lets -2**127 fit) */
            next(p);
            if (nt->kind == TK_INT)
                a = int_literal(p, nt, 1);
            else
                a = mk(AST_FLOAT, nt), a->f = -nt->fval;
            a->line = t->line, a->col = t->col;
            return parse_postfix(p, a);
        }
        a = mk(AST_UNARY, t);
        a->text = t->text;
        a->lhs = parse_expr(p, UNARY_PREC);
        return a;
    }
    case OPC_AT:
        next(p);
        a = mk(AST_UNARY, t);
        a->text = "@";
        a->lhs = parse_primary(p);
        return parse_postfix(p, a);
    case OPC_CAPTURE: {
        next(p);
        a = mk(AST_CAPTURE, t);
        nxi_ast *e = parse_expr(p, CAPTURE_PREC);
        if (e->kind == AST_OP && strcmp(e->text, "/") == 0 && e->lhs->kind == AST_VAR &&
            e->rhs->kind == AST_INT) {
            /* &name/2: a local function */
            vec none = {0};
            const nxi_token at = {.line = e->lhs->line, .col = e->lhs->col};
            e->lhs = mk_call(&at, NULL, e->lhs->text, &none, 0);
        }
        a->lhs = e;
        return a;
    }
    case OPC_CONCAT:
        if (strcmp(t->text, "..") == 0) {
            const nxi_token *nt = peek_at(p, 1);
            if (starts_arg(nt) || (nt->kind == TK_OP && nt->op == OPC_DUAL && !nt->space))
                unexpected(p, t);
            /* Elixir's `..` is 0..-1//1 */
            next(p);
            a = mk(AST_OP, t);
            a->text = "..";
            a->lhs = mk(AST_INT, t);
            a->rhs = mk(AST_INT, t);
            a->rhs->i = -1;
            a->step = mk(AST_INT, t);
            a->step->i = 1;
            return a;
        }
        unexpected(p, t);
    default:
        unexpected(p, t);
    }
}

static int binary_prec(const nxi_token *t, int *right)
{
    *right = 0;
    if (t->kind != TK_OP)
        return -1;
    switch (t->op) {
    case OPC_IN_MATCH: return 40;
    case OPC_WHEN: *right = 1; return 50;
    case OPC_MATCH: *right = 1; return 100;
    case OPC_OR: return 120;
    case OPC_AND: return 130;
    case OPC_COMP: return 140;
    case OPC_REL: return 150;
    case OPC_ARROW: return 160;
    case OPC_IN: return 170;
    case OPC_XOR: return 180;
    case OPC_TERNARY: *right = 1; return 190;
    case OPC_CONCAT: *right = 1; return 200;
    case OPC_DUAL: return 210;
    case OPC_MULT: return 220;
    case OPC_POW: return 230;
    default: return -1;     /* | => :: -> and prefix operators belong to other rules */
    }
}

static nxi_ast *build_binary(parser *p, const nxi_token *op, nxi_ast *l, nxi_ast *r)
{
    nxi_ast *a;
    if (op->op == OPC_MATCH) {
        a = mk(AST_MATCH, op);
        a->lhs = l;
        a->rhs = r;
        return a;
    }
    if (op->op == OPC_TERNARY) {
        if (l->kind != AST_OP || strcmp(l->text, "..") != 0 || l->step)
            perr(p, op, "SyntaxError", 0,
                 "the range step operator (//) must immediately follow the range definition "
                 "operator (..), for example: 1..9//2");
        l->step = r;
        return l;
    }
    if (op->op == OPC_IN && l->kind == AST_UNARY &&
        (strcmp(l->text, "not") == 0 || strcmp(l->text, "!") == 0)) {
        /* not a in b is not(a in b) */
        a = mk(AST_OP, op);
        a->text = op->text;
        a->lhs = l->lhs;
        a->rhs = r;
        l->lhs = a;
        return l;
    }
    a = mk(AST_OP, op);
    a->text = op->text;
    a->lhs = l;
    a->rhs = r;
    return a;
}

/* Precedence climbing: binary operators binding at least as tight as `min`. */
static nxi_ast *parse_expr(parser *p, int min)
{
    int wraps = 0, right;
    enter(p);
    nxi_ast *lhs = parse_unary(p);
    for (;;) {
        const nxi_token *op = peek(p);
        int prec = binary_prec(op, &right);
        if (prec < min)
            break;
        next(p);
        nxi_ast *rhs = parse_expr(p, right ? prec : prec + 1);
        lhs = build_binary(p, op, lhs, rhs);
        wraps++;
        enter(p);      /* a long chain is a deep tree: count it as nesting */
    }
    p->depth -= wraps + 1;
    return lhs;
}

nxi_ast *nxi_parse(const char *src, size_t len, nxi_parse_error *err)
{
    nxi_parse_error dummy;
    parser p;
    nxi_token *toks;
    int n;
    if (!err)
        err = &dummy;
    memset(err, 0, sizeof *err);
    if (nxi_lex(src, len, &toks, &n, err) < 0)
        return NULL;
    memset(&p, 0, sizeof p);
    p.t = toks;
    p.n = n;
    p.err = err;
    if (setjmp(p.fail))
        return NULL;
    vec body = parse_stmts(&p, 0);
    if (!is(&p, TK_EOF))
        unexpected(&p, peek(&p));
    return mk_kids(AST_BLOCK, &toks[0], &body);
}
