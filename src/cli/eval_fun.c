/* src/cli/eval_fun.c: function values: calling one (clauses matched in order, guards,
 * Elixir's BadArityError and FunctionClauseError), and making one from fn ... end or a
 * capture (&Mod.fun/arity, &fun/arity, &(&1 + &2)). */
#include "cli/eval_internal.h"
#include "cli/reclaim.h"

#include <string.h>
#include "cli/module.h"
#include "cli/nxlib.h"

static nxv *bad_arity(nxv *fun, int argc, nxv **argv)
{
    char *f = nxi_inspect_plain(fun);
    size_t cap = 256;
    char *args = nxi_alloc(cap);
    args[0] = 0;
    for (int i = 0; i < argc; i++) {
        char *s = nxi_inspect_plain(argv[i]);
        size_t need = strlen(args) + strlen(s) + 3;
        if (need > cap) {
            char *bigger = nxi_alloc(need * 2);
            strcpy(bigger, args);
            args = bigger;
            cap = need * 2;
        }
        if (i)
            strcat(args, ", ");
        strcat(args, s);
    }
    return nxi_raise("BadArityError", "%s with arity %d called with %d argument%s (%s)", f, fun->fun.arity,
                     argc, argc == 1 ? "" : "s", args);
}

nxv *nxi_call_fun(nxv *fun, int argc, nxv **argv)
{
    if (fun->kind != NXV_FUN) {
        char *s = nxi_inspect_plain(fun);
        return nxi_raise("BadFunctionError", "expected a function, got: %s", s);
    }
    if (fun->fun.arity != argc)
        return bad_arity(fun, argc, argv);
    if (fun->fun.builtin && fun->fun.bound) {   /* a builtin closure: its data comes first */
        nxv **all = nxv_items(argc + 1);
        all[0] = fun->fun.bound;
        for (int i = 0; i < argc; i++)
            all[i + 1] = argv[i];
        return fun->fun.builtin(argc + 1, all);
    }
    if (fun->fun.builtin) {
        const nxi_func f = { fun->fun.module, fun->fun.name, argc, argc, fun->fun.builtin };
        return nxeval_apply_builtin(&f, argc, argv);
    }
    if (nxi_call_enter() < 0)
        return NULL;
    const nxi_ast *fn = fun->fun.fn;
    nxv *result = NULL;
    int matched = 0;
    nxi_call_begin();
    const nxi_module *saved_module = nxi_cur_module;
    int saved_defn = nxi_defn_mode;
    nxi_cur_module = fun->fun.home;
    nxi_defn_mode = fun->fun.defn;
    for (int c = 0; c < fn->n && !matched && !nxi_raised(); c++)
        if (fn->clauses[c].nparams == argc)
            matched = nxi_clause_try(&fn->clauses[c], fun->fun.env, argv, &result);
    nxi_call_leave();
    nxi_cur_module = saved_module;
    nxi_defn_mode = saved_defn;
    if (!matched && !nxi_raised())
        nxi_raise("FunctionClauseError", "no function clause matching in anonymous fn/%d", argc);
    return nxi_call_end(result);
}

/* A function value over the clauses of fn, closing over env, in the current module. */
static nxv *fun_value(const nxi_ast *fn, int arity, nxi_env *env)
{
    nxv *v = nxi_alloc(sizeof *v);
    memset(v, 0, sizeof *v);
    v->kind = NXV_FUN;
    v->fun.fn = fn;
    v->fun.env = env;
    v->fun.arity = arity;
    v->fun.home = nxi_cur_module;
    v->fun.defn = nxi_defn_mode;
    return v;
}

/* The highest &N used inside a capture body (not inside nested captures). */
static int capture_arity(const nxi_ast *a)
{
    if (!a)
        return 0;
    if (a->kind == AST_CAPTURE_ARG)
        return (int)a->i;
    if (a->kind == AST_CAPTURE || a->kind == AST_FN)
        return 0;
    int m = 0;
#define MAXOF(x) do { int k_ = capture_arity(x); if (k_ > m) m = k_; } while (0)
    MAXOF(a->lhs);
    MAXOF(a->rhs);
    MAXOF(a->step);
    MAXOF(a->tail);
    MAXOF(a->base);
    for (int i = 0; i < a->n && a->kids; i++)
        MAXOF(a->kids[i]);
    for (int i = 0; i < a->n && a->kind == AST_BITSTRING && a->segs; i++)
        MAXOF(a->segs[i].value);
#undef MAXOF
    return m;
}

nxv *nxeval_capture(const nxi_ast *a, nxi_env **env)
{
    const nxi_ast *e = a->lhs;
    /* &Mod.fun/arity and &fun/arity name a function. */
    if (e->kind == AST_OP && !strcmp(e->text, "/") && e->lhs->kind == AST_CALL && e->lhs->n == 0 &&
        e->rhs->kind == AST_INT) {
        const nxi_ast *c = e->lhs;
        int arity = (int)e->rhs->i;
        const char *module = c->module ? nxeval_resolve_alias(c->module) : NULL;
        const nxi_module *um = module ? nxi_module_find(module) : nxi_cur_module;
        const nxi_fdef *uf = um ? nxi_module_fun(um, c->text, arity, !module) : NULL;
        if (uf)
            return nxi_module_capture(uf);
        if (module && um)
            return nxi_raise("UndefinedFunctionError", "function %s.%s/%d is undefined or private", module, c->text,
                             arity);
        const nxi_func *f = module ? nxi_lookup(module, c->text, arity) : nxeval_lookup_local(c->text, arity);
        if (!f)
            return nxeval_undefined_function(module, c->text, arity);
        nxv *v = nxi_alloc(sizeof *v);
        memset(v, 0, sizeof *v);
        v->kind = NXV_FUN;
        v->fun.builtin = f->fn;
        v->fun.module = f->module;
        v->fun.name = f->name;
        v->fun.arity = arity;
        return v;
    }
    int arity = capture_arity(e);
    if (arity == 0)
        return nxi_raise("CompileError", "invalid args for &, expected one of:\n\n  * &Mod.fun/arity to capture a remote function, such as &Enum.map/2\n  * &fun/arity to capture a local or imported function, such as &is_atom/1\n  * &some_code(&1, ...) containing at least one argument as &1, such as &List.flatten(&1)\n\nGot: %s", "expression");
    /* Build fn &1, ..., &n -> e end over the current environment. */
    nxi_ast *fn = nxi_alloc(sizeof *fn);
    memset(fn, 0, sizeof *fn);
    fn->kind = AST_FN;
    fn->n = 1;
    fn->clauses = nxi_alloc(sizeof *fn->clauses);
    memset(fn->clauses, 0, sizeof *fn->clauses);
    fn->clauses[0].nparams = arity;
    fn->clauses[0].params = nxi_alloc((size_t)arity * sizeof(nxi_ast *));
    for (int i = 0; i < arity; i++) {
        nxi_ast *p = nxi_alloc(sizeof *p);
        memset(p, 0, sizeof *p);
        p->kind = AST_VAR;
        char name[16];
        snprintf(name, sizeof name, "&%d", i + 1);
        p->text = nxi_strdup(name);
        fn->clauses[0].params[i] = p;
    }
    fn->clauses[0].body = (nxi_ast *)e;
    return fun_value(fn, arity, *env);
}

nxv *nxeval_make_fn(const nxi_ast *a, nxi_env **env)
{
    if (a->n == 0)
        return nxi_raise("SyntaxError", "expected clauses to be defined with -> inside \"fn\"");
    int arity = a->clauses[0].nparams;
    for (int i = 1; i < a->n; i++)
        if (a->clauses[i].nparams != arity)
            return nxi_raise("CompileError", "cannot mix clauses with different arities in anonymous functions");
    return fun_value(a, arity, *env);
}
