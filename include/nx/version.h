/* include/nx/version.h: the library's version, at compile time and at run time. */
#ifndef NX_VERSION_H
#define NX_VERSION_H

#define NX_VERSION_MAJOR 0
#define NX_VERSION_MINOR 1
#define NX_VERSION_PATCH 0
#define NX_VERSION_STRING "0.1.0"
/* One number that grows with every release: 10000 * major + 100 * minor + patch. */
#define NX_VERSION_NUMBER (NX_VERSION_MAJOR * 10000 + NX_VERSION_MINOR * 100 + NX_VERSION_PATCH)

#if defined(_WIN32)
#define NX_API __declspec(dllexport)
#else
#define NX_API __attribute__((visibility("default")))
#endif

/* The version of the library actually loaded (may differ from the header's). */
NX_API const char *nx_version(void);

#endif
