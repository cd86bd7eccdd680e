/* src/core/inspect.c: the printed form of tensors, #Nx.Tensor<...> (spec/types-and-inspect.md
 * §5.1-5.4, 5.9): header lines, nested element lists with Nx's element limit, and the text
 * of single elements. Float digits come from core/fmtfloat.c. */
#include "nx/inspect.h"

#include <errno.h>
#include <string.h>
#include "core/alloc.h"
#include "core/elem.h"
#include "core/error.h"
#include "core/fmtfloat.h"
#include "core/tensor.h"
#include "core/text.h"
#include "nx/defn.h"

/* Room for any element's text with its NUL: complex is the longest. */
#define ELEM_MAX NXFMT_COMPLEX_MAX

static bool valid_type(nx_type t)
{
    return t > NX_TYPE_NONE && t < NX_TYPE_COUNT;
}

/* Text of a non-complex element from its bits (in the low bits of `bits`). */
static int format_bits(char *buf, size_t cap, nx_type t, uint64_t bits)
{
    if (!nx_type_is_integer(t))
        return nxfmt_float(buf, cap, t, bits);
    int w = nx_type_bits(t);
    if (w < 64)
        bits &= (1ull << w) - 1;
    if (nx_type_is_unsigned(t))
        return snprintf(buf, cap, "%llu", (unsigned long long)bits);
    if (w < 64 && (bits >> (w - 1)))
        bits |= ~0ull << w;    /* sign-extend */
    return snprintf(buf, cap, "%lld", (long long)(int64_t)bits);
}

/* Text of a complex element stored at p: two f32 (c64) or two f64 (c128). */
static int format_complex(char *buf, size_t cap, nx_type t, const unsigned char *p)
{
    if (t == NX_C64) {
        uint32_t c[2];
        memcpy(c, p, sizeof c);
        return nxfmt_complex(buf, cap, t, c[0], c[1]);
    }
    uint64_t c[2];
    memcpy(c, p, sizeof c);
    return nxfmt_complex(buf, cap, t, c[0], c[1]);
}

int nx_format_element(char *buf, size_t cap, nx_type type, const void *elem)
{
    if (!valid_type(type))
        return nxerr_set(NX_ARGUMENT_ERROR,
                         "invalid numerical type: %d (see Nx.Type docs for all supported types)",
                         (int)type);
    if (!elem)
        return nxerr_set(NX_ARGUMENT_ERROR, "expected an element, got: NULL");
    if (nx_type_is_complex(type))
        return format_complex(buf, cap, type, elem);
    int w = nx_type_bits(type);
    uint64_t bits = 0;
    if (w < 8)
        bits = *(const unsigned char *)elem;    /* format_bits keeps the low w bits */
    else
        memcpy(&bits, elem, (size_t)w / 8);     /* little-endian host, as everywhere */
    return format_bits(buf, cap, type, bits);
}

/* Walks the elements in row-major order, printing until `left` reaches 0. */
typedef struct {
    nxtext *out;
    const nx_tensor *t;
    const unsigned char *data;
    int64_t left;    /* elements still allowed (INT64_MAX: no limit in practice) */
    int64_t next;    /* flat index of the next element to print */
} printer;

static void put_element(printer *pr)
{
    char buf[ELEM_MAX];
    nx_type t = pr->t->type;
    int n;
    if (nx_type_is_complex(t))
        n = format_complex(buf, sizeof buf, t, pr->data + pr->next * (nx_type_bits(t) / 8));
    else
        n = format_bits(buf, sizeof buf, t, nxelem_bits(t, pr->data, pr->next));
    pr->next++;
    pr->left--;
    nxtext_putn(pr->out, buf, (size_t)n);
}

/* One axis at `indent` columns: the innermost on one line, outer ones one child a line.
 * Where the limit runs out, "..." takes the place of the next child and the axis ends
 * (the walk never resumes, so the flat index only moves forward). */
static void put_axis(printer *pr, int level, size_t indent)
{
    int64_t d = pr->t->dims[level];
    bool inner = level == pr->t->rank - 1;
    if (d == 0) {
        nxtext_puts(pr->out, "[]");
        return;
    }
    nxtext_puts(pr->out, inner ? "[" : "[\n");
    for (int64_t i = 0; i < d; i++) {
        if (i > 0)
            nxtext_puts(pr->out, inner ? ", " : ",\n");
        if (!inner)
            nxtext_repeat(pr->out, ' ', indent + 2);
        if (pr->left <= 0) {
            nxtext_puts(pr->out, "...");
            break;
        }
        if (inner)
            put_element(pr);
        else
            put_axis(pr, level + 1, indent + 2);
        if (pr->out->failed)
            return;
    }
    if (!inner) {
        nxtext_putc(pr->out, '\n');
        nxtext_repeat(pr->out, ' ', indent);
    }
    nxtext_putc(pr->out, ']');
}

/* "[x: 3][4]" for axes [from, to). */
static void put_shape(nxtext *out, const nx_tensor *t, int from, int to)
{
    for (int i = from; i < to; i++) {
        if (t->names[i])
            nxtext_printf(out, "[%s: %lld]", t->names[i], (long long)t->dims[i]);
        else
            nxtext_printf(out, "[%lld]", (long long)t->dims[i]);
    }
}

static int64_t effective_limit(int64_t limit)
{
    if (limit == 0)
        return 50;    /* Elixir's default inspect limit */
    return limit < 0 ? 0 : limit;
}

char *nx_inspect_(const nx_tensor *t, nx_inspect_opts o)
{
    if (t && t->node)   /* an expression: its graph (spec/defn.md §5) */
        return nx_expr_inspect_(t, o);
    if (!t)    /* a pending error from the call that made t is kept: the first one wins */
        return nxerr_null(NX_ARGUMENT_ERROR, "expected a tensor, got: NULL");
    nxtext out = { 0 };
    nxtext_puts(&out, "#Nx.Tensor<\n");
    if (t->vrank > 0) {
        nxtext_puts(&out, "  vectorized");
        put_shape(&out, t, 0, t->vrank);
        nxtext_putc(&out, '\n');
    }
    nxtext_puts(&out, "  ");
    nxtext_puts(&out, nx_type_name(t->type));
    put_shape(&out, t, t->vrank, t->rank);
    if (t->donatable)
        nxtext_puts(&out, " [donatable]");
    nxtext_puts(&out, "\n  ");
    const void *data = nxtensor_data(t);
    if (!t->backend || !data) {
        nxtext_puts(&out, "Nx.TemplateBackend");
    } else {
        printer pr = { &out, t, data, effective_limit(o.limit), 0 };
        if (t->rank == 0)
            put_element(&pr);    /* a scalar prints whatever the limit */
        else
            put_axis(&pr, 0, 2);
    }
    nxtext_puts(&out, "\n>");
    size_t len = out.len;
    char *s = nxtext_take(&out);
    return s ? s : nxerr_oom(len + 1);
}

int nx_print_(FILE *f, const nx_tensor *t, nx_inspect_opts o)
{
    if (!f)
        return nxerr_set(NX_ARGUMENT_ERROR, "expected a FILE to print to, got: NULL");
    char *s = nx_inspect_(t, o);
    if (!s)
        return -1;
    int rc = fputs(s, f) < 0 || fputc('\n', f) == EOF ? -1 : 0;
    nx_free(s);
    if (rc < 0)
        return nxerr_set(NX_FILE_ERROR, "could not write the tensor: %s", strerror(errno));
    return 0;
}
