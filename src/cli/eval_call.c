/* src/cli/eval_call.c: named calls: alias resolution, session directives (alias,
 * import, require, use), user modules' functions, Nx.Defn.Kernel's redefinitions, then the
 * built-in function table (nxlib.c), with the call depth limit and Elixir's errors for
 * undefined functions. */
#define _GNU_SOURCE   /* pthread_getattr_np */
#include "cli/eval_internal.h"
#include "cli/region.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include "cli/module.h"
#include "cli/nxlib.h"

/* The session being evaluated: aliases and imports are looked up here. */
static nxi_session *session;
static int call_depth;

#define MAX_CALL_DEPTH 10000
/* Stack kept free below the deepest call, for the built-in it runs and the error path. */
#define STACK_RESERVE ((size_t)2 << 20)

/* The lowest address this thread's calls may reach, or 0 where the stack is unknown: a
 * call frame of the tree walker takes a few kilobytes (more under sanitizers), so the
 * count alone could run out of stack first. */
static uintptr_t stack_floor(void)
{
    static _Thread_local uintptr_t lowest;
    static _Thread_local bool known;
    if (known)
        return lowest;
    known = true;
    pthread_attr_t attr;
    void *lo;
    size_t size;
    if (pthread_getattr_np(pthread_self(), &attr) != 0)
        return 0;
    int rc = pthread_attr_getstack(&attr, &lo, &size);
    pthread_attr_destroy(&attr);
    if (rc != 0)
        return 0;
    size_t keep = size / 4 > STACK_RESERVE ? STACK_RESERVE : size / 4;
    return lowest = (uintptr_t)lo + keep;
}

/* nxi_eval_block starts an entry of session s: no call is open. */
void nxeval_begin(nxi_session *s)
{
    session = s;
    call_depth = 0;
}

/* The module an alias stands for ("LinAlg" after `alias Nx.LinAlg`). */
const char *nxeval_resolve_alias(const char *name)
{
    const char *dot = strchr(name, '.');
    size_t head = dot ? (size_t)(dot - name) : strlen(name);
    for (struct nxi_alias *al = session ? session->aliases : NULL; al; al = al->next)
        if (strlen(al->as) == head && strncmp(al->as, name, head) == 0) {
            if (!dot)
                return al->module;
            size_t n = strlen(al->module) + strlen(dot) + 1;
            char *full = nxi_alloc(n);
            snprintf(full, n, "%s%s", al->module, dot);
            return full;
        }
    return name;
}

nxv *nxeval_undefined_function(const char *module, const char *name, int argc)
{
    if (module && !nxi_module_exists(module))
        return nxi_raise("UndefinedFunctionError",
                         "function %s.%s/%d is undefined (module %s is not available)", module, name, argc, module);
    if (module)
        return nxi_raise("UndefinedFunctionError", "function %s.%s/%d is undefined or private", module, name, argc);
    return nxi_raise("CompileError", "undefined function %s/%d (there is no such import)", name, argc);
}

/* A local call: an imported module first, then Kernel. */
const nxi_func *nxeval_lookup_local(const char *name, int argc)
{
    if (nxi_defn_mode) {   /* defn code sees Nx.Defn.Kernel first */
        const nxi_func *f = nxi_lookup("Nx.Defn.Kernel", name, argc);
        if (f)
            return f;
    }
    for (struct nxi_import *im = session ? session->imports : NULL; im; im = im->next) {
        const nxi_func *f = nxi_lookup(im->module, name, argc);
        if (f)
            return f;
    }
    return nxi_lookup("Kernel", name, argc);
}

nxv *nxeval_apply_builtin(const nxi_func *f, int argc, nxv **argv)
{
    if (nxi_call_enter() < 0)
        return NULL;
    nxv *r = f->fn(argc, argv);
    nxi_call_leave();
    if (!r && !nxi_raised())
        return nxi_raise("RuntimeError", "%s.%s/%d failed", f->module, f->name, argc);
    return r;
}

nxv **nxeval_args(nxi_ast *const *args, int n, nxv *first, nxi_env **env)
{
    int off = first ? 1 : 0;
    nxv **argv = nxv_items(n + off);
    if (first)
        argv[0] = first;
    for (int i = 0; i < n; i++)
        if (!(argv[i + off] = nxi_eval_expr(args[i], env)))
            return NULL;
    return argv;
}

/* Session directives written as calls: alias, import, require, use. */
static nxv *directive(const nxi_ast *a)
{
    if (a->n < 1 || a->kids[0]->kind != AST_ALIAS)
        return nxi_raise("CompileError", "%s expects a module name", a->text);
    const char *module = nxeval_resolve_alias(a->kids[0]->text);
    if (!strcmp(a->text, "alias")) {
        const char *as = strrchr(module, '.');
        as = as ? as + 1 : module;
        if (a->n > 1 && a->kids[1]->kind == AST_LIST)
            for (int i = 0; i < a->kids[1]->n; i++) {
                nxi_ast *kv = a->kids[1]->kids[i];
                if (kv->kind == AST_TUPLE && kv->n == 2 && !strcmp(kv->kids[0]->text, "as") &&
                    kv->kids[1]->kind == AST_ALIAS)
                    as = kv->kids[1]->text;
            }
        nxi_escape();   /* the session's aliases outlive the calls in progress */
        struct nxi_alias *al = nxi_alloc(sizeof *al);
        al->as = as;
        al->module = module;
        al->next = session->aliases;
        session->aliases = al;
    } else if (!strcmp(a->text, "import") || !strcmp(a->text, "use")) {
        if (!nxi_module_exists(module))
            return nxi_raise("CompileError", "module %s is not loaded and could not be found", module);
        nxi_escape();
        struct nxi_import *im = nxi_alloc(sizeof *im);
        im->module = module;
        im->next = session->imports;
        session->imports = im;
    }
    nxv *m = nxv_atom("Elixir.");
    (void)m;
    size_t n = strlen(module) + 8;
    char *full = nxi_alloc(n);
    snprintf(full, n, "Elixir.%s", module);
    return nxv_atom(full);
}

static int is_directive(const nxi_ast *a)
{
    return !a->module && !a->lhs &&
           (!strcmp(a->text, "alias") || !strcmp(a->text, "import") || !strcmp(a->text, "require") ||
            !strcmp(a->text, "use"));
}

static int is_def(const char *name)
{
    static const char *const defs[] = { "def", "defp", "defn", "defnp", "deftransform", "deftransformp",
                                        "defmacro", "defmacrop" };
    for (size_t i = 0; i < sizeof defs / sizeof *defs; i++)
        if (!strcmp(name, defs[i]))
            return 1;
    return 0;
}

/* Kernel functions that Nx.Defn.Kernel redefines for tensors (§9.1). */
static int is_defn_kernel(const char *name, int argc)
{
    return argc == 2 && (!strcmp(name, "max") || !strcmp(name, "min") || !strcmp(name, "div") || !strcmp(name, "rem"));
}

nxv *nxeval_call(const nxi_ast *a, nxv *piped, nxi_env **env)
{
    if (!a->module && !piped && is_directive(a))
        return directive(a);
    if (!a->module && !a->lhs && !piped && !strcmp(a->text, "defmodule"))
        return nxi_defmodule(a, env);
    if (!a->module && !a->lhs && !piped && is_def(a->text))
        return nxi_raise("ArgumentError", "cannot invoke %s/%d outside module", a->text, a->n);
    if (!a->module && !a->lhs && !piped && !strcmp(a->text, "receive"))
        return nxi_receive(a, env);
    if (!a->module && !a->lhs && !piped && nxi_defn_mode && !strcmp(a->text, "while"))
        return nxi_defn_while(a, env);
    int argc = a->n + (piped ? 1 : 0);
    const char *module = a->module ? nxeval_resolve_alias(a->module) : NULL;
    /* User modules: M.f(...) and, inside a module, its own functions by name. */
    const nxi_fdef *uf = NULL;
    if (module) {
        const nxi_module *m = nxi_module_find(module);
        if (m && !(uf = nxi_module_fun(m, a->text, argc, 0)))
            return nxi_raise("UndefinedFunctionError", "function %s.%s/%d is undefined or private", module, a->text,
                             argc);
    } else if (nxi_cur_module) {
        uf = nxi_module_fun(nxi_cur_module, a->text, argc, 1);
    }
    if (uf) {
        nxv **argv = nxeval_args(a->kids, a->n, piped, env);
        return argv ? nxi_module_call(uf, argc, argv, !module) : NULL;
    }
    if (!module && nxi_defn_mode && is_defn_kernel(a->text, argc)) {
        nxv **argv = nxeval_args(a->kids, a->n, piped, env);
        nxv *r = argv ? nxi_defn_kernel(a->text, argc, argv) : NULL;
        if (r != &nxi_defn_pass)
            return r;
        const nxi_func *k = nxi_lookup("Kernel", a->text, argc);
        return k ? nxeval_apply_builtin(k, argc, argv) : nxeval_undefined_function(NULL, a->text, argc);
    }
    const nxi_func *f = module ? nxi_lookup(module, a->text, argc) : nxeval_lookup_local(a->text, argc);
    if (!f) {
        if (!module && nxi_cur_module)
            return nxi_raise("CompileError", "undefined function %s/%d (expected %s to define such a function or "
                             "for it to be imported, but none are available)", a->text, argc,
                             nxi_module_name(nxi_cur_module));
        /* A local name bound to a function is not callable without .() in Elixir. */
        return nxeval_undefined_function(module, a->text, argc);
    }
    nxv **argv = nxeval_args(a->kids, a->n, piped, env);
    if (!argv)
        return NULL;
    return nxeval_apply_builtin(f, argc, argv);
}

int nxi_call_enter(void)
{
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);   /* the real stack, even under ASan */
    uintptr_t floor = stack_floor();
    if (call_depth >= MAX_CALL_DEPTH || (floor && here < floor)) {
        nxi_raise("SystemLimitError", "stack depth limit reached (%d nested calls)", call_depth);
        return -1;
    }
    call_depth++;
    return 0;
}

void nxi_call_leave(void)
{
    call_depth--;
}
