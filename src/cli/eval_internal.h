/* src/cli/eval_internal.h: what the evaluator's files (eval.c, eval_ops.c, eval_call.c,
 * eval_fun.c) share. Private to them; the rest of the interpreter uses eval.h and
 * module.h. Every function here returns NULL after raising. */
#ifndef NXI_EVAL_INTERNAL_H
#define NXI_EVAL_INTERNAL_H

#include "cli/eval.h"
#include "cli/nxlib.h"

/* ---- eval.c ---- */
nxv *nxi_eval_expr(const nxi_ast *a, nxi_env **env);
/* The value bound to name in env, or NULL. */
nxv *nxi_var(nxi_env *env, const char *name);

/* ---- eval_ops.c ---- */
/* An AST_OP other than |>: the short-circuit operators evaluate their right side only
 * when needed; inside defn, Nx.Defn.Kernel's operators come first. */
nxv *nxeval_binary_op(const nxi_ast *a, nxi_env **env);
/* An AST_UNARY: -, +, !, not, @attribute (and ^ outside patterns, an error). */
nxv *nxeval_unary_op(const nxi_ast *a, nxi_env **env);
/* l ++ r (an improper list when r is not a list). */
nxv *nxeval_concat_lists(nxv *l, nxv *r);

/* ---- eval_call.c ---- */
/* A new entry of session s begins: its aliases and imports resolve names, no call open. */
void nxeval_begin(nxi_session *s);
/* The module an alias stands for ("Nx.LinAlg" for "LinAlg" after `alias Nx.LinAlg`). */
const char *nxeval_resolve_alias(const char *name);
/* Elixir's error for a call to module.name/argc (module NULL: a local call) that is not
 * there. */
nxv *nxeval_undefined_function(const char *module, const char *name, int argc);
/* A local call: an imported module first, then Kernel (Nx.Defn.Kernel before both inside
 * defn); NULL when none has name/argc (nothing raised). */
const nxi_func *nxeval_lookup_local(const char *name, int argc);
/* Calls a built-in within the call depth limit. */
nxv *nxeval_apply_builtin(const nxi_func *f, int argc, nxv **argv);
/* The values of args[0..n), after `first` when given (a piped value). */
nxv **nxeval_args(nxi_ast *const *args, int n, nxv *first, nxi_env **env);
/* An AST_CALL, with `piped` (or NULL) as its first argument. */
nxv *nxeval_call(const nxi_ast *a, nxv *piped, nxi_env **env);

/* ---- eval_fun.c ---- */
/* &Mod.fun/arity, &fun/arity, or &(...&1...) as a function value over env. */
nxv *nxeval_capture(const nxi_ast *a, nxi_env **env);
/* fn ... end as a function value over env. */
nxv *nxeval_make_fn(const nxi_ast *a, nxi_env **env);

#endif
