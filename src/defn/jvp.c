/* src/defn/jvp.c: forward mode and higher order on top of reverse mode (issue #7):
 * nx_jvp_n, nx_jacobian_n and nx_hessian_n. Forward mode is linear transposition ("double
 * VJP"): the reverse pass seeded with a traced cotangent u gives w = Jᵀu, which is linear
 * in u, so differentiating <w, v> with respect to u gives J v. It needs no rule beyond
 * those of reverse mode (custom_grad included), only that the rules build differentiable
 * graphs, which grad of grad needs anyway. A jacobian is built from one-hot seeded reverse
 * passes: rows (one per output element) or columns (one per input element, through u),
 * whichever are fewer; a hessian is the rows of the jacobian of the gradient. Everything
 * is one traced graph, evaluated once outside a trace and inlined inside one. */
#include <string.h>
#include "core/alloc.h"
#include "core/error.h"
#include "core/shape.h"
#include "core/tensor.h"
#include "defn/grad.h"
#include "nx.h"

/* ---------------------------------------------------------------- helpers */

/* Marks params[0..n) as variables (fresh identity nodes, as grad does) and calls fn on
 * them; the output as an expression, or NULL with an error. */
static nx_tensor *call_marked(nx_defn_fn *fn, void *ctx, int n, nx_tensor *const *params, nx_tensor **marked,
                              nxdefn_node **vars)
{
    for (int i = 0; i < n; i++) {
        if (!(marked[i] = nx_metadata(params[i], NULL)))
            return NULL;
        vars[i] = marked[i]->node;
    }
    nx_tensor *r = fn(marked, ctx);
    if (!r)
        return nxerr_pending() ? NULL
                               : nxerr_null(NX_RUNTIME_ERROR,
                                            "the differentiated function returned NULL without an error");
    if (r->type == NX_TYPE_NONE)
        return nxerr_null(NX_ARGUMENT_ERROR,
                          "unable to build tensor expression, expected a tensor or a number, got: a tuple");
    if (r->vrank > 0)
        return nxerr_null(NX_ARGUMENT_ERROR,
                          "forward-mode and higher-order derivatives of vectorized tensors are not supported yet");
    if (!r->node) {   /* a constant output: zero derivatives */
        nxdefn_hdr h;
        nxdefn_hdr_of(&h, r);
        r = nxdefn_tensor(&h, nxdefn_node_of(r));
    }
    return r;
}

/* The inputs must be real (complex cotangents follow Nx's conjugation convention, which
 * transposition would have to undo) and not vectorized. */
static int check_inputs(const char *what, int n, const nx_tensor *const *args)
{
    if (nxtensor_check_inputs(args, n) < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        if (args[i]->vrank > 0)
            return nxerr_set(NX_ARGUMENT_ERROR, "%s of vectorized tensors is not supported yet", what);
        if (nx_type_is_complex(args[i]->type))
            return nxerr_set(NX_ARGUMENT_ERROR, "%s of complex tensors is not supported yet", what);
    }
    return 0;
}

/* f64 when any of the tensors is f64, else f32 (derivatives are never integers). */
static nx_type result_type(int n, nx_tensor *const *t, const nx_tensor *out)
{
    for (int i = 0; i < n; i++)
        if (t[i]->type == NX_F64)
            return NX_F64;
    return out && out->type == NX_F64 ? NX_F64 : NX_F32;
}

/* A fresh traced cotangent of r's shape: the u of w = Jᵀu (its value is irrelevant: w is
 * linear in it, and only derivatives with respect to it are taken). */
static nx_tensor *cotangent_var(const nx_tensor *r, nx_type type)
{
    nxdefn_hdr h;
    nxdefn_hdr_of(&h, r);
    h.type = type;
    for (int i = 0; i < h.rank; i++)
        h.names[i] = NULL;
    nx_tensor *z = nxdefn_tensor(&h, nxdefn_constant(&h, NX_FLOAT(0)));
    return z ? nx_metadata(z, NULL) : NULL;
}

/* f32 one-hot seeds of a shape: seed k is 1 at flat position k. */
typedef struct {
    float *buf;
    int64_t size, last;
    nx_shape shape;
} onehot;

static int onehot_init(onehot *o, nx_shape shape)
{
    o->shape = shape;
    o->size = 1;
    for (int i = 0; i < shape.rank; i++)
        o->size *= shape.dims[i];
    o->last = 0;
    o->buf = nxalloc_zeroed((size_t)(o->size ? o->size : 1), sizeof *o->buf);
    return o->buf ? 0 : (nxerr_oom((size_t)o->size * sizeof *o->buf), -1);
}

static nx_tensor *onehot_at(onehot *o, int64_t k)
{
    o->buf[o->last] = 0;
    o->buf[k] = 1;
    o->last = k;
    return nx_from_data(o->buf, NX_F32, o->shape);
}

/* The shape a ++ b; -1 with an error when the rank is too large. */
static int concat_shape(const char *what, nx_shape a, nx_shape b, nx_shape *out)
{
    if (a.rank + b.rank > NX_MAX_RANK)
        return nxerr_set(NX_ARGUMENT_ERROR, "%s: the result would have rank %d, more than the maximum %d", what,
                         a.rank + b.rank, NX_MAX_RANK);
    *out = a;
    for (int i = 0; i < b.rank; i++)
        out->dims[out->rank++] = b.dims[i];
    return 0;
}

/* parts[0..count) (each of one shape) stacked and reshaped to `shape`, cast to type.
 * trailing: the stacked axis goes last, else first. A traced stack or concatenate takes
 * at most NX_MAX_RANK + 4 operands, so the parts are joined in a tree of 16 at a time
 * (parts is scratch). */
static nx_tensor *assemble(nx_tensor **parts, int64_t count, bool trailing, nx_shape shape, nx_type type)
{
    if (count == 0)
        return nx_broadcast(nx_scalar(NX_FLOAT(0), type), shape);
    if (count == 1)
        return nx_as_type(nx_reshape(parts[0], shape), type);
    int axis = 0;
    for (int64_t k = 0; k < count; k++) {   /* a unit axis where the stacked one goes */
        nx_shape s = nx_shape_of(parts[k]);
        if (trailing) {
            axis = s.rank;
            s.dims[s.rank++] = 1;
        } else {
            memmove(s.dims + 1, s.dims, (size_t)s.rank * sizeof *s.dims);
            s.dims[0] = 1;
            s.rank++;
        }
        if (!(parts[k] = nx_reshape(parts[k], s)))
            return NULL;
    }
    while (count > 1) {
        int64_t groups = (count + 15) / 16;
        for (int64_t g = 0; g < groups; g++) {
            int64_t first = g * 16, n = count - first < 16 ? count - first : 16;
            nx_tensor_list list = { .n = (int)n, .v = (const nx_tensor *const *)parts + first };
            parts[g] = n == 1 ? parts[first] : nx_concatenate(list, .axis = NX_AXIS(axis));
            if (!parts[g])
                return NULL;
        }
        count = groups;
    }
    return nx_as_type(nx_reshape(parts[0], shape), type);
}

/* ---------------------------------------------------------------- jvp */

typedef struct {
    nx_defn_fn *fn;
    void *ctx;
    int n;
} job;

/* A traced call of j->fn: its output r over the marked parameters (vars, their nodes),
 * with w, room for one tensor per parameter. */
typedef struct {
    nx_tensor **marked, **w, *r;
    nxdefn_node **vars;
} traced;

static void traced_free(traced *t)
{
    nx_free(t->marked);
    nx_free(t->w);
    nx_free(t->vars);
}

/* Traces j->fn over params[0..n); `what` names the transform in the errors, and `scalar`
 * asks for a scalar output (hessian). 0, or -1 with an error. */
static int trace(const char *what, const job *j, nx_tensor *const *params, bool scalar, traced *t)
{
    int n = j->n;
    t->marked = nxalloc_zeroed((size_t)n + 1, sizeof *t->marked);
    t->w = nxalloc_zeroed((size_t)n + 1, sizeof *t->w);
    t->vars = nxalloc_zeroed((size_t)n + 1, sizeof *t->vars);
    if (!t->marked || !t->w || !t->vars)
        return nxerr_oom((size_t)n * sizeof *t->w), -1;
    if (!(t->r = call_marked(j->fn, j->ctx, n, params, t->marked, t->vars)))
        return -1;
    if (scalar && t->r->rank != 0) {
        char s[256];
        nxshape_text(s, sizeof s, t->r->rank, t->r->dims);
        return nxerr_set(NX_ARGUMENT_ERROR, "%s expects a function that returns a scalar, got a tensor with shape %s",
                         what, s);
    }
    if (nx_type_is_complex(t->r->type))
        return nxerr_set(NX_ARGUMENT_ERROR, "%s of a function with a complex output is not supported yet", what);
    return 0;
}

/* params: args then tangents; outs: value, tangent. */
static int build_jvp(nx_tensor *const *params, void *ctx, nx_tensor **outs)
{
    job *j = ctx;
    int n = j->n, rc = -1;
    traced t = { 0 };
    if (trace("jvp", j, params, false, &t) < 0)
        goto out;
    nx_tensor *r = t.r, **w = t.w;
    nxdefn_node **vars = t.vars;
    nx_type type = result_type(2 * n, params, r);
    nx_tensor *u = cotangent_var(r, type);
    if (!u || nxgrad_reverse_seeded(r, u, n, vars, w) < 0)
        goto out;
    nx_tensor *s = nx_scalar(NX_FLOAT(0), type);   /* <Jᵀu, v>, linear in u */
    for (int i = 0; s && i < n; i++)
        s = nx_add(s, nx_sum(nx_multiply(w[i], params[n + i])));
    nx_tensor *jv = NULL;
    if (s && !s->node) {   /* no arguments: a constant */
        nxdefn_hdr h;
        nxdefn_hdr_of(&h, s);
        s = nxdefn_tensor(&h, nxdefn_node_of(s));
    }
    if (!s || nxgrad_reverse(s, 1, &u->node, &jv) < 0)
        goto out;
    outs[0] = r;
    outs[1] = nx_as_type(jv, type);
    rc = outs[1] ? 0 : -1;
out:
    traced_free(&t);
    return rc;
}

int nx_jvp_n(nx_defn_fn *fn, void *ctx, int n, const nx_tensor *const *args, const nx_tensor *const *tangents,
             nx_tensor **value, nx_tensor **tangent)
{
    if (value)
        *value = NULL;
    if (tangent)
        *tangent = NULL;
    if (!fn)
        return nxerr_set(NX_ARGUMENT_ERROR, "expected a function to differentiate, got: NULL");
    if (!tangent || n < 0 || (n > 0 && (!args || !tangents)))
        return nxerr_set(NX_ARGUMENT_ERROR, "jvp expects %d arguments, as many tangents and room for the tangent", n);
    if (check_inputs("jvp", n, args) < 0 || check_inputs("jvp", n, tangents) < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        nx_shape a = nx_shape_of(args[i]), t = nx_shape_of(tangents[i]);
        bool same = a.rank == t.rank;
        for (int k = 0; same && k < a.rank; k++)
            same = a.dims[k] == t.dims[k];
        if (!same) {
            char sa[256], st[256];
            nxshape_text(sa, sizeof sa, a.rank, a.dims);
            nxshape_text(st, sizeof st, t.rank, t.dims);
            return nxerr_set(NX_ARGUMENT_ERROR,
                             "expected the tangent of argument %d to have the shape of the argument, "
                             "got tangent with shape %s for argument with shape %s", i, st, sa);
        }
    }
    const nx_tensor **all = nxalloc_zeroed((size_t)2 * n + 1, sizeof *all);
    if (!all)
        return nxerr_oom((size_t)2 * n * sizeof *all), -1;
    for (int i = 0; i < n; i++) {
        all[i] = args[i];
        all[n + i] = tangents[i];
    }
    job j = { fn, ctx, n };
    nx_tensor *res[2];
    int rc = nxdefn_transform(2 * n, all, build_jvp, &j, 2, res);
    nx_free(all);
    if (rc < 0)
        return -1;
    *tangent = res[1];
    if (value)
        *value = res[0];
    else
        nx_release(res[0]);
    return 0;
}

/* ---------------------------------------------------------------- jacobian */

/* outs[i]: d out / d arg i, shape out ++ arg i. */
static int build_jacobian(nx_tensor *const *params, void *ctx, nx_tensor **outs)
{
    job *j = ctx;
    int n = j->n, rc = -1;
    nx_tensor **parts = NULL;
    onehot oh = { 0 };
    traced t = { 0 };
    if (trace("jacobian", j, params, false, &t) < 0)
        goto out;
    nx_tensor *r = t.r, **w = t.w;
    nxdefn_node **vars = t.vars;
    nx_type type = result_type(n, params, r);
    nx_shape os = nx_shape_of(r);
    int64_t m = r->size, k = 0, kmax = 0;
    for (int i = 0; i < n; i++) {
        nx_shape full;
        if (concat_shape("jacobian", os, nx_shape_of(params[i]), &full) < 0)
            goto out;
        k += params[i]->size;
        if (params[i]->size > kmax)
            kmax = params[i]->size;
    }
    if (!(parts = nxalloc_zeroed((size_t)(m > kmax ? m : kmax) * (size_t)(n + 1) + 1, sizeof *parts))) {
        nxerr_oom((size_t)m * sizeof *parts);
        goto out;
    }
    if (m <= k) {   /* reverse rows: row o is the VJP seeded with e_o */
        if (onehot_init(&oh, os) < 0)
            goto out;
        for (int64_t o = 0; o < m; o++) {
            nx_tensor *seed = onehot_at(&oh, o);
            if (!seed || nxgrad_reverse_seeded(r, seed, n, vars, w) < 0)
                goto out;
            for (int i = 0; i < n; i++)
                parts[(size_t)i * (size_t)m + (size_t)o] = w[i];
        }
        for (int i = 0; i < n; i++) {
            nx_shape full;
            concat_shape("jacobian", os, nx_shape_of(params[i]), &full);
            if (!(outs[i] = assemble(parts + (size_t)i * (size_t)m, m, false, full, type)))
                goto out;
        }
    } else {   /* forward columns: column e of argument i is d (Jᵀu)[e] / du */
        nx_tensor *u = cotangent_var(r, type);
        if (!u || nxgrad_reverse_seeded(r, u, n, vars, w) < 0)
            goto out;
        for (int i = 0; i < n; i++) {
            nx_shape as = nx_shape_of(params[i]), full;
            concat_shape("jacobian", os, as, &full);
            nx_free(oh.buf);
            if (onehot_init(&oh, as) < 0)
                goto out;
            for (int64_t e = 0; e < params[i]->size; e++) {
                nx_tensor *seed = onehot_at(&oh, e);
                if (!seed || nxgrad_reverse_seeded(w[i], seed, 1, &u->node, &parts[e]) < 0)
                    goto out;
            }
            if (!(outs[i] = assemble(parts, params[i]->size, true, full, type)))
                goto out;
        }
    }
    rc = 0;
out:
    nx_free(oh.buf);
    nx_free(parts);
    traced_free(&t);
    return rc;
}

/* The entry of jacobian and hessian: checks, NULLs the nout results, then traces build. */
static int differentiate(const char *what, const char *room, nxdefn_build_fn *build, nx_defn_fn *fn, void *ctx,
                         int n, const nx_tensor *const *args, int nout, nx_tensor **outs)
{
    if (!fn)
        return nxerr_set(NX_ARGUMENT_ERROR, "expected a function to differentiate, got: NULL");
    if (n < 0 || (n > 0 && (!args || !outs)))
        return nxerr_set(NX_ARGUMENT_ERROR, "%s expects %d arguments and room for %s", what, n, room);
    for (int i = 0; i < nout; i++)
        outs[i] = NULL;
    if (check_inputs(what, n, args) < 0)
        return -1;
    job j = { fn, ctx, n };
    return nxdefn_transform(n, args, build, &j, nout, outs);
}

int nx_jacobian_n(nx_defn_fn *fn, void *ctx, int n, const nx_tensor *const *args, nx_tensor **jac)
{
    return differentiate("jacobian", "their jacobians", build_jacobian, fn, ctx, n, args, n, jac);
}

/* ---------------------------------------------------------------- hessian */

/* outs[i * n + j]: d² out / d arg i d arg j, shape arg i ++ arg j. */
static int build_hessian(nx_tensor *const *params, void *ctx, nx_tensor **outs)
{
    job *j = ctx;
    int n = j->n, rc = -1;
    nx_tensor **row = nxalloc_zeroed((size_t)n + 1, sizeof *row), **parts = NULL;
    onehot oh = { 0 };
    int64_t kmax = 0;
    traced t = { 0 };
    if (!row) {
        nxerr_oom((size_t)n * sizeof *row);
        goto out;
    }
    if (trace("hessian", j, params, true, &t) < 0)
        goto out;
    nx_tensor *r = t.r, **g = t.w;
    nxdefn_node **vars = t.vars;
    nx_type type = result_type(n, params, r);
    for (int i = 0; i < n; i++) {
        nx_shape full;
        for (int k = 0; k < n; k++)
            if (concat_shape("hessian", nx_shape_of(params[i]), nx_shape_of(params[k]), &full) < 0)
                goto out;
        if (params[i]->size > kmax)
            kmax = params[i]->size;
    }
    if (nxgrad_reverse(r, n, vars, g) < 0)
        goto out;
    if (!(parts = nxalloc_zeroed((size_t)kmax * (size_t)n + 1, sizeof *parts))) {
        nxerr_oom((size_t)kmax * sizeof *parts);
        goto out;
    }
    for (int i = 0; i < n; i++) {   /* row e of block i: the gradient of g_i[e] */
        nx_shape as = nx_shape_of(params[i]);
        int64_t ki = params[i]->size;
        nx_free(oh.buf);
        if (onehot_init(&oh, as) < 0)
            goto out;
        for (int64_t e = 0; e < ki; e++) {
            nx_tensor *seed = onehot_at(&oh, e);
            if (!seed || nxgrad_reverse_seeded(g[i], seed, n, vars, row) < 0)
                goto out;
            for (int k = 0; k < n; k++)
                parts[(size_t)k * (size_t)kmax + (size_t)e] = row[k];
        }
        for (int k = 0; k < n; k++) {
            nx_shape full;
            concat_shape("hessian", as, nx_shape_of(params[k]), &full);
            if (!(outs[i * n + k] = assemble(parts + (size_t)k * (size_t)kmax, ki, false, full, type)))
                goto out;
        }
    }
    rc = 0;
out:
    nx_free(oh.buf);
    nx_free(parts);
    nx_free(row);
    traced_free(&t);
    return rc;
}

int nx_hessian_n(nx_defn_fn *fn, void *ctx, int n, const nx_tensor *const *args, nx_tensor **hess)
{
    return differentiate("hessian", "n * n blocks", build_hessian, fn, ctx, n, args, n * n, hess);
}
