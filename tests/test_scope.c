/* tests/test_scope.c: who frees tensors (include/nx/scope.h, DESIGN §4). Scopes free what
 * was made inside them, nx_scope_end_keep hands one tensor outward, nx_retain/nx_release
 * keep a tensor past its scope, loops run in bounded memory, and every creation function
 * frees what it took when its n-th allocation fails (src/core/alloc.h).
 *
 * Memory is measured as the process's heap in use: exactly in the ASan build (the
 * sanitizer allocator's count, so a leak fails the test itself, not only LeakSanitizer's
 * report at exit), to within a few KiB otherwise (glibc mallinfo2). Names are interned
 * before measuring: atoms live until exit by design. */
#include "support/nxtest.h"

#include <string.h>
#include "core/alloc.h"

#if defined(__SANITIZE_ADDRESS__)
/* From <sanitizer/allocator_interface.h>, which not every toolchain installs. */
size_t __sanitizer_get_current_allocated_bytes(void);
static long long heap_in_use(void)
{
    return (long long)__sanitizer_get_current_allocated_bytes();
}
#define HEAP_SLACK 0
#else
/* glibc counts chunks parked in its per-thread cache as in use, so without ASan the
 * count is only good to a few KiB: enough for the loops, not for single leaks (the
 * sanitizer build checks those exactly). */
#include <malloc.h>
static long long heap_in_use(void)
{
    return (long long)mallinfo2().uordblks;
}
#define HEAP_SLACK 16384
#endif

/* The heap is back where it was (exactly under ASan); the message's arguments follow. */
#define EXPECT_HEAP(h0, h1, ...) \
    do { \
        long long d_ = (h1) - (h0); \
        cr_assert(d_ <= HEAP_SLACK && -d_ <= HEAP_SLACK, __VA_ARGS__); \
    } while (0)

/* The heap is back at h0 (exactly under ASan); `when` ends the message. */
static void expect_heap_at(long long h0, const char *when)
{
    long long h1 = heap_in_use();
    EXPECT_HEAP(h0, h1, "%lld bytes left%s", h1 - h0, when);
}

#define ITEM_I(v) ((nx_item){ .kind = NX_ITEM_NUMBER, .num = NX_INT(v) })
#define ITEM_F(v) ((nx_item){ .kind = NX_ITEM_NUMBER, .num = NX_FLOAT(v) })
#define ITEM_LIST(...) \
    ((nx_item){ .kind = NX_ITEM_LIST, \
                .len = (int64_t)(sizeof((nx_item[]){ __VA_ARGS__ }) / sizeof(nx_item)), \
                .items = (nx_item[]){ __VA_ARGS__ } })

static void intern_names(void)
{
    nx_atom("x");
    nx_atom("y");
    nx_atom("v");
}

/* The first element of t as a double (the tensor must be alive: ASan checks it). */
static double first(const nx_tensor *t)
{
    nx_number n[1];
    cr_assert_eq(nx_to_flat_list(t, n, 1), 1, "%s", nx_error_message());
    switch (n[0].kind) {
    case NX_NUM_INT: return (double)n[0].i;
    case NX_NUM_UINT: return (double)n[0].u;
    case NX_NUM_FLOAT: return n[0].f;
    default: return n[0].c.re;
    }
}

static double last(const nx_tensor *t)
{
    nx_number n[4096];
    int64_t k = nx_to_flat_list(t, n, 4096);
    cr_assert(k > 0, "%s", nx_error_message());
    return n[k - 1].kind == NX_NUM_FLOAT ? n[k - 1].f : (double)n[k - 1].i;
}

/* Some work that makes intermediates: returns a {2, 3} f32 tensor. */
static nx_tensor *work(int seed)
{
    nx_tensor *a = nx_iota(NX_SHAPE(6), .type = NX_S16);
    nx_tensor *b = nx_as_type(a, NX_F32);
    nx_tensor *c = nx_reshape(b, NX_SHAPE(2, 3), .names = NX_NAMES("x", "y"));
    nx_tensor *d = nx_broadcast(nx_scalar(NX_INT(seed), NX_F32), NX_SHAPE(2, 3));
    (void)d;
    return nx_rename(c, NX_NAMES(NULL, "y"));
}

/* ------------------------------------------------------------------ scopes */

Test(scope, end_frees_intermediates)
{
    intern_names();
    long long h0 = heap_in_use();
    nxalloc_fail_at(0, 0);
    nx_scope_begin();
    for (int i = 0; i < 50; i++)
        work(i);
    long made = nxalloc_fail_at(0, 0);
    long long during = heap_in_use();
    nx_scope_end();
    long long h1 = heap_in_use();
    cr_assert(made > 50, "work() allocates (%ld allocations)", made);
    cr_assert(HEAP_SLACK || during > h0, "the scope holds memory while open");
    EXPECT_HEAP(h0, h1, "%lld bytes left after the scope ended", h1 - h0);
    NXTEST_OK();
}

Test(scope, end_keep_hands_a_tensor_outward)
{
    intern_names();
    long long h0 = heap_in_use();
    nx_scope_begin();                         /* outer */
    nx_scope_begin();                         /* inner */
    nx_tensor *kept = nx_scope_end_keep(work(1));
    cr_assert_not_null(kept, "%s", nx_error_message());
    /* usable after the inner scope ended */
    cr_assert_eq(first(kept), 0.0);
    cr_assert_eq(last(kept), 5.0);
    cr_assert_eq(nx_type_of(kept), NX_F32);
    nx_tensor *more = nx_as_type(kept, NX_F64);   /* and usable as an input */
    cr_assert_eq(last(more), 5.0);
    nx_scope_end();                           /* the outer scope frees it */
    expect_heap_at(h0, "");

    /* At the outermost level the caller owns the kept tensor. */
    nx_scope_begin();
    kept = nx_scope_end_keep(work(2));
    cr_assert_eq(last(kept), 5.0);
    nx_release(kept);
    expect_heap_at(h0, "");

    /* Keeping a tensor that belongs to an outer scope leaves it there. */
    nx_scope_begin();
    nx_tensor *outer = nx_iota(NX_SHAPE(4));
    nx_scope_begin();
    cr_assert_eq(nx_scope_end_keep(outer), outer);
    cr_assert_eq(last(outer), 3.0);
    nx_scope_end();
    expect_heap_at(h0, "");

    /* A failed computation: end_keep(NULL) frees the rest and the error stays. */
    nx_scope_begin();
    work(3);
    cr_assert_null(nx_scope_end_keep(nx_reshape(nx_iota(NX_SHAPE(2)), NX_SHAPE(3))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot reshape, current shape {2} is not compatible with new shape {3}");
    expect_heap_at(h0, "");
}

Test(scope, nested_scopes)
{
    intern_names();
    long long h0 = heap_in_use();
    nx_scope_begin();
    nx_tensor *a = nx_iota(NX_SHAPE(3), .type = NX_F64);
    long long h_a = heap_in_use();
    nx_scope_begin();
    nx_tensor *b = nx_as_type(a, NX_F32);
    nx_scope_begin();
    nx_tensor *c = nx_broadcast(b, NX_SHAPE(4, 3));
    nx_tensor *d = nx_reshape(c, NX_SHAPE(12));
    work(0);
    b = nx_scope_end_keep(nx_as_type(d, NX_S8));   /* level 3 -> level 2 */
    cr_assert_eq(last(b), 2.0);
    nx_tensor *e = nx_scope_end_keep(b);          /* level 2 -> level 1 */
    cr_assert_eq(nx_size(e), 12);
    cr_assert_eq(last(a), 2.0);
    nx_release(e);                                /* freed early, by hand */
    long long h1 = heap_in_use();
    EXPECT_HEAP(h_a, h1, "only `a` is left in the outer scope (%lld extra bytes)", h1 - h_a);
    nx_scope_end();
    expect_heap_at(h0, "");

    /* Deeper than the scope stack: the extra levels act as part of the deepest one. */
    for (int i = 0; i < 300; i++) {
        nx_scope_begin();
        nx_iota(NX_SHAPE(2));
    }
    for (int i = 0; i < 300; i++)
        nx_scope_end();
    expect_heap_at(h0, " after 300 nested scopes");
    NXTEST_OK();
}

Test(scope, retain_and_release)
{
    intern_names();
    long long h0 = heap_in_use();
    nx_scope_begin();
    nx_tensor *p = nx_retain(nx_iota(NX_SHAPE(5), .type = NX_F32));
    nx_tensor *q = nx_retain(nx_retain(nx_iota(NX_SHAPE(7))));
    work(0);
    nx_scope_end();
    /* both survive their scope */
    cr_assert_eq(last(p), 4.0);
    cr_assert_eq(last(q), 6.0);
    nx_release(p);
    nx_release(q);
    cr_assert_eq(last(q), 6.0, "retained twice: one release leaves it alive");
    nx_release(q);
    expect_heap_at(h0, "");

    /* Releasing a scope-owned tensor early frees it once, not twice. */
    nx_scope_begin();
    nx_tensor *t = nx_iota(NX_SHAPE(100));
    nx_tensor *u = nx_reshape(t, NX_SHAPE(10, 10));
    nx_release(t);
    cr_assert_eq(last(u), 99.0, "a view keeps the shared data alive");
    nx_scope_end();
    expect_heap_at(h0, "");

    /* A retained tensor used from an inner scope and kept from there. */
    nx_tensor *w = nx_retain(nx_iota(NX_SHAPE(3)));   /* outside any scope: refs 2 */
    nx_release(w);
    nx_scope_begin();
    nx_tensor *w2 = nx_scope_end_keep(nx_as_type(w, NX_F32));
    nx_release(w);
    cr_assert_eq(last(w2), 2.0);
    nx_release(w2);
    expect_heap_at(h0, "");
    NXTEST_OK();
}

Test(scope, results_outside_any_scope_are_released_by_hand)
{
    intern_names();
    long long h0 = heap_in_use();
    nx_tensor *t = nx_iota(NX_SHAPE(2, 3), .names = NX_NAMES("x", "y"));
    nx_tensor *r = nx_reshape(t, NX_SHAPE(6));
    nx_tensor *v = nx_vectorize(t, "v");
    nx_tensor *f = nx_as_type(r, NX_F32);
    nx_tensor *b = nx_bitcast(f, NX_U32);
    nx_release(t);                   /* views keep the shared data */
    nx_release(f);
    cr_assert_eq(last(r), 5.0);
    cr_assert_eq(last(v), 5.0);
    cr_assert_eq(last(b), (double)0x40A00000);
    nx_release(r);
    nx_release(v);
    nx_release(b);
    nx_item list = ITEM_LIST(ITEM_I(1), ITEM_F(2.5));
    nx_release(nx_tensor(&list));
    nx_release(nx_constant(NX_CONST_PI, NX_F64));
    nx_release(nx_eye_n(3));
    nx_release(nx_template(NX_SHAPE(3), NX_F32));
    nx_release(nx_from_binary("abcd", 32, NX_U8));
    expect_heap_at(h0, "");
    NXTEST_OK();
}

Test(scope, loop_of_10000_runs_in_bounded_memory)
{
    intern_names();
    long long h100 = 0;
    for (int i = 0; i < 10000; i++) {
        if (i == 100)
            h100 = heap_in_use();
        nx_scope_begin();
        nx_tensor *x = work(i);
        nx_tensor *y = nx_broadcast(nx_as_type(x, NX_F64), NX_SHAPE(4, 2, 3));
        nx_reshape(y, NX_SHAPE(NX_AUTO));
        nx_scope_end();
    }
    long long h1 = heap_in_use();
    EXPECT_HEAP(h100, h1, "memory grew by %lld bytes between iteration 100 and 10,000", h1 - h100);
    NXTEST_OK();
}

/* A training-loop shape: a parameter carried from step to step. */
Test(scope, carried_value_with_retain_runs_in_bounded_memory)
{
    intern_names();
    nx_scope_begin();                        /* the whole program runs in a scope */
    nx_tensor *w = nx_retain(nx_iota(NX_SHAPE(64), .type = NX_F32));
    long long h100 = 0;
    for (int i = 0; i < 10000; i++) {
        if (i == 100)
            h100 = heap_in_use();
        nx_scope_begin();
        nx_tensor *nw = nx_retain(nx_reshape(nx_as_type(nx_as_type(w, NX_F64), NX_F32), NX_SHAPE(64)));
        nx_scope_end();
        nx_release(w);
        w = nw;
    }
    long long h1 = heap_in_use();
    cr_assert_eq(last(w), 63.0);
    nx_release(w);
    nx_scope_end();
    EXPECT_HEAP(h100, h1, "memory grew by %lld bytes between step 100 and 10,000", h1 - h100);
    NXTEST_OK();
}

Test(scope, carried_value_with_end_keep_runs_in_bounded_memory)
{
    intern_names();
    nx_scope_begin();                        /* the whole program runs in a scope */
    nx_tensor *w = nx_iota(NX_SHAPE(64), .type = NX_F32);
    long long h100 = 0;
    for (int i = 0; i < 10000; i++) {
        if (i == 100)
            h100 = heap_in_use();
        nx_scope_begin();
        nx_tensor *step = nx_as_type(nx_as_type(w, NX_F64), NX_F32);
        nx_tensor *nw = nx_scope_end_keep(nx_reshape(step, NX_SHAPE(64)));
        nx_release(w);                        /* the old value is not needed any more */
        w = nw;
    }
    long long h1 = heap_in_use();
    cr_assert_eq(last(w), 63.0);
    nx_scope_end();
    cr_assert(h1 - h100 < 4096 + HEAP_SLACK, "memory grew by %lld bytes between step 100 and 10,000",
              h1 - h100);
    NXTEST_OK();
}

/* ------------------------------------------------------------------ failure injection */

/* The calls under failure injection: creation functions (no input), functions of an
 * input, and failing calls whose error messages allocate (names and values printed into
 * them). */
enum {
    MK_TENSOR, MK_TENSOR_TYPED, MK_IOTA, MK_EYE, MK_CONSTANT, MK_CONSTANT_INT, MK_CONSTANT_I, MK_FROM_BINARY,
    MK_TEMPLATE,
    MK_BROADCAST, MK_BROADCAST_SAME, MK_AS_TYPE, MK_AS_TYPE_SAME, MK_RESHAPE, MK_RENAME, MK_VECTORIZE, MK_BITCAST,
    BAD_AXIS_NAME, BAD_LEAF, BAD_FLOAT_LEAF, TENSOR_LEAF, BAD_BROADCAST, BAD_RESHAPE, MK_COUNT
};

static const char *const mk_names[MK_COUNT] = {
    "nx_tensor (nested list)", "nx_tensor (u4)", "nx_iota", "nx_eye", "nx_constant", "nx_constant (s4 min)",
    "nx_constant (i)", "nx_from_binary", "nx_template",
    "nx_broadcast", "nx_broadcast (same shape)", "nx_as_type", "nx_as_type (same type)", "nx_reshape",
    "nx_rename", "nx_vectorize", "nx_bitcast",
    "iota with an unknown axis name", "tensor with an invalid leaf", "tensor with a float leaf in s32",
    "tensor with a tensor leaf", "broadcast with bad axes", "reshape with two :auto",
};

static nx_tensor *make(int k, const nx_tensor *in)
{
    nx_item list;
    switch (k) {
    case MK_TENSOR:
        list = ITEM_LIST(ITEM_LIST(ITEM_I(1), ITEM_F(2.5)), ITEM_LIST(ITEM_I(3), ITEM_I(4)));
        return nx_tensor(&list, .names = NX_NAMES("x", "y"));
    case MK_TENSOR_TYPED:
        list = ITEM_LIST(ITEM_I(300), ITEM_I(-1), ITEM_I(7));
        return nx_tensor(&list, .type = NX_U4);
    case MK_IOTA: return nx_iota(NX_SHAPE(3, 4), .type = NX_F16, .axis = NX_AXIS(1), .names = NX_NAMES("x", NULL));
    case MK_EYE: return nx_eye(NX_SHAPE(2, 3, 3), .type = NX_U2);
    case MK_CONSTANT: return nx_constant(NX_CONST_EULER_GAMMA, NX_BF16);
    case MK_CONSTANT_INT: return nx_constant(NX_CONST_MIN, NX_S4);
    case MK_CONSTANT_I: return nx_constant(NX_CONST_I, NX_C128);
    case MK_FROM_BINARY: return nx_from_binary("abcdefgh", 64, NX_F16);
    case MK_TEMPLATE: return nx_template(NX_SHAPE(2), NX_F32);
    case MK_BROADCAST: return nx_broadcast(in, NX_SHAPE(5, 2, 3), .names = NX_NAMES("v", "x", "y"));
    case MK_BROADCAST_SAME: return nx_broadcast(in, NX_SHAPE(2, 3));
    case MK_AS_TYPE: return nx_as_type(in, NX_C128);
    case MK_AS_TYPE_SAME: return nx_as_type(in, nx_type_of(in));
    case MK_RESHAPE: return nx_reshape(in, NX_SHAPE(3, NX_AUTO), .names = NX_NAMES("x", "y"));
    case MK_RENAME: return nx_rename(in, NX_NAMES("x", "y"));
    case MK_VECTORIZE: return nx_vectorize(in, "v");
    case MK_BITCAST: return nx_bitcast(in, NX_F32);
    case BAD_AXIS_NAME: return nx_iota(NX_SHAPE(2, 3), .axis = NX_AXIS_NAMED("nope"), .names = NX_NAMES("x", "y"));
    case BAD_LEAF:
        list = ITEM_LIST(ITEM_I(1), ((nx_item){ .kind = NX_ITEM_OTHER, .text = ":foo" }));
        return nx_tensor(&list, .type = NX_S32);
    case BAD_FLOAT_LEAF:
        list = ITEM_LIST(ITEM_I(1), ITEM_F(1.5));
        return nx_tensor(&list, .type = NX_S32);
    case TENSOR_LEAF:
        list = ITEM_LIST(((nx_item){ .kind = NX_ITEM_TENSOR, .tensor = in }));
        return nx_tensor(&list);
    case BAD_BROADCAST: return nx_broadcast(in, NX_SHAPE(3, 2, 4), .axes = NX_AXES(0, 2));
    case BAD_RESHAPE: return nx_reshape(in, NX_SHAPE(NX_AUTO, 4, NX_AUTO));
    }
    cr_assert_fail("no call %d", k);
    return NULL;
}

/* Runs call k with its n-th allocation failing for n = 1, 2, ... until it succeeds. Every
 * failing run must return NULL with a MemoryError and leave the heap as it was; the
 * input stays usable. With `scoped`, each run is inside a fresh scope (whose first
 * registration allocates too); with `prefill`, that scope already holds 16 tensors, so
 * registering the result has to grow it. `sticky`: every allocation from the n-th on
 * fails. Returns how many allocations the successful run made. */
static long inject(int k, const nx_tensor *in, bool scoped, bool prefill, int sticky)
{
    const char *what = mk_names[k];
    for (long n = 1; n < 100; n++) {
        long long h0 = heap_in_use();
        if (scoped)
            nx_scope_begin();
        if (prefill)
            for (int i = 0; i < 16; i++)
                nx_iota(NX_SHAPE(1));
        nxalloc_fail_at(n, sticky);
        nx_tensor *t = make(k, in);
        long made = nxalloc_fail_at(0, 0);
        if (t) {
            cr_assert_eq(nx_error(), NX_OK, "%s: succeeded with allocation %ld failing but left %s: %s",
                         what, n, nx_error_kind_name(nx_error()), nx_error_message());
            cr_assert(made < n, "%s: allocation %ld failed, yet the call returned a tensor", what, n);
            if (!nx_is_template(t))
                first(t);
            if (scoped)
                nx_scope_end();
            else
                nx_release(t);
            long long h1 = heap_in_use();
            EXPECT_HEAP(h0, h1, "%s: %lld bytes left after the successful run", what, h1 - h0);
            return made;
        }
        cr_assert_eq(nx_error(), NX_MEMORY_ERROR, "%s: allocation %ld failing gave %s: %s", what, n,
                     nx_error_kind_name(nx_error()), nx_error_message());
        nx_error_clear();
        if (scoped)
            nx_scope_end();
        long long h1 = heap_in_use();
        EXPECT_HEAP(h0, h1, "%s: allocation %ld failing (%s) leaks %lld bytes", what, n,
                     sticky ? "and every later one" : "alone", h1 - h0);
        if (in)
            first(in);
    }
    cr_assert_fail("%s: never succeeded", what);
    return -1;
}

/* Every call in [from, to) every way inject knows. */
static void inject_all_ways(int from, int to, const nx_tensor *in)
{
    for (int k = from; k < to; k++) {
        long plain = inject(k, in, false, false, 0);
        cr_assert(plain >= 1, "%s allocates", mk_names[k]);
        inject(k, in, false, false, 1);
        inject(k, in, true, false, 0);
        inject(k, in, true, false, 1);
        inject(k, in, true, true, 0);
    }
}

Test(scope, failure_injection_creation)
{
    intern_names();
    inject_all_ways(MK_TENSOR, MK_BROADCAST, NULL);
    NXTEST_OK();
}

Test(scope, failure_injection_on_an_input)
{
    intern_names();
    nx_tensor *in = nx_iota(NX_SHAPE(2, 3), .type = NX_S32);   /* caller-owned */
    inject_all_ways(MK_BROADCAST, BAD_AXIS_NAME, in);
    cr_assert_eq(last(in), 5.0);
    nx_release(in);
    NXTEST_OK();
}

/* nx_scope_end_keep moves the kept tensor into the enclosing scope, which may have to
 * grow; when that allocation fails, the tensor must still be freed (by the enclosing
 * scope or at once), not leaked. */
Test(scope, end_keep_when_the_enclosing_scope_cannot_grow)
{
    intern_names();
    long long h0 = heap_in_use();
    nx_scope_begin();                 /* outer: empty, so adopting allocates */
    nx_scope_begin();
    nx_tensor *t = nx_iota(NX_SHAPE(8));
    nxalloc_fail_at(1, 0);
    nx_scope_end_keep(t);
    nxalloc_fail_at(0, 0);
    nx_error_clear();
    nx_scope_end();
    expect_heap_at(h0, " (leaked)");
}

/* Failing call k with any allocation failing still returns NULL with an error and leaks
 * nothing. */
static void inject_error(int k, const nx_tensor *in)
{
    const char *what = mk_names[k];
    for (long n = 1; n < 100; n++) {
        long long h0 = heap_in_use();
        nxalloc_fail_at(n, 0);
        nx_tensor *t = make(k, in);
        long made = nxalloc_fail_at(0, 0);
        cr_assert_null(t, "%s: succeeded", what);
        cr_assert(nx_error() == NX_ARGUMENT_ERROR || nx_error() == NX_MEMORY_ERROR,
                  "%s: allocation %ld failing gave %s: %s", what, n, nx_error_kind_name(nx_error()),
                  nx_error_message());
        nx_error_clear();
        long long h1 = heap_in_use();
        EXPECT_HEAP(h0, h1, "%s: allocation %ld failing leaks %lld bytes", what, n, h1 - h0);
        if (made < n)
            return;
    }
    cr_assert_fail("%s: too many allocations", what);
}

Test(scope, failure_injection_on_error_paths)
{
    intern_names();
    nx_atom("nope");
    nx_tensor *in = nx_iota(NX_SHAPE(2, 4));
    inject_error(BAD_AXIS_NAME, NULL);
    inject_error(BAD_LEAF, NULL);
    inject_error(BAD_FLOAT_LEAF, NULL);
    for (int k = TENSOR_LEAF; k < MK_COUNT; k++)
        inject_error(k, in);
    nx_release(in);
}
