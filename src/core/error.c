/* src/core/error.c: the thread-local error record. The first error wins until
 * nx_error_clear(), so nested calls report the first thing that went wrong. The message
 * lives in a fixed buffer: recording an error never allocates, so it cannot fail. */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local nx_error_kind pending;
static _Thread_local char message[16384];

static void record(nx_error_kind kind, const char *fmt, va_list ap)
{
    if (pending != NX_OK)
        return;
    pending = kind;
    vsnprintf(message, sizeof message, fmt, ap);
}

int nxerr_set(nx_error_kind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record(kind, fmt, ap);
    va_end(ap);
    return -1;
}

void *nxerr_null(nx_error_kind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record(kind, fmt, ap);
    va_end(ap);
    return NULL;
}

void *nxerr_oom(size_t bytes)
{
    return nxerr_null(NX_MEMORY_ERROR, "out of memory allocating %zu bytes", bytes);
}

int nxerr_pending(void)
{
    return pending != NX_OK;
}

nx_error_kind nx_error(void)
{
    return pending;
}

const char *nx_error_message(void)
{
    return pending == NX_OK ? "" : message;
}

const char *nx_error_kind_name(nx_error_kind kind)
{
    switch (kind) {
    case NX_OK: return "ok";
    case NX_ARGUMENT_ERROR: return "ArgumentError";
    case NX_RUNTIME_ERROR: return "RuntimeError";
    case NX_ARITHMETIC_ERROR: return "ArithmeticError";
    case NX_FILE_ERROR: return "File.Error";
    case NX_MEMORY_ERROR: return "MemoryError";
    case NX_COMPILE_ERROR: return "CompileError";
    }
    return "UnknownError";
}

void nx_error_clear(void)
{
    pending = NX_OK;
    message[0] = '\0';
}
