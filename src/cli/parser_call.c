/* src/cli/parser_call.c: the parser's calls: a variable or a local call, remote calls
 * Mod.fun and :erlang.fun, field access, arguments with or without parentheses (and
 * whether `x -1` is a call), the do-block a call takes, and if/unless/case/cond calls
 * turned into their own nodes. */
#include "cli/parser_internal.h"

#include <string.h>

/* ---- calls ---- */

static nxi_ast *finish_call(parser *p, nxi_ast *call, const nxi_token *t);

/* Whether t can begin the first argument of a call without parentheses (`IO.puts "x"`). */
int nxparse_starts_arg(const nxi_token *t)
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
            vpush(&args, nxparse_kw_list(p));
            if (is(p, TK_COMMA)) {
                next(p);
                nxparse_kw_not_last(p, "as the last argument");
            }
            break;
        }
        vpush(&args, nxparse_expr(p, LOWEST));
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
        args = nxparse_call_args(p);
        parens = 1;
    } else if (noparen_ok && (nxparse_starts_arg(nt) ||
                              (module && nt->kind == TK_OP && nt->space && nt->op == OPC_DUAL &&
                               !peek_at(p, 1)->space))) {
        /* IO.puts -1 is a call (a remote name is never a variable); x -1 stays x - 1 */
        args = parse_noparen_args(p);
    }
    if (is(p, TK_DO) && !p->no_do)
        vpush(&args, nxparse_do_block(p));
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
            nxparse_fail(p, t, "CompileError", 0,
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
            nxparse_fail(p, t, "CompileError", 0, "expected -> clauses for :do in \"%s\"", name);
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
nxi_ast *nxparse_ident(parser *p, const nxi_token *t)
{
    const nxi_token *nt = peek(p);
    if ((nt->kind == TK_LPAREN && !nt->space) || (nt->kind == TK_DO && !p->no_do) ||
        nxparse_starts_arg(nt))
        return call_rest(p, t, NULL, NULL, t->text, 1);
    nxi_ast *a = mk(AST_VAR, t);
    a->text = t->text;
    a->len = t->len;
    return a;
}

/* After `lhs.`: Mod.fun(...), Mod.fun args, :erlang.fun(...), map.field, expr.fun(...). */
nxi_ast *nxparse_remote(parser *p, nxi_ast *lhs, const nxi_token *name)
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
