/* src/defn/print.c: the printed form of an expression (spec/defn.md §5): the frame of a
 * tensor, then "Nx.Defn.Expr" and the lettered table of parameters and operations, in
 * depth-first argument order, with the type column aligned three spaces past the widest
 * line, and Nx's :limit countdown. */
#include "defn/print.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "core/alloc.h"
#include "core/error.h"
#include "core/fmtfloat.h"
#include "core/text.h"
#include "nx.h"

typedef struct line {
    char *text, *type;
} line;

typedef struct {
    line *v;
    int n, cap;
} lines;

typedef struct nxdefn_printer {
    const nxdefn_node **named;   /* node of each name, in naming order */
    int nnamed, cap;
    lines params, exprs;
    int64_t limit;               /* < 0 after the "..." line; INT64_MAX: no limit */
    int failed;
    nxdefn_node **made;          /* the alignment reshapes this printout made (§12) */
    int nmade, capmade;
} printer;

static void name_text(char *buf, int k)
{
    char tmp[16];
    int n = 0;
    do {
        tmp[n++] = (char)('a' + k % 26);
        k /= 26;
    } while (k > 0);
    for (int i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = 0;
}

static int name_of(const printer *p, const nxdefn_node *n)
{
    for (int i = 0; i < p->nnamed; i++)
        if (p->named[i] == n)
            return i;
    return -1;
}

static int give_name(printer *p, const nxdefn_node *n)
{
    if (p->nnamed == p->cap) {
        int cap = p->cap ? 2 * p->cap : 32;
        const nxdefn_node **v = nxalloc_realloc(p->named, (size_t)cap * sizeof *v);
        if (!v)
            return p->failed = 1, 0;
        p->named = v;
        p->cap = cap;
    }
    p->named[p->nnamed] = n;
    return p->nnamed++;
}

static void type_text(nxtext *t, const nxdefn_hdr *h)
{
    if (h->type == NX_TYPE_NONE) {
        nxtext_printf(t, "tuple%d", h->tuple);
        return;
    }
    nxtext_puts(t, nx_type_name(h->type));
    for (int i = 0; i < h->rank; i++)
        nxtext_printf(t, "[%lld]", (long long)h->dims[i]);
}

static void add_line(printer *p, lines *l, const char *text, const nxdefn_hdr *h)
{
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 16;
        line *v = nxalloc_realloc(l->v, (size_t)cap * sizeof *v);
        if (!v) {
            p->failed = 1;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    nxtext ty = { 0 };
    if (h)
        type_text(&ty, h);
    else
        nxtext_puts(&ty, "");
    size_t tlen = strlen(text);
    char *copy = nx_alloc(tlen + 1);
    char *tys = nxtext_take(&ty);
    if (!copy || !tys) {
        nx_free(copy);
        nx_free(tys);
        p->failed = 1;
        return;
    }
    memcpy(copy, text, tlen + 1);
    l->v[l->n++] = (line){ copy, tys };
}

/* A host float as Elixir prints it: shortest round trip, plain unless scientific is
 * strictly shorter (§5.2). */
static void float_text(nxtext *t, double x, bool complex_part)
{
    if (isnan(x)) {
        nxtext_puts(t, complex_part ? "NaN" : "nan");
        return;
    }
    if (isinf(x)) {
        nxtext_puts(t, complex_part ? (x > 0 ? "Inf" : "-Inf") : (x > 0 ? "infinity" : "neg_infinity"));
        return;
    }
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    char buf[NXFMT_FLOAT_MAX];
    nxfmt_float(buf, sizeof buf, NX_F64, bits);
    nxtext_puts(t, buf);
}

void nxdefn_print_number(nxtext *t, nx_number v)
{
    switch (v.kind) {
    case NX_NUM_INT: nxtext_printf(t, "%lld", (long long)v.i); break;
    case NX_NUM_UINT: nxtext_printf(t, "%llu", (unsigned long long)v.u); break;
    case NX_NUM_FLOAT: float_text(t, v.f, false); break;
    case NX_NUM_COMPLEX:
        float_text(t, v.c.re, true);
        nxtext_putc(t, signbit(v.c.im) && !isnan(v.c.im) ? '-' : '+');
        float_text(t, fabs(v.c.im), true);
        nxtext_putc(t, 'i');
        break;
    }
}

static void render(printer *p, nxtext *out, const nxdefn_node *n);

/* Is n an element-wise binary op (a kernel, or the call nxdefn_wrap_binary records)? */
static bool binary_op(const nxdefn_node *n)
{
    if (n->kind == NXN_KERNEL)
        return nxop_table[n->op].kind == NX_OPK_BINARY;
    if (n->kind != NXN_CALL || n->nin != 2 || !n->name)
        return false;
    for (int op = 0; op < NX_OP_COUNT; op++)
        if (nxop_table[op].kind == NX_OPK_BINARY && !strcmp(nxop_table[op].name, n->name))
            return true;
    return false;
}

/* Nx aligns the operands of a vectorized binary op before recording it (spec/defn.md
 * §12): each gets the result's vectorized axes (size 1 where it has none of that name) and
 * leading size-1 axes up to the result's inner rank, through a `reshape` node of its own.
 * nxc's kernels broadcast vectorized axes themselves, so the printout makes those nodes.
 * Returns the operand to print (o itself when no reshape is needed). */
static const nxdefn_node *aligned(printer *p, const nxdefn_node *n, nxdefn_node *o)
{
    const nxdefn_hdr *h = &n->h, *oh = &o->h;
    if (h->vrank == 0 || o->kind == NXN_CONSTANT || h->type == NX_TYPE_NONE || oh->type == NX_TYPE_NONE)
        return o;
    int inner = h->rank - h->vrank, oinner = oh->rank - oh->vrank;
    if (oinner > inner)
        return o;
    nxdefn_hdr a = *oh;
    a.rank = h->vrank + inner;
    a.vrank = h->vrank;
    for (int j = 0; j < h->vrank; j++) {
        a.names[j] = h->names[j];
        a.dims[j] = 1;
        for (int k = 0; k < oh->vrank; k++)
            if (oh->names[k] && h->names[j] && !strcmp(oh->names[k], h->names[j]))
                a.dims[j] = oh->dims[k];
    }
    for (int j = 0; j < inner; j++) {
        int k = j - (inner - oinner);
        a.dims[h->vrank + j] = k < 0 ? 1 : oh->dims[oh->vrank + k];
        a.names[h->vrank + j] = k < 0 ? NULL : oh->names[oh->vrank + k];
    }
    if (a.rank == oh->rank && !memcmp(a.dims, oh->dims, (size_t)a.rank * sizeof *a.dims))
        return o;
    if (p->nmade == p->capmade) {
        int cap = p->capmade ? 2 * p->capmade : 8;
        nxdefn_node **v = nxalloc_realloc(p->made, (size_t)cap * sizeof *v);
        if (!v)
            return p->failed = 1, o;
        p->made = v;
        p->capmade = cap;
    }
    nxdefn_node *r = nxdefn_node_new(NXN_VIEW, &a, 1, &o);
    if (!r)
        return p->failed = 1, o;
    r->ctx = o->ctx;
    p->made[p->nmade++] = r;
    return r;
}

/* `op left, right` of a binary op, with the operands aligned as Nx records them. */
static void binary_text(printer *p, nxtext *t, const nxdefn_node *n)
{
    nxtext_printf(t, "%s ", n->kind == NXN_KERNEL ? nxop_table[n->op].name : n->name);
    render(p, t, aligned(p, n, n->in[0]));
    nxtext_puts(t, ", ");
    render(p, t, aligned(p, n, n->in[1]));
}

static void render_list(printer *p, nxtext *out, nxdefn_node *const *v, int k, bool tuple)
{
    if (tuple)
        nxtext_putc(out, '{');
    for (int i = 0; i < k; i++) {
        if (i)
            nxtext_puts(out, ", ");
        render(p, out, v[i]);
    }
    if (tuple)
        nxtext_putc(out, '}');
}

/* The operation's name and arguments (visiting operands, which names them first). */
static void op_text(printer *p, nxtext *t, const nxdefn_node *n)
{
    if (binary_op(n)) {
        binary_text(p, t, n);
        return;
    }
    switch (n->kind) {
    case NXN_KERNEL:
        nxdefn_print_kernel(p, t, n);
        break;
    case NXN_CALL: {
        if (n->params) {   /* a kernel over the caller's operands (nxdefn_wrap_kernel) */
            nxdefn_print_kernel(p, t, n);
            break;
        }
        const char *name = nxdefn_print_call_name(n);
        nxtext_printf(t, "%s ", name ? name : n->name);
        for (const char *s = n->text; *s; s++) {
            if (*s == '%' && s[1] >= '0' && s[1] <= '9' && s[1] - '0' < n->nin) {
                render(p, t, n->in[s[1] - '0']);
                s++;
            } else {
                nxtext_putc(t, *s);
            }
        }
        break;
    }
    case NXN_VIEW:
        nxtext_printf(t, "%s ", n->h.type != n->in[0]->h.type ? "bitcast" : "reshape");
        render(p, t, n->in[0]);
        break;
    case NXN_METADATA:
        nxtext_puts(t, "metadata ");
        render(p, t, n->in[0]);
        nxtext_printf(t, ", :%s", n->name);
        break;
    case NXN_ELEM:
        nxtext_puts(t, "elem ");
        render(p, t, n->in[0]);
        nxtext_printf(t, ", %d", n->pos);
        break;
    case NXN_COND:
        nxtext_puts(t, "cond ");
        for (int c = 0; c <= n->cond->nclauses; c++) {
            if (c)
                nxtext_puts(t, ", ");
            if (c < n->cond->nclauses)
                render(p, t, n->cond->pred[c]);
            else
                nxtext_puts(t, "true");
            nxtext_puts(t, " -> ");
            render_list(p, t, n->cond->body[c], n->cond->leaves, n->cond->leaves > 1);
        }
        break;
    case NXN_WHILE:
        nxtext_puts(t, "while ");
        render_list(p, t, n->in, n->nin, n->nin > 1);
        break;
    case NXN_IO_CALL:   /* io_call name: data, or io_call data, fun (spec §5.1) */
        nxtext_puts(t, "io_call ");
        if (n->io->name)
            nxtext_printf(t, "%s: ", n->io->name);
        render_list(p, t, n->in, n->nin, n->io->container);
        if (!n->io->name)
            nxtext_printf(t, ", %s", n->io->fn_text);
        break;
    case NXN_RUNTIME_CALL:   /* container data is not shown */
        nxtext_puts(t, "runtime_call ");
        if (!n->io->data_container) {
            render_list(p, t, n->in, n->nin, false);
            nxtext_puts(t, ", ");
        }
        nxtext_printf(t, "%s, %s, %s", n->io->fn_text, n->io->tmpl_text, n->io->opts_text);
        break;
    default:
        break;
    }
}

static bool transparent(const nxdefn_node *n)
{
    if (n->kind == NXN_METADATA && !n->name)
        return true;
    if (n->kind == NXN_VIEW && n->h.type == n->in[0]->h.type && n->h.rank == n->in[0]->h.rank &&
        !memcmp(n->h.dims, n->in[0]->h.dims, (size_t)n->h.rank * sizeof *n->h.dims))
        return true;   /* names or vectorized axes only */
    return false;
}

static void render(printer *p, nxtext *out, const nxdefn_node *n)
{
    char nm[16];
    while (transparent(n))
        n = n->in[0];
    if (n->kind == NXN_CONSTANT) {
        nxdefn_print_number(out, n->value);
        return;
    }
    int k = name_of(p, n);
    if (k >= 0) {
        name_text(nm, k);
        nxtext_puts(out, nm);
        return;
    }
    if (p->limit == 0) {
        add_line(p, &p->params, "...", NULL);
        name_text(nm, give_name(p, n));
        nxtext_puts(out, nm);
        p->limit = -1;
        return;
    }
    if (p->limit < 0) {
        name_text(nm, give_name(p, n));
        nxtext_puts(out, nm);
        return;
    }
    if (p->limit != INT64_MAX)
        p->limit--;
    nxtext t = { 0 };
    if (n->kind == NXN_PARAMETER || n->kind == NXN_TENSOR) {
        name_text(nm, give_name(p, n));
        if (n->kind == NXN_PARAMETER)
            nxtext_printf(&t, "parameter %s:%d", nm, n->pos);
        else
            nxtext_printf(&t, "tensor %s", nm);
        char *s = nxtext_take(&t);
        if (s)
            add_line(p, &p->params, s, &n->h);
        else
            p->failed = 1;
        nx_free(s);
    } else {
        nxtext args = { 0 };
        op_text(p, &args, n);
        name_text(nm, give_name(p, n));
        char *a = nxtext_take(&args);
        nxtext_printf(&t, "%s = %s", nm, a ? a : "");
        nx_free(a);
        char *s = nxtext_take(&t);
        if (s)
            add_line(p, &p->exprs, s, &n->h);
        else
            p->failed = 1;
        nx_free(s);
    }
    nxtext_puts(out, nm);
}

void nxdefn_print_operand(nxdefn_printer *p, nxtext *t, const nxdefn_node *n)
{
    render(p, t, n);
}

static void put_lines(nxtext *out, const lines *l, size_t col)
{
    for (int i = 0; i < l->n; i++) {
        size_t len = strlen(l->v[i].text);
        nxtext_puts(out, "\n  ");
        nxtext_puts(out, l->v[i].text);
        nxtext_repeat(out, ' ', col - len);
        nxtext_puts(out, l->v[i].type);
    }
}

static void free_lines(lines *l)
{
    for (int i = 0; i < l->n; i++) {
        nx_free(l->v[i].text);
        nx_free(l->v[i].type);
    }
    nx_free(l->v);
}

char *nx_expr_inspect_(const nx_tensor *t, nx_inspect_opts o)
{
    if (!(t && t->node) && nxtensor_check_inputs(&t, 1) < 0)   /* an expression prints anywhere */
        return NULL;
    if (!t->node)
        return nx_inspect_(t, o);
    printer p = { .limit = o.limit == 0 ? 50 : o.limit == NX_LIMIT_NONE ? INT64_MAX : o.limit < 0 ? 0 : o.limit };
    nxtext body = { 0 };
    render(&p, &body, t->node);
    size_t widest = 0;
    for (int i = 0; i < p.params.n; i++)
        widest = strlen(p.params.v[i].text) > widest ? strlen(p.params.v[i].text) : widest;
    for (int i = 0; i < p.exprs.n; i++)
        widest = strlen(p.exprs.v[i].text) > widest ? strlen(p.exprs.v[i].text) : widest;

    nxtext out = { 0 };
    nxtext_puts(&out, "#Nx.Tensor<\n");
    if (t->vrank > 0) {
        nxtext_puts(&out, "  vectorized");
        for (int i = 0; i < t->vrank; i++)
            nxtext_printf(&out, "[%s: %lld]", t->names[i], (long long)t->dims[i]);
        nxtext_putc(&out, '\n');
    }
    nxtext_printf(&out, "  %s", nx_type_name(t->type));
    for (int i = t->vrank; i < t->rank; i++) {
        if (t->names[i])
            nxtext_printf(&out, "[%s: %lld]", t->names[i], (long long)t->dims[i]);
        else
            nxtext_printf(&out, "[%lld]", (long long)t->dims[i]);
    }
    nxtext_puts(&out, "\n  \n  Nx.Defn.Expr");
    if (p.params.n == 0 && p.exprs.n == 0) {
        char *b = nxtext_take(&body);
        nxtext_printf(&out, "\n  %s", b ? b : "");
        nx_free(b);
    } else {
        nxtext_free(&body);
    }
    put_lines(&out, &p.params, widest + 3);
    put_lines(&out, &p.exprs, widest + 3);
    nxtext_puts(&out, "\n>");
    free_lines(&p.params);
    free_lines(&p.exprs);
    nx_free(p.named);
    for (int i = 0; i < p.nmade; i++)
        nxdefn_release(p.made[i]);
    nx_free(p.made);
    size_t len = out.len;
    char *s = nxtext_take(&out);
    if (p.failed) {
        nx_free(s);
        s = NULL;
    }
    return s ? s : nxerr_oom(len + 1);
}
