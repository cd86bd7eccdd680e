/* tests/test_errors.c: bad input, one test per class: every failing call returns NULL
 * (or -1), records Nx's exception kind and exact message (shapes-and-names.md,
 * functions.md, formats.md, types-and-inspect.md), keeps the first error of a chain,
 * and leaks nothing (the sanitizer run checks that). Messages that only nxc has (rank
 * limits, sizes past 2^63) are checked for their kind and the values they name. */
#include "support/nxtest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ITEM_I(v) ((nx_item){ .kind = NX_ITEM_NUMBER, .num = NX_INT(v) })
#define ITEM_F(v) ((nx_item){ .kind = NX_ITEM_NUMBER, .num = NX_FLOAT(v) })
#define ITEM_C(re, im) ((nx_item){ .kind = NX_ITEM_NUMBER, .num = NX_COMPLEX((re), (im)) })
#define ITEM_B(v) ((nx_item){ .kind = NX_ITEM_BOOL, .num = NX_INT(v) })
#define ITEM_O(s) ((nx_item){ .kind = NX_ITEM_OTHER, .text = (s) })
#define ITEM_T(t) ((nx_item){ .kind = NX_ITEM_TENSOR, .tensor = (t) })
#define ITEM_EMPTY ((nx_item){ .kind = NX_ITEM_LIST, .len = 0, .items = NULL })
#define ITEM_LIST(...) \
    ((nx_item){ .kind = NX_ITEM_LIST, \
                .len = (int64_t)(sizeof((nx_item[]){ __VA_ARGS__ }) / sizeof(nx_item)), \
                .items = (nx_item[]){ __VA_ARGS__ } })

/* Asserts the last call failed with `kind` and a message containing every given part. */
#define NXTEST_ERROR_HAS(kind, ...) \
    do { \
        cr_assert_eq(nx_error(), (kind), "error kind %s, expected %s (message: %s)", \
                     nx_error_kind_name(nx_error()), nx_error_kind_name(kind), nx_error_message()); \
        const char *parts_[] = { __VA_ARGS__ }; \
        for (size_t i_ = 0; i_ < sizeof parts_ / sizeof *parts_; i_++) \
            cr_assert(strstr(nx_error_message(), parts_[i_]), "message \"%s\" lacks \"%s\"", \
                      nx_error_message(), parts_[i_]); \
        nx_error_clear(); \
    } while (0)

static const char *const DIM_MSG_23 =
    "invalid dimension in axis 1 found in shape. Each dimension must be a positive integer, got 0 in shape {2, 0, 3}";

/* ------------------------------------------------------------------ shapes */

Test(errors, zero_dimension)
{
    nx_scope_begin();
    cr_assert_null(nx_iota(NX_SHAPE(2, 0, 3)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, DIM_MSG_23);
    cr_assert_null(nx_eye(NX_SHAPE(2, 0, 3)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, DIM_MSG_23);
    cr_assert_null(nx_template(NX_SHAPE(2, 0, 3), NX_F32));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, DIM_MSG_23);
    cr_assert_null(nx_from_data((char[8]){ 0 }, NX_U8, NX_SHAPE(2, 0, 3)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, DIM_MSG_23);
    cr_assert_null(nx_broadcast(nx_iota(NX_SHAPE(3)), NX_SHAPE(2, 0, 3)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, DIM_MSG_23);
    cr_assert_null(nx_eye_n(0));
    cr_assert_eq(nx_error(), NX_ARGUMENT_ERROR, "%s", nx_error_message());
    nx_error_clear();
    nx_scope_end();
}

Test(errors, negative_dimension_names_the_highest_bad_axis)
{
    nx_scope_begin();
    cr_assert_null(nx_iota(NX_SHAPE(-1, 2, -3)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "invalid dimension in axis 2 found in shape. Each dimension must be a positive integer, got -3 in shape {-1, 2, -3}");
    cr_assert_null(nx_iota(NX_SHAPE(-5)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "invalid dimension in axis 0 found in shape. Each dimension must be a positive integer, got -5 in shape {-5}");
    cr_assert_null(nx_template(NX_SHAPE(0, 4, 0, 1), NX_S8));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "invalid dimension in axis 2 found in shape. Each dimension must be a positive integer, got 0 in shape {0, 4, 0, 1}");
    /* reshape to sizes whose product happens to match (shapes-and-names.md §9) */
    cr_assert_null(nx_reshape(nx_iota(NX_SHAPE(2, 3)), NX_SHAPE(-2, -3)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "invalid dimension in axis 1 found in shape. Each dimension must be a positive integer, got -3 in shape {-2, -3}");
    /* with an :auto entry too */
    cr_assert_null(nx_reshape(nx_iota(NX_SHAPE(2, 3)), NX_SHAPE(-2, NX_AUTO, -3)));
    NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, "invalid dimension in axis ", "got -3 in shape");
    nx_scope_end();
}

Test(errors, size_past_int64)
{
    nx_scope_begin();
    /* 2^32 * 2^32 elements: the product overflows int64 */
    cr_assert_null(nx_iota(NX_SHAPE(1ll << 32, 1ll << 32)));
    NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, "{4294967296, 4294967296}");
    cr_assert_null(nx_template(NX_SHAPE(1ll << 62, 4), NX_U8));
    NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, "{4611686018427387904, 4}");
    cr_assert_null(nx_broadcast(nx_iota(NX_SHAPE()), NX_SHAPE(1ll << 40, 1ll << 40)));
    NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, "{1099511627776, 1099511627776}");
    cr_assert_null(nx_reshape(nx_iota(NX_SHAPE(2)), NX_SHAPE(1ll << 40, 1ll << 40, NX_AUTO)));
    cr_assert_eq(nx_error(), NX_ARGUMENT_ERROR, "%s", nx_error_message());
    nx_error_clear();
    nx_scope_end();
}

Test(errors, size_past_memory)
{
    nx_scope_begin();
    /* 2^60 f64 elements are 2^63 bytes: no allocation is even tried */
    cr_assert_null(nx_iota(NX_SHAPE(1ll << 40, 1ll << 20), .type = NX_F64));
    cr_assert_neq(nx_error(), NX_OK);
    cr_assert_str_neq(nx_error_message(), "");
    nx_error_clear();
    cr_assert_null(nx_eye(NX_SHAPE(1ll << 40, 1ll << 20), .type = NX_C128));
    cr_assert_neq(nx_error(), NX_OK);
    nx_error_clear();
    cr_assert_null(nx_broadcast(nx_iota(NX_SHAPE(1)), NX_SHAPE(1ll << 31, 1ll << 31)));
    cr_assert_neq(nx_error(), NX_OK);
    nx_error_clear();
    /* A template of 2^50 bytes is fine: it has no data. */
    nx_tensor *t = nx_template(NX_SHAPE(1ll << 40, 1ll << 10), NX_U8);
    cr_assert_not_null(t, "%s", nx_error_message());
    cr_assert_eq(nx_size(t), 1ll << 50);
    cr_assert_eq(nx_byte_size(t), 1ll << 50);
    nx_scope_end();
}

/* 16 TiB: the allocation is tried and fails. ASan aborts on that unless
 * allocator_may_return_null=1 (scripts/test.sh sets it). */
Test(errors, allocation_failure_is_a_memory_error)
{
#if defined(__SANITIZE_ADDRESS__)
    const char *opts = getenv("ASAN_OPTIONS");
    if (!opts || !strstr(opts, "allocator_may_return_null=1"))
        cr_skip_test("needs ASAN_OPTIONS=allocator_may_return_null=1");
#endif
    nx_scope_begin();
    cr_assert_null(nx_iota(NX_SHAPE(1ll << 44), .type = NX_U8));
    NXTEST_ERROR_HAS(NX_MEMORY_ERROR, "");
    cr_assert_null(nx_broadcast(nx_iota(NX_SHAPE(1), .type = NX_F64), NX_SHAPE(1ll << 22, 1ll << 22)));
    NXTEST_ERROR_HAS(NX_MEMORY_ERROR, "");
    cr_assert_null(nx_as_type(nx_template(NX_SHAPE(1ll << 40), NX_U8), NX_F32));
    NXTEST_ERROR(NX_RUNTIME_ERROR, "cannot perform operations on a Nx.TemplateBackend tensor");
    nx_scope_end();
}

Test(errors, rank_past_the_limit)
{
    nx_scope_begin();
    nx_shape big = { .rank = NX_MAX_RANK + 1 };
    for (int i = 0; i < NX_MAX_RANK; i++)
        big.dims[i] = 1;
    cr_assert_null(nx_iota(big));
    NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, "17");
    cr_assert_null(nx_template(big, NX_F32));
    NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, "17");
    cr_assert_null(nx_reshape(nx_iota(NX_SHAPE()), big));
    NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, "17");
    cr_assert_null(nx_broadcast(nx_iota(NX_SHAPE()), big));
    NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, "17");
    nx_shape neg = { .rank = -1 };
    cr_assert_null(nx_iota(neg));
    NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, "-1");
    /* 16 axes are fine; a vectorized axis on top of 16 inner axes is one too many */
    nx_shape max = { .rank = NX_MAX_RANK };
    for (int i = 0; i < NX_MAX_RANK; i++)
        max.dims[i] = 1;
    cr_assert_not_null(nx_iota(max), "%s", nx_error_message());
    nx_tensor *v = nx_vectorize(nx_iota(NX_SHAPE(2)), "v");
    cr_assert_null(nx_broadcast(v, max));
    NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, "17");
    cr_assert_null(nx_reshape(v, max));
    NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, "17");
    /* lists nested 17 deep */
    nx_item levels[NX_MAX_RANK + 2];
    levels[0] = ITEM_I(1);
    for (int i = 1; i < NX_MAX_RANK + 2; i++)
        levels[i] = (nx_item){ .kind = NX_ITEM_LIST, .len = 1, .items = &levels[i - 1] };
    cr_assert_not_null(nx_tensor(&levels[NX_MAX_RANK]), "%s", nx_error_message());
    cr_assert_null(nx_tensor(&levels[NX_MAX_RANK + 1]));
    NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, "16");
    cr_assert_null(nx_tensor(&levels[NX_MAX_RANK + 1], .type = NX_F32));
    NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, "16");
    nx_scope_end();
}

static const char *const NAMES_MSG_2 =
    "invalid names for tensor of rank 2, when specifying names every dimension must have a name or be nil";

Test(errors, names_count_differs_from_rank)
{
    nx_scope_begin();
    cr_assert_null(nx_iota(NX_SHAPE(2, 3), .names = NX_NAMES("x")));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, NAMES_MSG_2);
    cr_assert_null(nx_eye_n(2, .names = NX_NAMES("x", "y", "z")));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, NAMES_MSG_2);
    cr_assert_null(nx_template(NX_SHAPE(2, 3), NX_F32, .names = NX_NAMES(NULL)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, NAMES_MSG_2);
    cr_assert_null(nx_from_data((char[6]){ 0 }, NX_U8, NX_SHAPE(2, 3), .names = NX_NAMES("a")));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, NAMES_MSG_2);
    nx_item list = ITEM_LIST(ITEM_LIST(ITEM_I(1), ITEM_I(2)), ITEM_LIST(ITEM_I(3), ITEM_I(4)));
    cr_assert_null(nx_tensor(&list, .names = NX_NAMES("a")));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, NAMES_MSG_2);
    nx_tensor *t = nx_iota(NX_SHAPE(6));
    cr_assert_null(nx_reshape(t, NX_SHAPE(2, 3), .names = NX_NAMES("a", "b", "c")));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, NAMES_MSG_2);
    cr_assert_null(nx_broadcast(t, NX_SHAPE(2, 6), .names = NX_NAMES("a")));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, NAMES_MSG_2);
    cr_assert_null(nx_rename(nx_iota(NX_SHAPE(2, 3)), NX_NAMES("a", "b", "c")));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, NAMES_MSG_2);
    cr_assert_null(nx_iota(NX_SHAPE(), .names = NX_NAMES("a")));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "invalid names for tensor of rank 0, when specifying names every dimension must have a name or be nil");
    nx_item it = ITEM_T(t);
    cr_assert_null(nx_tensor(&it, .names = NX_NAMES("a", "b")));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "invalid names for tensor of rank 1, when specifying names every dimension must have a name or be nil");
    nx_scope_end();
}

/* ------------------------------------------------------------------ binaries, types */

Test(errors, binary_of_the_wrong_size)
{
    nx_scope_begin();
    unsigned char data[16] = { 1, 2, 3, 4 };
    cr_assert_null(nx_from_binary(data, 0, NX_U8));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot build an empty tensor");
    cr_assert_null(nx_from_binary(NULL, 0, NX_U32));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot build an empty tensor");
    cr_assert_null(nx_from_binary(data, -8, NX_U8));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot build an empty tensor");
    cr_assert_null(nx_from_binary(data, 32, NX_F64));   /* <<1, 2, 3, 4>> as f64 */
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "binary does not match the given size");
    cr_assert_null(nx_from_binary(data, 12, NX_U8));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "binary does not match the given size");
    cr_assert_null(nx_from_binary(data, 72, NX_C128));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "binary does not match the given size");
    cr_assert_null(nx_from_binary(data, 3, NX_U2));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "binary does not match the given size");
    cr_assert_not_null(nx_from_binary(data, 12, NX_U4), "%s", nx_error_message());
    /* the type is checked first */
    cr_assert_null(nx_from_binary(data, 0, (nx_type)99));
    NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, "invalid numerical type: ", "(see Nx.Type docs for all supported types)");
    cr_assert_null(nx_from_data(NULL, NX_U8, NX_SHAPE(2)));
    cr_assert_eq(nx_error(), NX_ARGUMENT_ERROR);
    nx_error_clear();
    /* to_binary and to_flat_list with a bad :limit */
    nx_tensor *t = nx_iota(NX_SHAPE(3));
    cr_assert_eq(nx_to_binary(t, data, sizeof data, .limit = -1), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected :limit to be a positive integer, got: -1");
    nx_number out[3];
    cr_assert_eq(nx_to_flat_list(t, out, 3, .limit = -2), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected :limit to be a positive integer, got: -2");
    /* a destination too small */
    cr_assert_eq(nx_to_binary(t, data, 11), -1);
    cr_assert_eq(nx_error(), NX_ARGUMENT_ERROR);
    nx_error_clear();
    nx_scope_end();
}

Test(errors, unknown_types)
{
    nx_scope_begin();
    nx_type bad[] = { (nx_type)-1, NX_TYPE_COUNT, (nx_type)99 };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        nx_type b = bad[i];
        const char *p1 = "invalid numerical type: ", *p2 = " (see Nx.Type docs for all supported types)";
        cr_assert_null(nx_iota(NX_SHAPE(2), .type = b));
        NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, p1, p2);
        cr_assert_null(nx_eye_n(2, .type = b));
        NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, p1, p2);
        cr_assert_null(nx_template(NX_SHAPE(2), b));
        NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, p1, p2);
        cr_assert_null(nx_from_data((char[16]){ 0 }, b, NX_SHAPE(2)));
        NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, p1, p2);
        nx_item one = ITEM_I(1);
        cr_assert_null(nx_tensor(&one, .type = b));
        NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, p1, p2);
        cr_assert_null(nx_scalar(NX_INT(1), b));
        NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, p1, p2);
        cr_assert_null(nx_as_type(nx_iota(NX_SHAPE(2)), b));
        NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, p1, p2);
        cr_assert_null(nx_bitcast(nx_iota(NX_SHAPE(2)), b));
        NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, p1, p2);
        cr_assert_null(nx_constant(NX_CONST_PI, b));
        NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, p1, p2);
        cr_assert_null(nx_constant(NX_CONST_I, b));
        NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, p1, p2);
        cr_assert_null(nx_type_name(b));
        cr_assert_null(nx_type_tuple(b));
        cr_assert_eq(nx_type_bits(b), 0);
    }
    /* NONE where a type is required */
    cr_assert_null(nx_template(NX_SHAPE(2), NX_TYPE_NONE));
    NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, "invalid numerical type: ");
    cr_assert_null(nx_as_type(nx_iota(NX_SHAPE(2)), NX_TYPE_NONE));
    NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, "invalid numerical type: ");
    cr_assert_null(nx_from_binary("abcd", 32, NX_TYPE_NONE));
    NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, "invalid numerical type: ");
    /* nx_type_parse: Nx's spellings, and the message with the value as Elixir writes it */
    cr_assert_eq(nx_type_parse("f32"), NX_F32);
    cr_assert_eq(nx_type_parse(":f32"), NX_F32);
    cr_assert_eq(nx_type_parse("{:f, 32}"), NX_F32);
    cr_assert_eq(nx_type_parse("f8_e4m3fn"), NX_F8_E4M3FN);
    cr_assert_eq(nx_type_parse("{:f8_e4m3fn, 8}"), NX_F8_E4M3FN);
    cr_assert_eq(nx_type_parse("{:bf, 16}"), NX_BF16);
    cr_assert_eq(nx_type_parse(":u2"), NX_U2);
    cr_assert_eq(nx_type_parse("c128"), NX_C128);
    NXTEST_OK();
    cr_assert_eq(nx_type_parse("k8"), NX_TYPE_NONE);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid numerical type: :k8 (see Nx.Type docs for all supported types)");
    cr_assert_eq(nx_type_parse(":k8"), NX_TYPE_NONE);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid numerical type: :k8 (see Nx.Type docs for all supported types)");
    cr_assert_eq(nx_type_parse("{:u, 0}"), NX_TYPE_NONE);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid numerical type: {:u, 0} (see Nx.Type docs for all supported types)");
    cr_assert_eq(nx_type_parse("{:k, 8}"), NX_TYPE_NONE);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid numerical type: {:k, 8} (see Nx.Type docs for all supported types)");
    cr_assert_eq(nx_type_parse("f128"), NX_TYPE_NONE);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid numerical type: :f128 (see Nx.Type docs for all supported types)");
    cr_assert_eq(nx_type_parse(NULL), NX_TYPE_NONE);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid numerical type: nil (see Nx.Type docs for all supported types)");
    nx_scope_end();
}

/* ------------------------------------------------------------------ axes */

Test(errors, axis_out_of_range)
{
    nx_scope_begin();
    nx_tensor *t = nx_iota(NX_SHAPE(2, 3));
    cr_assert_null(nx_iota(NX_SHAPE(2, 3), .axis = NX_AXIS(2)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (2) invalid for shape with rank 2");
    cr_assert_null(nx_iota(NX_SHAPE(2, 3), .axis = NX_AXIS(-3)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (-3) invalid for shape with rank 2");
    cr_assert_null(nx_iota(NX_SHAPE(), .axis = NX_AXIS(0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (0) invalid for shape with rank 0");
    cr_assert_eq(nx_axis_size(t, NX_AXIS(5)), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (5) invalid for shape with rank 2");
    cr_assert_eq(nx_axis_index(t, NX_AXIS(-7)), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (-7) invalid for shape with rank 2");
    cr_assert_null(nx_broadcast(nx_iota(NX_SHAPE(3)), NX_SHAPE(2, 3), .axes = NX_AXES(2)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (2) invalid for shape with rank 2");
    /* vectorized tensors: axes refer to the inner shape (shapes-and-names.md §3.1) */
    nx_tensor *v = nx_vectorize(nx_iota(NX_SHAPE(4, 2, 3)), "v");
    cr_assert_eq(nx_axis_size(v, NX_AXIS(-3)), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (-3) invalid for shape with rank 2");
    cr_assert_eq(nx_axis_size(v, NX_AXIS(2)), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (2) invalid for shape with rank 2");
    nx_scope_end();
}

Test(errors, unknown_axis_name)
{
    nx_scope_begin();
    nx_tensor *t = nx_iota(NX_SHAPE(2, 3), .names = NX_NAMES("x", "y"));
    cr_assert_eq(nx_axis_size(t, NX_AXIS_NAMED("foo")), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "name :foo not found in tensor with names [:x, :y]");
    nx_tensor *u = nx_iota(NX_SHAPE(2, 3), .names = NX_NAMES("x", NULL));
    cr_assert_eq(nx_axis_index(u, NX_AXIS_NAMED("y")), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "name :y not found in tensor with names [:x, nil]");
    cr_assert_null(nx_iota(NX_SHAPE(2, 3), .axis = NX_AXIS_NAMED("foo")));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "name :foo not found in tensor with names [nil, nil]");
    cr_assert_null(nx_iota(NX_SHAPE(2, 3), .axis = NX_AXIS_NAMED("z"), .names = NX_NAMES("x", "y")));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "name :z not found in tensor with names [:x, :y]");
    cr_assert_eq(nx_axis_size(nx_iota(NX_SHAPE()), NX_AXIS_NAMED("x")), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "name :x not found in tensor with names []");
    nx_scope_end();
}

/* ------------------------------------------------------------------ NULL inputs */

Test(errors, null_inputs)
{
    nx_scope_begin();
    const char *msg = "expected a tensor, got: NULL";
    unsigned char buf[8];
    nx_number n[2];
    cr_assert_null(nx_as_type(NULL, NX_F32));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, msg);
    cr_assert_null(nx_bitcast(NULL, NX_F32));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, msg);
    cr_assert_null(nx_reshape(NULL, NX_SHAPE(2)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, msg);
    cr_assert_null(nx_broadcast(NULL, NX_SHAPE(2)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, msg);
    cr_assert_null(nx_rename(NULL, NX_NAMES("x")));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, msg);
    cr_assert_null(nx_vectorize(NULL, "x"));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, msg);
    cr_assert_null(nx_devectorize(NULL, true));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, msg);
    cr_assert_eq(nx_to_binary(NULL, buf, sizeof buf), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, msg);
    cr_assert_eq(nx_to_flat_list(NULL, n, 2), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, msg);
    cr_assert_eq(nx_to_number(NULL, n), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, msg);
    cr_assert_eq(nx_axis_size(NULL, NX_AXIS(0)), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, msg);
    cr_assert_eq(nx_axis_index(NULL, NX_AXIS(0)), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, msg);
    /* queries give a zero/empty answer */
    cr_assert_eq(nx_shape_of(NULL).rank, 0);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, msg);
    cr_assert_eq(nx_type_of(NULL), NX_TYPE_NONE);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, msg);
    cr_assert_eq(nx_names_of(NULL).n, 0);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, msg);
    cr_assert_eq(nx_rank(NULL), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, msg);
    cr_assert_eq(nx_size(NULL), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, msg);
    cr_assert_eq(nx_flat_size(NULL), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, msg);
    cr_assert_eq(nx_bit_size(NULL), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, msg);
    cr_assert_eq(nx_byte_size(NULL), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, msg);
    cr_assert_eq(nx_vectorized_rank(NULL), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, msg);
    cr_assert(!nx_is_template(NULL));
    nx_error_clear();
    /* creation from NULL data */
    cr_assert_null(nx_tensor(NULL));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid value given to Nx.tensor/1, got: nil");
    nx_item it = ITEM_T(NULL);
    cr_assert_null(nx_tensor(&it));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, msg);
    cr_assert_null(nx_from_data(NULL, NX_F32, NX_SHAPE(1)));
    cr_assert_eq(nx_error(), NX_ARGUMENT_ERROR);
    nx_error_clear();
    /* the rest accept NULL quietly */
    cr_assert_null(nx_retain(NULL));
    nx_release(NULL);
    nx_free(NULL);
    nx_scope_begin();
    cr_assert_null(nx_scope_end_keep(NULL));
    cr_assert_null(nx_atom(NULL));
    NXTEST_OK();
    nx_scope_end();
}

Test(errors, first_error_wins)
{
    nx_scope_begin();
    nx_tensor *t = nx_iota(NX_SHAPE(2, 3));
    /* the reshape error travels through as_type, broadcast and to_binary */
    cr_assert_null(nx_as_type(nx_reshape(t, NX_SHAPE(4)), NX_F32));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot reshape, current shape {2, 3} is not compatible with new shape {4}");
    cr_assert_null(nx_broadcast(nx_as_type(nx_reshape(t, NX_SHAPE(5)), NX_F32), NX_SHAPE(2, 5)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot reshape, current shape {2, 3} is not compatible with new shape {5}");
    unsigned char buf[64];
    cr_assert_eq(nx_to_binary(nx_rename(nx_iota(NX_SHAPE(0)), NX_NAMES("x")), buf, sizeof buf), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "invalid dimension in axis 0 found in shape. Each dimension must be a positive integer, got 0 in shape {0}");
    /* a later, different error does not replace the first */
    cr_assert_null(nx_iota(NX_SHAPE(2), .axis = NX_AXIS(3)));
    cr_assert_null(nx_iota(NX_SHAPE(-1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (3) invalid for shape with rank 1");
    /* queries keep the pending error */
    cr_assert_null(nx_as_type(t, (nx_type)77));
    cr_assert_eq(nx_rank(NULL), -1);
    NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, "invalid numerical type: ");
    /* after a clear, calls succeed again */
    cr_assert_not_null(nx_as_type(t, NX_F32));
    NXTEST_OK();
    cr_assert_str_eq(nx_error_message(), "");
    nx_scope_end();
}

/* ------------------------------------------------------------------ Nx.tensor lists */

Test(errors, ragged_lists)
{
    nx_scope_begin();
    nx_item a = ITEM_LIST(ITEM_LIST(ITEM_I(1), ITEM_I(2)), ITEM_LIST(ITEM_I(3), ITEM_I(4), ITEM_I(5)));
    cr_assert_null(nx_tensor(&a));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "cannot build tensor because lists have different shapes, got {2} at position 0 and {3} at position 2");
    cr_assert_null(nx_tensor(&a, .type = NX_F32));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "cannot build tensor because lists have different shapes, got {2} at position 0 and {3} at position 2");
    nx_item b = ITEM_LIST(ITEM_LIST(ITEM_I(1)), ITEM_LIST(ITEM_I(2)), ITEM_LIST(ITEM_I(3), ITEM_I(4)));
    cr_assert_null(nx_tensor(&b));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "cannot build tensor because lists have different shapes, got {1} at position 0 and {2} at position 3");
    nx_item c = ITEM_LIST(ITEM_I(1), ITEM_LIST(ITEM_I(2)));
    cr_assert_null(nx_tensor(&c));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "cannot build tensor because lists have different shapes, got {} at position 0 and {1} at position 2");
    nx_item d = ITEM_LIST(ITEM_LIST(ITEM_LIST(ITEM_I(1)), ITEM_LIST(ITEM_I(2))),
                          ITEM_LIST(ITEM_LIST(ITEM_I(3))));
    cr_assert_null(nx_tensor(&d));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "cannot build tensor because lists have different shapes, got {2, 1} at position 0 and {1, 1} at position 2");
    nx_scope_end();
}

Test(errors, empty_lists)
{
    nx_scope_begin();
    nx_item e = ITEM_EMPTY;
    cr_assert_null(nx_tensor(&e));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid value given to Nx.tensor/1, got: []");
    cr_assert_null(nx_tensor(&e, .type = NX_F32));
    NXTEST_ERROR(NX_RUNTIME_ERROR, "cannot build empty tensor");
    nx_item n = ITEM_LIST(ITEM_EMPTY, ITEM_EMPTY);
    cr_assert_null(nx_tensor(&n, .type = NX_S8));
    NXTEST_ERROR(NX_RUNTIME_ERROR, "cannot build empty tensor");
    nx_scope_end();
}

Test(errors, invalid_leaves)
{
    nx_scope_begin();
    nx_item a = ITEM_LIST(ITEM_I(1), ITEM_O(":foo"));
    cr_assert_null(nx_tensor(&a));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid value given to Nx.tensor/1, got: :foo");
    cr_assert_null(nx_tensor(&a, .type = NX_S32));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid value given to Nx.tensor/1, got: :foo");
    nx_item b = ITEM_O("\"hello\"");
    cr_assert_null(nx_tensor(&b));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid value given to Nx.tensor/1, got: \"hello\"");
    nx_scope_end();
}

Test(errors, floats_into_integer_types)
{
    nx_scope_begin();
    nx_item a = ITEM_LIST(ITEM_I(1), ITEM_F(1.5));
    cr_assert_null(nx_tensor(&a, .type = NX_S32));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot store 1.5 in a tensor of type {:s, 32}");
    nx_item b = ITEM_F(2.0);
    cr_assert_null(nx_tensor(&b, .type = NX_U8));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot store 2.0 in a tensor of type {:u, 8}");
    nx_item c = ITEM_LIST(ITEM_F(NAN));
    cr_assert_null(nx_tensor(&c, .type = NX_U4));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot store :nan in a tensor of type {:u, 4}");
    nx_item d = ITEM_LIST(ITEM_F(-INFINITY));
    cr_assert_null(nx_tensor(&d, .type = NX_S64));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot store :neg_infinity in a tensor of type {:s, 64}");
    cr_assert_null(nx_scalar(NX_FLOAT(0.5), NX_S16));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot store 0.5 in a tensor of type {:s, 16}");
    /* the value as Elixir's inspect writes a float */
    cr_assert_null(nx_scalar(NX_FLOAT(1.0e-5), NX_S32));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot store 1.0e-5 in a tensor of type {:s, 32}");
    cr_assert_null(nx_scalar(NX_FLOAT(-1.5e20), NX_U64));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot store -1.5e20 in a tensor of type {:u, 64}");
    nx_scope_end();
}

Test(errors, complex_into_real_types)
{
    nx_scope_begin();
    nx_item a = ITEM_C(1, 2);
    cr_assert_null(nx_tensor(&a, .type = NX_F32));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid type for complex number. Expected {:c, 64} or {:c, 128}, got: {:f, 32}");
    nx_item b = ITEM_LIST(ITEM_I(1), ITEM_C(0, 1));
    cr_assert_null(nx_tensor(&b, .type = NX_S32));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid type for complex number. Expected {:c, 64} or {:c, 128}, got: {:s, 32}");
    cr_assert_null(nx_tensor(&b, .type = NX_BF16));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid type for complex number. Expected {:c, 64} or {:c, 128}, got: {:bf, 16}");
    cr_assert_null(nx_scalar(NX_COMPLEX(0, 1), NX_F8_E4M3FN));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "invalid type for complex number. Expected {:c, 64} or {:c, 128}, got: {:f8_e4m3fn, 8}");
    nx_scope_end();
}

Test(errors, tensor_argument_mismatch)
{
    nx_scope_begin();
    nx_tensor *t = nx_iota(NX_SHAPE(2), .names = NX_NAMES("x"));
    nx_item it = ITEM_T(t);
    cr_assert_null(nx_tensor(&it, .type = NX_F32));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "Nx.tensor/2 expects a tensor with type {:f, 32} but it was given a tensor of type {:s, 32}");
    cr_assert_null(nx_tensor(&it, .names = NX_NAMES("y")));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot merge name :x on axis 0 with name :y on axis 0");
    nx_scope_end();
}

/* ------------------------------------------------------------------ reshape, broadcast */

Test(errors, reshape_errors)
{
    nx_scope_begin();
    nx_tensor *t = nx_iota(NX_SHAPE(2, 3));
    cr_assert_null(nx_reshape(t, NX_SHAPE(4)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot reshape, current shape {2, 3} is not compatible with new shape {4}");
    cr_assert_null(nx_reshape(t, NX_SHAPE()));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot reshape, current shape {2, 3} is not compatible with new shape {}");
    cr_assert_null(nx_reshape(nx_iota(NX_SHAPE()), NX_SHAPE(2)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot reshape, current shape {} is not compatible with new shape {2}");
    /* :auto that infers 0: the new shape is printed without the :auto entry */
    cr_assert_null(nx_reshape(nx_iota(NX_SHAPE(1, 3)), NX_SHAPE(NX_AUTO, 4)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot reshape, current shape {1, 3} is not compatible with new shape {4}");
    cr_assert_null(nx_reshape(t, NX_SHAPE(NX_AUTO, 2, NX_AUTO)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "only a single :auto dimension is allowed in reshape, got: {:auto, 2, :auto}");
    cr_assert_null(nx_reshape(t, NX_SHAPE(0, NX_AUTO)));
    NXTEST_ERROR_HAS(NX_ARGUMENT_ERROR, "invalid dimension in axis ", "got 0 in shape");
    nx_scope_end();
}

/* :auto that infers a size that does not fit: Nx.Shape.reshape puts the inferred size
 * (div(old_size, others)) into the shape it prints, and only drops the :auto entry when
 * that size is 0 (shapes-and-names.md §6). */
Test(errors, reshape_auto_prints_the_inferred_size)
{
    nx_scope_begin();
    cr_assert_null(nx_reshape(nx_iota(NX_SHAPE(2, 3)), NX_SHAPE(4, NX_AUTO)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot reshape, current shape {2, 3} is not compatible with new shape {4, 1}");
    cr_assert_null(nx_reshape(nx_iota(NX_SHAPE(10)), NX_SHAPE(NX_AUTO, 3, 1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot reshape, current shape {10} is not compatible with new shape {3, 3, 1}");
    nx_scope_end();
}

Test(errors, broadcast_errors)
{
    nx_scope_begin();
    nx_tensor *t = nx_iota(NX_SHAPE(2, 3));
    /* without :axes */
    cr_assert_null(nx_broadcast(t, NX_SHAPE(3)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot broadcast tensor of dimensions {2, 3} to {3}");
    cr_assert_null(nx_broadcast(nx_iota(NX_SHAPE(2)), NX_SHAPE(3)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot broadcast tensor of dimensions {2} to {3}");
    cr_assert_null(nx_broadcast(t, NX_SHAPE(4, 3, 3)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot broadcast tensor of dimensions {2, 3} to {4, 3, 3}");
    cr_assert_null(nx_broadcast(t, NX_SHAPE()));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot broadcast tensor of dimensions {2, 3} to {}");
    /* with :axes */
    cr_assert_null(nx_broadcast(t, NX_SHAPE(2, 3, 4), .axes = NX_AXES(0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected length of axes (1) to match rank of shape (2)");
    cr_assert_null(nx_broadcast(nx_iota(NX_SHAPE(2, 2)), NX_SHAPE(2, 2, 2), .axes = NX_AXES(1, 0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "broadcast axes must be ordered, got 0 after 1");
    cr_assert_null(nx_broadcast(nx_iota(NX_SHAPE(2, 2)), NX_SHAPE(2, 2, 2), .axes = NX_AXES(-1, 0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "broadcast axes must be ordered, got 0 after 2");
    cr_assert_null(nx_broadcast(t, NX_SHAPE(3, 2), .axes = NX_AXES(0, 1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot broadcast tensor of dimensions {2, 3} to {3, 2} with axes [0, 1]");
    cr_assert_null(nx_broadcast(t, NX_SHAPE(2, 4, 3), .axes = NX_AXES(0, 1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot broadcast tensor of dimensions {2, 3} to {2, 4, 3} with axes [0, 1]");
    cr_assert_null(nx_broadcast(t, NX_SHAPE(2, 3), .axes = NX_AXES(0, 3)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (3) invalid for shape with rank 2");
    nx_scope_end();
}

/* Nx.broadcast normalises :axes with Nx.Shape.normalize_axes(shape, axes, tensor.names):
 * the entries must be unique (shapes-and-names.md §3), and names are looked up in the
 * tensor's own names (§4.2). */
Test(errors, broadcast_axes_are_normalised_as_a_list)
{
    nx_scope_begin();
    nx_tensor *t = nx_broadcast(nx_iota(NX_SHAPE(1, 1)), NX_SHAPE(2, 3), .axes = NX_AXES(1, 1));
    cr_assert_null(t, "broadcast of {1, 1} to {2, 3} with axes [1, 1] succeeded");
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "axes [1, 1] must be unique integers between 0 and 1");
    nx_scope_end();
}

Test(errors, broadcast_axis_names_are_the_tensors)
{
    nx_scope_begin();
    cr_assert_null(nx_broadcast(nx_iota(NX_SHAPE(2), .names = NX_NAMES("x")), NX_SHAPE(2, 2),
                                .axes = NX_AXES_NAMED("y")));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "name :y not found in tensor with names [:x]");
    nx_scope_end();
}

Test(errors, eye_needs_two_axes)
{
    nx_scope_begin();
    cr_assert_null(nx_eye(NX_SHAPE(3)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "eye/2 expects a shape with at least 2 dimensions or an integer, got: {3}");
    cr_assert_null(nx_eye(NX_SHAPE()));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "eye/2 expects a shape with at least 2 dimensions or an integer, got: {}");
    cr_assert_null(nx_eye(NX_SHAPE(3), .type = NX_F32, .names = NX_NAMES("x")));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "eye/2 expects a shape with at least 2 dimensions or an integer, got: {3}");
    cr_assert_null(nx_eye_n(-1));
    cr_assert_eq(nx_error(), NX_ARGUMENT_ERROR, "%s", nx_error_message());
    nx_error_clear();
    nx_scope_end();
}

Test(errors, bitcast_errors)
{
    nx_scope_begin();
    cr_assert_null(nx_bitcast(nx_iota(NX_SHAPE(2)), NX_F64));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "input type width must match new type width, got input type {:s, 32} and output type {:f, 64}");
    cr_assert_null(nx_bitcast(nx_iota(NX_SHAPE(2), .type = NX_U4), NX_U8));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "input type width must match new type width, got input type {:u, 4} and output type {:u, 8}");
    cr_assert_null(nx_bitcast(nx_iota(NX_SHAPE(2), .type = NX_C64), NX_S64));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.bitcast/2 does not support complex inputs");
    cr_assert_null(nx_bitcast(nx_iota(NX_SHAPE(2), .type = NX_F64), NX_C64));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.bitcast/2 does not support complex inputs");
    cr_assert_null(nx_bitcast(nx_iota(NX_SHAPE(2), .type = NX_C128), NX_C128));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.bitcast/2 does not support complex inputs");
    nx_scope_end();
}

Test(errors, to_number_of_non_scalars)
{
    nx_scope_begin();
    nx_number n;
    cr_assert_eq(nx_to_number(nx_iota(NX_SHAPE(2, 3)), &n), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot convert tensor of shape {2, 3} to number");
    cr_assert_eq(nx_to_number(nx_iota(NX_SHAPE(1)), &n), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot convert tensor of shape {1} to number");
    nx_tensor *v = nx_vectorize(nx_iota(NX_SHAPE(2)), "x");
    cr_assert_eq(nx_to_number(v, &n), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot convert vectorized tensor with axes [x: 2] and shape {} to number");
    nx_tensor *w = nx_vectorize(nx_vectorize(nx_iota(NX_SHAPE(2, 3, 4)), "x"), "y");
    cr_assert_eq(nx_to_number(w, &n), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot convert vectorized tensor with axes [x: 2, y: 3] and shape {4} to number");
    nx_scope_end();
}

Test(errors, constants_with_wrong_types)
{
    nx_scope_begin();
    cr_assert_null(nx_constant(NX_CONST_PI, NX_S32));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "only floating types are supported, got: {:s, 32}");
    cr_assert_null(nx_constant(NX_CONST_SMALLEST_POSITIVE_NORMAL, NX_S32));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "only floating types are supported, got: {:s, 32}");
    cr_assert_null(nx_constant(NX_CONST_EPSILON, NX_C64));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "only floating types are supported, got: {:c, 64}");
    cr_assert_null(nx_constant(NX_CONST_E, NX_U2));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "only floating types are supported, got: {:u, 2}");
    cr_assert_null(nx_constant(NX_CONST_EULER_GAMMA, NX_C128));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "only floating types are supported, got: {:c, 128}");
    cr_assert_null(nx_constant(NX_CONST_NAN, NX_U8));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "only floating types are supported, got: {:u, 8}");
    cr_assert_null(nx_constant(NX_CONST_INFINITY, NX_S64));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "only floating types are supported, got: {:s, 64}");
    cr_assert_null(nx_constant(NX_CONST_NEG_INFINITY, NX_C64));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "only floating types are supported, got: {:c, 64}");
    cr_assert_null(nx_constant(NX_CONST_MAX_FINITE, NX_C64));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "only real types are supported, got: {:c, 64}");
    cr_assert_null(nx_constant(NX_CONST_MIN_FINITE, NX_C128));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "only real types are supported, got: {:c, 128}");
    cr_assert_null(nx_constant(NX_CONST_MAX, NX_C64));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "only real types are supported, got: {:c, 64}");
    cr_assert_null(nx_constant(NX_CONST_MIN, NX_C128));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "only real types are supported, got: {:c, 128}");
    cr_assert_null(nx_constant(NX_CONST_I, NX_F32));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid type for complex number. Expected {:c, 64} or {:c, 128}, got: {:f, 32}");
    cr_assert_null(nx_constant(NX_CONST_I, NX_S8));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid type for complex number. Expected {:c, 64} or {:c, 128}, got: {:s, 8}");
    cr_assert_null(nx_constant(NX_CONST_COUNT, NX_F32));
    cr_assert_eq(nx_error(), NX_ARGUMENT_ERROR);
    nx_error_clear();
    cr_assert_null(nx_constant((nx_constant_kind)-1, NX_F32));
    cr_assert_eq(nx_error(), NX_ARGUMENT_ERROR);
    nx_error_clear();
    nx_scope_end();
}

/* ------------------------------------------------------------------ names, vectorize */

Test(errors, vectorize_errors)
{
    nx_scope_begin();
    cr_assert_null(nx_vectorize(nx_iota(NX_SHAPE()), "x"));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot vectorize tensor of rank 0");
    nx_tensor *v = nx_vectorize(nx_iota(NX_SHAPE(2, 3)), "x");
    cr_assert_null(nx_vectorize(v, "x"));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "cannot use name :x for new vectorized axes because there's already a vectorized axis with the same name");
    cr_assert_null(nx_vectorize(nx_vectorize(v, "y"), "z"));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot vectorize tensor of rank 0");
    /* rename to a vectorized axis' name */
    cr_assert_null(nx_rename(v, NX_NAMES("x")));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "name :x is already a name for a vectorized axis");
    nx_scope_end();
}

/* functions.md vectorize/2: a new vectorized axis may not take the name of a remaining
 * inner axis. */
Test(errors, vectorize_name_clash_with_an_inner_axis)
{
    nx_scope_begin();
    nx_tensor *t = nx_iota(NX_SHAPE(2, 3), .names = NX_NAMES(NULL, "x"));
    cr_assert_null(nx_vectorize(t, "x"));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "cannot use name :x for new vectorized axes because there's already an axis with the same name");
    /* the axis being vectorized may keep its own name: it leaves the inner shape */
    cr_assert_not_null(nx_vectorize(nx_iota(NX_SHAPE(2, 3), .names = NX_NAMES("x", NULL)), "x"), "%s",
                       nx_error_message());
    nx_scope_end();
}
