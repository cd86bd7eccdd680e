/* src/cli/module.c: user modules. `defmodule M do ... end` collects def / defp / defn /
 * defnp / deftransform(p) clauses (several clauses and arities, default arguments `\\`,
 * guards on plain functions), module attributes (`@x value`, read back as `@x`) and
 * nested modules; M.f(...) and local calls dispatch here. A defn called outside a trace
 * is jitted like Nx.Defn.jit of a fn (spec/defn.md §2.1); called inside one (from another
 * defn, a jit or grad) it is inlined. Modules live in the arena and are forgotten with it. */
#include "cli/module.h"
#include "cli/reclaim.h"
#include "cli/region.h"

#include <string.h>
#include "cli/nxlib.h"
#include "defn/node.h"

enum { K_DEF, K_DEFP, K_DEFN, K_DEFNP, K_TRANSFORM, K_TRANSFORMP };

static const char *const kind_names[] = { "def", "defp", "defn", "defnp", "deftransform", "deftransformp" };

typedef struct clause {
    nxi_clause c;           /* parameters (defaults stripped), guard, body */
    nxi_env *env;           /* the module attributes when it was defined */
} clause;

struct nxi_fdef {
    const nxi_module *module;
    const char *name;
    int arity, kind;
    clause *clauses;
    int n, cap;
    /* A head with defaults also answers the lower arities: they fill in from `full`. */
    const nxi_fdef *full;
    nxi_ast **defaults;     /* full: per parameter, its default or NULL */
    nxi_env *denv;          /* full: where the defaults are evaluated */
    struct nxi_fdef *next;
};

struct nxi_module {
    const char *name;
    nxi_fdef *funs;
    struct nxi_module *next;
};

const nxi_module *nxi_cur_module;
int nxi_defn_mode;

static nxi_module *modules;

void nxi_modules_forget(void)
{
    modules = NULL;
    nxi_cur_module = NULL;
    nxi_defn_mode = 0;
}

const nxi_module *nxi_module_find(const char *name)
{
    for (nxi_module *m = modules; m; m = m->next)
        if (!strcmp(m->name, name))
            return m;
    return NULL;
}

const char *nxi_module_name(const nxi_module *m)
{
    return m->name;
}

static int is_private(int kind)
{
    return kind == K_DEFP || kind == K_DEFNP || kind == K_TRANSFORMP;
}

static int is_defn(int kind)
{
    return kind == K_DEFN || kind == K_DEFNP;
}

const nxi_fdef *nxi_module_fun(const nxi_module *m, const char *name, int arity, int local)
{
    for (const nxi_fdef *f = m->funs; f; f = f->next)
        if (f->arity == arity && !strcmp(f->name, name))
            return local || !is_private(f->kind) ? f : NULL;
    return NULL;
}

int nxi_module_has_name(const nxi_module *m, const char *name)
{
    for (const nxi_fdef *f = m->funs; f; f = f->next)
        if (!strcmp(f->name, name))
            return 1;
    return 0;
}

/* ---------------------------------------------------------------- calling */

/* The clauses of f against argv, in f's module; defn_mode for the body. */
static nxv *run_clauses(const nxi_fdef *f, int argc, nxv **argv, int defn_mode)
{
    if (nxi_call_enter() < 0)
        return NULL;
    const nxi_module *saved_module = nxi_cur_module;
    int saved_defn = nxi_defn_mode;
    nxi_cur_module = f->module;
    nxi_defn_mode = defn_mode;
    nxv *result = NULL;
    int matched = 0;
    nxi_call_begin();
    for (int c = 0; c < f->n && !matched && !nxi_raised(); c++)
        matched = nxi_clause_try(&f->clauses[c].c, f->clauses[c].env, argv, &result);
    nxi_cur_module = saved_module;
    nxi_defn_mode = saved_defn;
    nxi_call_leave();
    if (!matched && !nxi_raised())
        nxi_raise("FunctionClauseError", "no function clause matching in %s.%s/%d", f->module->name, f->name, argc);
    return nxi_call_end(result);
}

/* The builtin behind captures and jitted defns: bound = {module, name, arity}. */
static nxv *entry(int argc, nxv **argv)
{
    nxv *b = argv[0];
    const nxi_module *m = nxi_module_find(b->tuple.items[0]->atom);
    const nxi_fdef *f = m ? nxi_module_fun(m, b->tuple.items[1]->atom, (int)b->tuple.items[2]->i, 1) : NULL;
    if (!f)
        return nxi_raise("UndefinedFunctionError", "function %s.%s/%d is undefined or private",
                         b->tuple.items[0]->atom, b->tuple.items[1]->atom, (int)b->tuple.items[2]->i);
    return nxi_module_call(f, argc - 1, argv + 1, 1);
}

/* The defn body itself, traced by nxi_defn_jit_call: bound = {module, name, arity}. */
static nxv *defn_body(int argc, nxv **argv)
{
    nxv *b = argv[0];
    const nxi_module *m = nxi_module_find(b->tuple.items[0]->atom);
    const nxi_fdef *f = m ? nxi_module_fun(m, b->tuple.items[1]->atom, (int)b->tuple.items[2]->i, 1) : NULL;
    if (!f)
        return nxi_raise("UndefinedFunctionError", "function %s.%s/%d is undefined", b->tuple.items[0]->atom,
                         b->tuple.items[1]->atom, (int)b->tuple.items[2]->i);
    return run_clauses(f, argc - 1, argv + 1, 1);
}

static nxv *fun_value(const nxi_fdef *f, nxi_builtin_fn *fn)
{
    nxv **items = nxv_items(3);
    items[0] = nxv_atom(f->module->name);
    items[1] = nxv_atom(f->name);
    items[2] = nxv_int(f->arity);
    nxv *v = nxi_alloc(sizeof *v);
    memset(v, 0, sizeof *v);
    v->kind = NXV_FUN;
    v->fun.builtin = fn;
    v->fun.module = f->module->name;
    v->fun.name = f->name;
    v->fun.arity = f->arity;
    v->fun.bound = nxv_tuple(3, items);
    return v;
}

nxv *nxi_module_capture(const nxi_fdef *f)
{
    return fun_value(f, entry);
}

/* Fills the defaults of a lower-arity call: given arguments take the required parameters
 * and then the first defaulted ones, left to right, as Elixir does. */
static nxv **fill_defaults(const nxi_fdef *f, int argc, nxv **argv)
{
    const nxi_fdef *full = f->full;
    int ndef = 0;
    for (int i = 0; i < full->arity; i++)
        ndef += full->defaults[i] != NULL;
    int take = argc - (full->arity - ndef), j = 0;
    nxv **all = nxv_items(full->arity);
    const nxi_module *saved = nxi_cur_module;
    int saved_defn = nxi_defn_mode;
    nxi_cur_module = full->module;
    nxi_defn_mode = 0;
    for (int i = 0; i < full->arity; i++) {
        if (!full->defaults[i] || take-- > 0) {
            all[i] = argv[j++];
            continue;
        }
        nxi_env *env = full->denv;
        if (!(all[i] = nxi_eval_expr(full->defaults[i], &env))) {
            all = NULL;
            break;
        }
    }
    nxi_cur_module = saved;
    nxi_defn_mode = saved_defn;
    return all;
}

nxv *nxi_module_call(const nxi_fdef *f, int argc, nxv **argv, int local)
{
    if (f->full) {   /* a lower arity of a head with defaults */
        nxv **all = fill_defaults(f, argc, argv);
        if (!all)
            return NULL;
        return nxi_module_call(f->full, f->full->arity, all, local);
    }
    if (nxi_defn_mode && !is_defn(f->kind) && f->kind != K_TRANSFORM && f->kind != K_TRANSFORMP) {
        if (local)
            return nxi_raise("CompileError", "cannot use function %s/%d inside defn because it was not defined with "
                             "defn", f->name, f->arity);
        return nxi_raise("RuntimeError", "cannot invoke %s.%s/%d inside defn because it was not defined with defn",
                         f->module->name, f->name, f->arity);
    }
    if (!is_defn(f->kind))
        return run_clauses(f, argc, argv, 0);
    if (nxdefn_tracing > 0)   /* inside a trace: inline */
        return run_clauses(f, argc, argv, 1);
    return nxi_defn_jit_call(f, fun_value(f, defn_body), argc, argv);
}

/* ---------------------------------------------------------------- defining */

static int def_kind(const nxi_ast *a)
{
    if (a->kind != AST_CALL || a->module || a->lhs)
        return -1;
    for (int k = 0; k < (int)(sizeof kind_names / sizeof *kind_names); k++)
        if (!strcmp(a->text, kind_names[k]))
            return k;
    return -1;
}

static int is_default(const nxi_ast *p)
{
    return p->kind == AST_OP && !strcmp(p->text, "\\\\");
}

/* §2.4: defn parameters are variables, tuples, maps and structs (and `=` of those). */
static int defn_pattern_ok(const nxi_ast *p)
{
    switch (p->kind) {
    case AST_VAR:
        return 1;
    case AST_TUPLE:
        for (int i = 0; i < p->n; i++)
            if (!defn_pattern_ok(p->kids[i]))
                return 0;
        return 1;
    case AST_MAP:
        for (int i = 0; i < p->n; i++)
            if (!defn_pattern_ok(p->kids[i]->kids[1]))
                return 0;
        return 1;
    case AST_MATCH:
        return defn_pattern_ok(p->lhs) && defn_pattern_ok(p->rhs);
    default:
        return 0;
    }
}

static nxi_fdef *find_def(nxi_module *m, const char *name, int arity)
{
    for (nxi_fdef *f = m->funs; f; f = f->next)
        if (f->arity == arity && !strcmp(f->name, name))
            return f;
    return NULL;
}

static nxi_fdef *new_def(nxi_module *m, const char *name, int arity, int kind)
{
    nxi_fdef *f = nxi_alloc(sizeof *f);
    memset(f, 0, sizeof *f);
    f->module = m;
    f->name = name;
    f->arity = arity;
    f->kind = kind;
    /* Appended, so that lookups see definitions in source order. */
    nxi_fdef **at = &m->funs;
    while (*at)
        at = &(*at)->next;
    *at = f;
    return f;
}

/* def name(params) when guard, do: body (or a do-block; or a bodiless head with defaults). */
static nxv *define(nxi_module *m, int kind, const nxi_ast *call, nxi_env *attrs)
{
    const char *what = kind_names[kind];
    if (call->n < 1 || call->n > 2)
        return nxi_raise("CompileError", "invalid syntax in %s", what);
    const nxi_ast *head = call->kids[0], *guard = NULL, *body = NULL;
    if (head->kind == AST_OP && !strcmp(head->text, "when")) {
        guard = head->rhs;
        head = head->lhs;
    }
    const char *name;
    int arity;
    nxi_ast *const *params;
    if (head->kind == AST_CALL && !head->module && !head->lhs) {
        name = head->text;
        arity = head->n;
        params = head->kids;
    } else if (head->kind == AST_VAR) {
        name = head->text;
        arity = 0;
        params = NULL;
    } else {
        return nxi_raise("CompileError", "invalid syntax in %s", what);
    }
    if (call->n == 2) {
        const nxi_ast *kw = call->kids[1];
        for (int i = 0; kw->kind == AST_LIST && i < kw->n; i++) {
            const nxi_ast *e = kw->kids[i];
            if (e->kind == AST_TUPLE && e->n == 2 && e->kids[0]->kind == AST_ATOM && !strcmp(e->kids[0]->text, "do"))
                body = e->kids[1];
        }
        if (!body)
            return nxi_raise("ArgumentError", "expected a do-block or do: body in %s %s/%d", what, name, arity);
    }
    if (is_defn(kind) && guard)
        return nxi_raise("CompileError", "guards are not supported by defn");
    nxi_ast **stripped = nxi_alloc(sizeof(nxi_ast *) * (size_t)(arity + 1));
    nxi_ast **defaults = nxi_alloc(sizeof(nxi_ast *) * (size_t)(arity + 1));
    int ndef = 0;
    for (int i = 0; i < arity; i++) {
        defaults[i] = NULL;
        stripped[i] = params[i];
        if (is_default(params[i])) {
            stripped[i] = params[i]->lhs;
            defaults[i] = params[i]->rhs;
            ndef++;
        }
        if (is_defn(kind) && !defn_pattern_ok(stripped[i]))
            return nxi_raise("CompileError", "only variables, tuples, maps, and structs are allowed as patterns in "
                             "defn, got: %s", "a literal or list pattern");
    }
    nxi_fdef *f = find_def(m, name, arity);
    if (f && f->full) {   /* was a lower arity of a head with defaults: becomes a definition */
        f->full = NULL;
        f->n = 0;
    }
    if (!f)
        f = new_def(m, name, arity, kind);
    else if (is_defn(kind) && body && f->n > 0)
        return nxi_raise("CompileError", "cannot compile defn %s/%d with multiple clauses", name, arity);
    if (ndef) {
        f->defaults = defaults;
        f->denv = attrs;
        for (int k = arity - ndef; k < arity; k++) {
            nxi_fdef *low = find_def(m, name, k);
            if (!low)
                low = new_def(m, name, k, kind);
            if (low->n == 0)
                low->full = f;
        }
    }
    if (body) {
        if (f->n == f->cap) {
            int cap = f->cap ? 2 * f->cap : 4;
            clause *c = nxi_alloc((size_t)cap * sizeof *c);
            if (f->n)
                memcpy(c, f->clauses, (size_t)f->n * sizeof *c);
            f->clauses = c;
            f->cap = cap;
        }
        clause *c = &f->clauses[f->n++];
        c->c.params = stripped;
        c->c.nparams = arity;
        c->c.guard = (nxi_ast *)guard;
        c->c.body = (nxi_ast *)body;
        c->env = attrs;
    }
    nxv **items = nxv_items(2);
    items[0] = nxv_atom(name);
    items[1] = nxv_int(arity);
    return nxv_tuple(2, items);
}

static nxv *module_body(nxi_module *m, const nxi_ast *body, nxi_env **env, nxi_env **attrs);

static const char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *s = nxi_alloc(n);
    snprintf(s, n, "%s.%s", a, b);
    return s;
}

static nxv *defmodule_named(const char *name, const nxi_ast *call, nxi_env **env)
{
    const nxi_ast *kw = call->kids[1], *body = NULL;
    for (int i = 0; kw->kind == AST_LIST && i < kw->n; i++) {
        const nxi_ast *e = kw->kids[i];
        if (e->kind == AST_TUPLE && e->n == 2 && e->kids[0]->kind == AST_ATOM && !strcmp(e->kids[0]->text, "do"))
            body = e->kids[1];
    }
    if (!body)
        return nxi_raise("ArgumentError", "defmodule expects a do-block");
    nxi_module *m = nxi_alloc(sizeof *m);
    memset(m, 0, sizeof *m);
    m->name = name;
    /* Registered first, so that the body can call what it has defined; dropped again
     * when the body raises (the module is then not defined, as in Elixir). */
    nxi_module *prev = modules;
    m->next = modules;
    modules = m;
    nxi_escape();   /* the module table outlives every call in progress */
    nxi_env *benv = *env, *attrs = NULL;
    const nxi_module *saved = nxi_cur_module;
    int saved_defn = nxi_defn_mode;
    nxi_cur_module = m;
    nxi_defn_mode = 0;
    nxv *last = module_body(m, body, &benv, &attrs);
    nxi_cur_module = saved;
    nxi_defn_mode = saved_defn;
    if (!last) {
        modules = prev;
        return NULL;
    }
    /* A redefinition replaces the old module. */
    for (nxi_module **at = &m->next; *at; at = &(*at)->next)
        if (!strcmp((*at)->name, name)) {
            *at = (*at)->next;
            break;
        }
    static const unsigned char beam[] = { 70, 79, 82, 49, 0, 0, 5, 172, 66, 69, 65, 77 };
    nxv **items = nxv_items(4);
    items[0] = nxv_atom("module");
    items[1] = nxv_atom(join("Elixir", name));
    items[2] = nxv_binary(beam, (int64_t)sizeof beam * 8);
    items[3] = last;
    return nxv_tuple(4, items);
}

nxv *nxi_defmodule(const nxi_ast *call, nxi_env **env)
{
    if (call->n != 2 || call->kids[0]->kind != AST_ALIAS)
        return nxi_raise("CompileError", "undefined function defmodule/%d (there is no such import)", call->n);
    const char *name = call->kids[0]->text;
    if (nxi_cur_module)
        name = join(nxi_cur_module->name, name);
    return defmodule_named(name, call, env);
}

static nxv *module_body(nxi_module *m, const nxi_ast *body, nxi_env **env, nxi_env **attrs)
{
    int n = body->kind == AST_BLOCK ? body->n : 1;
    nxv *last = nxv_nil();
    for (int i = 0; i < n && last; i++) {
        const nxi_ast *st = body->kind == AST_BLOCK ? body->kids[i] : body;
        int kind = def_kind(st);
        if (kind >= 0) {
            last = define(m, kind, st, *attrs);
        } else if (st->kind == AST_UNARY && !strcmp(st->text, "@") && st->lhs->kind == AST_CALL &&
                   !st->lhs->module && st->lhs->n == 1) {
            /* @name value: later definitions see it as @name */
            nxv *v = nxi_eval_expr(st->lhs->kids[0], env);
            if (!v)
                return NULL;
            size_t len = strlen(st->lhs->text) + 2;
            char *name = nxi_alloc(len);
            snprintf(name, len, "@%s", st->lhs->text);
            nxi_pin(v);   /* attributes live as long as the module */
            nxi_bind(attrs, name, v);
            nxi_bind(env, name, v);
            last = v;
        } else if (st->kind == AST_CALL && !st->module && !st->lhs &&
                   (!strcmp(st->text, "use") || !strcmp(st->text, "require"))) {
            /* use/require of modules nxc lacks (use GenServer) are ignored; known ones import. */
            last = nxi_eval_expr(st, env);
            if (!last) {
                nxi_clear_raised();
                last = nxv_nil();
            }
        } else {
            last = nxi_eval_expr(st, env);
        }
    }
    return last;
}
