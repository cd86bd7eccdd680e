/* src/core/types.c: type names and Nx's promotion rules (spec/types-and-inspect.md §1-3). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "core/error.h"
#include "nx/types.h"

typedef struct {
    const char *name, *tuple, *kind;
    int bits;
} type_info;

static const type_info info[NX_TYPE_COUNT] = {
#define INFO(E, name, kind, bits) [NX_##E] = { #name, "{:" #kind ", " #bits "}", #kind, bits },
    NX_TYPE_LIST(INFO)
#undef INFO
};

static int valid(nx_type t)
{
    return t > NX_TYPE_NONE && t < NX_TYPE_COUNT;
}

const char *nx_type_name(nx_type t)
{
    return valid(t) ? info[t].name : NULL;
}

const char *nx_type_tuple(nx_type t)
{
    return valid(t) ? info[t].tuple : NULL;
}

int nx_type_bits(nx_type t)
{
    return valid(t) ? info[t].bits : 0;
}

bool nx_type_is_integer(nx_type t)
{
    return t >= NX_U2 && t <= NX_S64;
}

bool nx_type_is_unsigned(nx_type t)
{
    return t >= NX_U2 && t <= NX_U64;
}

bool nx_type_is_float(nx_type t)
{
    return t >= NX_F8 && t <= NX_C128;
}

bool nx_type_is_complex(nx_type t)
{
    return t == NX_C64 || t == NX_C128;
}

/* The type with Nx's kind and bit count, or NONE. */
static nx_type find(const char *kind, int bits)
{
    for (int t = NX_U2; t < NX_TYPE_COUNT; t++)
        if (info[t].bits == bits && strcmp(info[t].kind, kind) == 0)
            return (nx_type)t;
    return NX_TYPE_NONE;
}

nx_type nx_type_parse(const char *text)
{
    const char *s = text && text[0] == ':' ? text + 1 : text;
    for (int t = NX_U2; text && t < NX_TYPE_COUNT; t++)
        if (strcmp(s, info[t].name) == 0 || strcmp(text, info[t].tuple) == 0)
            return (nx_type)t;
    /* Shown as Elixir writes the value: a bare name is an atom. */
    int atom = text && text[0] != ':' && text[0] != '{';
    nxerr_set(NX_ARGUMENT_ERROR, "invalid numerical type: %s%s (see Nx.Type docs for all supported types)",
              atom ? ":" : "", text ? text : "nil");
    return NX_TYPE_NONE;
}

/* Kind ranks for merging: u < s < bf < f = f8_e4m3fn < c. */
static int rank_of(nx_type t)
{
    const char *k = info[t].kind;
    switch (k[0]) {
    case 'u': return 0;
    case 's': return 1;
    case 'b': return 2;
    case 'c': return 4;
    default: return 3;
    }
}

static int max_int(int a, int b)
{
    return a > b ? a : b;
}

nx_type nx_type_merge(nx_type left, nx_type right)
{
    if (!valid(left) || !valid(right))
        return NX_TYPE_NONE;
    if (strcmp(info[left].kind, info[right].kind) == 0)
        return info[left].bits >= info[right].bits ? left : right;
    /* Equal ranks (f with f8_e4m3fn): the left operand wins. */
    nx_type low = rank_of(left) < rank_of(right) ? left : right;
    nx_type high = low == left ? right : left;
    if (rank_of(left) == rank_of(right)) {
        low = right;
        high = left;
    }
    const char *lk = info[low].kind, *hk = info[high].kind;
    if (lk[0] == 'u' && hk[0] == 's') {
        int a = info[low].bits * 2;
        return find("s", max_int(a > 64 ? 64 : a, info[high].bits));
    }
    if (strcmp(lk, "f") == 0 && hk[0] == 'c')
        return find("c", max_int(2 * info[low].bits, info[high].bits));
    return high;
}

static int unsigned_bits_for(uint64_t n)
{
    return n <= 1 ? 1 : n <= 255 ? 8 : n <= 65535 ? 16 : n <= 4294967295u ? 32 : 64;
}

/* Bits a signed integer type needs for n (Nx's rule; 1 means "fits any type"). */
static int signed_bits_for(int64_t n)
{
    uint64_t m = n >= 0 ? (uint64_t)n : (uint64_t)(-(n + 1));
    return m <= 1 ? 1 : m <= 127 ? 8 : m <= 32767 ? 16 : m <= 2147483647 ? 32 : 64;
}

nx_type nx_type_merge_number(nx_type t, nx_number n)
{
    if (!valid(t))
        return NX_TYPE_NONE;
    if (n.kind == NX_NUM_COMPLEX)
        return nx_type_merge(t, NX_C64);
    int is_int = n.kind != NX_NUM_FLOAT;
    if (n.kind == NX_NUM_FLOAT && !isfinite(n.f))
        return nx_type_merge(t, NX_F32);
    const char *k = info[t].kind;
    int bits = info[t].bits;
    if (k[0] == 'u' && is_int && (n.kind == NX_NUM_UINT || n.i >= 0)) {
        uint64_t v = n.kind == NX_NUM_UINT ? n.u : (uint64_t)n.i;
        return find("u", max_int(unsigned_bits_for(v), bits));
    }
    if (k[0] == 'u' && is_int) {
        k = "s";
        bits = bits * 2 > 64 ? 64 : bits * 2;
    }
    if (k[0] == 's' && is_int) {
        int need = n.kind == NX_NUM_UINT ? 64 : signed_bits_for(n.i);
        return find("s", max_int(need, bits));
    }
    if (strcmp(k, "bf") == 0 || strcmp(k, "f") == 0 || k[0] == 'c')
        return t;
    return NX_F32;
}

nx_type nx_type_infer(nx_number n)
{
    switch (n.kind) {
    case NX_NUM_INT: case NX_NUM_UINT: return NX_S32;
    case NX_NUM_FLOAT: return NX_F32;
    default: return NX_C64;
    }
}

nx_type nx_type_to_floating(nx_type t)
{
    return nx_type_is_float(t) ? t : valid(t) ? NX_F32 : NX_TYPE_NONE;
}

nx_type nx_type_to_real(nx_type t)
{
    if (t == NX_C64)
        return NX_F32;
    if (t == NX_C128)
        return NX_F64;
    return nx_type_to_floating(t);
}

nx_type nx_type_to_complex(nx_type t)
{
    if (nx_type_is_complex(t))
        return t;
    if (t == NX_F64)
        return NX_C128;
    return valid(t) ? NX_C64 : NX_TYPE_NONE;
}

nx_type nx_type_to_aggregate(nx_type t)
{
    if (t == NX_U64 || t == NX_S64)
        return NX_S64;
    if (nx_type_is_unsigned(t))
        return NX_U32;
    if (nx_type_is_integer(t))
        return NX_S32;
    return valid(t) ? t : NX_TYPE_NONE;
}
