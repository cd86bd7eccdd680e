/* src/defn/print_ops.c: how each kernel node prints (spec/defn.md §3.2, §5.1). nxc records
 * primitives as kernels with their lowered parameters; Nx prints the node of the Nx-level
 * callback with its own argument order and option lists. One table maps each op to the
 * name Nx prints and the form of its arguments; ops without an entry print their operands. */
#include "defn/print.h"

#include <stdio.h>
#include <string.h>
#include "core/op.h"
#include "nx/linalg.h"

typedef void args_fn(nxdefn_printer *p, nxtext *t, const nxdefn_node *n);

/* ---- argument pieces (host inspect forms, §5.1) ---- */

static void ints(nxtext *t, int k, const int64_t *v, char open, char close)
{
    nxtext_putc(t, open);
    for (int i = 0; i < k; i++)
        nxtext_printf(t, i ? ", %lld" : "%lld", (long long)v[i]);
    nxtext_putc(t, close);
}

static void int_list(nxtext *t, int k, const int *v)
{
    int64_t w[NX_MAX_RANK];
    for (int i = 0; i < k; i++)
        w[i] = v[i];
    ints(t, k, w, '[', ']');
}

static void identity_list(nxtext *t, int k)
{
    int64_t w[NX_MAX_RANK + 2];
    for (int i = 0; i < k; i++)
        w[i] = i;
    ints(t, k, w, '[', ']');
}

static void pairs(nxtext *t, int k, const int64_t *lo, const int64_t *hi)
{
    nxtext_putc(t, '[');
    for (int i = 0; i < k; i++)
        nxtext_printf(t, "%s{%lld, %lld}", i ? ", " : "", (long long)lo[i], (long long)hi[i]);
    nxtext_putc(t, ']');
}

static const char *boolean(int b)
{
    return b ? "true" : "false";
}

/* The header the kernel itself wrote (a view folded into it re-headers the node). */
static const nxdefn_hdr *kernel_hdr(const nxdefn_node *n)
{
    return n->kh ? n->kh : &n->h;
}

static void operand(nxdefn_printer *p, nxtext *t, const nxdefn_node *n, int i, bool comma)
{
    if (comma)
        nxtext_puts(t, ", ");
    nxdefn_print_operand(p, t, n->in[i]);
}

/* ---- one function per argument form ---- */

static void operands(nxdefn_printer *p, nxtext *t, const nxdefn_node *n)
{
    for (int i = 0; i < n->nin; i++)
        operand(p, t, n, i, i > 0);
}

static void iota_args(nxdefn_printer *p, nxtext *t, const nxdefn_node *n)
{
    (void)p;
    if (n->params->axis < 0)
        nxtext_puts(t, "nil");
    else
        nxtext_printf(t, "%d", n->params->axis);
}

/* broadcast x, shape, axes */
static void broadcast_args(nxdefn_printer *p, nxtext *t, const nxdefn_node *n)
{
    const nxdefn_hdr *h = kernel_hdr(n);
    operand(p, t, n, 0, false);
    nxtext_puts(t, ", ");
    ints(t, h->rank, h->dims, '{', '}');
    nxtext_puts(t, ", ");
    int_list(t, n->in[0]->h.rank, n->params->axes);
}

/* transpose x, axes */
static void transpose_args(nxdefn_printer *p, nxtext *t, const nxdefn_node *n)
{
    operand(p, t, n, 0, false);
    nxtext_puts(t, ", ");
    int_list(t, n->in[0]->h.rank, n->params->axes);
}

/* reverse x, axes */
static void reverse_args(nxdefn_printer *p, nxtext *t, const nxdefn_node *n)
{
    operand(p, t, n, 0, false);
    nxtext_puts(t, ", ");
    int_list(t, n->params->count, n->params->axes);
}

/* pad x, pad_value, [{lo, hi, interior}, ...] */
static void pad_args(nxdefn_printer *p, nxtext *t, const nxdefn_node *n)
{
    operands(p, t, n);
    nxtext_puts(t, ", [");
    for (int i = 0; i < n->in[0]->h.rank; i++)
        nxtext_printf(t, "%s{%lld, %lld, %lld}", i ? ", " : "", (long long)n->params->pad.low[i],
                      (long long)n->params->pad.high[i], (long long)n->params->pad.interior[i]);
    nxtext_putc(t, ']');
}

/* concatenate [t1, t2, ...], axis (likewise stack) */
static void join_args(nxdefn_printer *p, nxtext *t, const nxdefn_node *n)
{
    nxtext_putc(t, '[');
    operands(p, t, n);
    nxtext_printf(t, "], %d", n->params->axis);
}

/* The start indices of slice / put_slice: integers, or the dynamic start operands. */
static void starts(nxdefn_printer *p, nxtext *t, const nxdefn_node *n, int rank)
{
    nxtext_putc(t, '[');
    for (int i = 0; i < rank; i++) {
        if (i)
            nxtext_puts(t, ", ");
        int d = n->params->slice.dynamic[i];
        if (d > 0 && d < n->nin)
            nxdefn_print_operand(p, t, n->in[d]);
        else
            nxtext_printf(t, "%lld", (long long)n->params->slice.start[i]);
    }
    nxtext_putc(t, ']');
}

/* slice x, start_indices, lengths, strides */
static void slice_args(nxdefn_printer *p, nxtext *t, const nxdefn_node *n)
{
    int rank = n->in[0]->h.rank;
    operand(p, t, n, 0, false);
    nxtext_puts(t, ", ");
    starts(p, t, n, rank);
    nxtext_puts(t, ", ");
    ints(t, rank, n->params->slice.length, '[', ']');
    nxtext_puts(t, ", ");
    ints(t, rank, n->params->slice.stride, '[', ']');
}

/* put_slice x, start_indices, slice */
static void put_slice_args(nxdefn_printer *p, nxtext *t, const nxdefn_node *n)
{
    operand(p, t, n, 0, false);
    nxtext_puts(t, ", ");
    starts(p, t, n, n->in[0]->h.rank);
    operand(p, t, n, 1, true);
}

/* The axes option of gather / indexed_*: one per entry of the indices' last axis. */
static void index_axes(nxtext *t, const nxdefn_node *n)
{
    const nxdefn_hdr *ih = &n->in[1]->h;
    int k = ih->rank > 0 ? (int)ih->dims[ih->rank - 1] : 0;
    nxtext_puts(t, ", axes: ");
    int_list(t, k > NX_MAX_RANK ? NX_MAX_RANK : k, n->params->axes);
}

/* gather x, indices, axes: [...]; indexed_add target, indices, updates, axes: [...] */
static void indexed_args(nxdefn_printer *p, nxtext *t, const nxdefn_node *n)
{
    operands(p, t, n);
    index_axes(t, n);
}

/* sort / argsort x, axis: a, direction: :asc, stable: false */
static void sort_args(nxdefn_printer *p, nxtext *t, const nxdefn_node *n)
{
    operand(p, t, n, 0, false);
    nxtext_printf(t, ", axis: %d, direction: %s, stable: %s", n->params->axis,
                  n->params->sort.desc ? ":desc" : ":asc", boolean(n->params->sort.stable));
}

/* fft / ifft x, length: n, axis: a, eps: e */
static void fft_args(nxdefn_printer *p, nxtext *t, const nxdefn_node *n)
{
    const nxdefn_hdr *h = kernel_hdr(n);
    int axis = n->params->axis;
    operand(p, t, n, 0, false);
    nxtext_printf(t, ", length: %lld, axis: %d, eps: ", (long long)(axis < h->rank ? h->dims[axis] : 0), axis);
    nxdefn_print_number(t, (nx_number){ .kind = NX_NUM_FLOAT, .f = n->params->fft.eps });
}

/* The options of the window ops: padding, strides and (unless scatter) window_dilations. */
static void window_opts(nxtext *t, const nxdefn_node *n, bool dilations)
{
    int rank = n->in[0]->h.rank;
    nxtext_puts(t, ", ");
    ints(t, rank, n->params->window.window, '{', '}');
    nxtext_puts(t, ", padding: ");
    pairs(t, rank, n->params->window.low, n->params->window.high);
    nxtext_puts(t, ", strides: ");
    ints(t, rank, n->params->window.stride, '[', ']');
    if (dilations) {
        nxtext_puts(t, ", window_dilations: ");
        ints(t, rank, n->params->window.dilation, '[', ']');
    }
}

/* window_sum x, window_dimensions, opts (the kernel's init operand is the padding value
 * Nx's callback implies) */
static void window_args(nxdefn_printer *p, nxtext *t, const nxdefn_node *n)
{
    operand(p, t, n, 0, false);
    window_opts(t, n, true);
}

/* window_scatter_max x, source, init_value, window_dimensions, opts */
static void scatter_args(nxdefn_printer *p, nxtext *t, const nxdefn_node *n)
{
    operand(p, t, n, 0, false);
    operand(p, t, n, 1, true);
    operand(p, t, n, n->nin - 1, true);
    window_opts(t, n, false);
}

/* conv input, kernel, the normalised options in Nx's order */
static void conv_args(nxdefn_printer *p, nxtext *t, const nxdefn_node *n)
{
    int nsp = n->params->conv.nsp;
    operands(p, t, n);
    nxtext_puts(t, ", strides: ");
    ints(t, nsp, n->params->conv.stride, '[', ']');
    nxtext_puts(t, ", padding: ");
    pairs(t, nsp, n->params->conv.low, n->params->conv.high);
    nxtext_puts(t, ", input_dilation: ");
    ints(t, nsp, n->params->conv.idil, '[', ']');
    nxtext_puts(t, ", kernel_dilation: ");
    ints(t, nsp, n->params->conv.kdil, '[', ']');
    nxtext_printf(t, ", feature_group_size: %lld, batch_group_size: %lld, input_permutation: ",
                  (long long)n->params->conv.fgroups, (long long)n->params->conv.bgroups);
    /* over the operands as given: their permutations; over canonical layouts: identity */
    const int *perm[3] = { n->params->conv.iperm, n->params->conv.kperm, n->params->conv.operm };
    static const char *const label[3] = { "", ", kernel_permutation: ", ", output_permutation: " };
    for (int k = 0; k < 3; k++) {
        nxtext_puts(t, label[k]);
        if (n->params->conv.perms)
            int_list(t, nsp + 2, perm[k]);
        else
            identity_list(t, nsp + 2);
    }
}

/* triangular_solve a, b, transform_a: ..., left_side: ..., lower: ... (§3.2's order) */
static void tsolve_args(nxdefn_printer *p, nxtext *t, const nxdefn_node *n)
{
    static const char *const transform[] = { ":none", ":transpose", ":conjugate" };
    int tr = n->params->tsolve.transform;
    operands(p, t, n);
    nxtext_printf(t, ", transform_a: %s, left_side: %s, lower: %s", tr >= 0 && tr <= 2 ? transform[tr] : ":none",
                  boolean(!n->params->tsolve.right_side), boolean(!n->params->tsolve.upper));
}

/* Blocks (§3.4): `block %Nx.Block.<Struct>{fields}, <tensor args>`. */
static void cumulative_args(nxdefn_printer *p, nxtext *t, const nxdefn_node *n)
{
    static const char *const kind[] = { "Sum", "Product", "Min", "Max" };
    int k = (int)n->op - (int)NX_OP_cumulative_sum;
    nxtext_printf(t, "%%Nx.Block.Cumulative%s{axis: %d, reverse: %s}, ", kind[k], n->params->axis,
                  boolean(n->params->reverse));
    operands(p, t, n);
}

static void take_args(nxdefn_printer *p, nxtext *t, const nxdefn_node *n)
{
    nxtext_printf(t, "%%Nx.Block.%s{axis: %d}, ", n->op == NX_OP_take ? "Take" : "TakeAlongAxis", n->params->axis);
    operands(p, t, n);
}

/* ---- the table ---- */

typedef struct {
    const char *name;   /* the printed op; NULL: the op's own name */
    args_fn *args;
} form;

static const form forms[NX_OP_COUNT] = {
    [NX_OP_iota] = { NULL, iota_args },
    [NX_OP_broadcast] = { NULL, broadcast_args },
    [NX_OP_transpose] = { NULL, transpose_args },
    [NX_OP_reverse] = { NULL, reverse_args },
    [NX_OP_pad] = { NULL, pad_args },
    [NX_OP_concatenate] = { NULL, join_args },
    [NX_OP_stack] = { NULL, join_args },
    [NX_OP_slice] = { NULL, slice_args },
    [NX_OP_put_slice] = { NULL, put_slice_args },
    [NX_OP_gather] = { NULL, indexed_args },
    [NX_OP_indexed_add] = { NULL, indexed_args },
    [NX_OP_indexed_put] = { NULL, indexed_args },
    [NX_OP_take] = { "block", take_args },
    [NX_OP_take_along_axis] = { "block", take_args },
    [NX_OP_sort] = { NULL, sort_args },
    [NX_OP_argsort] = { NULL, sort_args },
    [NX_OP_cumulative_sum] = { "block", cumulative_args },
    [NX_OP_cumulative_product] = { "block", cumulative_args },
    [NX_OP_cumulative_min] = { "block", cumulative_args },
    [NX_OP_cumulative_max] = { "block", cumulative_args },
    [NX_OP_fft] = { NULL, fft_args },
    [NX_OP_ifft] = { NULL, fft_args },
    [NX_OP_window_sum] = { NULL, window_args },
    [NX_OP_window_product] = { NULL, window_args },
    [NX_OP_window_max] = { NULL, window_args },
    [NX_OP_window_min] = { NULL, window_args },
    [NX_OP_window_scatter_max] = { NULL, scatter_args },
    [NX_OP_window_scatter_min] = { NULL, scatter_args },
    [NX_OP_conv] = { NULL, conv_args },
    [NX_OP_triangular_solve] = { NULL, tsolve_args },
};

void nxdefn_print_kernel(nxdefn_printer *p, nxtext *t, const nxdefn_node *n)
{
    const form *f = &forms[n->op];
    nxtext_printf(t, "%s ", f->name ? f->name : nxop_table[n->op].name);
    (f->args ? f->args : operands)(p, t, n);
}

const char *nxdefn_print_call_name(const nxdefn_node *n)
{
    /* blocks made by nxdefn_block (the Nx.LinAlg ones, TopK) print as blocks */
    return n->calln && n->text && !strncmp(n->text, "%Nx.", 4) ? "block" : NULL;
}
