/* src/cli/nxlib_defn.c: Nx.Defn in the interpreter (spec/defn.md §2.1, §7, §9): jit /
 * jit_apply trace an Elixir fn once per call over parameter tensors (static arguments,
 * lists and functions, pass through unchanged) and evaluate the graph with the reference
 * evaluator; debug_expr / debug_expr_apply return the traced expressions; the default
 * options; the Nx.Defn.Kernel functions that make sense as plain functions (keyword!,
 * assert_keys, stop_grad, print_expr) and Nx.Defn.Composite's count / flatten_list. */
#include <string.h>
#include "cli/defn_cache.h"
#include "cli/hooks.h"
#include "cli/module.h"
#include "cli/nxlib_args.h"
#include "cli/reclaim.h"
#include "cli/region.h"
#include "core/error.h"
#include "defn/control.h"

/* ---- options ---- */

static nxv *process_opts, *global_opts;

/* The arena that holds the options is about to go (end of a session). */
void nxi_defn_forget(void)
{
    process_opts = global_opts = NULL;
    nxi_defn_cache_forget();
    nxi_modules_forget();   /* user modules and the mailbox live in the arena too */
    nxi_mailbox_forget();
}

static nxv *empty_list(void)
{
    return nxv_list(0, NULL);
}

static nxv *defaults(void)
{
    return process_opts ? process_opts : global_opts ? global_opts : empty_list();
}

static nxv *default_options(int argc, nxv **argv)
{
    if (argc == 0)
        return defaults();
    if (!nxv_is_keyword(argv[0]))
        return nxi_raise("ArgumentError", "expected a keyword list, got: %s", nxi_inspect_plain(argv[0]));
    nxv *prev = defaults();
    process_opts = argv[0];
    nxi_escape();   /* the options outlive the calls in progress */
    nxi_pin(process_opts);
    return prev;
}

static nxv *global_default_options(int argc, nxv **argv)
{
    (void)argc;
    if (!nxv_is_keyword(argv[0]))
        return nxi_raise("ArgumentError", "expected a keyword list, got: %s", nxi_inspect_plain(argv[0]));
    nxv *prev = global_opts ? global_opts : empty_list();
    global_opts = argv[0];
    nxi_escape();
    nxi_pin(global_opts);
    return prev;
}

/* opts merged over the defaults (later keys win, as Keyword.merge). */
static nxv *merged_opts(nxv *opts)
{
    nxv *d = defaults();
    int64_t n = 0;
    nxv **items = nxv_items(d->list.n + opts->list.n);
    for (int64_t i = 0; i < d->list.n; i++)
        if (!nxv_keyword_get(opts, d->list.items[i]->tuple.items[0]->atom))
            items[n++] = d->list.items[i];
    for (int64_t i = 0; i < opts->list.n; i++)
        items[n++] = opts->list.items[i];
    return nxv_list(n, items);
}

/* ---- tracing a call ---- */

typedef struct {
    nx_tensor **args;      /* the concrete argument leaves */
    nxdefn_node **nodes;   /* the output leaves */
    nx_tensor **results;
    int n, cap, next;
} trace_state;

static int grow(trace_state *s)
{
    if (s->n < s->cap)
        return 0;
    int cap = s->cap ? 2 * s->cap : 16;
    nx_tensor **a = nxi_alloc((size_t)cap * sizeof *a);
    nxdefn_node **b = nxi_alloc((size_t)cap * sizeof *b);
    if (s->n) {
        memcpy(a, s->args, (size_t)s->n * sizeof *a);
        memcpy(b, s->nodes, (size_t)s->n * sizeof *b);
    }
    s->args = a;
    s->nodes = b;
    s->cap = cap;
    return 0;
}

/* An argument leaf's concrete tensor, kept in s->args (the order parameters have);
 * NULL with the exception raised. */
static nx_tensor *keep_argument(nxv *leaf, trace_state *s)
{
    nx_tensor *t = nxi_leaf_tensor(leaf);
    if (!t)
        return NULL;
    if (t->node) {
        nxi_raise("ArgumentError", "cannot pass a tensor expression as argument to defn, got: %s",
                  nxi_inspect_plain(leaf));
        return NULL;
    }
    grow(s);
    s->args[s->n++] = t;
    return t;
}

/* An argument leaf: its concrete tensor is kept, a parameter stands in for it (§2.1). */
static nxv *to_parameter(nxv *leaf, void *ctx)
{
    trace_state *s = ctx;
    nx_tensor *t = keep_argument(leaf, s);
    if (!t)
        return NULL;
    nxdefn_hdr h;
    nxdefn_hdr_of(&h, t);
    nx_tensor *p = nxdefn_tensor(&h, nxdefn_parameter(&h, s->n - 1, 1));
    return p ? nxv_tensor(p) : nxi_raise_from_nx();
}

/* An output leaf as an expression (numbers and concrete tensors become nodes). */
static nxv *to_output(nxv *leaf, void *ctx)
{
    trace_state *s = ctx;
    nx_tensor *t = nxi_to_tensor(leaf);
    if (!t)
        return NULL;
    nxdefn_node *n = nxdefn_node_of(t);
    if (!n)
        return nxi_raise_from_nx();
    grow(s);
    s->nodes[s->n++] = n;
    if (t->node)
        return leaf->kind == NXV_TENSOR ? leaf : nxv_tensor(t);
    nxdefn_hdr h;
    nxdefn_hdr_of(&h, t);
    nx_tensor *e = nxdefn_tensor(&h, nxdefn_retain(n));
    return e ? nxv_tensor(e) : nxi_raise_from_nx();
}

static nxv *to_result(nxv *leaf, void *ctx)
{
    (void)leaf;
    trace_state *s = ctx;
    return nxv_tensor(s->results[s->next++]);
}

static int is_static(const nxv *v)
{
    return v->kind == NXV_LIST || v->kind == NXV_FUN ||
           (v->kind == NXV_TUPLE && v->tuple.n > 0 && v->tuple.items[0]->kind == NXV_FUN);
}

static void release_nodes(trace_state *s)
{
    for (int i = 0; i < s->n; i++)
        nxdefn_release(s->nodes[i]);
}

/* An argument leaf of a cached call: only its concrete tensor is kept. */
static nxv *to_argument(nxv *leaf, void *ctx)
{
    return keep_argument(leaf, ctx) ? leaf : NULL;
}

/* Evaluates a cached graph on argv's leaves (named io_calls see `hooks`). */
static nxv *run_cached(const nxi_defn_graph *g, int argc, nxv **argv, nxv *hooks)
{
    trace_state in = { 0 }, out = { 0 };
    for (int i = 0; i < argc; i++)
        if (!nxi_map_leaves(argv[i], to_argument, &in))
            return NULL;
    out.results = nxi_alloc((size_t)(g->n ? g->n : 1) * sizeof *out.results);
    nxv *saved = nxi_hooks_enter(hooks);
    int rc = nxdefn_eval(g->outputs, g->n, (const nx_tensor *const *)in.args, in.n, out.results);
    nxi_hooks_leave(saved);
    if (rc < 0)
        return nxi_raise_from_nx();
    return nxi_map_leaves(g->exprs, to_result, &out);
}

/* jit (debug: return the expressions) of fun over args with merged options. With a
 * cache key (a defn's definition) the graph is traced once per argument templates. */
static nxv *run(const void *key, nxv *fun, int argc, nxv **argv, nxv *opts, int debug)
{
    nxv *conflict = nxv_keyword_get(opts, "on_conflict");
    nxv *hooks = nxv_keyword_get(opts, "hooks");
    if (hooks && hooks->kind != NXV_MAP)
        return nxi_raise("ArgumentError", ":hooks option must be a map");
    if (nxdefn_tracing > 0) {
        if (conflict && nxv_is_atom(conflict, "reuse"))
            return nxi_call_fun(fun, argc, argv);
        if (!conflict || !nxv_is_atom(conflict, "force"))
            return nxi_raise("RuntimeError", "cannot invoke JITed function when there is a JIT compilation happening");
    }
    if (fun->kind != NXV_FUN)
        return nxi_raise("BadFunctionError", "expected a function, got: %s", nxi_inspect_plain(fun));
    char *templates = key && !debug ? nxi_defn_templates(argc, argv) : NULL;
    const nxi_defn_graph *cached = templates ? nxi_defn_cache_find(key, templates) : NULL;
    if (cached)
        return run_cached(cached, argc, argv, hooks);
    trace_state in = { 0 }, out = { 0 };
    nxv **params = nxv_items(argc);
    for (int i = 0; i < argc; i++)
        if (!(params[i] = is_static(argv[i]) ? argv[i] : nxi_map_leaves(argv[i], to_parameter, &in)))
            return NULL;
    int saved = nxdefn_tracing;
    nxdefn_tracing = 1;
    nxv *r = nxi_call_fun(fun, argc, params);
    nxdefn_tracing = 1;
    nxv *exprs = r ? nxi_map_leaves(r, to_output, &out) : NULL;
    nxdefn_tracing = saved;
    if (!exprs || debug) {
        release_nodes(&out);
        return exprs;
    }
    if (templates)
        nxi_defn_cache_put(key, templates, out.nodes, out.n, exprs);
    out.results = nxi_alloc((size_t)(out.n ? out.n : 1) * sizeof *out.results);
    nxv *saved_hooks = nxi_hooks_enter(hooks);
    int rc = nxdefn_eval(out.nodes, out.n, (const nx_tensor *const *)in.args, in.n, out.results);
    nxi_hooks_leave(saved_hooks);
    release_nodes(&out);
    if (rc < 0)
        return nxi_raise_from_nx();
    return nxi_map_leaves(exprs, to_result, &out);
}

nxv *nxi_defn_jit_call(const void *key, nxv *fun, int argc, nxv **argv)
{
    return run(key, fun, argc, argv, merged_opts(empty_list()), 0);
}

/* The closure jit returns: bound = {fun, opts, debug}. */
static nxv *jitted(int argc, nxv **argv)
{
    nxv *b = argv[0];   /* values never change: the same closure traces the same graph */
    return run(b, b->tuple.items[0], argc - 1, argv + 1, b->tuple.items[1], b->tuple.items[2]->i != 0);
}

static nxv *check_opts(nxv *opts)
{
    if (!opts)
        return merged_opts(empty_list());
    if (!nxv_is_keyword(opts))
        return nxi_raise("ArgumentError", "expected a keyword list of options, got: %s", nxi_inspect_plain(opts));
    return merged_opts(opts);
}

static nxv *make_jit(nxv *fun, nxv *opts, int debug)
{
    if (fun->kind != NXV_FUN)
        return nxi_raise("ArgumentError", "expected a function, got: %s", nxi_inspect_plain(fun));
    if (!(opts = check_opts(opts)))
        return NULL;
    nxv **items = nxv_items(3);
    items[0] = fun;
    items[1] = opts;
    items[2] = nxv_int(debug);
    nxv *v = nxi_alloc(sizeof *v);
    memset(v, 0, sizeof *v);
    v->kind = NXV_FUN;
    v->fun.builtin = jitted;
    v->fun.arity = fun->fun.arity;
    v->fun.bound = nxv_tuple(3, items);
    return v;
}

static nxv *jit(int argc, nxv **argv)
{
    return make_jit(argv[0], argc > 1 ? argv[1] : NULL, 0);
}

static nxv *debug_expr(int argc, nxv **argv)
{
    return make_jit(argv[0], argc > 1 ? argv[1] : NULL, 1);
}

static nxv *apply(int argc, nxv **argv, int debug)
{
    nxv *opts = check_opts(argc > 2 ? argv[2] : NULL);
    if (!opts)
        return NULL;
    if (argv[1]->kind != NXV_LIST)
        return nxi_raise("ArgumentError", "expected a list of arguments, got: %s", nxi_inspect_plain(argv[1]));
    if (argv[0]->kind == NXV_FUN && argv[0]->fun.arity != (int)argv[1]->list.n)
        return nxi_call_fun(argv[0], (int)argv[1]->list.n, argv[1]->list.items);   /* raises BadArityError */
    return run(NULL, argv[0], (int)argv[1]->list.n, argv[1]->list.items, opts, debug);
}

static nxv *jit_apply(int argc, nxv **argv)
{
    return apply(argc, argv, 0);
}

static nxv *debug_expr_apply(int argc, nxv **argv)
{
    return apply(argc, argv, 1);
}

/* ---- compile (§7.3): traced once over templates, run many times ---- */

static nxv *leaf_node(nxv *leaf, void *ctx)
{
    trace_state *s = ctx;
    grow(s);
    s->nodes[s->n++] = leaf->tensor->node;
    return leaf;
}

static nxv *to_concrete(nxv *leaf, void *ctx)
{
    trace_state *s = ctx;
    nx_tensor *t = nxi_leaf_tensor(leaf);
    if (!t)
        return NULL;
    grow(s);
    s->args[s->n++] = t;
    return leaf;
}

static bool compatible(const nxdefn_hdr *a, const nxdefn_hdr *b)
{
    if (a->type != b->type || a->rank != b->rank || a->vrank != b->vrank)
        return false;
    for (int i = 0; i < a->rank; i++)
        if (a->dims[i] != b->dims[i] || (a->names[i] && b->names[i] && a->names[i] != b->names[i]))
            return false;
    return true;
}

/* bound = {exprs, templates (non-static), template leaf counts, hooks or nil}. */
static nxv *compiled(int argc, nxv **argv)
{
    nxv *b = argv[0], *exprs = b->tuple.items[0], *templates = b->tuple.items[1], *counts = b->tuple.items[2];
    argc--;
    argv++;
    if (nxdefn_tracing > 0)
        return nxi_raise("RuntimeError", "cannot invoke compiled function when there is a JIT compilation happening");
    trace_state tin = { 0 }, got = { 0 };
    for (int64_t i = 0; i < templates->list.n; i++)
        if (!nxi_map_leaves(templates->list.items[i], to_concrete, &tin))
            return NULL;
    int start = 0;
    for (int i = 0; i < argc; i++) {
        int before = got.n;
        if (!nxi_map_leaves(argv[i], to_concrete, &got))
            return NULL;
        int want = (int)counts->tuple.items[i]->i;
        if (got.n - before != want || i >= templates->list.n) {
            nxv **given = nxv_items(argc);
            for (int k = 0; k < argc; k++)
                given[k] = argv[k];
            return nxi_raise("ArgumentError",
                             "cannot invoke compiled function because the given arguments do not match compiled "
                             "arguments\n\nCompiled with:\n\n%s\n\nGot:\n\n%s",
                             nxi_inspect_plain(templates), nxi_inspect_plain(nxv_list(argc, given)));
        }
        nxdefn_hdr l[64], r[64];
        bool ok = true;
        for (int k = 0; k < want; k++) {
            nxdefn_hdr_of(&l[k < 64 ? k : 63], tin.args[start + k]);
            nxdefn_hdr_of(&r[k < 64 ? k : 63], got.args[before + k]);
            ok &= compatible(&l[k < 64 ? k : 63], &r[k < 64 ? k : 63]);
        }
        if (!ok) {
            char *d = nxdefn_diff("Expected", "Argument", l, want < 64 ? want : 64, r, want < 64 ? want : 64, compatible);
            nxv *e = nxi_raise("ArgumentError", "argument at position %d is not compatible with compiled function "
                               "template.\n\n%s", i + 1, d ? d : "");
            nx_free(d);
            return e;
        }
        start += want;
    }
    trace_state out = { 0 };
    nxi_map_leaves(exprs, leaf_node, &out);
    out.results = nxi_alloc((size_t)(out.n ? out.n : 1) * sizeof *out.results);
    nxv *hooks = b->tuple.n > 3 && b->tuple.items[3]->kind == NXV_MAP ? b->tuple.items[3] : NULL;
    nxv *saved_hooks = nxi_hooks_enter(hooks);
    int rc = nxdefn_eval(out.nodes, out.n, (const nx_tensor *const *)got.args, got.n, out.results);
    nxi_hooks_leave(saved_hooks);
    if (rc < 0)
        return nxi_raise_from_nx();
    return nxi_map_leaves(exprs, to_result, &out);
}

static nxv *compile(int argc, nxv **argv)
{
    nxv *fun = argv[0], *targs = argv[1];
    if (fun->kind != NXV_FUN)
        return nxi_raise("ArgumentError", "expected a function, got: %s", nxi_inspect_plain(fun));
    if (targs->kind != NXV_LIST)
        return nxi_raise("ArgumentError", "expected a list of template arguments, got: %s", nxi_inspect_plain(targs));
    nxv *opts = check_opts(argc > 2 ? argv[2] : NULL);
    if (!opts)
        return NULL;
    nxv *hooks = nxv_keyword_get(opts, "hooks");
    if (hooks && hooks->kind != NXV_MAP)
        return nxi_raise("ArgumentError", ":hooks option must be a map");
    if (nxdefn_tracing > 0)
        return nxi_raise("RuntimeError", "cannot invoke compiled function when there is a JIT compilation happening");
    int n = (int)targs->list.n, ndyn = 0;
    trace_state in = { 0 }, out = { 0 };
    nxv **params = nxv_items(n), **templates = nxv_items(n), **counts = nxv_items(n);
    for (int i = 0; i < n; i++) {
        nxv *a = targs->list.items[i];
        if (is_static(a)) {
            params[i] = a;
            continue;
        }
        int before = in.n;
        if (!(params[i] = nxi_map_leaves(a, to_parameter, &in)))
            return NULL;
        templates[ndyn] = a;
        counts[ndyn++] = nxv_int(in.n - before);
    }
    int saved = nxdefn_tracing;
    nxdefn_tracing = 1;
    nxv *r = nxi_call_fun(fun, n, params);
    nxv *exprs = r ? nxi_map_leaves(r, to_output, &out) : NULL;
    nxdefn_tracing = saved;
    release_nodes(&out);   /* the expression tensors keep their nodes */
    if (!exprs)
        return NULL;
    nxv **items = nxv_items(4);
    items[0] = exprs;
    items[1] = nxv_list(ndyn, templates);
    items[2] = nxv_tuple(ndyn, counts);
    items[3] = hooks ? hooks : nxv_nil();
    nxv *v = nxi_alloc(sizeof *v);
    memset(v, 0, sizeof *v);
    v->kind = NXV_FUN;
    v->fun.builtin = compiled;
    v->fun.arity = ndyn;
    v->fun.bound = nxv_tuple(4, items);
    return v;
}

/* ---- Nx.Defn.Kernel ---- */

static nxv *stop_grad_leaf(nxv *leaf, void *ctx)
{
    (void)ctx;
    nx_tensor *t = nxi_to_tensor(leaf);
    return t ? nxi_tensor_value(nx_stop_grad(t)) : NULL;
}

static nxv *stop_grad(int argc, nxv **argv)
{
    (void)argc;
    return nxi_map_leaves(argv[0], stop_grad_leaf, NULL);
}

static nxv *print_expr(int argc, nxv **argv)
{
    nxv *label = NULL;
    if (argc > 1) {
        if (!nxv_is_keyword(argv[1]))
            return nxi_raise("ArgumentError", "expected a keyword list of options, got: %s", nxi_inspect_plain(argv[1]));
        label = nxv_keyword_get(argv[1], "label");
    }
    char *s = nxi_inspect(argv[0]);
    if (label && label->kind == NXV_BINARY)
        fprintf(nxi_side_out, "%.*s: ", (int)(label->bin.bits / 8), (const char *)label->bin.bytes);
    else if (label)
        fprintf(nxi_side_out, "%s: ", nxi_inspect_plain(label));
    fprintf(nxi_side_out, "%s\n", s);
    return argv[0];
}

static const char *spec_key(const nxv *e)
{
    if (e->kind == NXV_ATOM)
        return e->atom;
    if (e->kind == NXV_TUPLE && e->tuple.n == 2 && e->tuple.items[0]->kind == NXV_ATOM)
        return e->tuple.items[0]->atom;
    return NULL;
}

static char *spec_keys_text(const nxv *spec)
{
    nxv **keys = nxv_items(spec->list.n);
    for (int64_t i = 0; i < spec->list.n; i++)
        keys[i] = nxv_atom(spec_key(spec->list.items[i]));
    return nxi_inspect_plain(nxv_list(spec->list.n, keys));
}

static int64_t find_key(nxv **v, int64_t n, const char *k)
{
    for (int64_t i = 0; i < n; i++)
        if (spec_key(v[i]) == k)
            return i;
    return -1;
}

/* keyword!(given, spec) with Nx's result order (§9.2). */
static nxv *keyword_bang(int argc, nxv **argv)
{
    (void)argc;
    nxv *given = argv[0], *spec = argv[1];
    if (spec->kind != NXV_LIST)
        return nxi_raise("ArgumentError", "keyword!/2 expects the second argument to be a list of atoms or tuples, got: %s",
                         nxi_inspect_plain(spec));
    for (int64_t i = 0; i < spec->list.n; i++)
        if (!spec_key(spec->list.items[i]))
            return nxi_raise("ArgumentError",
                             "keyword!/2 expects the second argument to be a list of atoms or tuples, got: %s",
                             nxi_inspect_plain(spec->list.items[i]));
    if (given->kind != NXV_LIST || !nxv_is_keyword(given))
        return nxi_raise("ArgumentError", "expected a keyword list with keys %s, got: %s", spec_keys_text(spec),
                         nxi_inspect_plain(given));
    int64_t cap = spec->list.n + 1;
    nxv **v1 = nxv_items(cap), **v2 = nxv_items(cap), **tmp = nxv_items(cap);
    int64_t n1 = spec->list.n, n2 = 0, nacc = 0;
    memcpy(v1, spec->list.items, (size_t)n1 * sizeof *v1);
    nxv **acc = nxv_items(given->list.n + 1);
    for (int64_t g = 0; g < given->list.n; g++) {
        nxv *pair = given->list.items[g];
        const char *k = pair->tuple.items[0]->atom;
        int64_t j = find_key(v1, n1, k);
        if (j >= 0) {   /* v2 = reverse(v1[0..j)) ++ v2; v1 = v1[j+1..] */
            int64_t m = 0;
            for (int64_t i = j - 1; i >= 0; i--)
                tmp[m++] = v1[i];
            for (int64_t i = 0; i < n2; i++)
                tmp[m++] = v2[i];
            memcpy(v2, tmp, (size_t)m * sizeof *v2);
            n2 = m;
            memmove(v1, v1 + j + 1, (size_t)(n1 - j - 1) * sizeof *v1);
            n1 -= j + 1;
        } else if ((j = find_key(v2, n2, k)) >= 0) {   /* v1 = v2[j+1..]; v2 = reverse(v2[0..j)) ++ v1 */
            int64_t m = 0;
            for (int64_t i = j - 1; i >= 0; i--)
                tmp[m++] = v2[i];
            for (int64_t i = 0; i < n1; i++)
                tmp[m++] = v1[i];
            int64_t rest = n2 - j - 1;
            memmove(v1, v2 + j + 1, (size_t)rest * sizeof *v1);
            n1 = rest;
            memcpy(v2, tmp, (size_t)m * sizeof *v2);
            n2 = m;
        } else {
            return nxi_raise("ArgumentError", "unknown key :%s in %s, expected one of %s", k, nxi_inspect_plain(given),
                             spec_keys_text(spec));
        }
        acc[nacc++] = pair;
    }
    nxv **res = nxv_items(n1 + n2 + nacc + 1);
    int64_t m = 0;
    for (int64_t i = n1 - 1; i >= 0; i--)
        if (v1[i]->kind == NXV_TUPLE)
            res[m++] = v1[i];
    for (int64_t i = n2 - 1; i >= 0; i--)
        if (v2[i]->kind == NXV_TUPLE)
            res[m++] = v2[i];
    for (int64_t i = nacc - 1; i >= 0; i--)
        res[m++] = acc[i];
    return nxv_list(m, res);
}

static nxv *assert_keys(int argc, nxv **argv)
{
    (void)argc;
    nxv *opts = argv[0], *keys = argv[1];
    if (!nxv_is_keyword(opts) || keys->kind != NXV_LIST)
        return nxi_raise("ArgumentError", "expected a keyword list and a list of keys, got: %s and %s",
                         nxi_inspect_plain(opts), nxi_inspect_plain(keys));
    for (int64_t i = 0; i < keys->list.n; i++) {
        nxv *k = keys->list.items[i];
        if (k->kind != NXV_ATOM || !nxv_keyword_get(opts, k->atom))
            return nxi_raise("ArgumentError", "expected key %s in keyword list, got: %s", nxi_inspect_plain(k),
                             nxi_inspect_plain(opts));
    }
    return opts;
}

/* ---- Nx.Defn.Composite ---- */

static nxv *count_leaf(nxv *leaf, void *ctx)
{
    if (!nxi_is_tensor_like(leaf))
        return nxi_raise_not_container(leaf);
    (*(int64_t *)ctx)++;
    return leaf;
}

static nxv *composite_count(int argc, nxv **argv)
{
    (void)argc;
    int64_t n = 0;
    return nxi_map_leaves(argv[0], count_leaf, &n) ? nxv_int(n) : NULL;
}

typedef struct {
    nxv **items;
    int64_t n, cap;
} flat;

static nxv *flat_leaf(nxv *leaf, void *ctx)
{
    flat *f = ctx;
    if (!nxi_is_tensor_like(leaf))
        return nxi_raise_not_container(leaf);
    if (f->n == f->cap) {
        int64_t cap = f->cap ? 2 * f->cap : 16;
        nxv **v = nxv_items(cap);
        if (f->n)
            memcpy(v, f->items, (size_t)f->n * sizeof *v);
        f->items = v;
        f->cap = cap;
    }
    f->items[f->n++] = leaf;
    return leaf;
}

static nxv *composite_flatten_list(int argc, nxv **argv)
{
    if (argv[0]->kind != NXV_LIST || (argc > 1 && argv[1]->kind != NXV_LIST))
        return nxi_raise("FunctionClauseError", "no function clause matching in Nx.Defn.Composite.flatten_list/2");
    flat f = { 0 };
    for (int64_t i = 0; i < argv[0]->list.n; i++)
        if (!nxi_map_leaves(argv[0]->list.items[i], flat_leaf, &f))
            return NULL;
    nxv *tail = argc > 1 ? argv[1] : NULL;
    int64_t extra = tail ? tail->list.n : 0;
    nxv **items = nxv_items(f.n + extra + 1);
    if (f.n)
        memcpy(items, f.items, (size_t)f.n * sizeof *items);
    for (int64_t i = 0; i < extra; i++)
        items[f.n + i] = tail->list.items[i];
    return nxv_list(f.n + extra, items);
}

const nxi_func nxi_defn_funcs[] = {
    { "Nx.Defn", "jit", 1, 2, jit },
    { "Nx.Defn", "jit_apply", 2, 3, jit_apply },
    { "Nx.Defn", "debug_expr", 1, 2, debug_expr },
    { "Nx.Defn", "debug_expr_apply", 2, 3, debug_expr_apply },
    { "Nx.Defn", "compile", 2, 3, compile },
    { "Nx.Defn", "default_options", 0, 1, default_options },
    { "Nx.Defn", "global_default_options", 1, 1, global_default_options },
    { "Nx.Defn.Kernel", "keyword!", 2, 2, keyword_bang },
    { "Nx.Defn.Kernel", "assert_keys", 2, 2, assert_keys },
    { "Nx.Defn.Kernel", "stop_grad", 1, 1, stop_grad },
    { "Nx.Defn.Kernel", "print_expr", 1, 2, print_expr },
    { "Nx.Defn.Composite", "count", 1, 1, composite_count },
    { "Nx.Defn.Composite", "flatten_list", 1, 2, composite_flatten_list },
    { 0 },
};
