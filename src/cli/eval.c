/* src/cli/eval.c: the tree walker: evaluates an expression of each kind (literals,
 * variables, containers, matches, pipes, field access, control flow) and runs a session's
 * statements one by one. Operators (eval_ops.c), calls (eval_call.c) and function values
 * (eval_fun.c) are evaluated elsewhere. Failures raise an exception (nxi_raise) and return
 * NULL all the way up. */
#include "cli/eval_internal.h"

#include <string.h>
#include "cli/module.h"
#include "cli/nxlib.h"

FILE *nxi_side_out;

static nxv *eval(const nxi_ast *a, nxi_env **env);

/* ---------------------------------------------------------------- environments */

static nxv *lookup_var(nxi_env *env, const char *name)
{
    for (; env; env = env->next)
        if (strcmp(env->name, name) == 0)
            return env->value;
    return NULL;
}

static void bind(nxi_env **env, const char *name, nxv *v)
{
    nxi_env *e = nxi_alloc(sizeof *e);
    e->name = name;
    e->value = v;
    e->next = *env;
    e->stamp = 0;
    *env = e;
}

/* ---------------------------------------------------------------- pipes, access, fields */

/* a |> f(args): the left value becomes the first argument. */
static nxv *pipe(const nxi_ast *a, nxi_env **env)
{
    nxv *l = eval(a->lhs, env);
    if (!l)
        return NULL;
    const nxi_ast *r = a->rhs;
    if (r->kind == AST_CALL)
        return nxeval_call(r, l, env);
    if (r->kind == AST_ANON_CALL) {
        nxv *f = eval(r->lhs, env);
        nxv **argv = f ? nxeval_args(r->kids, r->n, l, env) : NULL;
        return argv ? nxi_call_fun(f, r->n + 1, argv) : NULL;
    }
    return nxi_raise("ArgumentError", "cannot pipe into an expression that is not a call");
}

/* Struct fields of a tensor (t.shape, %{shape: s} = t). */
nxv *nxi_tensor_data(nx_tensor *t);   /* src/cli/nxlib_graph.c */

static nxv *tensor_field(nx_tensor *t, const char *field)
{
    if (!strcmp(field, "data"))
        return nxi_tensor_data(t);
    nxv *args[1] = { nxv_tensor(t) };
    const nxi_func *f = NULL;
    if (!strcmp(field, "shape") || !strcmp(field, "type") || !strcmp(field, "names"))
        f = nxi_lookup("Nx", field, 1);
    if (f)
        return f->fn(1, args);
    if (!strcmp(field, "vectorized_axes")) {
        int vr = nx_vectorized_rank(t);
        nx_tensor *d = nx_devectorize(t, true);
        if (!d)
            return nxi_raise_from_nx();
        nx_shape s = nx_shape_of(d);
        nx_names n = nx_names_of(d);
        nxv **items = nxv_items(vr);
        for (int i = 0; i < vr; i++) {
            nxv **kv = nxv_items(2);
            kv[0] = nxv_atom(n.v[i]);
            kv[1] = nxv_int(s.dims[i]);
            items[i] = nxv_tuple(2, kv);
        }
        return nxv_list(vr, items);
    }
    return NULL;
}

static nxv *map_get(nxv *m, nxv *key)
{
    for (int64_t i = 0; i < m->map.n; i++)
        if (nxv_equal(m->map.keys[i], key, 1))
            return m->map.vals[i];
    return NULL;
}

static nxv *dot(const nxi_ast *a, nxi_env **env)
{
    nxv *v = eval(a->lhs, env);
    if (!v)
        return NULL;
    if (v->kind == NXV_MAP) {
        nxv *r = map_get(v, nxv_atom(a->text));
        if (r)
            return r;
        char *s = nxi_inspect_plain(v);
        return nxi_raise("KeyError", "key :%s not found in: %s", a->text, s);
    }
    if (v->kind == NXV_TENSOR) {
        nxv *r = tensor_field(v->tensor, a->text);
        if (r || nxi_raised())
            return r;
        return nxi_raise("KeyError", "key :%s not found in: %%Nx.Tensor{}", a->text);
    }
    char *s = nxi_inspect_plain(v);
    return nxi_raise("ArgumentError", "cannot access field :%s of %s", a->text, s);
}

static nxv *access(const nxi_ast *a, nxi_env **env)
{
    nxv *v = eval(a->lhs, env);
    nxv *k = v ? eval(a->rhs, env) : NULL;
    if (!k)
        return NULL;
    if (v->kind == NXV_MAP) {
        nxv *r = map_get(v, k);
        return r ? r : nxv_nil();
    }
    if (v->kind == NXV_LIST && nxv_is_keyword(v) && k->kind == NXV_ATOM) {
        nxv *r = nxv_keyword_get(v, k->atom);
        return r ? r : nxv_nil();
    }
    if (nxv_is_nil(v))
        return nxv_nil();
    if (v->kind == NXV_TENSOR) {
        const nxi_func *f = nxi_lookup("Nx", "__access__", 2);   /* tensor[...] */
        nxv *args[2] = { v, k };
        if (f)
            return f->fn(2, args);
        return nxi_raise("ArgumentError", "tensor access (tensor[...]) needs Nx's slicing, which nxc does not have yet");
    }
    char *s = nxi_inspect_plain(v);
    return nxi_raise("UndefinedFunctionError", "the Access protocol is not implemented for %s", s);
}

/* ---------------------------------------------------------------- containers */

static nxv *eval_list(const nxi_ast *a, nxi_env **env)
{
    nxv **items = nxv_items(a->n);
    for (int i = 0; i < a->n; i++)
        if (!(items[i] = eval(a->kids[i], env)))
            return NULL;
    nxv *out = nxv_list(a->n, items);
    if (a->tail) {
        nxv *t = eval(a->tail, env);
        if (!t)
            return NULL;
        if (t->kind == NXV_LIST)
            return nxeval_concat_lists(out, t);
        out->list.tail = t;
    }
    return out;
}

static nxv *eval_map(const nxi_ast *a, nxi_env **env)
{
    nxv *base = NULL;
    if (a->base && !(base = eval(a->base, env)))
        return NULL;
    if (base && base->kind != NXV_MAP) {
        char *s = nxi_inspect_plain(base);
        return nxi_raise("BadMapError", "expected a map, got: %s", s);
    }
    int64_t cap = (base ? base->map.n : 0) + a->n;
    nxv **keys = nxv_items(cap), **vals = nxv_items(cap);
    int64_t n = 0;
    if (base) {
        memcpy(keys, base->map.keys, (size_t)base->map.n * sizeof *keys);
        memcpy(vals, base->map.vals, (size_t)base->map.n * sizeof *vals);
        n = base->map.n;
    }
    for (int i = 0; i < a->n; i++) {
        nxv *k = eval(a->kids[i]->kids[0], env);
        nxv *v = k ? eval(a->kids[i]->kids[1], env) : NULL;
        if (!v)
            return NULL;
        int64_t j = 0;
        while (j < n && !nxv_equal(keys[j], k, 1))
            j++;
        if (j == n && base) {
            char *ks = nxi_inspect_plain(k), *bs = nxi_inspect_plain(base);
            return nxi_raise("KeyError", "key %s not found in: %s", ks, bs);
        }
        keys[j] = k;
        vals[j] = v;
        if (j == n)
            n++;
    }
    return nxv_map(n, keys, vals);
}

/* ---------------------------------------------------------------- control flow */

static nxv *eval_body(const nxi_ast *body, nxi_env **env)
{
    /* Bindings made inside a branch do not leak out of it. */
    nxi_env *inner = *env;
    return body ? eval(body, &inner) : nxv_nil();
}

static nxv *eval_case(const nxi_ast *a, nxi_env **env)
{
    nxv *v = eval(a->lhs, env);
    if (!v)
        return NULL;
    for (int c = 0; c < a->n; c++) {
        const nxi_clause *cl = &a->clauses[c];
        nxi_env *inner = *env;
        int ok = nxi_match(cl->params[0], v, &inner);
        if (ok < 0)
            return NULL;
        if (ok && cl->guard) {
            nxv *g = eval(cl->guard, &inner);
            ok = g && nxv_is_atom(g, "true");
            if (!g)
                nxi_clear_raised();
        }
        if (ok)
            return eval(cl->body, &inner);
    }
    char *s = nxi_inspect_plain(v);
    return nxi_raise("CaseClauseError", "no case clause matching: %s", s);
}

static nxv *eval_cond(const nxi_ast *a, nxi_env **env)
{
    for (int c = 0; c < a->n; c++) {
        nxv *t = eval(a->clauses[c].params[0], env);
        if (!t)
            return NULL;
        if (nxv_truthy(t))
            return eval_body(a->clauses[c].body, env);
    }
    return nxi_raise("CondClauseError", "no cond clause evaluated to a truthy value");
}

static nxv *eval_if(const nxi_ast *a, nxi_env **env)
{
    nxv *c = eval(a->lhs, env);
    if (!c)
        return NULL;
    int yes = nxv_truthy(c) ^ (a->text && !strcmp(a->text, "unless"));
    return eval_body(yes ? a->rhs : a->step, env);
}

/* ---------------------------------------------------------------- the walker */

static nxv *eval(const nxi_ast *a, nxi_env **env)
{
    if (!a)
        return nxv_nil();
    switch (a->kind) {
    case AST_INT: return nxv_int(a->i);
    case AST_FLOAT: return nxv_float(a->f);
    case AST_ATOM: return nxv_atom(a->text);
    case AST_STRING: return nxv_binary(a->text, (int64_t)a->len * 8);
    case AST_CHARLIST: {
        /* UTF-8 bytes to code points. */
        nxv **items = nxv_items((int64_t)a->len);
        int64_t n = 0;
        const unsigned char *s = (const unsigned char *)a->text;
        for (size_t i = 0; i < a->len;) {
            unsigned c = s[i];
            int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
            unsigned cp = extra ? c & (0x3F >> extra) : c;
            i++;
            for (int k = 0; k < extra && i < a->len; k++, i++)
                cp = (cp << 6) | (s[i] & 0x3F);
            items[n++] = nxv_int(cp);
        }
        return nxv_list(n, items);
    }
    case AST_VAR: {
        nxv *v = lookup_var(*env, a->text);
        if (v)
            return v;
        if (a->text[0] == '_')
            return nxi_raise("CompileError", "invalid use of _. \"_\" represents a value to be ignored in a pattern and cannot be used in expressions");
        /* A bare name that is a zero-arity function (self(), node()) is a call. */
        const nxi_func *f = nxeval_lookup_local(a->text, 0);
        if (f)
            return nxeval_apply_builtin(f, 0, NULL);
        const nxi_fdef *uf = nxi_cur_module ? nxi_module_fun(nxi_cur_module, a->text, 0, 1) : NULL;
        if (uf)
            return nxi_module_call(uf, 0, NULL, 1);
        return nxi_raise("CompileError", "undefined variable \"%s\"", a->text);
    }
    case AST_ALIAS: {
        const char *m = nxeval_resolve_alias(a->text);
        size_t n = strlen(m) + 8;
        char *full = nxi_alloc(n);
        snprintf(full, n, "Elixir.%s", m);
        return nxv_atom(full);
    }
    case AST_LIST: return eval_list(a, env);
    case AST_TUPLE: {
        nxv **items = nxv_items(a->n);
        for (int i = 0; i < a->n; i++)
            if (!(items[i] = eval(a->kids[i], env)))
                return NULL;
        return nxv_tuple(a->n, items);
    }
    case AST_MAP: return eval_map(a, env);
    case AST_BITSTRING: return nxi_eval_bitstring(a, env);
    case AST_OP:
        if (!strcmp(a->text, "|>"))
            return pipe(a, env);
        return nxeval_binary_op(a, env);
    case AST_UNARY: return nxeval_unary_op(a, env);
    case AST_MATCH: {
        nxv *v = eval(a->rhs, env);
        if (!v)
            return NULL;
        int ok = nxi_match(a->lhs, v, env);
        if (ok < 0)
            return NULL;
        if (!ok) {
            char *s = nxi_inspect_plain(v);
            return nxi_raise("MatchError", "no match of right hand side value: %s", s);
        }
        return v;
    }
    case AST_CALL:
        if (a->lhs) {   /* expr.fun(args) where expr evaluates to a module atom */
            nxv *m = eval(a->lhs, env);
            if (!m)
                return NULL;
            if (m->kind != NXV_ATOM || strncmp(m->atom, "Elixir.", 7) != 0) {
                char *s = nxi_inspect_plain(m);
                return nxi_raise("ArgumentError", "cannot call %s.%s/%d: %s is not a module", s, a->text, a->n, s);
            }
            nxi_ast c = *a;
            c.lhs = NULL;
            c.module = m->atom + 7;
            return nxeval_call(&c, NULL, env);
        }
        return nxeval_call(a, NULL, env);
    case AST_ANON_CALL: {
        nxv *f = eval(a->lhs, env);
        nxv **argv = f ? nxeval_args(a->kids, a->n, NULL, env) : NULL;
        return argv ? nxi_call_fun(f, a->n, argv) : NULL;
    }
    case AST_DOT: return dot(a, env);
    case AST_ACCESS: return access(a, env);
    case AST_FN: return nxeval_make_fn(a, env);
    case AST_CAPTURE: return nxeval_capture(a, env);
    case AST_CAPTURE_ARG: {
        char name[16];
        snprintf(name, sizeof name, "&%d", (int)a->i);
        nxv *v = lookup_var(*env, name);
        return v ? v : nxi_raise("CompileError", "capture argument &%d must be used within the capture operator &", (int)a->i);
    }
    case AST_BLOCK: {
        nxv *v = nxv_nil();
        for (int i = 0; i < a->n && v; i++)
            v = eval(a->kids[i], env);
        return v;
    }
    case AST_IF: return nxi_defn_mode ? nxi_defn_if(a, env) : eval_if(a, env);
    case AST_COND: return nxi_defn_mode ? nxi_defn_cond(a, env) : eval_cond(a, env);
    case AST_CASE: return eval_case(a, env);
    case AST_SIGIL: return nxi_eval_sigil(a);
    }
    return nxi_raise("CompileError", "unsupported expression");
}

nxv *nxi_eval_block(nxi_session *s, const nxi_ast *block)
{
    nxeval_begin(s);
    nxi_cur_module = NULL;
    nxi_defn_mode = 0;
    nxi_env *env = s->env;
    nxv *v = nxv_nil();
    if (block->kind != AST_BLOCK)
        v = eval(block, &env);
    for (int i = 0; block->kind == AST_BLOCK && i < block->n && v; i++)
        v = eval(block->kids[i], &env);
    if (v)
        s->env = env;   /* a failing entry leaves no bindings behind */
    return v;
}

/* Used by match.c to evaluate pins and map keys. */
nxv *nxi_eval_expr(const nxi_ast *a, nxi_env **env)
{
    return eval(a, env);
}

nxv *nxi_var(nxi_env *env, const char *name)
{
    return lookup_var(env, name);
}

void nxi_bind(nxi_env **env, const char *name, nxv *v)
{
    bind(env, name, v);
}

nxv *nxi_tensor_field(nx_tensor *t, const char *field)
{
    return tensor_field(t, field);
}
