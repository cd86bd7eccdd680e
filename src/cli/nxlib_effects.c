/* src/cli/nxlib_effects.c: side effects outside traced code (spec/defn.md §10):
 * Nx.io_call with a function callback calls it and returns the data; Nx.runtime_call
 * calls fun.(data, opts) and checks the result against the output template; and the one
 * process's mailbox: Kernel.send/2 to self() and `receive` (matched in arrival order).
 * Inside a trace they record io_call / runtime_call nodes (nxlib_hooks.c). */
#include <string.h>
#include "cli/hooks.h"
#include "cli/module.h"
#include "cli/nxlib_args.h"
#include "cli/reclaim.h"
#include "cli/region.h"
#include "defn/node.h"

/* ---- the mailbox (arena memory, forgotten with it) ---- */

static nxv **mail;
static int64_t nmail, capmail;

void nxi_mailbox_forget(void)
{
    mail = NULL;
    nmail = capmail = 0;
}

static nxv *k_send(int argc, nxv **argv)
{
    (void)argc;
    if (nmail == capmail) {
        int64_t cap = capmail ? 2 * capmail : 8;
        nxv **m = nxv_items(cap);
        if (nmail)
            memcpy(m, mail, (size_t)nmail * sizeof *m);
        mail = m;
        capmail = cap;
    }
    mail[nmail++] = argv[1];
    nxi_escape();       /* the mailbox outlives the calls in progress */
    nxi_pin(argv[1]);   /* the message outlives the call that sent it */
    return argv[1];
}

/* receive do pattern -> body ... after t -> body end: the first message (in arrival order)
 * that some clause matches is taken out. With no match and no `after`, nxc (one process,
 * nobody else to send) raises instead of waiting forever. */
nxv *nxi_receive(const nxi_ast *call, nxi_env **env)
{
    const nxi_ast *kw = call->n == 1 ? call->kids[0] : NULL, *clauses = NULL, *after = NULL;
    for (int i = 0; kw && kw->kind == AST_LIST && i < kw->n; i++) {
        const nxi_ast *e = kw->kids[i];
        if (e->kind != AST_TUPLE || e->n != 2 || e->kids[0]->kind != AST_ATOM)
            continue;
        if (!strcmp(e->kids[0]->text, "do"))
            clauses = e->kids[1];
        else if (!strcmp(e->kids[0]->text, "after"))
            after = e->kids[1];
    }
    if ((clauses && clauses->kind != AST_FN) || (after && after->kind != AST_FN) || (!clauses && !after))
        return nxi_raise("CompileError", "expected -> clauses for :do in \"receive\"");
    for (int64_t m = 0; clauses && m < nmail; m++)
        for (int c = 0; c < clauses->n; c++) {
            const nxi_clause *cl = &clauses->clauses[c];
            nxi_env *inner = *env;
            if (cl->nparams != 1)
                continue;
            int ok = nxi_match(cl->params[0], mail[m], &inner);
            if (ok < 0)
                return NULL;
            if (ok && cl->guard) {
                nxv *g = nxi_eval_expr(cl->guard, &inner);
                ok = g && nxv_is_atom(g, "true");
                if (!g)
                    nxi_clear_raised();
            }
            if (!ok)
                continue;
            memmove(mail + m, mail + m + 1, (size_t)(nmail - m - 1) * sizeof *mail);
            nmail--;
            *env = inner;
            return nxi_eval_expr(cl->body, env);
        }
    if (after && after->n > 0) {
        nxi_env *inner = *env;
        return nxi_eval_expr(after->clauses[0].body, &inner);
    }
    return nxi_raise("RuntimeError", "receive: no message matches and nxc runs a single process, so none can "
                     "arrive");
}

/* ---- io_call / runtime_call ---- */

/* Nx.io_call(data, fun | name) and Nx.io_call(data, name, fun); Kernel's hook alias. */
static nxv *io_call(int argc, nxv **argv)
{
    if (nxdefn_tracing > 0)
        return nxi_io_call_traced(argc, argv);
    nxv *data = argv[0], *fun = argv[argc - 1];
    if (argc == 3 || fun->kind == NXV_ATOM) {
        nxv *name = argv[1];
        return nxi_raise("ArgumentError", "named io_call %s is only supported inside defn; pass a function callback "
                         "instead", nxi_inspect_plain(name));
    }
    if (fun->kind != NXV_FUN || fun->fun.arity != 1)
        return nxi_raise("ArgumentError", "expected a function of arity 1 or an atom, got: %s",
                         nxi_inspect_plain(fun));
    nxv *args[1] = { data };
    return nxi_call_fun(fun, 1, args) ? data : NULL;
}

typedef struct {
    nx_tensor *t[64];
    int n;
} flat;

static nxv *flat_leaf(nxv *leaf, void *ctx)
{
    flat *f = ctx;
    if (leaf->kind != NXV_TENSOR)
        return nxi_raise("ArgumentError", "not a tensor");
    if (f->n < 64)
        f->t[f->n] = leaf->tensor;
    f->n++;
    return leaf;
}

static int same_templates(nxv *a, nxv *b)
{
    flat fa = { .n = 0 }, fb = { .n = 0 };
    int ok = nxi_map_leaves(a, flat_leaf, &fa) && nxi_map_leaves(b, flat_leaf, &fb) && fa.n == fb.n && fa.n <= 64;
    nxi_clear_raised();
    for (int i = 0; ok && i < fa.n; i++) {
        const nx_tensor *x = fa.t[i], *y = fb.t[i];
        ok = x->type == y->type && x->rank == y->rank && x->vrank == y->vrank;
        for (int d = 0; ok && d < x->rank; d++)
            ok = x->dims[d] == y->dims[d];
    }
    return ok;
}

/* Nx.runtime_call(output_template, data, opts \\ [], fun) */
static nxv *runtime_call(int argc, nxv **argv)
{
    nxv *tmpl = argv[0], *data = argv[1], *opts = argc == 4 ? argv[2] : nxv_list(0, NULL), *fun = argv[argc - 1];
    if (fun->kind != NXV_FUN || fun->fun.arity != 2)
        return nxi_raise("ArgumentError", "expected a function of arity 2, got: %s", nxi_inspect_plain(fun));
    if (nxdefn_tracing > 0)
        return nxi_runtime_call_traced(tmpl, data, opts, fun);
    nxv *args[2] = { data, opts };
    nxv *r = nxi_call_fun(fun, 2, args);
    if (!r)
        return NULL;
    if (!same_templates(tmpl, r))
        return nxi_raise("ArgumentError", "expected the runtime_call function to match the given output template "
                         "%s, got: %s", nxi_inspect_plain(tmpl), nxi_inspect_plain(r));
    return r;
}

const nxi_func nxi_effects_funcs[] = {
    { "Nx", "io_call", 2, 3, io_call },
    { "Nx", "runtime_call", 3, 4, runtime_call },
    { "Kernel", "send", 2, 2, k_send },
    { 0 },
};
