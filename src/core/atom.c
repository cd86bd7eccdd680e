/* src/core/atom.c: interned axis names. Equal names share one pointer for the life of
 * the process, so tensors compare names by pointer and copy them for free. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "core/error.h"
#include "nx/tensor.h"

typedef struct atom {
    struct atom *next;
    char name[];
} atom;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static atom *atoms[256];

static unsigned hash(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h & 255;
}

const char *nx_atom(const char *name)
{
    if (!name)
        return NULL;
    unsigned h = hash(name);
    const char *found = NULL;
    pthread_mutex_lock(&lock);
    for (atom *a = atoms[h]; a; a = a->next)
        if (strcmp(a->name, name) == 0) {
            found = a->name;
            break;
        }
    if (!found) {
        /* Atoms live until exit, like Erlang's: malloc directly, outside the funnel. */
        size_t n = strlen(name);
        atom *a = malloc(sizeof *a + n + 1);
        if (a) {
            memcpy(a->name, name, n + 1);
            a->next = atoms[h];
            atoms[h] = a;
            found = a->name;
        }
    }
    pthread_mutex_unlock(&lock);
    if (!found)
        nxerr_oom(strlen(name) + 1);
    return found;
}
