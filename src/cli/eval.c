/* src/cli/eval.c: walks syntax trees: variables, operators, calls into the function table
 * (nxlib.c), anonymous functions and captures, pipes, access and control flow. Failures
 * raise an exception (nxi_raise) and return NULL all the way up. */
#include "cli/eval.h"
#include "cli/reclaim.h"
#include "cli/region.h"

#include <math.h>
#include <string.h>
#include "cli/module.h"
#include "cli/nxlib.h"

FILE *nxi_side_out;

/* The session being evaluated: aliases and imports are looked up here. */
static nxi_session *session;
static int call_depth;

#define MAX_CALL_DEPTH 10000

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

/* ---------------------------------------------------------------- numbers */

static int is_number(const nxv *v)
{
    return v->kind == NXV_INT || v->kind == NXV_FLOAT;
}

static double to_double(const nxv *v)
{
    return v->kind == NXV_INT ? (double)v->i : v->f;
}

static nxv *bad_arith(const char *op, nxv *l, nxv *r)
{
    char *a = nxi_inspect_plain(l), *b = r ? nxi_inspect_plain(r) : NULL;
    if (r)
        return nxi_raise("ArithmeticError", "bad argument in arithmetic expression: %s %s %s", a, op, b);
    return nxi_raise("ArithmeticError", "bad argument in arithmetic expression: %s(%s)", op, a);
}

static nxv *arith(const char *op, nxv *l, nxv *r)
{
    if (!is_number(l) || !is_number(r))
        return bad_arith(op, l, r);
    if (strcmp(op, "/") == 0) {
        double d = to_double(r);
        if (d == 0)
            return bad_arith(op, l, r);
        return nxv_float(to_double(l) / d);
    }
    if (l->kind == NXV_INT && r->kind == NXV_INT) {
        nxi_int x = l->i, y = r->i, z;
        int overflow = 0;
        switch (op[0]) {
        case '+': overflow = __builtin_add_overflow(x, y, &z); break;
        case '-': overflow = __builtin_sub_overflow(x, y, &z); break;
        case '*':
            if (op[1] == '*') {
                if (y < 0)
                    return nxv_float(pow((double)x, (double)y));
                /* |x| >= 2 overflows within 127 steps; 0, 1 and -1 are answered directly. */
                if (x == 0 || x == 1)
                    z = y == 0 ? 1 : x;
                else if (x == -1)
                    z = y % 2 ? -1 : 1;
                else
                    for (z = 1; y > 0 && !overflow; y--)
                        overflow = __builtin_mul_overflow(z, x, &z);
                break;
            }
            overflow = __builtin_mul_overflow(x, y, &z);
            break;
        default: return bad_arith(op, l, r);
        }
        if (overflow)
            return nxi_raise("SystemLimitError", "integer overflow: nxc integers are limited to 128 bits");
        return nxv_int(z);
    }
    double x = to_double(l), y = to_double(r), z;
    switch (op[0]) {
    case '+': z = x + y; break;
    case '-': z = x - y; break;
    case '*': z = op[1] == '*' ? pow(x, y) : x * y; break;
    default: return bad_arith(op, l, r);
    }
    if (!isfinite(z))
        return bad_arith(op, l, r);
    return nxv_float(z);
}

/* ---------------------------------------------------------------- operators */

static nxv *concat_lists(nxv *l, nxv *r)
{
    if (l->kind != NXV_LIST || l->list.tail) {
        char *a = nxi_inspect_plain(l);
        return nxi_raise("ArgumentError", "argument error: %s is not a list", a);
    }
    if (r->kind != NXV_LIST) {   /* [1] ++ 2 builds an improper list */
        nxv *out = nxv_list(l->list.n, l->list.items);
        out->list.tail = r;
        return out;
    }
    int64_t n = l->list.n + r->list.n;
    nxv **items = nxv_items(n);
    memcpy(items, l->list.items, (size_t)l->list.n * sizeof *items);
    memcpy(items + l->list.n, r->list.items, (size_t)r->list.n * sizeof *items);
    nxv *out = nxv_list(n, items);
    out->list.tail = r->list.tail;
    return out;
}

static nxv *subtract_lists(nxv *l, nxv *r)
{
    if (l->kind != NXV_LIST || r->kind != NXV_LIST)
        return nxi_raise("ArgumentError", "argument error");
    nxv **items = nxv_items(l->list.n);
    char *used = nxi_alloc((size_t)r->list.n + 1);
    memset(used, 0, (size_t)r->list.n + 1);
    int64_t n = 0;
    for (int64_t i = 0; i < l->list.n; i++) {
        int drop = 0;
        for (int64_t j = 0; j < r->list.n && !drop; j++)
            if (!used[j] && nxv_equal(l->list.items[i], r->list.items[j], 1))
                used[j] = drop = 1;
        if (!drop)
            items[n++] = l->list.items[i];
    }
    return nxv_list(n, items);
}

static nxv *concat_binaries(nxv *l, nxv *r)
{
    if (l->kind != NXV_BINARY || r->kind != NXV_BINARY || l->bin.bits % 8 || r->bin.bits % 8) {
        char *a = nxi_inspect_plain(l->kind != NXV_BINARY || l->bin.bits % 8 ? l : r);
        return nxi_raise("ArgumentError", "expected binary argument in <> operator but got: %s", a);
    }
    int64_t n = (l->bin.bits + r->bin.bits) / 8;
    unsigned char *b = nxi_alloc((size_t)n + 1);
    memcpy(b, l->bin.bytes, (size_t)l->bin.bits / 8);
    memcpy(b + l->bin.bits / 8, r->bin.bytes, (size_t)r->bin.bits / 8);
    return nxv_binary(b, n * 8);
}

static nxv *member(nxv *x, nxv *coll)
{
    if (coll->kind == NXV_LIST) {
        for (int64_t i = 0; i < coll->list.n; i++)
            if (nxv_equal(x, coll->list.items[i], 1))
                return nxv_bool(1);
        return nxv_bool(0);
    }
    if (coll->kind == NXV_RANGE) {
        if (x->kind != NXV_INT)
            return nxv_bool(0);
        nxi_int f = coll->range.first, l = coll->range.last, s = coll->range.step;
        int in = s > 0 ? (x->i >= f && x->i <= l) : (x->i <= f && x->i >= l);
        return nxv_bool(in && (x->i - f) % s == 0);
    }
    if (coll->kind == NXV_MAP) {
        for (int64_t i = 0; i < coll->map.n; i++)
            if (x->kind == NXV_TUPLE && x->tuple.n == 2 && nxv_equal(x->tuple.items[0], coll->map.keys[i], 1) &&
                nxv_equal(x->tuple.items[1], coll->map.vals[i], 1))
                return nxv_bool(1);
        return nxv_bool(0);
    }
    char *a = nxi_inspect_plain(coll);
    return nxi_raise("Protocol.UndefinedError", "protocol Enumerable not implemented for type %s", a);
}

static nxv *bad_boolean(const char *op, nxv *v)
{
    char *a = nxi_inspect_plain(v);
    return nxi_raise("BadBooleanError", "expected a boolean on left-side of \"%s\", got: %s", op, a);
}

static nxv *make_range(nxv *first, nxv *last, nxv *step)
{
    if (first->kind != NXV_INT || last->kind != NXV_INT || (step && step->kind != NXV_INT)) {
        char *a = nxi_inspect_plain(first), *b = nxi_inspect_plain(last);
        return nxi_raise("ArgumentError", "ranges (first..last) expect both sides to be integers, got: %s..%s", a, b);
    }
    nxi_int s = step ? step->i : (first->i <= last->i ? 1 : -1);
    if (s == 0)
        return nxi_raise("ArgumentError", "the step in a range (first..last//step) must be a non-zero integer");
    return nxv_range(first->i, last->i, s);
}

/* The operators that evaluate both sides, on their values. */
static nxv *apply_binary(const char *op, nxv *l, nxv *r)
{
    if (!strcmp(op, "+") || !strcmp(op, "-") || !strcmp(op, "*") || !strcmp(op, "/") || !strcmp(op, "**"))
        return arith(op, l, r);
    if (!strcmp(op, "=="))
        return nxv_bool(nxv_equal(l, r, 0));
    if (!strcmp(op, "!="))
        return nxv_bool(!nxv_equal(l, r, 0));
    if (!strcmp(op, "==="))
        return nxv_bool(nxv_equal(l, r, 1));
    if (!strcmp(op, "!=="))
        return nxv_bool(!nxv_equal(l, r, 1));
    if (!strcmp(op, "<"))
        return nxv_bool(nxv_compare(l, r) < 0);
    if (!strcmp(op, ">"))
        return nxv_bool(nxv_compare(l, r) > 0);
    if (!strcmp(op, "<="))
        return nxv_bool(nxv_compare(l, r) <= 0);
    if (!strcmp(op, ">="))
        return nxv_bool(nxv_compare(l, r) >= 0);
    if (!strcmp(op, "++"))
        return concat_lists(l, r);
    if (!strcmp(op, "--"))
        return subtract_lists(l, r);
    if (!strcmp(op, "<>"))
        return concat_binaries(l, r);
    if (!strcmp(op, "in"))
        return member(l, r);
    if (!strcmp(op, "not in")) {
        nxv *m = member(l, r);
        return m ? nxv_bool(!nxv_truthy(m)) : NULL;
    }
    return nxi_raise("CompileError", "operator %s is not supported by nxc", op);
}

static nxv *binary_op(const nxi_ast *a, nxi_env **env)
{
    const char *op = a->text;
    if (nxi_defn_mode && strcmp(op, "..") && strcmp(op, "&&") && strcmp(op, "||")) {
        /* Nx.Defn.Kernel's operators: both sides always evaluated (§9.1). */
        nxv *l = eval(a->lhs, env);
        nxv *r = l ? eval(a->rhs, env) : NULL;
        if (!r)
            return NULL;
        nxv *v = nxi_defn_binary(op, l, r);
        if (v != &nxi_defn_pass)
            return v;
        if (!strcmp(op, "and") || !strcmp(op, "or")) {
            if (!nxv_is_atom(l, "true") && !nxv_is_atom(l, "false"))
                return bad_boolean(op, l);
            return (op[0] == 'a') == nxv_truthy(l) ? r : l;
        }
        return apply_binary(op, l, r);
    }
    /* Short-circuit operators evaluate the right side only when needed. */
    if (!strcmp(op, "&&") || !strcmp(op, "||") || !strcmp(op, "and") || !strcmp(op, "or")) {
        nxv *l = eval(a->lhs, env);
        if (!l)
            return NULL;
        int strict = op[0] == 'a' || op[0] == 'o';
        if (strict && !nxv_is_atom(l, "true") && !nxv_is_atom(l, "false"))
            return bad_boolean(op, l);
        int is_and = op[0] == '&' || op[0] == 'a';
        if (is_and ? !nxv_truthy(l) : nxv_truthy(l))
            return l;
        return eval(a->rhs, env);
    }
    nxv *l = eval(a->lhs, env);
    if (!l)
        return NULL;
    if (!strcmp(op, "..")) {
        nxv *r = eval(a->rhs, env);
        nxv *s = r && a->step ? eval(a->step, env) : NULL;
        if (!r || (a->step && !s))
            return NULL;
        return make_range(l, r, s);
    }
    nxv *r = eval(a->rhs, env);
    if (!r)
        return NULL;
    return apply_binary(op, l, r);
}

/* @name reads a module attribute (bound as "@name" when the function was defined). */
static nxv *attribute(const nxi_ast *a, nxi_env **env)
{
    if (a->lhs->kind != AST_VAR)
        return nxi_raise("ArgumentError", "cannot invoke @/1 outside module");
    size_t n = strlen(a->lhs->text) + 2;
    char *name = nxi_alloc(n);
    snprintf(name, n, "@%s", a->lhs->text);
    nxv *v = lookup_var(*env, name);
    return v ? v : nxv_nil();
}

static nxv *unary_op(const nxi_ast *a, nxi_env **env)
{
    const char *op = a->text;
    if (!strcmp(op, "^"))
        return nxi_raise("CompileError", "misplaced operator ^%s: the pin operator is only allowed in patterns",
                         a->lhs->kind == AST_VAR ? a->lhs->text : "");
    if (!strcmp(op, "@"))
        return attribute(a, env);
    nxv *v = eval(a->lhs, env);
    if (!v)
        return NULL;
    if (nxi_defn_mode) {
        nxv *r = nxi_defn_unary(op, v);
        if (r != &nxi_defn_pass)
            return r;
    }
    if (!strcmp(op, "-")) {
        if (v->kind == NXV_INT)
            return nxv_int(-v->i);
        if (v->kind == NXV_FLOAT)
            return nxv_float(-v->f);
        return bad_arith("-", v, NULL);
    }
    if (!strcmp(op, "+")) {
        if (!is_number(v))
            return bad_arith("+", v, NULL);
        return v;
    }
    if (!strcmp(op, "!"))
        return nxv_bool(!nxv_truthy(v));
    if (!strcmp(op, "not")) {
        if (!nxv_is_atom(v, "true") && !nxv_is_atom(v, "false")) {
            char *s = nxi_inspect_plain(v);
            return nxi_raise("ArgumentError", "argument error: %s", s);
        }
        return nxv_bool(!nxv_truthy(v));
    }
    return nxi_raise("CompileError", "operator %s is not supported by nxc", op);
}

/* ---------------------------------------------------------------- calls */

/* The module an alias stands for ("LinAlg" after `alias Nx.LinAlg`). */
static const char *resolve_alias(const char *name)
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

static nxv *undefined_function(const char *module, const char *name, int argc)
{
    if (module && !nxi_module_exists(module))
        return nxi_raise("UndefinedFunctionError",
                         "function %s.%s/%d is undefined (module %s is not available)", module, name, argc, module);
    if (module)
        return nxi_raise("UndefinedFunctionError", "function %s.%s/%d is undefined or private", module, name, argc);
    return nxi_raise("CompileError", "undefined function %s/%d (there is no such import)", name, argc);
}

/* A local call: an imported module first, then Kernel. */
static const nxi_func *lookup_local(const char *name, int argc)
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

static nxv *apply_builtin(const nxi_func *f, int argc, nxv **argv)
{
    if (++call_depth > MAX_CALL_DEPTH) {
        call_depth--;
        return nxi_raise("SystemLimitError", "stack depth limit reached (%d nested calls)", MAX_CALL_DEPTH);
    }
    nxv *r = f->fn(argc, argv);
    call_depth--;
    if (!r && !nxi_raised())
        return nxi_raise("RuntimeError", "%s.%s/%d failed", f->module, f->name, argc);
    return r;
}

static nxv **eval_args(nxi_ast *const *args, int n, nxv *first, nxi_env **env)
{
    int off = first ? 1 : 0;
    nxv **argv = nxv_items(n + off);
    if (first)
        argv[0] = first;
    for (int i = 0; i < n; i++)
        if (!(argv[i + off] = eval(args[i], env)))
            return NULL;
    return argv;
}

/* Session directives written as calls: alias, import, require, use. */
static nxv *directive(const nxi_ast *a)
{
    if (a->n < 1 || a->kids[0]->kind != AST_ALIAS)
        return nxi_raise("CompileError", "%s expects a module name", a->text);
    const char *module = resolve_alias(a->kids[0]->text);
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

static nxv *call(const nxi_ast *a, nxv *piped, nxi_env **env)
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
    const char *module = a->module ? resolve_alias(a->module) : NULL;
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
        nxv **argv = eval_args(a->kids, a->n, piped, env);
        return argv ? nxi_module_call(uf, argc, argv, !module) : NULL;
    }
    if (!module && nxi_defn_mode && is_defn_kernel(a->text, argc)) {
        nxv **argv = eval_args(a->kids, a->n, piped, env);
        nxv *r = argv ? nxi_defn_kernel(a->text, argc, argv) : NULL;
        if (r != &nxi_defn_pass)
            return r;
        const nxi_func *k = nxi_lookup("Kernel", a->text, argc);
        return k ? apply_builtin(k, argc, argv) : undefined_function(NULL, a->text, argc);
    }
    const nxi_func *f = module ? nxi_lookup(module, a->text, argc) : lookup_local(a->text, argc);
    if (!f) {
        if (!module && nxi_cur_module)
            return nxi_raise("CompileError", "undefined function %s/%d (expected %s to define such a function or "
                             "for it to be imported, but none are available)", a->text, argc,
                             nxi_module_name(nxi_cur_module));
        /* A local name bound to a function is not callable without .() in Elixir. */
        return undefined_function(module, a->text, argc);
    }
    nxv **argv = eval_args(a->kids, a->n, piped, env);
    if (!argv)
        return NULL;
    return apply_builtin(f, argc, argv);
}

int nxi_call_enter(void)
{
    if (++call_depth > MAX_CALL_DEPTH) {
        call_depth--;
        nxi_raise("SystemLimitError", "stack depth limit reached (%d nested calls)", MAX_CALL_DEPTH);
        return -1;
    }
    return 0;
}

void nxi_call_leave(void)
{
    call_depth--;
}

/* ---------------------------------------------------------------- functions */

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
        return apply_builtin(&f, argc, argv);
    }
    if (++call_depth > MAX_CALL_DEPTH) {
        call_depth--;
        return nxi_raise("SystemLimitError", "stack depth limit reached (%d nested calls)", MAX_CALL_DEPTH);
    }
    const nxi_ast *fn = fun->fun.fn;
    nxv *result = NULL;
    int matched = 0;
    nxi_call_begin();
    const nxi_module *saved_module = nxi_cur_module;
    int saved_defn = nxi_defn_mode;
    nxi_cur_module = fun->fun.home;
    nxi_defn_mode = fun->fun.defn;
    for (int c = 0; c < fn->n && !matched && !nxi_raised(); c++) {
        const nxi_clause *cl = &fn->clauses[c];
        if (cl->nparams != argc)
            continue;
        nxi_env *env = fun->fun.env;
        int ok = 1;
        for (int i = 0; i < argc && ok == 1; i++)
            ok = nxi_match(cl->params[i], argv[i], &env);
        if (ok == 1 && cl->guard) {
            nxv *g = eval(cl->guard, &env);
            ok = g && nxv_is_atom(g, "true");
            if (!g)
                nxi_clear_raised();   /* errors in guards mean "no match" */
        }
        if (ok == 1) {
            matched = 1;
            result = eval(cl->body, &env);
        }
    }
    call_depth--;
    nxi_cur_module = saved_module;
    nxi_defn_mode = saved_defn;
    if (!matched && !nxi_raised())
        nxi_raise("FunctionClauseError", "no function clause matching in anonymous fn/%d", argc);
    return nxi_call_end(result);
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

static nxv *capture(const nxi_ast *a, nxi_env **env)
{
    const nxi_ast *e = a->lhs;
    /* &Mod.fun/arity and &fun/arity name a function. */
    if (e->kind == AST_OP && !strcmp(e->text, "/") && e->lhs->kind == AST_CALL && e->lhs->n == 0 &&
        e->rhs->kind == AST_INT) {
        const nxi_ast *c = e->lhs;
        int arity = (int)e->rhs->i;
        const char *module = c->module ? resolve_alias(c->module) : NULL;
        const nxi_module *um = module ? nxi_module_find(module) : nxi_cur_module;
        const nxi_fdef *uf = um ? nxi_module_fun(um, c->text, arity, !module) : NULL;
        if (uf)
            return nxi_module_capture(uf);
        if (module && um)
            return nxi_raise("UndefinedFunctionError", "function %s.%s/%d is undefined or private", module, c->text,
                             arity);
        const nxi_func *f = module ? nxi_lookup(module, c->text, arity) : lookup_local(c->text, arity);
        if (!f)
            return undefined_function(module, c->text, arity);
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
    nxv *v = nxi_alloc(sizeof *v);
    memset(v, 0, sizeof *v);
    v->kind = NXV_FUN;
    v->fun.fn = fn;
    v->fun.env = *env;
    v->fun.arity = arity;
    v->fun.home = nxi_cur_module;
    v->fun.defn = nxi_defn_mode;
    return v;
}

static nxv *make_fn(const nxi_ast *a, nxi_env **env)
{
    if (a->n == 0)
        return nxi_raise("SyntaxError", "expected clauses to be defined with -> inside \"fn\"");
    int arity = a->clauses[0].nparams;
    for (int i = 1; i < a->n; i++)
        if (a->clauses[i].nparams != arity)
            return nxi_raise("CompileError", "cannot mix clauses with different arities in anonymous functions");
    nxv *v = nxi_alloc(sizeof *v);
    memset(v, 0, sizeof *v);
    v->kind = NXV_FUN;
    v->fun.fn = a;
    v->fun.env = *env;
    v->fun.arity = arity;
    v->fun.home = nxi_cur_module;
    v->fun.defn = nxi_defn_mode;
    return v;
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
        return call(r, l, env);
    if (r->kind == AST_ANON_CALL) {
        nxv *f = eval(r->lhs, env);
        nxv **argv = f ? eval_args(r->kids, r->n, l, env) : NULL;
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
            return concat_lists(out, t);
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
        const nxi_func *f = lookup_local(a->text, 0);
        if (f)
            return apply_builtin(f, 0, NULL);
        const nxi_fdef *uf = nxi_cur_module ? nxi_module_fun(nxi_cur_module, a->text, 0, 1) : NULL;
        if (uf)
            return nxi_module_call(uf, 0, NULL, 1);
        return nxi_raise("CompileError", "undefined variable \"%s\"", a->text);
    }
    case AST_ALIAS: {
        const char *m = resolve_alias(a->text);
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
        return binary_op(a, env);
    case AST_UNARY: return unary_op(a, env);
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
            return call(&c, NULL, env);
        }
        return call(a, NULL, env);
    case AST_ANON_CALL: {
        nxv *f = eval(a->lhs, env);
        nxv **argv = f ? eval_args(a->kids, a->n, NULL, env) : NULL;
        return argv ? nxi_call_fun(f, a->n, argv) : NULL;
    }
    case AST_DOT: return dot(a, env);
    case AST_ACCESS: return access(a, env);
    case AST_FN: return make_fn(a, env);
    case AST_CAPTURE: return capture(a, env);
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
    session = s;
    call_depth = 0;
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
