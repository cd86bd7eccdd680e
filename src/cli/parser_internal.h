/* src/cli/parser_internal.h: what the parser's files share and nothing else includes: the
 * parser's state, its token cursor and node builders, and the functions one file calls in
 * another. parser.c is the entry point and reports errors; parser_expr.c parses
 * expressions (operator precedence, prefix and postfix operators, literals);
 * parser_call.c calls; parser_container.c lists, tuples, maps, structs, keyword lists,
 * call arguments and bitstrings; parser_block.c statements, clauses, fn and do-blocks. */
#ifndef NXI_PARSER_INTERNAL_H
#define NXI_PARSER_INTERNAL_H

#include <setjmp.h>
#include <string.h>
#include "cli/ast.h"
#include "cli/lexer.h"

#define LOWEST 40           /* the loosest binary operator a plain expression takes (<-) */

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

/* ---- parser.c ---- */

/* Fills p->err at token t and unwinds to nxi_parse. */
_Noreturn void nxparse_fail(parser *p, const nxi_token *t, const char *kind, int incomplete,
                            const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* "syntax error before: X", with X written as Elixir writes tokens. */
_Noreturn void nxparse_unexpected(parser *p, const nxi_token *t);
/* One level deeper (a SyntaxError past the bound); the caller lowers p->depth after. */
void nxparse_enter(parser *p);

/* ---- tokens (inline: a few instructions each, called for every token) ---- */

static inline const nxi_token *peek(const parser *p)
{
    return &p->t[p->pos];
}

static inline const nxi_token *peek_at(const parser *p, int k)
{
    int i = p->pos + k;
    return &p->t[i < 0 ? 0 : i < p->n ? i : p->n - 1];
}

static inline const nxi_token *next(parser *p)
{
    const nxi_token *t = &p->t[p->pos];
    if (t->kind != TK_EOF)
        p->pos++;
    return t;
}

static inline int is(const parser *p, nxi_tok_kind kind)
{
    return p->t[p->pos].kind == kind;
}

static inline int is_op(const parser *p, nxi_op_class op)
{
    return p->t[p->pos].kind == TK_OP && p->t[p->pos].op == op;
}

static inline const nxi_token *expect(parser *p, nxi_tok_kind kind)
{
    if (!is(p, kind))
        nxparse_unexpected(p, peek(p));
    return next(p);
}

static inline void skip_eol(parser *p)
{
    while (is(p, TK_EOL))
        next(p);
}

/* ---- nodes (in the arena) ---- */

static inline nxi_ast *mk(nxi_ast_kind kind, const nxi_token *t)
{
    nxi_ast *a = nxi_alloc(sizeof *a);
    memset(a, 0, sizeof *a);
    a->kind = kind;
    a->line = t->line;
    a->col = t->col;
    return a;
}

/* items (n of `each` bytes, room for *cap) with room for one more: a doubled copy in the
 * arena when full (the old block stays in the arena). */
static inline void *room_for_one(void *items, int n, int *cap, size_t each)
{
    if (n < *cap)
        return items;
    *cap = *cap ? *cap * 2 : 4;
    void *grown = nxi_alloc((size_t)*cap * each);
    if (n)
        memcpy(grown, items, (size_t)n * each);
    return grown;
}

static inline void vpush(vec *v, nxi_ast *a)
{
    v->v = room_for_one(v->v, v->n, &v->cap, sizeof *v->v);
    v->v[v->n++] = a;
}

static inline nxi_ast *mk_kids(nxi_ast_kind kind, const nxi_token *t, const vec *v)
{
    nxi_ast *a = mk(kind, t);
    a->kids = v->v;
    a->n = v->n;
    return a;
}

static inline nxi_ast *mk_atom(const nxi_token *t, const char *name)
{
    nxi_ast *a = mk(AST_ATOM, t);
    a->text = name;
    a->len = strlen(name);
    return a;
}

static inline nxi_ast *mk_pair(const nxi_token *t, nxi_ast *k, nxi_ast *v)
{
    vec kv = {0};
    vpush(&kv, k);
    vpush(&kv, v);
    return mk_kids(AST_TUPLE, t, &kv);
}

static inline nxi_ast *mk_call(const nxi_token *t, const char *module, const char *name,
                               const vec *args, int parens)
{
    nxi_ast *a = mk_kids(AST_CALL, t, args);
    a->module = module;
    a->text = name;
    a->parens = parens;
    return a;
}

static inline char *cat(const char *a, const char *sep, const char *b)
{
    size_t la = strlen(a), ls = strlen(sep), lb = strlen(b);
    char *s = nxi_alloc(la + ls + lb + 1);
    memcpy(s, a, la);
    memcpy(s + la, sep, ls);
    memcpy(s + la + ls, b, lb + 1);
    return s;
}

/* ---- parser_expr.c ---- */

/* Precedence climbing: binary operators binding at least as tight as `min`. */
nxi_ast *nxparse_expr(parser *p, int min);

/* ---- parser_call.c ---- */

/* Whether t can begin the first argument of a call without parentheses (`IO.puts "x"`). */
int nxparse_starts_arg(const nxi_token *t);
/* An identifier (after it): a variable, or a local call with or without parentheses. */
nxi_ast *nxparse_ident(parser *p, const nxi_token *t);
/* After `lhs.name`: Mod.fun(...), Mod.fun args, :erlang.fun(...), map.field, expr.fun(...). */
nxi_ast *nxparse_remote(parser *p, nxi_ast *lhs, const nxi_token *name);

/* ---- parser_container.c (each after its opening token t) ---- */

/* key: value, ... as an AST_LIST (at the first TK_KW). */
nxi_ast *nxparse_kw_list(parser *p);
/* The SyntaxError for an expression after a keyword list (`where` keywords must come). */
_Noreturn void nxparse_kw_not_last(parser *p, const char *where);
/* Arguments in parentheses (after the '('). */
vec nxparse_call_args(parser *p);
nxi_ast *nxparse_list(parser *p, const nxi_token *t);
nxi_ast *nxparse_tuple(parser *p, const nxi_token *t);
nxi_ast *nxparse_map(parser *p, const nxi_token *t, const char *module);   /* %{ or %Name{ */
nxi_ast *nxparse_struct(parser *p, const nxi_token *t);                    /* %Name{...} */
nxi_ast *nxparse_bits(parser *p, const nxi_token *t);                      /* <<...>> */

/* ---- parser_block.c ---- */

/* Expressions separated by line breaks or ';', up to a token that ends the block; with
 * `heads`, also up to the start of the next clause (from the second expression on). */
vec nxparse_stmts(parser *p, int heads);
/* fn clauses end (after the `fn`). */
nxi_ast *nxparse_fn(parser *p, const nxi_token *t);
/* do ... else ... end: the keyword list [do: ..., else: ...] (at the `do`). */
nxi_ast *nxparse_do_block(parser *p);

#endif
