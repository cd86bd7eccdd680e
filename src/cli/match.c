/* src/cli/match.c: pattern matching (=, fn heads, case): literals, variables (a name seen
 * twice must match the same value), _, pins, lists with tails, tuples, maps and struct
 * fields of tensors, and "prefix" <> rest. */
#include <string.h>
#include "cli/eval.h"

nxv *nxi_eval_expr(const nxi_ast *a, nxi_env **env);
nxv *nxi_var(nxi_env *env, const char *name);
void nxi_bind(nxi_env **env, const char *name, nxv *v);
nxv *nxi_tensor_field(nx_tensor *t, const char *field);

/* Variables bound so far by the pattern being matched (they start at `start`). */
static nxv *bound_since(nxi_env *env, nxi_env *start, const char *name)
{
    for (; env && env != start; env = env->next)
        if (strcmp(env->name, name) == 0)
            return env->value;
    return NULL;
}

static int match(const nxi_ast *p, nxv *v, nxi_env **env, nxi_env *start);

/* A pattern that cannot be matched at all: raises a CompileError and returns -1. */
static int bad_pattern(const char *message, const char *name)
{
    nxi_raise("CompileError", "%s%s", message, name ? name : "");
    return -1;
}

static int match_items(nxi_ast *const *pats, int n, nxv **items, nxi_env **env, nxi_env *start)
{
    for (int i = 0; i < n; i++) {
        int r = match(pats[i], items[i], env, start);
        if (r != 1)
            return r;
    }
    return 1;
}

static int match_list(const nxi_ast *p, nxv *v, nxi_env **env, nxi_env *start)
{
    if (v->kind != NXV_LIST)
        return 0;
    if (!p->tail) {
        if (v->list.n != p->n || v->list.tail)
            return 0;
        return match_items(p->kids, p->n, v->list.items, env, start);
    }
    if (v->list.n < p->n)
        return 0;
    int r = match_items(p->kids, p->n, v->list.items, env, start);
    if (r != 1)
        return r;
    nxv *rest = nxv_list(v->list.n - p->n, v->list.items + p->n);
    rest->list.tail = v->list.tail;
    return match(p->tail, rest, env, start);
}

/* %Module{...}: a tensor is an %Nx.Tensor{}; a map must carry __struct__: Module. */
static int struct_matches(const nxi_ast *p, nxv *v, nxi_env **env)
{
    nxi_ast alias = { .kind = AST_ALIAS, .text = p->module, .line = p->line, .col = p->col };
    nxv *mod = nxi_eval_expr(&alias, env);
    if (!mod)
        return -1;
    if (v->kind == NXV_TENSOR)
        return !strcmp(mod->atom, "Elixir.Nx.Tensor");
    if (v->kind != NXV_MAP)
        return 0;
    for (int64_t j = 0; j < v->map.n; j++)
        if (nxv_is_atom(v->map.keys[j], "__struct__"))
            return nxv_equal(v->map.vals[j], mod, 1);
    return 0;
}

static int match_map(const nxi_ast *p, nxv *v, nxi_env **env, nxi_env *start)
{
    if (p->module) {
        int r = struct_matches(p, v, env);
        if (r != 1)
            return r;
    }
    for (int i = 0; i < p->n; i++) {
        const nxi_ast *kp = p->kids[i]->kids[0], *vp = p->kids[i]->kids[1];
        nxv *key = nxi_eval_expr(kp, env);
        if (!key)
            return -1;
        nxv *got = NULL;
        if (v->kind == NXV_MAP) {
            for (int64_t j = 0; j < v->map.n && !got; j++)
                if (nxv_equal(v->map.keys[j], key, 1))
                    got = v->map.vals[j];
        } else if (v->kind == NXV_TENSOR && key->kind == NXV_ATOM) {
            got = nxi_tensor_field(v->tensor, key->atom);
            if (!got && nxi_raised())
                return -1;
        } else {
            return 0;
        }
        if (!got)
            return 0;
        int r = match(vp, got, env, start);
        if (r != 1)
            return r;
    }
    return 1;
}

/* "prefix" <> rest */
static int match_concat(const nxi_ast *p, nxv *v, nxi_env **env, nxi_env *start)
{
    if (p->lhs->kind != AST_STRING)
        return bad_pattern("the left argument of <> in a pattern must be a literal string", NULL);
    if (v->kind != NXV_BINARY || v->bin.bits % 8)
        return 0;
    size_t n = p->lhs->len;
    if ((size_t)(v->bin.bits / 8) < n || memcmp(v->bin.bytes, p->lhs->text, n) != 0)
        return 0;
    return match(p->rhs, nxv_binary(v->bin.bytes + n, v->bin.bits - (int64_t)n * 8), env, start);
}

static int match(const nxi_ast *p, nxv *v, nxi_env **env, nxi_env *start)
{
    switch (p->kind) {
    case AST_VAR: {
        if (p->text[0] == '_')
            return 1;
        nxv *seen = bound_since(*env, start, p->text);
        if (seen)
            return nxv_equal(seen, v, 1);
        nxi_bind(env, p->text, v);
        return 1;
    }
    case AST_UNARY:
        if (!strcmp(p->text, "^")) {
            if (p->lhs->kind != AST_VAR)
                return bad_pattern("invalid argument for unary operator ^", NULL);
            nxv *pinned = nxi_var(start, p->lhs->text);
            if (!pinned)
                return bad_pattern("undefined variable ^", p->lhs->text);
            return nxv_equal(pinned, v, 1);
        }
        break;
    case AST_LIST: return match_list(p, v, env, start);
    case AST_TUPLE:
        if (v->kind != NXV_TUPLE || v->tuple.n != p->n)
            return 0;
        return match_items(p->kids, p->n, v->tuple.items, env, start);
    case AST_MAP:
        if (p->base)
            break;
        return match_map(p, v, env, start);
    case AST_MATCH: {   /* a = b inside a pattern binds both */
        int r = match(p->lhs, v, env, start);
        return r == 1 ? match(p->rhs, v, env, start) : r;
    }
    case AST_OP:
        if (!strcmp(p->text, "<>"))
            return match_concat(p, v, env, start);
        break;
    case AST_INT: case AST_FLOAT: case AST_ATOM: case AST_STRING: case AST_CHARLIST:
    case AST_BITSTRING: case AST_ALIAS: {
        nxv *lit = nxi_eval_expr(p, env);
        if (!lit)
            return -1;
        return nxv_equal(lit, v, 1);
    }
    default:
        break;
    }
    return bad_pattern("invalid pattern in match", NULL);
}

int nxi_match(const nxi_ast *pattern, nxv *v, nxi_env **env)
{
    nxi_env *start = *env;
    nxi_env *work = *env;
    int r = match(pattern, v, &work, start);
    if (r == 1)
        *env = work;
    return r;
}

int nxi_clause_try(const nxi_clause *cl, nxi_env *env, nxv **argv, nxv **result)
{
    int ok = 1;
    for (int i = 0; i < cl->nparams && ok == 1; i++)
        ok = nxi_match(cl->params[i], argv[i], &env);
    if (ok == 1 && cl->guard) {
        nxv *g = nxi_eval_expr(cl->guard, &env);
        ok = g && nxv_is_atom(g, "true");
        if (!g)
            nxi_clear_raised();   /* errors in guards mean "no match" */
    }
    if (ok != 1)
        return 0;
    *result = nxi_eval_expr(cl->body, &env);
    return 1;
}
