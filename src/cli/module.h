/* src/cli/module.h: user modules in the interpreter (module.c): defmodule with def, defp,
 * defn, defnp, deftransform(p), module attributes and default arguments; and the defn
 * semantics of their bodies (defn_ops.c: Nx.Defn.Kernel's operators, cond/if, while). */
#ifndef NXI_MODULE_H
#define NXI_MODULE_H

#include "cli/eval.h"

typedef struct nxi_module nxi_module;
typedef struct nxi_fdef nxi_fdef;

/* The module whose function is running (local calls resolve there), or NULL. */
extern const nxi_module *nxi_cur_module;
/* Set while the body of a defn (or a closure written inside one) runs: operators and
 * control flow follow Nx.Defn.Kernel (spec/defn.md §6, §9). */
extern int nxi_defn_mode;

/* Evaluates `defmodule Name do ... end` (an AST_CALL); returns what IEx prints for it. */
nxv *nxi_defmodule(const nxi_ast *call, nxi_env **env);
/* A defined module by its name ("M", "Foo.Bar"), or NULL. */
const nxi_module *nxi_module_find(const char *name);
/* name/arity of m; `local`: private functions too. NULL when absent. */
const nxi_fdef *nxi_module_fun(const nxi_module *m, const char *name, int arity, int local);
/* Whether m has name at any arity (for error wording). */
int nxi_module_has_name(const nxi_module *m, const char *name);
const char *nxi_module_name(const nxi_module *m);
/* Calls f with evaluated arguments. `from_defn_local`: a local call made inside defn
 * code (a plain def then is a CompileError); remote calls from defn code raise Nx's
 * RuntimeError for non-defn functions. */
nxv *nxi_module_call(const nxi_fdef *f, int argc, nxv **argv, int local);
/* &M.f/arity as a function value. */
nxv *nxi_module_capture(const nxi_fdef *f);
/* The arena is about to be dropped: forget every module. */
void nxi_modules_forget(void);

/* ---- defn semantics (defn_ops.c) ---- */
/* Binary operator op on evaluated operands; NULL after raising. Returns `nxi_defn_pass`
 * when the operator keeps its plain Elixir meaning for these operands. */
extern nxv nxi_defn_pass;
nxv *nxi_defn_binary(const char *op, nxv *l, nxv *r);
nxv *nxi_defn_unary(const char *op, nxv *v);
/* Local Kernel calls that defn redefines (max, min, div, rem): &nxi_defn_pass if not. */
nxv *nxi_defn_kernel(const char *name, int argc, nxv **argv);
nxv *nxi_defn_if(const nxi_ast *a, nxi_env **env);
nxv *nxi_defn_cond(const nxi_ast *a, nxi_env **env);
nxv *nxi_defn_while(const nxi_ast *a, nxi_env **env);

/* ---- from eval.c and eval_call.c ---- */
nxv *nxi_eval_expr(const nxi_ast *a, nxi_env **env);
void nxi_bind(nxi_env **env, const char *name, nxv *v);
/* Call depth accounting shared with the evaluator: 0, or -1 after raising SystemLimitError. */
int nxi_call_enter(void);
void nxi_call_leave(void);

/* From nxlib_effects.c: `receive do ... end` over the mailbox Kernel.send/2 fills. */
nxv *nxi_receive(const nxi_ast *call, nxi_env **env);
void nxi_mailbox_forget(void);

/* From nxlib_defn.c: fun jitted over args with the default options (a defn call made
 * outside any trace); key (the definition, or NULL) caches its graph per templates. */
nxv *nxi_defn_jit_call(const void *key, nxv *fun, int argc, nxv **argv);

#endif
