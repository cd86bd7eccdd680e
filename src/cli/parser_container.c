/* src/cli/parser_container.c: the parser's bracketed data: lists [a | t], tuples, maps
 * %{k => v} and %{m | k: v}, structs %Name{...}, keyword lists (and Elixir's rule that they
 * come last), call arguments in parentheses, and bitstrings <<x::type-size(n)-unit(u)>>
 * with their specifiers checked as Elixir's compiler checks them. */
#include "cli/parser_internal.h"

#include <string.h>

/* ---- containers ---- */

/* key: value, ... (at a TK_KW), as 2-tuples appended to *v. Stops before a comma that is
 * not followed by another key. */
static void parse_kw(parser *p, vec *v)
{
    for (;;) {
        const nxi_token *k = expect(p, TK_KW);
        nxi_ast *val = nxparse_expr(p, LOWEST);
        vpush(v, mk_pair(k, mk_atom(k, k->text), val));
        if (!(is(p, TK_COMMA) && peek_at(p, 1)->kind == TK_KW))
            return;
        next(p);
    }
}

nxi_ast *nxparse_kw_list(parser *p)
{
    vec v = {0};
    const nxi_token *t = peek(p);
    parse_kw(p, &v);
    return mk_kids(AST_LIST, t, &v);
}

_Noreturn void nxparse_kw_not_last(parser *p, const char *where)
{
    nxparse_fail(p, peek(p), "SyntaxError", 0,
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
            nxparse_kw_not_last(p, close == TK_RPAREN ? "as the last argument"
                                                      : "last in lists and maps");
        nxparse_unexpected(p, peek(p));
    }
    next(p);
}

/* Arguments in parentheses (after the '('). */
vec nxparse_call_args(parser *p)
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
            vpush(&args, nxparse_kw_list(p));
            if (is(p, TK_COMMA) && peek_at(p, 1)->kind != TK_RPAREN) {
                next(p);
                nxparse_kw_not_last(p, "as the last argument");
            }
            end_after_kw(p, TK_RPAREN, 0);
            break;
        }
        vpush(&args, nxparse_expr(p, LOWEST));
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
nxi_ast *nxparse_list(parser *p, const nxi_token *t)
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
        vpush(&items, nxparse_expr(p, LOWEST));
        skip_eol(p);
        if (is_op(p, OPC_PIPE)) {
            next(p);
            skip_eol(p);
            tail = nxparse_expr(p, LOWEST);
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
nxi_ast *nxparse_tuple(parser *p, const nxi_token *t)
{
    vec items = {0};
    for (;;) {
        skip_eol(p);
        if (is(p, TK_RBRACE))
            break;
        if (is(p, TK_KW)) {
            vpush(&items, nxparse_kw_list(p));
            end_after_kw(p, TK_RBRACE, 1);
            return mk_kids(AST_TUPLE, t, &items);
        }
        vpush(&items, nxparse_expr(p, LOWEST));
        skip_eol(p);
        if (!is(p, TK_COMMA))
            break;
        next(p);
    }
    expect(p, TK_RBRACE);
    return mk_kids(AST_TUPLE, t, &items);
}

/* %{k => v, a: 1}, %{base | a: 1} (after the '%{' or the struct's '{'). */
nxi_ast *nxparse_map(parser *p, const nxi_token *t, const char *module)
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
        nxi_ast *k = nxparse_expr(p, LOWEST);
        skip_eol(p);
        if (!base && pairs.n == 0 && is_op(p, OPC_PIPE)) {
            base = k;
            next(p);
            continue;
        }
        if (!is_op(p, OPC_ASSOC))
            nxparse_unexpected(p, peek(p));
        const nxi_token *arrow = next(p);
        skip_eol(p);
        vpush(&pairs, mk_pair(arrow, k, nxparse_expr(p, LOWEST)));
        skip_eol(p);
        if (!is(p, TK_COMMA))
            break;
        next(p);
    }
    if (base && pairs.n == 0)
        nxparse_unexpected(p, peek(p));
    expect(p, TK_RBRACE);
done:;
    nxi_ast *a = mk_kids(AST_MAP, t, &pairs);
    a->base = base;
    a->module = module;
    return a;
}

/* %Name{...} (after the '%'). */
nxi_ast *nxparse_struct(parser *p, const nxi_token *t)
{
    const char *name = expect(p, TK_ALIAS)->text;
    while (is(p, TK_DOT) && peek_at(p, 1)->kind == TK_ALIAS) {
        next(p);
        name = cat(name, ".", next(p)->text);
    }
    expect(p, TK_LBRACE);
    return nxparse_map(p, t, name);
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
        nxparse_fail(p, t, "CompileError", 0, "unknown bitstring specifier: %s", name);
    nxparse_fail(p, t, "CompileError", 0, "unknown bitstring specifier (at line %d, column %d)",
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
            nxparse_fail(p, t, "CompileError", 0,
                         "unit in bitstring must be an integer between 1 and 256");
        return;
    }
    if (e->kind == AST_CALL && !e->module && !e->lhs && e->n == 1 &&
        (strcmp(e->text, "size") == 0 || strcmp(e->text, "unit") == 0)) {
        if (e->text[0] == 's') {
            s->size = e->kids[0];
            return;
        }
        if (e->kids[0]->kind != AST_INT || e->kids[0]->i < 1 || e->kids[0]->i > 256)
            nxparse_fail(p, t, "CompileError", 0,
                         "unit in bitstring must be an integer between 1 and 256");
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
nxi_ast *nxparse_bits(parser *p, const nxi_token *t)
{
    nxi_segment *segs = NULL;
    int n = 0, cap = 0;
    for (;;) {
        skip_eol(p);
        if (is(p, TK_BITS_CLOSE))
            break;
        segs = room_for_one(segs, n, &cap, sizeof *segs);
        nxi_segment *s = &segs[n++];
        memset(s, 0, sizeof *s);
        s->value = nxparse_expr(p, LOWEST);
        if (is_op(p, OPC_TYPE)) {
            const nxi_token *c = next(p);
            apply_spec(p, c, s, nxparse_expr(p, LOWEST));
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
