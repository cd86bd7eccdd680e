/* src/defn/hooks.c: side effects in numerical definitions (spec/defn.md §10): io_call
 * (the release's hook) and print_value, runtime_call, and the named hooks an evaluation
 * is given (jit's :hooks). Eager calls run their callback at once; traced ones record an
 * io_call / runtime_call node (a tuple node plus elems for containers) that the evaluator
 * runs through nxdefn_io_eval each time it reaches it. */
#include "defn/node.h"

#include <stdio.h>
#include <string.h>
#include "core/alloc.h"
#include "core/error.h"
#include "nx.h"

_Thread_local const nx_hooks *nxdefn_hooks;

/* print_value's callback state, owned by its node (or freed after an eager call). */
typedef struct {
    char *label;
    FILE *out;
    nx_value_fn *fn;
    void *ctx;
    nx_inspect_opts inspect;
} printer;

static void printer_free(printer *p)
{
    if (p) {
        nx_free(p->label);
        nx_free(p);
    }
}

void nxdefn_io_free(nxdefn_io *io)
{
    if (!io)
        return;
    if (io->owned)
        printer_free(io->ctx);
    nx_free(io->fn_text);
    nx_free(io->tmpl_text);
    nx_free(io->opts_text);
    nx_free(io->outs);
    nx_free(io);
}

static char *copy(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *c = nx_alloc(n);
    if (c)
        memcpy(c, s, n);
    return c ? c : nxerr_oom(n);
}

nxdefn_io *nxdefn_io_copy(const nxdefn_io *io)
{
    nxdefn_io *c = nxalloc_zeroed(1, sizeof *c);
    if (!c)
        return nxerr_oom(sizeof *c);
    *c = *io;
    c->fn_text = c->tmpl_text = c->opts_text = NULL;
    c->outs = NULL;
    c->owned = false;
    bool ok = (!io->fn_text || (c->fn_text = copy(io->fn_text))) &&
              (!io->tmpl_text || (c->tmpl_text = copy(io->tmpl_text))) &&
              (!io->opts_text || (c->opts_text = copy(io->opts_text)));
    if (ok && io->nout > 0 && (ok = (c->outs = nx_alloc((size_t)io->nout * sizeof *c->outs)) != NULL))
        memcpy(c->outs, io->outs, (size_t)io->nout * sizeof *c->outs);
    if (ok && io->owned) {   /* print_value's state: a copy of its own */
        const printer *p = io->ctx;
        printer *q = nxalloc_zeroed(1, sizeof *q);
        ok = q != NULL;
        if (q) {
            *q = *p;
            q->label = NULL;
            c->ctx = q;
            c->owned = true;
            ok = !p->label || (q->label = copy(p->label));
        }
    }
    if (!ok) {
        nxdefn_io_free(c);
        return nxerr_pending() ? NULL : nxerr_oom(sizeof *c);
    }
    return c;
}

static bool any_traced(int n, const nx_tensor *const *t)
{
    for (int i = 0; i < n; i++)
        if (t[i]->node)
            return true;
    return nxdefn_tracing > 0;
}

/* Records node kind over data[0..n) with header h (a tuple of the leaf headers lh[0..k)
 * when container) and writes the k result tensors. Consumes io. */
static int record(nxdefn_kind kind, nxdefn_io *io, int n, const nx_tensor *const *data, const nxdefn_hdr *lh, int k,
                  bool container, nx_tensor **out)
{
    nxdefn_node *in[64] = { 0 }, *node = NULL;
    int rc = -1, got = 0;
    if (n > 64) {
        nxdefn_io_free(io);
        return nxerr_set(NX_ARGUMENT_ERROR, "%s over more than 64 tensors is not supported by nxc",
                         kind == NXN_IO_CALL ? "io_call" : "runtime_call");
    }
    for (; got < n; got++)
        if (!(in[got] = nxdefn_node_of(data[got])))
            goto out;
    int ctx = nxdefn_merge_ctx(in, n);
    nxdefn_hdr h = lh[0];
    if (container) {
        memset(&h, 0, sizeof h);
        h.type = NX_TYPE_NONE;
        h.tuple = k;
    }
    if (ctx < 0 || !(node = nxdefn_node_new(kind, &h, n, in)))
        goto out;
    node->ctx = ctx;
    node->io = io;
    io = NULL;
    for (int i = 0; i < k; i++) {
        nxdefn_node *e = node;
        if (container) {
            if (!(e = nxdefn_node_new(NXN_ELEM, &lh[i], 1, &node)))
                goto out;
            e->pos = i;
            e->ctx = ctx;
        } else {
            nxdefn_retain(e);
        }
        if (!(out[i] = nxdefn_tensor(&lh[i], e)))
            goto out;
    }
    rc = 0;
out:
    nxdefn_io_free(io);
    nxdefn_release(node);
    for (int i = 0; i < got; i++)
        nxdefn_release(in[i]);
    if (rc < 0)
        for (int i = 0; i < k; i++)
            if (out[i]) {
                nx_release(out[i]);
                out[i] = NULL;
            }
    return rc;
}

static nxdefn_io *io_new(void)
{
    nxdefn_io *io = nxalloc_zeroed(1, sizeof *io);
    return io ? io : nxerr_oom(sizeof *io);
}

static int io_failed(void)
{
    if (!nxerr_pending())
        nxerr_set(NX_RUNTIME_ERROR, "io_call callback failed");
    return -1;
}

/* The passed-through data, eagerly: views in the current scope. */
static int pass_through(int n, const nx_tensor *const *data, nx_tensor **out)
{
    for (int i = 0; i < n; i++)
        if (!(out[i] = nx_as_type(data[i], data[i]->type))) {
            for (int k = 0; k < i; k++) {
                nx_release(out[k]);
                out[k] = NULL;
            }
            return -1;
        }
    return 0;
}

static int io_call(int n, const nx_tensor *const *data, const nx_io_callback *cb, bool container, bool owned,
                   nx_tensor **out)
{
    for (int i = 0; i < n; i++)
        out[i] = NULL;
    if (n < 1 || !data || !cb || !out)
        return nxerr_set(NX_ARGUMENT_ERROR, "io_call expects data, a callback and room for the result");
    if (nxtensor_check_inputs(data, n) < 0)
        return -1;
    if (!cb->name && !cb->fn)
        return nxerr_set(NX_ARGUMENT_ERROR, "expected a function of arity 1 or an atom, got: nil");
    if (!any_traced(n, data)) {
        if (cb->name)
            return nxerr_set(NX_ARGUMENT_ERROR, "named io_call :%s is only supported inside defn; pass a function "
                             "callback instead", cb->name);
        if (cb->fn(n, data, cb->ctx) != 0)
            return io_failed();
        return pass_through(n, data, out);
    }
    nxdefn_io *io = io_new();
    if (!io) {
        if (owned)
            printer_free(cb->ctx);
        return -1;
    }
    io->name = cb->name ? nx_atom(cb->name) : NULL;
    io->fn = cb->fn;
    io->ctx = cb->ctx;
    io->owned = owned;
    io->container = container;
    if (!(io->fn_text = copy(cb->fn_text ? cb->fn_text : "&nx_io_fn/1"))) {
        nxdefn_io_free(io);
        return -1;
    }
    nxdefn_hdr lh[64];
    for (int i = 0; i < n && i < 64; i++)
        nxdefn_hdr_of(&lh[i], data[i]);
    return record(NXN_IO_CALL, io, n, data, lh, n, container, out);
}

int nxdefn_io_call(int n, const nx_tensor *const *data, const nx_io_callback *cb, bool container, nx_tensor **out)
{
    return io_call(n, data, cb, container, false, out);
}

int nx_io_call_n(int n, const nx_tensor *const *data, const nx_io_callback *cb, nx_tensor **out)
{
    return io_call(n, data, cb, n != 1, false, out);
}

nx_tensor *nx_io_call_(const nx_tensor *t, const char *name, nx_io_fn *fn, void *ctx, const char *fn_text)
{
    nx_io_callback cb = { .name = name, .fn = fn, .ctx = ctx, .fn_text = fn ? fn_text : NULL };
    nx_tensor *out = NULL;
    return io_call(1, &t, &cb, false, false, &out) < 0 ? NULL : out;
}

/* ---- print_value ---- */

static int print_cb(int n, const nx_tensor *const *values, void *ctx)
{
    (void)n;
    const printer *p = ctx;
    nx_tensor *v = (nx_tensor *)values[0];
    if (p->fn && !(v = p->fn(values[0], p->ctx)))
        return io_failed();
    char *s = nx_inspect_(v, p->inspect);
    if (p->fn)
        nx_release(v);
    if (!s)
        return -1;
    FILE *f = p->out ? p->out : stdout;
    if (p->label)
        fprintf(f, "%s: ", p->label);
    fprintf(f, "%s\n", s);
    nx_free(s);
    return 0;
}

nx_tensor *nx_print_value_(const nx_tensor *t, nx_print_value_opts o)
{
    if (nxtensor_check_inputs(&t, 1) < 0)
        return NULL;
    printer *p = nxalloc_zeroed(1, sizeof *p);
    if (!p)
        return nxerr_oom(sizeof *p);
    *p = (printer){ .out = o.out, .fn = o.fn, .ctx = o.ctx, .inspect = o.inspect };
    if (o.label && !(p->label = copy(o.label))) {
        nx_free(p);
        return NULL;
    }
    nx_io_callback cb = { .fn = print_cb, .ctx = p, .fn_text = "&IO.inspect/2" };
    nx_tensor *out = NULL;
    bool traced = any_traced(1, &t);
    int rc = io_call(1, &t, &cb, false, traced, &out);   /* traced: the node (or its failure) frees p */
    if (!traced)
        printer_free(p);
    return rc < 0 ? NULL : out;
}

/* ---- runtime_call ---- */

static bool matches(const nx_tensor *t, const nxdefn_hdr *h)
{
    if (!t || t->type != h->type || t->rank != h->rank)
        return false;
    for (int d = 0; d < t->rank; d++)
        if (t->dims[d] != h->dims[d])
            return false;
    return true;
}

/* A tensor's inspect on one line: "#Nx.Tensor<s32[3] Nx.TemplateBackend>". */
static char *one_line(const nx_tensor *t)
{
    char *s = nx_inspect(t);
    if (!s)
        return NULL;
    char *w = s;
    for (const char *r = s; *r; r++) {
        if (*r != '\n') {
            *w++ = *r;
            continue;
        }
        while (r[1] == ' ')
            r++;
        if (w > s && w[-1] != '<' && r[1] != '>' && r[1])
            *w++ = ' ';
    }
    *w = 0;
    return s;
}

/* A template by its header: "#Nx.Tensor<s32[x: 2] Nx.TemplateBackend>". */
static char *template_line(const nx_tensor *t)
{
    char buf[64 + NX_MAX_RANK * 48];
    int len = snprintf(buf, sizeof buf, "#Nx.Tensor<");
    if (t->vrank > 0) {
        len += snprintf(buf + len, sizeof buf - (size_t)len, "vectorized");
        for (int i = 0; i < t->vrank; i++)
            len += snprintf(buf + len, sizeof buf - (size_t)len, "[%.20s: %lld]", t->names[i], (long long)t->dims[i]);
        len += snprintf(buf + len, sizeof buf - (size_t)len, " ");
    }
    len += snprintf(buf + len, sizeof buf - (size_t)len, "%s", nx_type_name(t->type));
    for (int i = t->vrank; i < t->rank; i++)
        if (t->names[i])
            len += snprintf(buf + len, sizeof buf - (size_t)len, "[%.20s: %lld]", t->names[i], (long long)t->dims[i]);
        else
            len += snprintf(buf + len, sizeof buf - (size_t)len, "[%lld]", (long long)t->dims[i]);
    snprintf(buf + len, sizeof buf - (size_t)len, " Nx.TemplateBackend>");
    return copy(buf);
}

static char *templates_text(int nout, const nx_tensor *const *templates, bool container, bool as_templates)
{
    size_t cap = 64, len = 0;
    char *buf = nx_alloc(cap);
    if (!buf)
        return nxerr_oom(cap);
    buf[0] = 0;
    for (int i = 0; i <= nout + 1; i++) {
        char *piece = NULL;
        const char *p = "";
        if (i == 0)
            p = container ? "{" : "";
        else if (i == nout + 1)
            p = container ? "}" : "";
        else if (!(piece = as_templates ? template_line(templates[i - 1]) : one_line(templates[i - 1])))
            goto fail;
        if (piece)
            p = piece;
        size_t need = len + strlen(p) + 3;
        if (need > cap) {
            char *g = nxalloc_realloc(buf, cap = 2 * need);
            if (!g) {
                nx_free(piece);
                goto fail;
            }
            buf = g;
        }
        if (i > 1 && i <= nout)
            strcpy(buf + len, ", "), len += 2;
        strcpy(buf + len, p);
        len += strlen(p);
        nx_free(piece);
    }
    return buf;
fail:
    nx_free(buf);
    return nxerr_pending() ? NULL : nxerr_oom(cap);
}

static int mismatch_eager(int nout, const nx_tensor *const *templates, bool container, nx_tensor **got)
{
    char *want = templates_text(nout, templates, container, true);
    char *have = templates_text(nout, (const nx_tensor *const *)got, container, false);
    nxerr_set(NX_ARGUMENT_ERROR, "expected the runtime_call function to match the given output template %s, got: %s",
              want ? want : "", have ? have : "");
    nx_free(want);
    nx_free(have);
    return -1;
}

static int run_fn(const nx_runtime_callback *cb, int n, const nx_tensor *const *data, int nout, nx_tensor **out)
{
    for (int i = 0; i < nout; i++)
        out[i] = NULL;
    if (cb->fn(n, data, nout, out, cb->ctx) != 0) {
        if (!nxerr_pending())
            nxerr_set(NX_RUNTIME_ERROR, "runtime_call function failed");
        return -1;
    }
    return 0;
}

static void release_all(nx_tensor **t, int n)
{
    for (int i = 0; i < n; i++) {
        nx_release(t[i]);
        t[i] = NULL;
    }
}

int nxdefn_runtime_call(int nout, const nx_tensor *const *templates, bool tmpl_container, int n,
                        const nx_tensor *const *data, bool data_container, const nx_runtime_callback *cb, nx_tensor **out)
{
    if (nout < 1 || nout > 64 || n < 1 || !templates || !data || !cb || !cb->fn || !out)
        return nxerr_set(NX_ARGUMENT_ERROR, "runtime_call expects 1 to 64 template leaves, data and a function");
    for (int i = 0; i < nout; i++)
        if (!templates[i])
            return nxerr_set(NX_ARGUMENT_ERROR, "expected a template, got: NULL");
    if (nxtensor_check_inputs(data, n) < 0)
        return -1;
    nxdefn_hdr lh[64];
    for (int i = 0; i < nout; i++)
        nxdefn_hdr_of(&lh[i], templates[i]);
    if (!any_traced(n, data)) {
        if (run_fn(cb, n, data, nout, out) < 0)
            return -1;
        for (int i = 0; i < nout; i++)
            if (!matches(out[i], &lh[i])) {
                mismatch_eager(nout, templates, tmpl_container, out);
                release_all(out, nout);
                return -1;
            }
        return 0;
    }
    nxdefn_io *io = io_new();
    if (!io)
        return -1;
    io->rt = cb->fn;
    io->ctx = cb->ctx;
    io->container = tmpl_container;
    io->data_container = data_container;
    io->nout = nout;
    io->outs = nx_alloc((size_t)nout * sizeof *io->outs);
    io->fn_text = copy(cb->fn_text ? cb->fn_text : "&nx_runtime_fn/2");
    io->opts_text = copy(cb->opts_text ? cb->opts_text : "[]");
    io->tmpl_text = templates_text(nout, templates, tmpl_container, true);
    if (!io->outs || !io->fn_text || !io->opts_text || !io->tmpl_text) {
        nxdefn_io_free(io);
        return nxerr_pending() ? -1 : (nxerr_oom(sizeof *io->outs), -1);
    }
    memcpy(io->outs, lh, (size_t)nout * sizeof *lh);
    for (int i = 0; i < nout; i++)
        out[i] = NULL;
    return record(NXN_RUNTIME_CALL, io, n, data, lh, nout, tmpl_container, out);
}

int nx_runtime_call_n(int nout, const nx_tensor *const *templates, int n, const nx_tensor *const *data,
                      const nx_runtime_callback *cb, nx_tensor **out)
{
    return nxdefn_runtime_call(nout, templates, nout != 1, n, data, n != 1, cb, out);
}

nx_tensor *nx_runtime_call(const nx_tensor *tmpl, const nx_tensor *data, nx_runtime_fn *fn, void *ctx)
{
    nx_runtime_callback cb = { .fn = fn, .ctx = ctx };
    nx_tensor *out = NULL;
    return nxdefn_runtime_call(1, &tmpl, false, 1, &data, false, &cb, &out) < 0 ? NULL : out;
}

/* ---- evaluation ---- */

static const nx_hook_binding *bound_hook(const char *name)
{
    for (int i = 0; name && nxdefn_hooks && i < nxdefn_hooks->n; i++)
        if (nxdefn_hooks->v[i].name && !strcmp(nxdefn_hooks->v[i].name, name))
            return &nxdefn_hooks->v[i];
    return NULL;
}

int nxdefn_io_eval(const nxdefn_node *n, const nx_tensor *const *in, nx_tensor **out)
{
    const nxdefn_io *io = n->io;
    int k = n->h.type == NX_TYPE_NONE ? n->h.tuple : 1;
    if (n->kind == NXN_IO_CALL) {
        const nx_hook_binding *b = bound_hook(io->name);
        nx_io_fn *fn = b ? b->fn : io->fn;
        /* The hook may run library code of its own (another jit): hooks do not nest. */
        const nx_hooks *saved = nxdefn_hooks;
        nxdefn_hooks = NULL;
        int rc = fn ? fn(n->nin, in, b ? b->ctx : io->ctx) : 0;
        nxdefn_hooks = saved;
        if (rc != 0)
            return io_failed();
        for (int i = 0; i < k; i++)
            out[i] = nx_retain((nx_tensor *)in[i]);
        return 0;
    }
    const nx_hooks *saved = nxdefn_hooks;
    nxdefn_hooks = NULL;
    nx_runtime_callback cb = { .fn = io->rt, .ctx = io->ctx };
    int rc = run_fn(&cb, n->nin, in, k, out);
    nxdefn_hooks = saved;
    if (rc < 0)
        return -1;
    for (int i = 0; i < k; i++)
        if (!matches(out[i], &io->outs[i])) {
            release_all(out, k);
            return nxerr_set(NX_RUNTIME_ERROR, "expected the runtime_call function to match the given output template");
        }
    return 0;
}

int nxdefn_eval_hooks(nxdefn_node *const *outputs, int n, const nx_tensor *const *args, int nargs,
                      const nx_hooks *hooks, nx_tensor **results)
{
    const nx_hooks *saved = nxdefn_hooks;
    nxdefn_hooks = hooks;
    int rc = nxdefn_eval(outputs, n, args, nargs, results);
    nxdefn_hooks = saved;
    return rc;
}

nx_tensor *nx_expr_eval_hooks(const nx_tensor *expr, int n, const nx_tensor *const *args, const nx_hooks *hooks)
{
    const nx_hooks *saved = nxdefn_hooks;
    nxdefn_hooks = hooks;
    nx_tensor *r = nx_expr_eval(expr, n, args);
    nxdefn_hooks = saved;
    return r;
}

nx_tensor *nx_jit_call_hooks(nx_defn_fn *fn, void *ctx, int n, const nx_tensor *const *args, const nx_hooks *hooks)
{
    const nx_hooks *saved = nxdefn_hooks;
    nxdefn_hooks = hooks;
    nx_tensor *r = nx_jit_call(fn, ctx, n, args);
    nxdefn_hooks = saved;
    return r;
}
