/* examples/logistic_regression.c: trains a logistic regression with gradients from
 * nx_grad, the way an Nx user would write it with defn and Nx.Defn.grad (the same program
 * in Nx syntax is examples/logistic_regression.exs).
 *
 * Data: 10,000 rows of 10 features drawn with Nx.Random (key 42); the label of a row is
 * whether x . w_true + noise > 0 for a random w_true. The model's weights and bias live in
 * one vector of 11 (the features get a column of ones). A training step is a numerical
 * definition, traced once by nx_jit_call and then evaluated from its cache:
 *
 *     w <- w - lr * grad(mean(binary cross-entropy(sigmoid(x . w), y)))
 *
 * Prints one line per epoch (loss and accuracy on the training data).
 * Usage: logistic_regression [steps] [--rss]  (default 10000 steps in 10 epochs; --rss adds
 * the resident set size to each line, which tests/test_examples.c reads). */
#include <nx.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ROWS = 10000, FEATURES = 10, EPOCHS = 10 };
static const double LEARNING_RATE = 0.5;

/* The data a loss closes over: expressions of the enclosing trace. */
typedef struct {
    const nx_tensor *x, *y;
} batch;

/* Mean binary cross-entropy of sigmoid(x . w) against y, from the logits z in the form
 * that never overflows: max(z, 0) - y z + log(1 + exp(-|z|)). */
static nx_tensor *loss(nx_tensor *const *w, void *ctx)
{
    const batch *b = ctx;
    nx_tensor *z = nx_dot(b->x, w[0]);
    nx_tensor *per_row = nx_add(nx_subtract(nx_max(z, NX_F(0)), nx_multiply(b->y, z)),
                                nx_log1p(nx_exp(nx_negate(nx_abs(z)))));
    return nx_mean(per_row);
}

/* One gradient step: args are w, x, y. */
static nx_tensor *train_step(nx_tensor *const *args, void *ctx)
{
    (void)ctx;
    batch b = { args[1], args[2] };
    nx_tensor *g = NULL;
    if (nx_grad_n(loss, &b, 1, (const nx_tensor *const[]){ args[0] }, &g) < 0)
        return NULL;
    return nx_subtract(args[0], nx_multiply(NX_F(LEARNING_RATE), g));
}

/* [loss, accuracy] of the weights w on (x, y). */
static nx_tensor *metrics(nx_tensor *const *args, void *ctx)
{
    (void)ctx;
    batch b = { args[1], args[2] };
    nx_tensor *predicted = nx_greater(nx_dot(args[1], args[0]), NX_F(0));
    nx_tensor *accuracy = nx_mean(nx_equal(predicted, args[2]));
    return nx_stack(NX_TENSORS(loss(args, &b), accuracy));
}

static long resident_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            sscanf(line + 6, "%ld", &kb);
    if (f)
        fclose(f);
    return kb;
}

/* x (ROWS x FEATURES + 1, last column ones) and y (ROWS, 0.0 or 1.0) from the key. */
static int make_data(nx_tensor **x, nx_tensor **y)
{
    nx_tensor *key = nx_random_key(42), *w_true, *noise, *features;
    features = nx_random_normal(key, NULL, NULL, &key, .shape = NX_SHAPE(ROWS, FEATURES));
    w_true = nx_random_normal(key, NULL, NULL, &key, .shape = NX_SHAPE(FEATURES));
    noise = nx_random_normal(key, NX_F(0), NX_F(0.2), &key, .shape = NX_SHAPE(ROWS));
    if (!features || !w_true || !noise)
        return -1;
    nx_tensor *ones = nx_broadcast(NX_F(1), NX_SHAPE(ROWS, 1));
    *x = nx_concatenate(NX_TENSORS(features, ones), .axis = NX_AXIS(1));
    *y = nx_as_type(nx_greater(nx_add(nx_dot(features, w_true), noise), NX_F(0)), NX_F32);
    return *x && *y ? 0 : -1;
}

static int report(int epoch, long steps, const nx_tensor *w, const nx_tensor *x, const nx_tensor *y, bool rss)
{
    nx_scope_begin();
    nx_number m[2];
    nx_tensor *lm = nx_jit_apply(metrics, NULL, w, x, y);
    int ok = lm && nx_to_flat_list(lm, m, 2) == 2;
    if (ok) {
        printf("epoch %2d/%d  step %5ld  loss %.4f  accuracy %.4f", epoch, EPOCHS, steps, m[0].f, m[1].f);
        if (rss)
            printf("  rss_kb %ld", resident_kb());
        printf("\n");
        fflush(stdout);
    }
    nx_scope_end();
    return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
    long steps = 10000;
    bool rss = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--rss") == 0)
            rss = true;
        else if ((steps = strtol(argv[i], NULL, 10)) < EPOCHS) {
            fprintf(stderr, "usage: %s [steps >= %d] [--rss]\n", argv[0], EPOCHS);
            return 2;
        }
    }
    int status = 0;
    nx_scope_begin();
    nx_tensor *x, *y;
    /* The weights outlive each step's scope: held with nx_retain, let go when replaced. */
    nx_tensor *w = nx_retain(nx_broadcast(NX_F(0), NX_SHAPE(FEATURES + 1)));
    if (make_data(&x, &y) < 0 || !w)
        status = -1;
    for (long step = 1; status == 0 && step <= steps; step++) {
        nx_scope_begin();
        nx_tensor *next = nx_retain(nx_jit_apply(train_step, NULL, w, x, y));
        nx_scope_end();
        nx_release(w);
        if (!(w = next))
            status = -1;
        else if (step % (steps / EPOCHS) == 0)
            status = report((int)(step / (steps / EPOCHS)), step, w, x, y, rss);
    }
    nx_release(w);
    if (status < 0)
        fprintf(stderr, "** (%s) %s\n", nx_error_kind_name(nx_error()), nx_error_message());
    nx_scope_end();
    return status < 0;
}
