/* src/defn/grad_rules_linalg.c: the gradient rules of the Nx.LinAlg blocks (spec/grad.md
 * §8): invert, cholesky, qr (square, tall, wide), lu (with P·B̄, nxc's corrected rule),
 * eigh, svd (tall, wide, full matrices), determinant and solve (§8.7). Leading axes are
 * batch axes (vectorized axes arrive devectorized, so they are batch axes too). Every rule
 * is written with the public front ends so that it traces and can be differentiated again.
 * Registered in grad_rules.c's table. */
#define NXGRAD_RULES
#include "defn/grad.h"

#include <string.h>
#include "core/error.h"
#include "nx.h"

/* ---------------------------------------------------------------- matrix helpers */

/* x · y over the last two axes, the leading ones batched (both have the same batch). */
static nx_tensor *mm(const nx_tensor *x, const nx_tensor *y)
{
    if (!x || !y)
        return NULL;
    int nb = x->rank - 2, b[NX_MAX_RANK];
    for (int i = 0; i < nb; i++)
        b[i] = i;
    return nx_dot_general(x, y, .contract_a = NX_AXES(x->rank - 1), .batch_a = axes_of(b, nb),
                          .contract_b = NX_AXES(y->rank - 2), .batch_b = axes_of(b, nb));
}

static nx_tensor *mm3(const nx_tensor *x, const nx_tensor *y, const nx_tensor *z)
{
    return mm(mm(x, y), z);
}

/* Conjugate transpose of the last two axes (Nx.LinAlg.adjoint). */
static nx_tensor *H(const nx_tensor *t)
{
    return t ? nx_adjoint(t) : NULL;
}

/* Transpose of the last two axes without conjugation. */
static nx_tensor *T(const nx_tensor *t)
{
    if (!t)
        return NULL;
    return is_complex(t) ? nx_conjugate(nx_adjoint(t)) : nx_adjoint(t);
}

/* The n×n identity (u8: takes the other operand's type in arithmetic). */
static nx_tensor *eye(int64_t n)
{
    return nx_eye_n(n, .type = NX_U8);
}

/* The n×n identity broadcast to like's batch (triangular_solve wants equal batches). */
static nx_tensor *eye_like(const nx_tensor *like, int64_t n)
{
    nx_shape s = shape_of(like);
    s.dims[s.rank - 2] = s.dims[s.rank - 1] = n;
    return nx_broadcast(nx_eye_n(n, .type = like->type), s);
}

/* diag(v): v {..., k} on the diagonals of {..., k, k}. */
static nx_tensor *diag(const nx_tensor *v)
{
    if (!v)
        return NULL;
    return nx_multiply(nx_new_axis(v, -1, NULL), eye(v->dims[v->rank - 1]));
}

/* t[..., start:start+len] along axis `axis` (negative: from the end). */
static nx_tensor *cut(const nx_tensor *t, int axis, int64_t start, int64_t len)
{
    return t ? nx_slice_along_axis(t, start, len, .axis = NX_AXIS(axis)) : NULL;
}

/* 1/(v_j − v_i) off the diagonal, 0 on it, for v {..., k}: 1/(I + v_row − v_col) − I. */
static nx_tensor *inverse_gaps(const nx_tensor *v)
{
    if (!v)
        return NULL;
    nx_tensor *i = eye(v->dims[v->rank - 1]);
    nx_tensor *gap = nx_subtract(nx_new_axis(v, -2, NULL), nx_new_axis(v, -1, NULL));
    return nx_subtract(nx_divide(NX_I(1), nx_add(i, gap)), i);
}

/* ---------------------------------------------------------------- invert, cholesky (§8.1, §8.2) */

int nxgrad_invert(nxgrad_args *a)
{
    nx_tensor *xh = H(ANS);
    return OUT(0, mm3(nx_negate(xh), G, xh));
}

int nxgrad_cholesky(nxgrad_args *a)
{
    nx_tensor *l = ANS;
    int64_t n = l->dims[l->rank - 1];
    nx_tensor *nn = mm(T(l), nx_tril(G));
    nx_tensor *phi = nx_tril(nx_divide(nn, nx_add(eye(n), NX_I(1))));
    nx_tensor *m = nx_triangular_solve(l, phi, .transform_a = NX_TRANSFORM_TRANSPOSE);
    nx_tensor *cl = is_complex(l) ? nx_conjugate(l) : l;
    return OUT(0, m ? nx_triangular_solve(cl, m, .right_side = true) : NULL);
}

/* ---------------------------------------------------------------- qr (§8.3) */

/* The square / tall rule: q {m, c}, r {c, n} with n <= m, k = n. */
static nx_tensor *qr_square(const nx_tensor *q, const nx_tensor *r, const nx_tensor *dq, const nx_tensor *dr)
{
    int64_t n = r->dims[r->rank - 1], k = n;
    nx_tensor *rk = cut(cut(r, -2, 0, k), -1, 0, k);
    nx_tensor *rk_inv = rk ? nx_triangular_solve(rk, eye_like(rk, k), .upper = true) : NULL;
    nx_tensor *m = nx_subtract(mm(r, H(dr)), mm(H(dq), q));
    nx_tensor *c = m ? nx_add(nx_tril(m), H(nx_tril(m, .k = -1))) : NULL;
    nx_tensor *w = cut(nx_add(dq, mm(q, c)), -1, 0, k);
    return mm(w, H(rk_inv));
}

int nxgrad_qr(nxgrad_args *a)
{
    nx_tensor *q = a->anss[0], *r = a->anss[1], *dq = a->gs[0], *dr = a->gs[1];
    int64_t m = q->dims[q->rank - 2], n = r->dims[r->rank - 1];
    if (m >= n)
        return OUT(0, qr_square(q, r, dq, dr));
    /* wide: A = [X | Y] with X the leading m×m block */
    nx_tensor *u = cut(r, -1, 0, m), *v = cut(r, -1, m, n - m);
    nx_tensor *du = cut(dr, -1, 0, m), *dv = cut(dr, -1, m, n - m);
    nx_tensor *y = mm(q, v);
    nx_tensor *dq2 = y ? nx_add(dq, mm(y, H(dv))) : NULL;
    nx_tensor *xb = dq2 && u && du ? qr_square(q, u, dq2, du) : NULL;
    nx_tensor *yb = mm(q, dv);
    return OUT(0, xb && yb ? nx_concatenate(NX_TENSORS(xb, yb), .axis = NX_AXIS(-1)) : NULL);
}

/* ---------------------------------------------------------------- lu (§8.4) */

int nxgrad_lu(nxgrad_args *a)
{
    nx_tensor *p = a->anss[0], *l = a->anss[1], *u = a->anss[2], *dl = a->gs[1], *du = a->gs[2];
    int64_t n = l->dims[l->rank - 1];
    nx_tensor *f = nx_add(nx_tril(mm(H(l), dl), .k = -1), nx_triu(mm(du, H(u))));
    nx_tensor *lh = H(l), *uh = H(u);
    nx_tensor *l_inv_h = lh ? nx_triangular_solve(lh, eye_like(lh, n), .upper = true) : NULL;
    nx_tensor *u_inv_h = uh ? nx_triangular_solve(uh, eye_like(uh, n)) : NULL;
    nx_tensor *b = mm3(l_inv_h, f, u_inv_h);
    return OUT(0, mm(nx_as_type(p, b ? b->type : NX_F32), b));   /* P·B̄, not Nx's Pᵀ·B̄ */
}

/* ---------------------------------------------------------------- eigh (§8.5) */

int nxgrad_eigh(nxgrad_args *a)
{
    nx_tensor *w = a->anss[0], *v = a->anss[1], *dw = a->gs[0], *dv = a->gs[1];
    nx_tensor *k = nx_add(diag(nx_broadcast(dw, shape_of(w))), nx_multiply(inverse_gaps(w), mm(H(v), dv)));
    nx_tensor *g = mm3(v, k, H(v));
    return OUT(0, g ? nx_divide(nx_add(g, H(g)), NX_I(2)) : NULL);
}

/* ---------------------------------------------------------------- svd (§8.6) */

/* The tall rule (m >= n): u {m, c} (c = k, or m with full matrices), s {k}, vt {k, n}. */
static nx_tensor *svd_tall(const nx_tensor *u, const nx_tensor *s, const nx_tensor *vt, const nx_tensor *du,
                           const nx_tensor *ds, const nx_tensor *dvt)
{
    int64_t k = s->dims[s->rank - 1], c = u->dims[u->rank - 1];
    nx_tensor *u1 = cut(u, -1, 0, k), *du1 = cut(du, -1, 0, k);
    nx_tensor *sm = diag(s), *sinv = diag(nx_divide(NX_I(1), s)), *dsm = diag(nx_broadcast(ds, shape_of(s)));
    nx_tensor *f = inverse_gaps(nx_multiply(s, s));
    nx_tensor *utdu = mm(H(u1), du1);
    nx_tensor *j = nx_subtract(utdu, mm(H(du1), u1));
    nx_tensor *au = mm(nx_add(mm3(u1, nx_multiply(f, j), sm), mm(nx_subtract(du1, mm(u1, utdu)), sinv)), vt);
    nx_tensor *as = mm3(u1, dsm, vt);
    nx_tensor *sdv = mm(sinv, dvt);
    nx_tensor *inner = nx_multiply(nx_subtract(mm(vt, H(dvt)), mm(dvt, H(vt))), f);
    nx_tensor *av = mm(u1, nx_subtract(nx_add(mm3(sm, inner, vt), sdv), mm3(sdv, H(vt), vt)));
    nx_tensor *r = nx_add(nx_add(au, as), av);
    if (c > k) {   /* full matrices: the extra columns U₂ */
        nx_tensor *u2 = cut(u, -1, k, c - k), *du2 = cut(du, -1, k, c - k);
        r = nx_subtract(r, mm(mm(u2, H(du2)), mm3(u1, sinv, vt)));
    }
    return r;
}

int nxgrad_svd(nxgrad_args *a)
{
    nx_tensor *u = a->anss[0], *s = a->anss[1], *vt = a->anss[2];
    int64_t m = u->dims[u->rank - 2], n = vt->dims[vt->rank - 1];
    if (m >= n)
        return OUT(0, svd_tall(u, s, vt, a->gs[0], a->gs[1], a->gs[2]));
    return OUT(0, H(svd_tall(H(vt), s, H(u), H(a->gs[2]), a->gs[1], H(a->gs[0]))));
}

/* ---------------------------------------------------------------- determinant, solve (§8.7) */

/* a[..., i, j] as a {...} tensor. */
static nx_tensor *at(const nx_tensor *t, int i, int j)
{
    nx_tensor *e = cut(cut(t, -2, i, 1), -1, j, 1);
    if (!e)
        return NULL;
    nx_shape s = shape_of(e);
    s.rank -= 2;
    return nx_reshape(e, s);
}

/* The cofactor matrix of a 2×2 or 3×3 batch (the gradient of the closed-form determinant). */
static nx_tensor *cofactors(const nx_tensor *x, int n)
{
    nx_tensor *c[9] = { 0 };
    if (n == 2) {
        c[0] = at(x, 1, 1);
        c[1] = nx_negate(at(x, 1, 0));
        c[2] = nx_negate(at(x, 0, 1));
        c[3] = at(x, 0, 0);
    } else {
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) {
                int r0 = (i + 1) % 3, r1 = (i + 2) % 3, k0 = (j + 1) % 3, k1 = (j + 2) % 3;
                c[3 * i + j] = nx_subtract(nx_multiply(at(x, r0, k0), at(x, r1, k1)),
                                           nx_multiply(at(x, r0, k1), at(x, r1, k0)));
            }
    }
    nx_tensor_list list = { .n = n * n, .v = (const nx_tensor *const *)c };
    for (int i = 0; i < n * n; i++)
        if (!c[i])
            return NULL;
    nx_tensor *st = nx_stack(list, .axis = -1);
    if (!st)
        return NULL;
    nx_shape s = shape_of(st);
    s.dims[s.rank - 1] = n;
    s.dims[s.rank++] = n;
    return nx_reshape(st, s);
}

int nxgrad_determinant(nxgrad_args *a)
{
    nx_tensor *x = X, *g = nx_new_axis(nx_new_axis(G, -1, NULL), -1, NULL);
    int n = (int)x->dims[x->rank - 1];
    if (n == 2 || n == 3) {
        nx_tensor *c = cofactors(x, n);
        return OUT(0, nx_multiply(g, is_complex(x) ? nx_conjugate(c) : c));
    }
    /* 1×1 and n >= 4 go through LU: an exact zero pivot makes the value a constant 0 */
    nx_tensor *p = NULL, *l = NULL, *u = NULL;
    if (nx_lu(x, &p, &l, &u) < 0)
        return -1;
    nx_tensor *zero = nx_any(nx_equal(nx_take_diagonal(u), NX_I(0)), .axes = NX_AXES(-1), .keep_axes = true);
    nx_tensor *det = nx_new_axis(nx_new_axis(ANS, -1, NULL), -1, NULL);
    nx_tensor *d = nx_multiply(det, T(nx_invert(x)));
    nx_tensor *r = nx_multiply(g, is_complex(x) ? nx_conjugate(d) : d);
    return OUT(0, zero && r ? nx_select(nx_broadcast(nx_new_axis(zero, -1, NULL), shape_of(r)), NX_I(0), r) : NULL);
}

int nxgrad_solve(nxgrad_args *a)
{
    const nxdefn_hdr *ah = &a->n->in[0]->h, *bh = &a->n->in[1]->h;
    bool vector = bh->rank - bh->vrank == ah->rank - ah->vrank - 1;
    nx_tensor *m = X, *g = G, *x = ANS;
    int nb = g->rank - (vector ? 1 : 2);
    if (m->rank - 2 < nb) {   /* b carried vectorized axes a lacks: a broadcast to them */
        nx_shape s = shape_of(g);
        s.rank = nb + 2;
        s.dims[nb] = s.dims[nb + 1] = m->dims[m->rank - 1];
        m = nx_broadcast(m, s);
    }
    if (vector) {
        g = nx_new_axis(g, -1, NULL);
        x = nx_new_axis(x, -1, NULL);
    }
    nx_tensor *z = nx_solve(H(m), g);   /* A⁻ᴴ·Ḡ */
    int rc = 0;
    if (a->want[0])
        rc |= OUT(0, nx_negate(mm(z, H(x))));
    if (a->want[1])
        rc |= OUT(1, vector && z ? nx_squeeze(z, .axes = NX_AXES(-1)) : z);
    return rc;
}
