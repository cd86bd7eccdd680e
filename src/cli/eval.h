/* src/cli/eval.h: evaluating syntax trees: environments, pattern matching, operators,
 * calls, closures and control flow. */
#ifndef NXI_EVAL_H
#define NXI_EVAL_H

#include <stdio.h>
#include "cli/ast.h"

/* Variable bindings: a persistent list, newest first; closures keep a pointer to it. */
typedef struct nxi_env {
    const char *name;
    nxv *value;
    struct nxi_env *next;
    unsigned stamp;   /* reclaim.c: the last walk that went through this node */
} nxi_env;

/* What a session remembers between entries: variables, aliases, imports. */
typedef struct nxi_session {
    nxi_env *env;
    struct nxi_alias { const char *as, *module; struct nxi_alias *next; } *aliases;
    struct nxi_import { const char *module; struct nxi_import *next; } *imports;
} nxi_session;

/* Where IO.puts/IO.inspect write (stderr under --eval-stdin, stdout otherwise). */
extern FILE *nxi_side_out;

/* Evaluates every expression of a parsed block in the session; returns the last value,
 * or NULL with an exception raised (the bindings of the failing entry are dropped). */
nxv *nxi_eval_block(nxi_session *s, const nxi_ast *block);
/* Calls a function value with arguments (used by Enum.map and friends). */
nxv *nxi_call_fun(nxv *fun, int argc, nxv **argv);
/* Matches `pattern` against v, adding bindings to *env: 1 match, 0 no match, -1 raised. */
int nxi_match(const nxi_ast *pattern, nxv *v, nxi_env **env);
/* One clause of a function (cl->nparams arguments) against argv, over env: 1 when its
 * patterns and guard match, with its body's value in *result (NULL if the body raised);
 * 0 otherwise (an error in the guard means no match). */
int nxi_clause_try(const nxi_clause *cl, nxi_env *env, nxv **argv, nxv **result);
/* Builds a binary from <<...>> segments. */
nxv *nxi_eval_bitstring(const nxi_ast *a, nxi_env **env);
/* ~MAT / ~VEC and the other sigils. */
nxv *nxi_eval_sigil(const nxi_ast *a);

#endif
