/* src/cli/nxlib_hooks.c: side effects inside traced code in the interpreter (spec/defn.md
 * §9.2, §10): Nx.io_call and Nx.Defn.Kernel's io_call / hook (the release's alias) record
 * io_call nodes through the C library (src/defn/hooks.c) whose callback rebuilds the data
 * container and calls the Elixir function (or the one jit's :hooks binds to the name);
 * print_value is an io_call that prints with IO.inspect's layout; Nx.runtime_call records
 * a runtime_call node. Callbacks run every time the graph is evaluated, so a defn whose
 * graph is cached still fires them on every call. */
#include <string.h>
#include "cli/eval.h"
#include "cli/hooks.h"
#include "cli/module.h"
#include "cli/nxlib.h"
#include "cli/nxlib_args.h"
#include "cli/region.h"
#include "core/error.h"
#include "defn/node.h"

/* ---- the :hooks of the evaluation in progress ---- */

static nxv *active;

nxv *nxi_hooks_enter(nxv *hooks)
{
    nxv *prev = active;
    active = hooks;
    return prev;
}

void nxi_hooks_leave(nxv *previous)
{
    active = previous;
}

static nxv *bound_hook(const char *name)
{
    if (!name || !active || active->kind != NXV_MAP)
        return NULL;
    for (int64_t i = 0; i < active->map.n; i++)
        if (nxv_is_atom(active->map.keys[i], name))
            return active->map.vals[i];
    return NULL;
}

/* ---- rebuilding the data container from concrete leaves ---- */

#define MAX_LEAVES 64

typedef struct {
    nx_tensor *t[MAX_LEAVES];
    const nx_tensor *const *values;
    int n, next;
} leaves;

static nxv *take_leaf(nxv *leaf, void *ctx)
{
    leaves *l = ctx;
    nx_tensor *t = nxi_to_tensor(leaf);
    if (!t)
        return NULL;
    if (l->n == MAX_LEAVES)
        return nxi_raise("ArgumentError", "io_call over more than %d tensors is not supported by nxc", MAX_LEAVES);
    l->t[l->n++] = t;
    return leaf;
}

/* The callback gets views of its own: what it keeps (a message sent to self()) must not
 * share a header with the evaluator's values, which are released after their last use. */
static nxv *put_leaf(nxv *leaf, void *ctx)
{
    (void)leaf;
    leaves *l = ctx;
    const nx_tensor *t = l->values[l->next++];
    return nxi_tensor_value(nx_as_type(t, nx_type_of(t)));
}

static nxv *rebuilt(nxv *shape, const nx_tensor *const *values)
{
    leaves l = { .values = values };
    return nxi_map_leaves(shape, put_leaf, &l);
}

static nxv *result_leaf(nxv *leaf, void *ctx)
{
    (void)leaf;
    leaves *l = ctx;
    return nxv_tensor(l->t[l->next++]);
}

/* ---- io_call ---- */

typedef struct {
    nxv *shape;          /* the data as traced: the container to rebuild */
    nxv *fun;            /* the default function (NULL: none) */
    const char *name;    /* the hook name (NULL: function only) */
    nxv *label;          /* print_value: the label (NULL: none), fun applied first */
    int print;
} hook_ctx;

static int failed(void)
{
    return -1;   /* the exception is raised; the library adds its own error text */
}

static int call_hook(int n, const nx_tensor *const *values, void *ctx)
{
    (void)n;
    hook_ctx *h = ctx;
    nxv *fun = h->print ? h->fun : bound_hook(h->name);
    if (!h->print && !fun)
        fun = h->fun;
    if (!fun && !h->print)
        return 0;
    nxv *v = rebuilt(h->shape, values);
    if (!v)
        return failed();
    if (fun && !(v = nxi_call_fun(fun, 1, &v)))
        return failed();
    if (!h->print)
        return 0;
    char *s = nxi_inspect(v);
    FILE *out = nxi_side_out ? nxi_side_out : stdout;
    if (h->label && h->label->kind == NXV_BINARY)
        fprintf(out, "%.*s: ", (int)(h->label->bin.bits / 8), (const char *)h->label->bin.bytes);
    else if (h->label)
        fprintf(out, "%s: ", nxi_inspect_plain(h->label));
    fprintf(out, "%s\n", s);
    return 0;
}

/* data passed through an io_call node with callback h. */
static nxv *record(nxv *data, hook_ctx *h, const char *fn_text)
{
    leaves l = { 0 };
    h->shape = data;
    if (!nxi_map_leaves(data, take_leaf, &l))
        return NULL;
    if (l.n == 0)
        return nxi_raise("ArgumentError", "io_call expects a tensor or a container of tensors, got: %s",
                         nxi_inspect_plain(data));
    nx_io_callback cb = { .name = h->name, .fn = call_hook, .ctx = h, .fn_text = fn_text };
    nx_tensor *out[MAX_LEAVES] = { 0 };
    if (nxdefn_io_call(l.n, (const nx_tensor *const *)l.t, &cb, nxi_is_container(data), out) < 0)
        return nxi_raise_from_nx();
    leaves r = { .n = l.n };
    memcpy(r.t, out, sizeof out);
    return nxi_map_leaves(data, result_leaf, &r);
}

static hook_ctx *new_ctx(void)
{
    nxi_escape();   /* the graph's io_call node keeps the context (arena memory) */
    hook_ctx *h = nxi_alloc(sizeof *h);
    memset(h, 0, sizeof *h);
    return h;
}

static int is_fun1(const nxv *f)
{
    return f->kind == NXV_FUN && f->fun.arity == 1;
}

/* io_call(data, fun | name), io_call(data, name, fun | nil) inside a trace. */
nxv *nxi_io_call_traced(int argc, nxv **argv)
{
    hook_ctx *h = new_ctx();
    nxv *data = argv[0], *second = argv[1], *fun = argc == 3 ? argv[2] : NULL;
    if (second->kind == NXV_ATOM && !nxv_is_nil(second) && !nxv_is_atom(second, "true") &&
        !nxv_is_atom(second, "false")) {
        h->name = second->atom;
    } else if (argc == 2 && is_fun1(second)) {
        fun = second;
    } else {
        return nxi_raise("ArgumentError", "expected a function of arity 1 or an atom, got: %s",
                         nxi_inspect_plain(second));
    }
    if (fun && nxv_is_nil(fun))
        fun = NULL;
    if (fun && !is_fun1(fun))
        return nxi_raise("ArgumentError", "expected a function of arity 1 or nil, got: %s", nxi_inspect_plain(fun));
    h->fun = fun;
    return record(data, h, fun ? nxi_inspect_plain(fun) : NULL);
}

/* Nx.Defn.Kernel.io_call / hook: traced, or what Nx.io_call does outside a trace. */
static nxv *k_io_call(int argc, nxv **argv)
{
    if (nxdefn_tracing > 0)
        return nxi_io_call_traced(argc, argv);
    const nxi_func *f = nxi_lookup("Nx", "io_call", argc);
    return f ? f->fn(argc, argv) : nxi_raise("UndefinedFunctionError", "function Nx.io_call/%d is undefined", argc);
}

/* print_value(expr), print_value(expr, fun | opts), print_value(expr, fun, opts). */
static nxv *print_value(int argc, nxv **argv)
{
    nxv *fun = NULL, *opts = NULL;
    if (argc == 2 && is_fun1(argv[1]))
        fun = argv[1];
    else if (argc == 2 && argv[1]->kind == NXV_LIST)
        opts = argv[1];
    else if (argc == 3 && is_fun1(argv[1]) && argv[2]->kind == NXV_LIST)
        fun = argv[1], opts = argv[2];
    else if (argc > 1)
        return nxi_raise("FunctionClauseError", "no function clause matching in Nx.Defn.Kernel.print_value/%d",
                         argc == 2 ? 2 : 3);
    if (opts && !nxv_is_keyword(opts))
        return nxi_raise("ArgumentError", "expected a keyword list of options, got: %s", nxi_inspect_plain(opts));
    hook_ctx *h = new_ctx();
    h->print = 1;
    h->fun = fun;
    h->label = opts ? nxv_keyword_get(opts, "label") : NULL;
    if (nxdefn_tracing > 0)
        return record(argv[0], h, "&IO.inspect/2");
    /* Outside a trace: a function io_call, which runs at once. */
    leaves l = { 0 };
    h->shape = argv[0];
    if (!nxi_map_leaves(argv[0], take_leaf, &l))
        return NULL;
    return call_hook(l.n, (const nx_tensor *const *)l.t, h) < 0 ? NULL : argv[0];
}

/* ---- runtime_call ---- */

typedef struct {
    nxv *shape, *tmpl, *opts, *fun;
    int nout;
} runtime_ctx;

static int call_runtime(int n, const nx_tensor *const *data, int nout, nx_tensor **out, void *ctx)
{
    (void)n;
    runtime_ctx *r = ctx;
    nxv *v = rebuilt(r->shape, data);
    nxv *args[2] = { v, r->opts };
    nxv *res = v ? nxi_call_fun(r->fun, 2, args) : NULL;
    if (!res)
        return failed();
    leaves l = { 0 };
    if (!nxi_map_leaves(res, take_leaf, &l) || l.n != nout) {
        nxi_clear_raised();
        return nxerr_set(NX_RUNTIME_ERROR, "expected the runtime_call function to match the given output template");
    }
    for (int i = 0; i < nout; i++)
        out[i] = nx_retain(l.t[i]);
    return 0;
}

nxv *nxi_runtime_call_traced(nxv *tmpl, nxv *data, nxv *opts, nxv *fun)
{
    nxi_escape();   /* the graph's runtime_call node keeps the context (arena memory) */
    runtime_ctx *r = nxi_alloc(sizeof *r);
    *r = (runtime_ctx){ .shape = data, .tmpl = tmpl, .opts = opts, .fun = fun };
    leaves t = { 0 }, d = { 0 };
    if (!nxi_map_leaves(tmpl, take_leaf, &t) || !nxi_map_leaves(data, take_leaf, &d))
        return NULL;
    if (t.n == 0 || d.n == 0)
        return nxi_raise("ArgumentError", "runtime_call expects tensors or containers of tensors, got: %s and %s",
                         nxi_inspect_plain(tmpl), nxi_inspect_plain(data));
    r->nout = t.n;
    nx_runtime_callback cb = { .fn = call_runtime, .ctx = r, .fn_text = nxi_inspect_plain(fun),
                               .opts_text = opts->list.n ? NULL : "[]" };
    if (opts->list.n) {   /* a keyword list prints without brackets (spec §5.1) */
        char *s = nxi_inspect_plain(opts);
        size_t len = strlen(s);
        if (len >= 2 && s[0] == '[' && nxv_is_keyword(opts)) {
            s[len - 1] = 0;
            s++;
        }
        cb.opts_text = s;
    }
    nx_tensor *out[MAX_LEAVES] = { 0 };
    if (nxdefn_runtime_call(t.n, (const nx_tensor *const *)t.t, nxi_is_container(tmpl), d.n,
                            (const nx_tensor *const *)d.t, nxi_is_container(data), &cb, out) < 0)
        return nxi_raise_from_nx();
    leaves res = { .n = t.n };
    memcpy(res.t, out, sizeof out);
    return nxi_map_leaves(tmpl, result_leaf, &res);
}

const nxi_func nxi_hooks_funcs[] = {
    { "Nx.Defn.Kernel", "io_call", 2, 3, k_io_call },
    { "Nx.Defn.Kernel", "hook", 2, 3, k_io_call },
    { "Nx.Defn.Kernel", "print_value", 1, 3, print_value },
    { 0 },
};
