/* src/defn/simplify.c: common-subexpression elimination over a whole graph (issue #7):
 * the graph is rebuilt bottom-up, and a node equal to one already built (same kind, op,
 * options, header and the same rebuilt operands) is replaced by it. Constants compare by
 * value, type and shape (spec/defn.md §1). Elementwise ops on constants were folded when
 * they were recorded (src/defn/record.c). cond and while nodes are kept whole. */
#include "defn/node.h"

#include <string.h>
#include "core/alloc.h"
#include "core/error.h"
#include "nx.h"

typedef struct {
    nxdefn_node **from, **to;    /* old node -> rebuilt node (open addressing) */
    nxdefn_node **canon;         /* rebuilt nodes, by structural hash */
    uint64_t *canon_hash;
    size_t cap;
} table;

static uint64_t mix(uint64_t h, uint64_t x)
{
    h ^= x + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    return h;
}

static uint64_t bytes_hash(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001B3ull;
    return h;
}

static uint64_t structural_hash(const nxdefn_node *n)
{
    uint64_t h = mix(n->kind, (uint64_t)n->op);
    h = bytes_hash(h, &n->h, sizeof n->h);
    for (int i = 0; i < n->nin; i++)
        h = mix(h, (uint64_t)(uintptr_t)n->in[i]);
    if (n->kind == NXN_CONSTANT)
        h = bytes_hash(h, &n->value, sizeof n->value);
    if (n->text)
        h = bytes_hash(h, n->text, strlen(n->text));
    if (n->kind == NXN_PARAMETER || n->kind == NXN_ELEM)
        h = mix(h, (uint64_t)n->pos);
    return h;
}

static bool same(const nxdefn_node *a, const nxdefn_node *b)
{
    if (a->kind != b->kind || a->op != b->op || a->nin != b->nin || a->ctx != b->ctx || !nxdefn_hdr_equal(&a->h, &b->h))
        return false;
    for (int i = 0; i < a->nin; i++)
        if (a->in[i] != b->in[i])
            return false;
    switch (a->kind) {
    case NXN_PARAMETER: case NXN_ELEM: return a->pos == b->pos;
    case NXN_CONSTANT: return a->weak == b->weak && !memcmp(&a->value, &b->value, sizeof a->value);
    case NXN_TENSOR:   /* each node has its own header: the same elements are the same tensor */
        return a->tensor->buf == b->tensor->buf && a->tensor->offset == b->tensor->offset;
    case NXN_KERNEL:
        return !memcmp(a->params, b->params, sizeof *a->params) &&
               (!a->kh == !b->kh) && (!a->kh || nxdefn_hdr_equal(a->kh, b->kh));
    case NXN_CALL:
        return a->call == b->call && a->calln == b->calln && a->name == b->name && !strcmp(a->text, b->text) && a->opts_size == b->opts_size &&
               !memcmp(a->opts, b->opts, a->opts_size) && (!a->kh == !b->kh) && (!a->kh || nxdefn_hdr_equal(a->kh, b->kh));
    case NXN_VIEW: return true;
    case NXN_METADATA: return a->name == b->name && a->stop_grad == b->stop_grad;
    default: return a == b;   /* cond, while: kept whole */
    }
}

static size_t slot(const void *p, size_t cap)
{
    uintptr_t x = (uintptr_t)p;
    return (size_t)((x >> 4) * 0x9E3779B97F4A7C15ull >> 20) & (cap - 1);
}

static nxdefn_node *mapped(const table *t, const nxdefn_node *n)
{
    for (size_t i = slot(n, t->cap);; i = (i + 1) & (t->cap - 1)) {
        if (!t->from[i])
            return NULL;
        if (t->from[i] == n)
            return t->to[i];
    }
}

/* A copy of n over the rebuilt operands, or the equal node already built. */
static nxdefn_node *rebuilt(table *t, nxdefn_node *n)
{
    nxdefn_node *ins[64];
    bool changed = false;
    if (n->kind == NXN_COND || n->kind == NXN_WHILE || n->kind == NXN_IO_CALL || n->kind == NXN_RUNTIME_CALL ||
        n->nin > 64)
        return nxdefn_retain(n);
    for (int i = 0; i < n->nin; i++) {
        ins[i] = mapped(t, n->in[i]);
        changed |= ins[i] != n->in[i];
    }
    nxdefn_node *c = n;
    if (changed) {
        if (!(c = nxdefn_node_copy(n, ins)))
            return NULL;
    } else {
        nxdefn_retain(c);
    }
    uint64_t h = structural_hash(c);
    size_t i = (size_t)(h & (t->cap - 1));
    for (; t->canon[i]; i = (i + 1) & (t->cap - 1))
        if (t->canon_hash[i] == h && same(t->canon[i], c)) {
            nxdefn_release(c);
            return nxdefn_retain(t->canon[i]);
        }
    t->canon[i] = c;   /* the table's reference */
    t->canon_hash[i] = h;
    return nxdefn_retain(c);
}

/* Counts the nodes reachable from root (an upper bound for the tables). */
static size_t reachable(nxdefn_node *root, nxdefn_node ***order)
{
    size_t cap = 64, n = 0, top = 0, seen_cap = 128;
    nxdefn_node **out = nx_alloc(cap * sizeof *out);
    nxdefn_node **seen = nxalloc_zeroed(seen_cap, sizeof *seen);
    typedef struct { nxdefn_node *n; int next; } frame;
    frame *st = nx_alloc(cap * sizeof *st);
    size_t st_cap = cap;
    if (!out || !seen || !st)
        goto fail;
    st[top++] = (frame){ root, 0 };
    while (top > 0) {
        frame *f = &st[top - 1];
        if (f->next < f->n->nin && f->n->kind != NXN_COND && f->n->kind != NXN_WHILE) {
            nxdefn_node *c = f->n->in[f->next++];
            size_t i = slot(c, seen_cap);
            while (seen[i] && seen[i] != c)
                i = (i + 1) & (seen_cap - 1);
            if (seen[i])
                continue;
            if (top == st_cap) {
                frame *g = nxalloc_realloc(st, 2 * st_cap * sizeof *st);
                if (!g)
                    goto fail;
                st = g;
                st_cap *= 2;
            }
            st[top++] = (frame){ c, 0 };
            continue;
        }
        nxdefn_node *done = f->n;
        top--;
        if (n == cap) {
            nxdefn_node **g = nxalloc_realloc(out, 2 * cap * sizeof *out);
            if (!g)
                goto fail;
            out = g;
            cap *= 2;
        }
        out[n++] = done;
        if (2 * n >= seen_cap) {   /* rehash the seen set */
            nxdefn_node **g = nxalloc_zeroed(2 * seen_cap, sizeof *g);
            if (!g)
                goto fail;
            for (size_t k = 0; k < n - 1; k++) {
                size_t i = slot(out[k], 2 * seen_cap);
                while (g[i])
                    i = (i + 1) & (2 * seen_cap - 1);
                g[i] = out[k];
            }
            nx_free(seen);
            seen = g;
            seen_cap *= 2;
        }
        size_t i = slot(done, seen_cap);
        while (seen[i] && seen[i] != done)
            i = (i + 1) & (seen_cap - 1);
        seen[i] = done;
    }
    nx_free(st);
    nx_free(seen);
    *order = out;
    return n;
fail:
    nx_free(st);
    nx_free(seen);
    nx_free(out);
    nxerr_oom(cap * sizeof *out);
    return 0;
}

nx_tensor *nx_expr_simplify(const nx_tensor *expr)
{
    if (!expr)
        return nxerr_pending() ? NULL : nxerr_null(NX_ARGUMENT_ERROR, "expected a tensor, got: NULL");
    if (!expr->node)
        return nx_as_type(expr, expr->type);
    nxdefn_node **order = NULL;
    size_t n = reachable(expr->node, &order);
    if (!n)
        return NULL;
    table t = { 0 };
    t.cap = 16;
    while (t.cap < 2 * n)
        t.cap *= 2;
    t.from = nxalloc_zeroed(t.cap, sizeof *t.from);
    t.to = nxalloc_zeroed(t.cap, sizeof *t.to);
    t.canon = nxalloc_zeroed(t.cap, sizeof *t.canon);
    t.canon_hash = nxalloc_zeroed(t.cap, sizeof *t.canon_hash);
    nxdefn_node *root = NULL;
    if (!t.from || !t.to || !t.canon || !t.canon_hash) {
        nxerr_oom(t.cap * sizeof *t.from);
        goto out;
    }
    for (size_t k = 0; k < n; k++) {
        nxdefn_node *r = rebuilt(&t, order[k]);
        if (!r)
            goto out;
        size_t i = slot(order[k], t.cap);
        while (t.from[i])
            i = (i + 1) & (t.cap - 1);
        t.from[i] = order[k];
        t.to[i] = r;   /* the map's reference */
    }
    root = nxdefn_retain(mapped(&t, expr->node));
out:
    for (size_t i = 0; i < t.cap && t.to; i++)
        nxdefn_release(t.to[i]);
    for (size_t i = 0; i < t.cap && t.canon; i++)
        nxdefn_release(t.canon[i]);
    nx_free(t.from);
    nx_free(t.to);
    nx_free(t.canon);
    nx_free(t.canon_hash);
    nx_free(order);
    if (!root)
        return NULL;
    nxdefn_hdr h;
    nxdefn_hdr_of(&h, expr);
    return nxdefn_tensor(&h, root);
}
