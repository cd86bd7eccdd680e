/* src/cli/nxlib_args.c: the argument conversions every binding shares: values to tensors,
 * numbers, types, shapes, names and axes, keyword options checked as Nx's keyword!/2
 * checks them, and results back to values. Messages are Nx's (spec/functions.md §0). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "cli/nxlib_args.h"

/* ---------------------------------------------------------------- numbers */

int nxi_is_number(const nxv *v)
{
    return v && (v->kind == NXV_INT || v->kind == NXV_FLOAT);
}

static int is_marker(const nxv *v)
{
    return v && v->kind == NXV_ATOM &&
           (nxv_is_atom(v, "nan") || nxv_is_atom(v, "infinity") || nxv_is_atom(v, "neg_infinity"));
}

int nxi_is_tensor_like(const nxv *v)
{
    return nxi_is_number(v) || is_marker(v) || (v && (v->kind == NXV_COMPLEX || v->kind == NXV_TENSOR));
}

int nxi_number_of(const nxv *v, nx_number *out)
{
    if (!v)
        return -1;
    switch (v->kind) {
    case NXV_INT:
        if (v->i >= INT64_MIN && v->i <= INT64_MAX)
            *out = NX_INT((int64_t)v->i);
        else if (v->i > 0)   /* beyond 64 bits only the low bits can be stored anyway */
            *out = NX_UINT((uint64_t)v->i);
        else
            *out = NX_INT((int64_t)(uint64_t)v->i);
        return 0;
    case NXV_FLOAT:
        *out = NX_FLOAT(v->f);
        return 0;
    case NXV_COMPLEX:
        *out = NX_COMPLEX(v->c.re, v->c.im);
        return 0;
    case NXV_ATOM:
        if (nxv_is_atom(v, "nan"))
            *out = NX_FLOAT(NAN);
        else if (nxv_is_atom(v, "infinity"))
            *out = NX_FLOAT(INFINITY);
        else if (nxv_is_atom(v, "neg_infinity"))
            *out = NX_FLOAT(-INFINITY);
        else
            return -1;
        return 0;
    default:
        return -1;
    }
}

nxv *nxi_number_value(nx_number n)
{
    switch (n.kind) {
    case NX_NUM_INT: return nxv_int(n.i);
    case NX_NUM_UINT: return nxv_int((nxi_int)n.u);
    case NX_NUM_FLOAT:
        if (isnan(n.f))
            return nxv_atom("nan");
        if (isinf(n.f))
            return nxv_atom(n.f > 0 ? "infinity" : "neg_infinity");
        return nxv_float(n.f);
    case NX_NUM_COMPLEX: return nxv_complex(n.c.re, n.c.im);
    }
    return nxv_nil();
}

int nxi_to_int64(nxv *v, int64_t *out, const char *what)
{
    if (!v || v->kind != NXV_INT || v->i < INT64_MIN || v->i > INT64_MAX) {
        nxi_raise("ArgumentError", "%s, got: %s", what, v ? nxi_inspect_plain(v) : "nil");
        return -1;
    }
    *out = (int64_t)v->i;
    return 0;
}

/* ---------------------------------------------------------------- tensors */

nxv *nxi_tensor_value(nx_tensor *t)
{
    return t ? nxv_tensor(t) : nxi_raise_from_nx();
}

nx_tensor *nxi_to_tensor(nxv *v)
{
    nx_number n;
    if (v && v->kind == NXV_TENSOR)
        return v->tensor;
    if (nxi_number_of(v, &n) == 0) {
        nx_tensor *t = nx_number_tensor(n);   /* typed as a number operand in binary ops */
        if (!t)
            nxi_raise_from_nx();
        return t;
    }
    if (nxi_is_container(v)) {
        nxi_raise("ArgumentError",
                  "cannot convert %s to tensor because it represents a collection of tensors, use "
                  "Nx.stack/2 or Nx.concatenate/2 instead", nxi_inspect_plain(v));
        return NULL;
    }
    nxi_raise_not_container(v);
    return NULL;
}

/* ---------------------------------------------------------------- containers */

nxv *nxi_collect_leaf(nxv *leaf, void *ctx)
{
    nxi_leaves *l = ctx;
    nx_tensor *t = l->plain ? nxi_leaf_tensor(leaf) : nxi_to_tensor(leaf);
    if (!t)
        return NULL;
    if (l->n < l->cap)
        l->t[l->n] = t;
    l->n++;
    return leaf;
}

nxv *nxi_refill_leaf(nxv *leaf, void *ctx)
{
    (void)leaf;
    nxi_refill *r = ctx;
    return nxv_tensor(r->t[r->next++]);
}

int nxi_gather_leaves(nxv *container, nx_tensor ***out)
{
    nxi_leaves count = { NULL, 0, 0, 1 };
    if (!nxi_map_leaves(container, nxi_collect_leaf, &count))
        return -1;
    nxi_leaves l = { nxi_alloc(((size_t)count.n + 1) * sizeof *l.t), 0, count.n, 1 };
    if (!nxi_map_leaves(container, nxi_collect_leaf, &l))
        return -1;
    *out = l.t;
    return l.n;
}

nxv *nxi_raise_nx_or_pending(void)
{
    if (nxi_raised()) {
        nx_error_clear();
        return NULL;
    }
    return nxi_raise_from_nx();
}

int nxi_is_container(const nxv *v)
{
    return v && (v->kind == NXV_TUPLE || v->kind == NXV_MAP);
}

nxv *nxi_map_leaves(nxv *v, nxv *(*fn)(nxv *leaf, void *ctx), void *ctx)
{
    if (nxi_is_batch(v) && !(v = nxi_batch_materialize(v)))
        return NULL;
    if (v->kind == NXV_TUPLE) {
        nxv **items = nxv_items(v->tuple.n);
        for (int64_t i = 0; i < v->tuple.n; i++)
            if (!(items[i] = nxi_map_leaves(v->tuple.items[i], fn, ctx)))
                return NULL;
        return nxv_tuple(v->tuple.n, items);
    }
    if (v->kind == NXV_MAP) {
        nxv **keys = nxv_items(v->map.n), **vals = nxv_items(v->map.n);
        for (int64_t i = 0; i < v->map.n; i++) {
            keys[i] = v->map.keys[i];
            if (!(vals[i] = nxi_map_leaves(v->map.vals[i], fn, ctx)))
                return NULL;
        }
        return nxv_map(v->map.n, keys, vals);
    }
    return fn(v, ctx);
}

static const char *type_of_value(const nxv *v)
{
    switch (v->kind) {
    case NXV_INT: return "Integer";
    case NXV_FLOAT: return "Float";
    case NXV_ATOM: return "Atom";
    case NXV_BINARY: return "BitString";
    case NXV_LIST: return "List";
    case NXV_TUPLE: return "Tuple";
    case NXV_MAP: return "Map";
    case NXV_FUN: return "Function";
    case NXV_TENSOR: return "Nx.Tensor (a struct)";
    case NXV_RANGE: return "Range (a struct)";
    case NXV_COMPLEX: return "Complex (a struct)";
    }
    return "Any";
}

nx_tensor *nxi_leaf_tensor(nxv *leaf)
{
    nx_tensor *t = nxi_to_tensor(leaf);
    if (!t)
        return NULL;
    nx_number num;
    if (leaf->kind != NXV_TENSOR && nxi_number_of(leaf, &num) == 0 && !(t = nx_scalar(num, nx_type_of(t))))
        nxi_raise_from_nx();
    return t;
}

nxv *nxi_raise_not_container(nxv *v)
{
    const char *why = "";
    if (!v)
        return nxi_raise("ArgumentError", "expected a tensor, got: nil");
    if (v->kind == NXV_LIST)
        why = ", lists are not valid tensors (and therefore not supported as defn inputs). However, "
              "you can convert them to tensors using Nx.tensor/1";
    else if (nxv_is_atom(v, "true") || nxv_is_atom(v, "false"))
        why = ", booleans are not valid tensors (and therefore not supported as defn inputs). However, "
              "you can convert them to tensors using Nx.tensor/1";
    else if (v->kind != NXV_ATOM)
        why = ", data-structures given to defn/Nx must implement either Nx.LazyContainer or Nx.Container";
    return nxi_raise("Protocol.UndefinedError",
                     "protocol Nx.LazyContainer not implemented for type %s%s\n\nGot value:\n\n    %s",
                     type_of_value(v), why, nxi_inspect_plain(v));
}

/* ---------------------------------------------------------------- types */

typedef struct { nx_type type; const char *name, *kind; int bits; } type_spell;
static const type_spell spellings[] = {
#define SPELL(E, name, kind, bits) { NX_##E, #name, #kind, bits },
    NX_TYPE_LIST(SPELL)
#undef SPELL
};
#define NSPELL ((int)(sizeof spellings / sizeof *spellings))

nx_type nxi_to_type(nxv *v)
{
    if (v && v->kind == NXV_ATOM) {
        for (int i = 0; i < NSPELL; i++)
            if (!strcmp(v->atom, spellings[i].name))
                return spellings[i].type;
    } else if (v && v->kind == NXV_TUPLE && v->tuple.n == 2 && v->tuple.items[0]->kind == NXV_ATOM &&
               v->tuple.items[1]->kind == NXV_INT) {
        for (int i = 0; i < NSPELL; i++)
            if (!strcmp(v->tuple.items[0]->atom, spellings[i].kind) && v->tuple.items[1]->i == spellings[i].bits)
                return spellings[i].type;
    }
    nxi_raise("ArgumentError", "invalid numerical type: %s (see Nx.Type docs for all supported types)",
              v ? nxi_inspect_plain(v) : "nil");
    return NX_TYPE_NONE;
}

nxv *nxi_type_value(nx_type t)
{
    for (int i = 0; i < NSPELL; i++)
        if (spellings[i].type == t) {
            nxv **items = nxv_items(2);
            items[0] = nxv_atom(spellings[i].kind);
            items[1] = nxv_int(spellings[i].bits);
            return nxv_tuple(2, items);
        }
    return nxi_raise("ArgumentError", "invalid numerical type: %d", (int)t);
}

/* ---------------------------------------------------------------- shapes */

nxv *nxi_shape_value(nx_shape s)
{
    nxv **items = nxv_items(s.rank);
    for (int i = 0; i < s.rank; i++)
        items[i] = nxv_int(s.dims[i]);
    return nxv_tuple(s.rank, items);
}

/* Nx.Shape.validate!/2 on a tuple (checked from the last axis to the first). */
static int shape_of_tuple(nxv *v, const char *kind, nx_shape *out)
{
    if (v->tuple.n > NX_MAX_RANK) {
        nxi_raise("ArgumentError", "invalid %s. rank %lld is not supported (nxc allows at most %d axes)", kind,
                  (long long)v->tuple.n, NX_MAX_RANK);
        return -1;
    }
    out->rank = (int)v->tuple.n;
    for (int i = out->rank - 1; i >= 0; i--) {
        nxv *d = v->tuple.items[i];
        if (d->kind == NXV_INT && d->i > 0 && d->i <= INT64_MAX) {
            out->dims[i] = (int64_t)d->i;
            continue;
        }
        if (d->kind == NXV_TENSOR) {
            nxi_raise("ArgumentError",
                      "invalid dimension in axis %d found in %s. Each dimension must be a positive integer, "
                      "but instead got a tensor as dimension: %s\n\n"
                      "This may happen if you are trying to pass a dimension or a shape as an argument to a "
                      "defn function, for example:\n\n"
                      "    defn my_defn(dim) do\n"
                      "      Nx.iota({dim})\n"
                      "    end\n\n"
                      "However, defn treats all arguments as inputs. To address this, you can pass the "
                      "dimension or the shape as an option instead:\n\n"
                      "    defn my_defn(opts \\\\ []) do\n"
                      "      opts = keyword!(opts, dim: 1)\n"
                      "      Nx.iota({opts[:dim]})\n"
                      "    end\n\n"
                      "Invalid shape: %s\n",
                      i, kind, nxi_inspect_plain(d), nxi_inspect_plain(v));
            return -1;
        }
        nxi_raise("ArgumentError",
                  "invalid dimension in axis %d found in %s. Each dimension must be a positive integer, "
                  "got %s in shape %s", i, kind, nxi_inspect_plain(d), nxi_inspect_plain(v));
        return -1;
    }
    return 0;
}

int nxi_to_shape_tuple(nxv *v, const char *kind, nx_shape *out)
{
    if (!v || v->kind != NXV_TUPLE) {
        nxi_raise("ArgumentError", "invalid %s. %s is a n-element tuple with the size of each dimension. Got: %s",
                  kind, kind, v ? nxi_inspect_plain(v) : "nil");
        return -1;
    }
    return shape_of_tuple(v, kind, out);
}

int nxi_to_shape(nxv *v, nx_shape *out)
{
    if (v && v->kind == NXV_TENSOR) {
        *out = nx_shape_of(v->tensor);
        return 0;
    }
    if (nxi_is_number(v)) {
        out->rank = 0;
        return 0;
    }
    if (v && v->kind == NXV_TUPLE)
        return shape_of_tuple(v, "shape", out);
    nxi_raise("ArgumentError",
              "expected a shape. A shape is a n-element tuple with the size of each dimension. Alternatively, "
              "you can pass a tensor (or a number) and the shape will be retrieved from the tensor. Got: %s",
              v ? nxi_inspect_plain(v) : "nil");
    return -1;
}

/* ---------------------------------------------------------------- names and axes */

static int names_error(int rank)
{
    nxi_raise("ArgumentError",
              "invalid names for tensor of rank %d, when specifying names every dimension must have a name or be nil",
              rank);
    return -1;
}

int nxi_to_names(nxv *v, int rank, nx_names *out)
{
    out->n = 0;
    if (!v || nxv_is_nil(v))
        return 0;
    if (v->kind != NXV_LIST || v->list.tail)
        return names_error(rank);
    if ((rank >= 0 && v->list.n != rank) || v->list.n > NX_MAX_RANK)
        return names_error(rank >= 0 ? rank : (int)v->list.n);
    for (int64_t i = 0; i < v->list.n; i++) {
        nxv *name = v->list.items[i];
        if (name->kind != NXV_ATOM)
            return names_error(rank >= 0 ? rank : (int)v->list.n);
        out->v[i] = nxv_is_nil(name) ? NULL : name->atom;
    }
    out->n = (int)v->list.n;
    return 0;
}

nxv *nxi_names_value(nx_names n)
{
    nxv **items = nxv_items(n.n);
    for (int i = 0; i < n.n; i++)
        items[i] = n.v[i] ? nxv_atom(n.v[i]) : nxv_nil();
    return nxv_list(n.n, items);
}

int nxi_to_axis(nxv *v, int rank, nx_axis *out)
{
    if (v && v->kind == NXV_INT && v->i >= -1000000 && v->i <= 1000000) {
        *out = NX_AXIS((int)v->i);
        return 0;
    }
    if (v && nxv_is_nil(v)) {
        nxi_raise("ArgumentError", "axis name cannot be nil");
        return -1;
    }
    if (v && v->kind == NXV_ATOM) {
        *out = NX_AXIS_NAMED(v->atom);
        return 0;
    }
    nxi_raise("ArgumentError", "given axis (%s) invalid for shape with rank %d", v ? nxi_inspect_plain(v) : "nil",
              rank);
    return -1;
}

/* ---------------------------------------------------------------- options */

char *nxi_keys_text(const char *const *allowed, int n)
{
    size_t len = 3;
    for (int i = 0; i < n; i++)
        len += strlen(allowed[i]) + 3;
    char *s = nxi_alloc(len), *p = s;
    *p++ = '[';
    for (int i = 0; i < n; i++)
        p += sprintf(p, "%s:%s", i ? ", " : "", allowed[i]);
    *p++ = ']';
    *p = 0;
    return s;
}

int nxi_opts(nxv *opts, const char *const *allowed, int nallowed, nxv **vals)
{
    for (int i = 0; i < nallowed; i++)
        vals[i] = NULL;
    if (!opts)
        return 0;
    int bad = opts->kind != NXV_LIST || opts->list.tail;
    for (int64_t k = 0; !bad && k < opts->list.n; k++) {
        nxv *pair = opts->list.items[k];
        if (pair->kind != NXV_TUPLE || pair->tuple.n != 2 || pair->tuple.items[0]->kind != NXV_ATOM) {
            bad = 1;
            break;
        }
        const char *key = pair->tuple.items[0]->atom;
        int found = -1;
        /* A key given twice is unknown the second time: Nx removes each key it sees. */
        for (int i = 0; i < nallowed && found < 0; i++)
            if (!vals[i] && !strcmp(key, allowed[i]))
                found = i;
        if (found < 0) {
            nxi_raise("ArgumentError", "unknown key %s in %s, expected one of %s",
                      nxi_inspect_plain(pair->tuple.items[0]), nxi_inspect_plain(opts),
                      nxi_keys_text(allowed, nallowed));
            return -1;
        }
        vals[found] = pair->tuple.items[1];
    }
    if (bad) {
        nxi_raise("ArgumentError", "expected a keyword list with keys %s, got: %s", nxi_keys_text(allowed, nallowed),
                  nxi_inspect_plain(opts));
        return -1;
    }
    return 0;
}

static int is_binary_backend(const nxv *v)
{
    return v->kind == NXV_ATOM && (!strcmp(v->atom, "Elixir.Nx.BinaryBackend") || !strcmp(v->atom, "Nx.BinaryBackend"));
}

int nxi_check_backend(nxv *b)
{
    if (!b)
        return 0;
    nxv *mod = b;
    if (b->kind == NXV_TUPLE && b->tuple.n == 2 && b->tuple.items[0]->kind == NXV_ATOM &&
        b->tuple.items[1]->kind == NXV_LIST)
        mod = b->tuple.items[0];
    else if (b->kind != NXV_ATOM) {
        nxi_raise("ArgumentError", ":backend must be an atom or a tuple {backend, options}, got: %s",
                  nxi_inspect_plain(b));
        return -1;
    }
    if (is_binary_backend(mod))
        return 0;
    nxi_raise("ArgumentError", "backend %s is not available in nxc (its tensors live in Nx.BinaryBackend)",
              nxi_inspect_plain(mod));
    return -1;
}

int nxi_to_axes(nxv *v, int rank, nx_axes *out, int keep_empty)
{
    *out = (nx_axes){ 0 };
    if (!v || nxv_is_nil(v))
        return 0;
    if (v->kind != NXV_LIST || v->list.tail || v->list.n > NX_MAX_RANK) {
        nxi_raise("ArgumentError", "expected :axes to be a list of axes, got: %s", nxi_inspect_plain(v));
        return -1;
    }
    if (v->list.n == 0) {
        if (keep_empty)
            *out = NX_AXES_EMPTY;
        return 0;
    }
    for (int64_t i = 0; i < v->list.n; i++) {
        nx_axis a;
        if (nxi_to_axis(v->list.items[i], rank, &a) < 0)
            return -1;
        out->index[i] = a.index;
        out->name[i] = a.name;
    }
    out->n = (int)v->list.n;
    return 0;
}

int nxi_validate_keywords(nxv *opts, const char *const *allowed, int nallowed, nxv **vals)
{
    for (int i = 0; i < nallowed; i++)
        vals[i] = NULL;
    if (!opts)
        return 0;
    if (opts->kind != NXV_LIST || opts->list.tail || !nxv_is_keyword(opts)) {
        nxi_raise("ArgumentError", "expected a keyword list, got: %s", nxi_inspect_plain(opts));
        return -1;
    }
    nxv **unknown = nxv_items(opts->list.n), **dups = nxv_items(opts->list.n);
    int nu = 0, nd = 0;
    for (int64_t k = 0; k < opts->list.n; k++) {
        nxv *key = opts->list.items[k]->tuple.items[0];
        int found = -1;
        for (int i = 0; i < nallowed && found < 0; i++)
            if (!strcmp(key->atom, allowed[i]))
                found = i;
        if (found < 0) {
            int seen = 0;
            for (int j = 0; j < nu; j++)
                seen |= unknown[j]->atom == key->atom;
            if (!seen)
                unknown[nu++] = key;
        } else if (vals[found]) {
            int seen = 0;
            for (int j = 0; j < nd; j++)
                seen |= dups[j]->atom == key->atom;
            if (!seen)
                dups[nd++] = key;
        } else {
            vals[found] = opts->list.items[k]->tuple.items[1];
        }
    }
    if (nu > 0) {
        nxi_raise("ArgumentError", "unknown keys %s in %s, the allowed keys are: %s",
                  nxi_inspect_plain(nxv_list(nu, unknown)), nxi_inspect_plain(opts), nxi_keys_text(allowed, nallowed));
        return -1;
    }
    if (nd > 0) {
        nxi_raise("ArgumentError", "duplicate keys %s in %s", nxi_inspect_plain(nxv_list(nd, dups)),
                  nxi_inspect_plain(opts));
        return -1;
    }
    return 0;
}
