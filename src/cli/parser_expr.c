/* src/cli/parser_expr.c: the parser's expressions: precedence climbing over binary
 * operators (Elixir's table, with = and when binding right), prefix operators (- + ! not ^
 * @ & and a bare ..), primaries (literals, interpolated strings, variables and calls,
 * brackets, fn) and what may follow them (.field, .fun(...), .(...), [index]). Folds -1
 * into a literal and rewrites `not a in b` and a..b//c, as Elixir does. */
#include "cli/parser_internal.h"

#include <string.h>

#define UNARY_PREC 300
#define CAPTURE_PREC 91

/* ---- literals ---- */

static nxi_ast *int_literal(parser *p, const nxi_token *t, int negate)
{
    const nxi_uint max = ~(nxi_uint)0 >> 1;
    if (t->big || t->ival > max + (negate ? 1 : 0)) {
        int len = (int)t->srclen;
        nxparse_fail(p, t, "SyntaxError", 0,
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
            nxparse_unexpected(p, t);
        vec body = nxparse_stmts(p, 0);
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

/* ---- expressions ---- */

/* ( expr ) or ( a; b ) (after the '('). */
static nxi_ast *parse_parens(parser *p, const nxi_token *t)
{
    int saved = p->no_do;
    p->no_do = 0;
    vec body = nxparse_stmts(p, 0);
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
            nxparse_fail(p, nt, "CompileError", 0, "capture argument &%.*s is too large",
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
        return nxparse_ident(p, t);
    case TK_ALIAS:
        a = mk(AST_ALIAS, t);
        a->text = t->text;
        a->len = t->len;
        return a;
    case TK_LPAREN:
        return parse_parens(p, t);
    case TK_LBRACKET:
        return nxparse_list(p, t);
    case TK_LBRACE:
        return nxparse_tuple(p, t);
    case TK_MAP_OPEN:
        return nxparse_map(p, t, NULL);
    case TK_PERCENT:
        return nxparse_struct(p, t);
    case TK_BITS_OPEN:
        return nxparse_bits(p, t);
    case TK_FN:
        return nxparse_fn(p, t);
    default:
        nxparse_unexpected(p, t);
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
                vec args = nxparse_call_args(p);
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
                a = nxparse_remote(p, a, nt);
            } else {
                next(p);
                nxparse_unexpected(p, nt);
            }
        } else if (t->kind == TK_LBRACKET && !t->space) {
            next(p);
            int saved = p->no_do;
            p->no_do = 0;
            skip_eol(p);
            nxi_ast *c = mk(AST_ACCESS, t);
            c->lhs = a;
            c->rhs = is(p, TK_KW) ? nxparse_kw_list(p) : nxparse_expr(p, LOWEST);
            skip_eol(p);
            expect(p, TK_RBRACKET);
            p->no_do = saved;
            a = c;
        } else {
            break;
        }
        wraps++;
        nxparse_enter(p);
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
        a->lhs = nxparse_expr(p, UNARY_PREC);
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
        nxi_ast *e = nxparse_expr(p, CAPTURE_PREC);
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
            if (nxparse_starts_arg(nt) || (nt->kind == TK_OP && nt->op == OPC_DUAL && !nt->space))
                nxparse_unexpected(p, t);
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
        nxparse_unexpected(p, t);
    default:
        nxparse_unexpected(p, t);
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
            nxparse_fail(p, op, "SyntaxError", 0,
                         "the range step operator (//) must immediately follow the range "
                         "definition operator (..), for example: 1..9//2");
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
nxi_ast *nxparse_expr(parser *p, int min)
{
    int wraps = 0, right;
    nxparse_enter(p);
    nxi_ast *lhs = parse_unary(p);
    for (;;) {
        const nxi_token *op = peek(p);
        int prec = binary_prec(op, &right);
        if (prec < min)
            break;
        next(p);
        nxi_ast *rhs = nxparse_expr(p, right ? prec : prec + 1);
        lhs = build_binary(p, op, lhs, rhs);
        wraps++;
        nxparse_enter(p);      /* a long chain is a deep tree: count it as nesting */
    }
    p->depth -= wraps + 1;
    return lhs;
}
