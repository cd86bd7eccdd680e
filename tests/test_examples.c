/* tests/test_examples.c: the example programs run as a user runs them. The logistic
 * regression must reach 95% training accuracy, print a line per epoch, and run its
 * 10,000 grad-based steps in flat resident memory (issue #7, acceptance 4). */
#include <stdio.h>
#include <string.h>
#include "support/nxtest.h"

enum { EPOCHS = 10 };

typedef struct {
    int epoch;
    long step, rss_kb;
    double loss, accuracy;
} epoch_line;

Test(examples, logistic_regression_learns_in_flat_memory, .timeout = 600)
{
    long steps = nxtest_scaled(10000);
    if (steps < 10 * EPOCHS)
        steps = 10 * EPOCHS;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s/logistic_regression %ld --rss", NXC_EXAMPLES_DIR, steps);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    epoch_line lines[EPOCHS];
    int n = 0;
    char buf[256];
    while (fgets(buf, sizeof buf, p)) {
        epoch_line l;
        int total;
        if (sscanf(buf, "epoch %d/%d step %ld loss %lf accuracy %lf rss_kb %ld", &l.epoch, &total, &l.step,
                   &l.loss, &l.accuracy, &l.rss_kb) == 6) {
            cr_assert_lt(n, EPOCHS, "more epoch lines than epochs: %s", buf);
            cr_assert_eq(l.epoch, n + 1);
            cr_assert_eq(total, EPOCHS);
            lines[n++] = l;
        }
    }
    cr_assert_eq(pclose(p), 0, "%s failed", cmd);
    cr_assert_eq(n, EPOCHS, "expected one progress line per epoch, got %d", n);
    cr_assert_eq(lines[EPOCHS - 1].step, steps);
    cr_assert_geq(lines[EPOCHS - 1].accuracy, 0.95, "final accuracy %.4f", lines[EPOCHS - 1].accuracy);
    cr_assert_lt(lines[EPOCHS - 1].loss, lines[0].loss, "the loss did not go down");
    cr_assert_lt(lines[0].loss, 0.6931, "after the first epoch the loss is still log 2's");
#ifndef __SANITIZE_ADDRESS__   /* ASan's quarantine holds freed memory: RSS says nothing there */
    long growth = lines[EPOCHS - 1].rss_kb - lines[1].rss_kb;
    cr_assert_lt(growth, 1024, "resident memory grew by %ld kB from epoch 2 to %d", growth, EPOCHS);
#endif
}
