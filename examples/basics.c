/* examples/basics.c: a first tour of nxc. Makes tensors four ways, converts them between
 * types, reshapes and broadcasts them, prints each as Nx prints it, and handles an error
 * as a value. Run it with `bash scripts/demo.sh` (or ./build/examples/basics). */
#include <stdio.h>
#include <nx.h>

/* Prints a caption and the tensor; a NULL tensor means the call failed, so print the
 * pending error instead and clear it. */
static void show(const char *caption, const nx_tensor *t)
{
    printf("%s\n", caption);
    if (t)
        nx_print(t);
    else
        printf("%s: %s\n", nx_error_kind_name(nx_error()), nx_error_message());
    nx_error_clear();
    printf("\n");
}

/* Builders for nx_tensor's nested lists (what Nx.tensor/2 takes). */
#define NUM(v) ((nx_item){ .kind = NX_ITEM_NUMBER, .num = NX_FLOAT(v) })
#define LIST(a) ((nx_item){ .kind = NX_ITEM_LIST, .len = sizeof(a) / sizeof((a)[0]), .items = (a) })

int main(void)
{
    printf("nxc %s\n\n", nx_version());
    /* Every tensor made from here on belongs to this scope; nx_scope_end frees them all,
     * so nested calls such as nx_as_type(nx_reshape(...)) cannot leak. */
    nx_scope_begin();

    /* 1. Making tensors. */
    show("Nx.iota({2, 3}, names: [:rows, :cols])",
         nx_iota(NX_SHAPE(2, 3), .names = NX_NAMES("rows", "cols")));

    float data[2][2] = { { 1.5f, -2.25f }, { 3.0f, 0.1f } };   /* row-major, like Nx */
    show("From a C array (f32)", nx_from_data(data, NX_F32, NX_SHAPE(2, 2)));

    nx_item row0[] = { NUM(1), NUM(2), NUM(3) }, row1[] = { NUM(4), NUM(5), NUM(6) };
    nx_item rows[] = { LIST(row0), LIST(row1) };
    nx_item list = LIST(rows);
    show("Nx.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], type: :f64)",
         nx_tensor(&list, .type = NX_F64));

    show("Nx.eye(3, type: :u8)", nx_eye_n(3, .type = NX_U8));

    /* 2. Converting. Floats round to the nearest value of the narrower type (ties to
     * even); float -> integer truncates toward zero and saturates at the type's range. */
    double values[] = { 0.1, 1.0 / 3.0, 2.5, 2049.0, 70000.0, -1.5, 300.7 };
    nx_tensor *v = nx_from_data(values, NX_F64, NX_SHAPE(7));
    show("Seven doubles (f64)", v);
    show("as f16: 2049 rounds to 2048 (ties to even), 70000 overflows to Inf",
         nx_as_type(v, NX_F16));
    show("as bf16: 8 significant bits; each prints as the shortest text that reads back",
         nx_as_type(v, NX_BF16));
    show("as u8: truncated toward zero, then saturated to 0..255", nx_as_type(v, NX_U8));

    /* Reading values back out into C. */
    nx_number out[7];
    int64_t n = nx_to_flat_list(nx_as_type(v, NX_S8), out, 7);
    printf("Nx.to_flat_list(Nx.as_type(v, :s8)) =");
    for (int64_t i = 0; i < n; i++)
        printf(" %lld", (long long)out[i].i);
    printf("\n");
    nx_number pi;
    if (nx_to_number(nx_constant(NX_CONST_PI, NX_F64), &pi) == 0)
        printf("Nx.to_number(Nx.Constants.pi(:f64)) = %.17g\n\n", pi.f);

    /* 3. Reshaping and broadcasting: new shapes over the same data. */
    nx_tensor *six = nx_iota(NX_SHAPE(6));
    show("Nx.reshape(Nx.iota({6}), {3, :auto}, names: [:x, :y])",
         nx_reshape(six, NX_SHAPE(3, NX_AUTO), .names = NX_NAMES("x", "y")));
    show("Nx.broadcast(Nx.iota({3}), {2, 3})",
         nx_broadcast(nx_iota(NX_SHAPE(3)), NX_SHAPE(2, 3)));
    show("Nx.broadcast(Nx.iota({3}), {3, 2}, axes: [0])",
         nx_broadcast(nx_iota(NX_SHAPE(3)), NX_SHAPE(3, 2), .axes = NX_AXES(0)));
    /* Printing stops after 50 elements, as Nx's inspect does; .limit changes that. */
    printf("Nx.iota({2, 30}) printed with limit: 5\n");
    nx_print(nx_iota(NX_SHAPE(2, 30)), .limit = 5);
    printf("\n");

    /* 4. Errors are values: a failing call returns NULL and records the error; a call
     * given NULL returns NULL and keeps the first error, so the message below names the
     * reshape, not the conversion that was handed its NULL. */
    nx_tensor *bad = nx_as_type(nx_reshape(six, NX_SHAPE(4, 2)), NX_F32);
    if (!bad) {
        printf("nx_reshape(six, {4, 2}) failed as expected:\n  %s: %s\n",
               nx_error_kind_name(nx_error()), nx_error_message());
        nx_error_clear();   /* handled: the next calls start clean */
    }

    nx_scope_end();
    return nx_error() == NX_OK ? 0 : 1;
}
