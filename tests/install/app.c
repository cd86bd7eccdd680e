/* tests/install/app.c: the smallest program that uses an installed nxc. Built by
 * scripts/check-install.sh with pkg-config and with CMake's find_package(nxc). */
#include <stdio.h>
#include <string.h>
#include <nx.h>

int main(void)
{
    nx_scope_begin();
    nx_tensor *t = nx_iota(NX_SHAPE(2, 3), .names = NX_NAMES("x", "y"));
    int rc = nx_print(nx_as_type(t, NX_F32));
    if (rc < 0)
        fprintf(stderr, "%s: %s\n", nx_error_kind_name(nx_error()), nx_error_message());
    /* The header and the library that was loaded must agree. */
    printf("version %s\n", strcmp(nx_version(), NX_VERSION_STRING) == 0 ? "ok" : nx_version());
    nx_scope_end();
    return rc < 0;
}
