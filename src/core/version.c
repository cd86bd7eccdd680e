/* src/core/version.c: the version of the library that is loaded. */
#include "nx/version.h"

const char *nx_version(void)
{
    return NX_VERSION_STRING;
}
