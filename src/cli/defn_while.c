/* src/cli/defn_while.c: `while` in defn code (spec/defn.md §6.2): the initial state (a
 * variable, `pattern = value`, or tuples of those), condition loops and generators over
 * ranges or tensor slices (`x <- gen`, with `unroll:`), lowered onto nx_while; the state
 * pattern is rebound to the loop's leaves for the condition and the body. A vectorized
 * tensor generator runs the generator loop once per vectorized entry (nxdefn_while_entries,
 * the lowering of §6.2); vectorized conditions are lowered by nx_while itself. */
#include <string.h>
#include "cli/module.h"
#include "cli/nxlib_args.h"
#include "defn/control.h"

#define MAX_LEAVES 64

typedef struct {
    const nxi_ast *pattern;   /* the state pattern (variables / tuples of them) */
    nxv *skeleton;            /* the initial state value: its shape rebuilds the state */
    nxi_env *env;
    const nxi_ast *cond, *body;
    /* generators */
    const nxi_ast *gen_pattern;
    int gen;                  /* 0 none, 1 range, 2 tensor */
    nxi_int first, last, step;
} loop;

static nxv *no_state_arg(void)
{
    return nxi_raise("ArgumentError", "invalid initial argument for \"while\". Expected a variable, a variable "
                     "assignment, or a tuple of the same");
}

/* The pattern and value of the initial state. */
static const nxi_ast *initial(const nxi_ast *a, nxi_env **env, nxv **value)
{
    if (a->kind == AST_VAR) {
        nxv *v = nxi_eval_expr(a, env);
        *value = v;
        return v ? a : NULL;
    }
    if (a->kind == AST_MATCH) {
        nxv *v = nxi_eval_expr(a->rhs, env);
        *value = v;
        return v ? a->lhs : NULL;
    }
    if (a->kind == AST_TUPLE) {
        nxi_ast *p = nxi_alloc(sizeof *p);
        *p = *a;
        p->kids = nxi_alloc(sizeof(nxi_ast *) * (size_t)(a->n + 1));
        nxv **items = nxv_items(a->n);
        for (int i = 0; i < a->n; i++)
            if (!(p->kids[i] = (nxi_ast *)initial(a->kids[i], env, &items[i])))
                return NULL;
        *value = nxv_tuple(a->n, items);
        return p;
    }
    no_state_arg();
    return NULL;
}

static nxv *nx_call(const char *name, int argc, nxv **argv)
{
    const nxi_func *f = nxi_lookup("Nx", name, argc);
    nxv *r = f ? f->fn(argc, argv) : nxi_raise("RuntimeError", "Nx.%s/%d is not available", name, argc);
    if (!r && !nxi_raised())
        nxi_raise_from_nx();
    return r;
}

/* gen[i] (i a tensor or an integer): slice along axis 0 (the other axes whole), squeezed. */
static nxv *gen_item(nxv *gen, nxv *i)
{
    const nx_tensor *g = gen->tensor;
    int r = g->rank - g->vrank;
    nxv **start = nxv_items(r), **len = nxv_items(r);
    start[0] = i;
    len[0] = nxv_int(1);
    for (int k = 1; k < r; k++) {
        start[k] = nxv_int(0);
        len[k] = nxv_int(g->dims[g->vrank + k]);
    }
    nxv *args[3] = { gen, nxv_list(r, start), nxv_list(r, len) };
    nxv *s = nx_call("slice", 3, args);
    if (!s)
        return NULL;
    nxv **axes = nxv_items(1), **kv = nxv_items(2), **opts = nxv_items(1);
    axes[0] = nxv_int(0);
    kv[0] = nxv_atom("axes");
    kv[1] = nxv_list(1, axes);
    opts[0] = nxv_tuple(2, kv);
    nxv *sq[2] = { s, nxv_list(1, opts) };
    return nx_call("squeeze", 2, sq);
}

/* Binds the state (and the generator variable) for the condition / body. */
static int bind_state(loop *l, nx_tensor *const *state, nxi_env **env)
{
    int off = l->gen == 1 ? 1 : l->gen == 2 ? 2 : 0;
    nxi_refill r = { state + off, 0 };
    nxv *v = nxi_map_leaves(l->skeleton, nxi_refill_leaf, &r);
    *env = l->env;
    int ok = v ? nxi_match(l->pattern, v, env) : -1;
    if (ok == 0) {
        nxi_raise("MatchError", "no match of right hand side value: %s", nxi_inspect_plain(v));
        return -1;
    }
    if (ok < 0 || !l->gen)
        return ok < 0 ? -1 : 0;
    nxv *x = l->gen == 1 ? nxv_tensor(state[0]) : gen_item(nxv_tensor(state[1]), nxv_tensor(state[0]));
    if (!x)
        return -1;
    ok = nxi_match(l->gen_pattern, x, env);
    if (ok == 0)
        nxi_raise("MatchError", "no match of right hand side value: %s", nxi_inspect_plain(x));
    return ok == 1 ? 0 : -1;
}

static nx_tensor *cond_cb(nx_tensor *const *state, void *ctx)
{
    loop *l = ctx;
    nxi_env *env;
    if (l->gen) {   /* index <= last (>= for a negative step) */
        nx_tensor *last = nx_scalar(NX_INT((int64_t)l->last), NX_S32);
        return l->step > 0 ? nx_less_equal(state[0], last) : nx_greater_equal(state[0], last);
    }
    if (bind_state(l, state, &env) < 0)
        return NULL;
    nxv *v = nxi_eval_expr(l->cond, &env);
    if (!v)
        return NULL;
    if (nxv_is_atom(v, "true") || nxv_is_atom(v, "false"))
        return nx_scalar(NX_INT(nxv_is_atom(v, "true")), NX_U8);
    if (v->kind == NXV_INT || v->kind == NXV_FLOAT || v->kind == NXV_TENSOR)
        return nxi_to_tensor(v);
    nxi_raise("CompileError", "while in defn expects the predicate to be true, false, or a scalar tensor where 0 "
              "is false and everything else is true. Unsupported value: %s", nxi_inspect_plain(v));
    return NULL;
}

static bool never(const nxdefn_hdr *a, const nxdefn_hdr *b)
{
    (void)a;
    (void)b;
    return false;
}

static int body_cb(nx_tensor *const *state, nx_tensor **next, void *ctx)
{
    loop *l = ctx;
    nxi_env *env;
    if (bind_state(l, state, &env) < 0)
        return -1;
    nxv *v = nxi_eval_expr(l->body, &env);
    if (!v)
        return -1;
    int off = l->gen == 1 ? 1 : l->gen == 2 ? 2 : 0;
    nxi_leaves got = { next + off, 0, MAX_LEAVES - off, 1 };
    if (!nxi_map_leaves(v, nxi_collect_leaf, &got))
        return -1;
    nxi_leaves want = { NULL, 0, 0, 1 };
    nx_tensor *dummy[MAX_LEAVES];
    want.t = dummy;
    want.cap = MAX_LEAVES;
    nxi_map_leaves(l->skeleton, nxi_collect_leaf, &want);
    if (got.n != want.n) {
        nxdefn_hdr b[MAX_LEAVES], i[MAX_LEAVES];
        int nb = got.n < MAX_LEAVES - off ? got.n : MAX_LEAVES - off, ni = want.n;
        for (int k = 0; k < nb; k++)
            nxdefn_hdr_of(&b[k], next[off + k]);
        for (int k = 0; k < ni; k++)
            nxdefn_hdr_of(&i[k], state[off + k]);
        char *d = nxdefn_diff("Body (do-block)", "Initial", b, nb, i, ni, never);
        nxi_raise("CompileError", "the do-block in while must return tensors with the same shape, type, and names "
                  "as the initial arguments.\n\n%s", d ? d : "");
        nx_free(d);
        return -1;
    }
    if (l->gen) {
        nx_tensor *step = nx_scalar(NX_INT((int64_t)l->step), NX_S32);
        if (!(next[0] = nx_add(state[0], step)))
            return -1;
        if (l->gen == 2)
            next[1] = state[1];
    }
    return 0;
}

/* Runs the loop over the flat initial leaves; the result has the initial structure. */
static nxv *run_loop(loop *l, nx_tensor **init, int n)
{
    nx_tensor *out[MAX_LEAVES];
    if (nx_while(n, (const nx_tensor *const *)init, cond_cb, body_cb, l, out) < 0)
        return nxi_raise_nx_or_pending();
    int off = l->gen == 1 ? 1 : l->gen == 2 ? 2 : 0;
    nxi_refill r = { out + off, 0 };
    return nxi_map_leaves(l->skeleton, nxi_refill_leaf, &r);
}

/* unroll: true (or k >= size): the body traced once per iteration, no loop. */
static nxv *unrolled(loop *l, nxv *gen, int64_t size)
{
    nxv *state = l->skeleton;
    for (int64_t i = 0; i < size; i++) {
        nxi_env *env = l->env;
        int ok = nxi_match(l->pattern, state, &env);
        if (ok <= 0)
            return ok == 0 ? nxi_raise("MatchError", "no match of right hand side value: %s",
                                       nxi_inspect_plain(state)) : NULL;
        nxv *x = l->gen == 1 ? nxv_int(l->first + i * l->step) : gen_item(gen, nxv_int(i));
        if (!x || (ok = nxi_match(l->gen_pattern, x, &env)) < 0)
            return NULL;
        if (!ok)
            return nxi_raise("MatchError", "no match of right hand side value: %s", nxi_inspect_plain(x));
        if (!(state = nxi_eval_expr(l->body, &env)))
            return NULL;
    }
    return state;
}

typedef struct {
    loop *l;
    nxv *unroll;
    int64_t size;
} gen_run;

/* The (non-vectorized) generator loop over gen from the state leaves state[0..n): the
 * body traced `size` times (unroll: true or k >= size), else one while over {index,
 * [generator,] state}. The result has the state's structure. */
static nxv *gen_loop(const gen_run *g, nxv *gen, nx_tensor *const *state, int n)
{
    loop *l = g->l;
    nxv *unroll = g->unroll;
    if (unroll && (nxv_is_atom(unroll, "true") || (unroll->kind == NXV_INT && unroll->i >= g->size)))
        return unrolled(l, gen, g->size);
    /* One while over {index, generator, state...} (k < size unrolls nothing here). */
    nx_tensor *start[MAX_LEAVES];
    int off = l->gen == 1 ? 1 : 2;
    if (!(start[0] = nx_scalar(NX_INT((int64_t)l->first), NX_S32)))
        return nxi_raise_nx_or_pending();
    if (l->gen == 2)
        start[1] = gen->tensor;
    for (int i = 0; i < n; i++)
        start[off + i] = state[i];
    return run_loop(l, start, n + off);
}

/* One vectorized entry: the generator loop over that entry of the generator, from that
 * entry of the state (its skeleton refilled with the entry's leaves). */
static int gen_entry(int n, nx_tensor *const *state, const nx_tensor *gen, nx_tensor **out, void *ctx)
{
    const gen_run *g = ctx;
    loop l = *g->l;
    nxi_refill r = { state, 0 };
    if (!(l.skeleton = nxi_map_leaves(g->l->skeleton, nxi_refill_leaf, &r)))
        return -1;
    gen_run inner = { &l, g->unroll, g->size };
    nxv *res = gen_loop(&inner, nxv_tensor((nx_tensor *)gen), state, n);
    nxi_leaves got = { out, 0, n, 1 };
    return res && nxi_map_leaves(res, nxi_collect_leaf, &got) && got.n == n ? 0 : -1;
}

/* x <- gen with gen vectorized: the state broadcast against gen's vectorized axes, one
 * generator loop per entry (unroll applies to those inner loops), re-vectorized. */
static nxv *vectorized_generator(const gen_run *g, const nx_tensor *gen, nx_tensor *const *state, int n)
{
    nx_tensor *out[MAX_LEAVES];
    if (nxdefn_while_entries(gen, true, n, (const nx_tensor *const *)state, gen_entry, (void *)g, out) < 0)
        return nxi_raise_nx_or_pending();
    nxi_refill r = { out, 0 };
    return nxi_map_leaves(g->l->skeleton, nxi_refill_leaf, &r);
}

nxv *nxi_defn_while(const nxi_ast *a, nxi_env **env)
{
    const nxi_ast *block = a->n >= 1 ? a->kids[a->n - 1] : NULL, *body = NULL;
    int bad = 0;
    for (int i = 0; block && block->kind == AST_LIST && i < block->n; i++) {
        const nxi_ast *e = block->kids[i];
        if (e->kind != AST_TUPLE || e->n != 2 || e->kids[0]->kind != AST_ATOM)
            bad = 1;
        else if (!strcmp(e->kids[0]->text, "do"))
            body = e->kids[1];
    }
    if (!body || bad || block->tail || a->n < 3 || a->n > 4)
        return nxi_raise("ArgumentError", "expected last argument of \"while\" to be a do-block");
    loop l = { 0 };
    l.body = body;
    l.env = *env;
    nxv *value;
    if (!(l.pattern = initial(a->kids[0], env, &value)))
        return NULL;
    l.skeleton = value;
    nxv *opts = NULL;
    if (a->n == 4 && !(opts = nxi_eval_expr(a->kids[2], env)))
        return NULL;
    if (a->n == 3 && block->n > 1) {   /* while x, gen, unroll: k, do: body: one keyword list */
        nxv **items = nxv_items(block->n);
        int64_t k = 0;
        for (int i = 0; i < block->n; i++) {
            const nxi_ast *e = block->kids[i];
            if (e->kids[1] == body)
                continue;
            nxv **kv = nxv_items(2);
            kv[0] = nxv_atom(e->kids[0]->text);
            if (!(kv[1] = nxi_eval_expr(e->kids[1], env)))
                return NULL;
            items[k++] = nxv_tuple(2, kv);
        }
        opts = nxv_list(k, items);
    }
    const nxi_ast *second = a->kids[1];
    int is_gen = second->kind == AST_OP && !strcmp(second->text, "<-");
    if (opts && !is_gen)
        return nxi_raise("CompileError", "options are not supported on while with conditions, only with "
                         "generators, got: %s", nxi_inspect_plain(opts));
    nx_tensor *init[MAX_LEAVES];
    nxi_leaves s = { init + 2, 0, MAX_LEAVES - 2, 1 };
    if (!nxi_map_leaves(value, nxi_collect_leaf, &s))
        return NULL;
    if (s.n > MAX_LEAVES - 2)
        return nxi_raise("ArgumentError", "while with more than %d state leaves is not supported by nxc",
                         MAX_LEAVES - 2);
    if (!is_gen) {
        l.cond = second;
        return run_loop(&l, init + 2, s.n);
    }
    /* x <- gen */
    l.gen_pattern = second->lhs;
    nxv *gen = nxi_eval_expr(second->rhs, env);
    if (!gen)
        return NULL;
    int64_t size;
    if (gen->kind == NXV_RANGE) {
        l.gen = 1;
        l.first = gen->range.first;
        l.last = gen->range.last;
        l.step = gen->range.step;
        nxi_int span = l.step > 0 ? l.last - l.first : l.first - l.last;
        nxi_int st = l.step > 0 ? l.step : -l.step;
        size = span < 0 ? 0 : (int64_t)(span / st + 1);
    } else if (gen->kind == NXV_TENSOR) {
        const nx_tensor *g = gen->tensor;
        if (g->rank == g->vrank)
            return nxi_raise("CompileError", "cannot have a scalar tensor as generator");
        l.gen = 2;
        size = g->dims[g->vrank];   /* the first inner axis */
        l.first = 0;
        l.last = size - 1;
        l.step = 1;
    } else {
        return nxi_raise("CompileError", "generators in while expect a range or a tensor, got: %s",
                         nxi_inspect_plain(gen));
    }
    nxv *unroll = opts ? nxv_keyword_get(opts, "unroll") : NULL;
    if (unroll && !nxv_is_atom(unroll, "true") && !nxv_is_atom(unroll, "false") &&
        !(unroll->kind == NXV_INT && unroll->i > 0))
        return nxi_raise("CompileError", ":unroll must be a boolean, got: %s", nxi_inspect_plain(unroll));
    gen_run g = { &l, unroll, size };
    if (l.gen == 2 && gen->tensor->vrank > 0)
        return vectorized_generator(&g, gen->tensor, init + 2, s.n);
    return gen_loop(&g, gen, init + 2, s.n);
}
