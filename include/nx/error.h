/* include/nx/error.h: errors are values. A failing call returns NULL (or -1) and records
 * a thread-local error: Nx's exception kind and message. The first error wins until
 * nx_error_clear(), so a chain of nested calls reports the first thing that went wrong. */
#ifndef NX_ERROR_H
#define NX_ERROR_H

#include "version.h"

typedef enum nx_error_kind {
    NX_OK = 0,
    NX_ARGUMENT_ERROR,
    NX_RUNTIME_ERROR,
    NX_ARITHMETIC_ERROR,
    NX_FILE_ERROR,
    NX_MEMORY_ERROR,
    NX_COMPILE_ERROR,   /* defn: what Nx raises as CompileError while tracing */
} nx_error_kind;

NX_API nx_error_kind nx_error(void);
/* The pending message, or "" when there is none. Valid until the next clear. */
NX_API const char *nx_error_message(void);
/* "ArgumentError", "RuntimeError", ... as Nx names the exception. */
NX_API const char *nx_error_kind_name(nx_error_kind kind);
NX_API void nx_error_clear(void);

#endif
