/* include/nx/defn.h: numerical definitions (spec/defn.md, DESIGN §5). A numerical
 * definition is an ordinary C function over tensors:
 *
 *     static nx_tensor *softmax(nx_tensor *const *x, void *ctx)
 *     {
 *         return nx_divide(nx_exp(x[0]), nx_sum(nx_exp(x[0])));
 *     }
 *
 * Called with concrete tensors it computes eagerly. Traced (nx_jit), its arguments are
 * parameters of an expression graph and every op it calls records a node: the result is
 * an expression tensor, printed as Nx prints an Nx.Defn.Expr (nx_inspect / nx_print),
 * simplified (nx_expr_simplify) or evaluated (nx_expr_eval). nx_jit_call traces once per
 * argument templates (types, shapes, names), caches the graph and evaluates it.
 * Values are unknown while tracing: to_binary, to_number and friends fail on expressions;
 * control flow on values goes through nx_cond / nx_if and nx_while, which run directly on
 * concrete tensors and record cond / while nodes inside a trace. */
#ifndef NX_DEFN_H
#define NX_DEFN_H

#include "tensor.h"
#include "inspect.h"

/* A numerical definition: args[0..n) in, one tensor out (NULL with an error). */
typedef nx_tensor *nx_defn_fn(nx_tensor *const *args, void *ctx);

/* Traces fn over n argument templates (tensors, templates or numbers: only their types,
 * shapes and names matter); returns the output expression (owned like any result). */
NX_API nx_tensor *nx_jit_trace(nx_defn_fn *fn, void *ctx, int n, const nx_tensor *const *args);
#define NXDEFN_ARGS(...) (int)(sizeof((const nx_tensor *[]){ __VA_ARGS__ }) / sizeof(const nx_tensor *)), \
    (const nx_tensor *const[]){ __VA_ARGS__ }
#define nx_jit(fn, ctx, ...) nx_jit_trace((fn), (ctx), NXDEFN_ARGS(__VA_ARGS__))

/* Evaluates an expression (the reference compiler) with its parameters bound to args. */
NX_API nx_tensor *nx_expr_eval(const nx_tensor *expr, int n, const nx_tensor *const *args);
/* Traces (cached by fn, ctx and the argument templates) and evaluates in one go. Called
 * inside a trace it just calls fn, so its ops join the enclosing trace. */
NX_API nx_tensor *nx_jit_call(nx_defn_fn *fn, void *ctx, int n, const nx_tensor *const *args);
#define nx_jit_apply(fn, ctx, ...) nx_jit_call((fn), (ctx), NXDEFN_ARGS(__VA_ARGS__))
/* The cache of nx_jit_call: counts (either may be NULL) and clearing. */
NX_API void nx_jit_cache_stats(int64_t *entries, int64_t *hits);
NX_API void nx_jit_cache_clear(void);

/* The printed expression (also what nx_inspect prints for an expression tensor). */
NX_API char *nx_expr_inspect_(const nx_tensor *expr, nx_inspect_opts o);
#define nx_expr_inspect(t, ...) nx_expr_inspect_((t), (nx_inspect_opts){ __VA_ARGS__ })
/* Common-subexpression elimination and constant folding over the whole graph. */
NX_API nx_tensor *nx_expr_simplify(const nx_tensor *expr);
/* True when t is an expression (traced) tensor. */
NX_API bool nx_is_expr(const nx_tensor *t);

/* Nx.Defn.Kernel.stop_grad: identity on values, printed `metadata x, :stop_grad`. */
NX_API nx_tensor *nx_stop_grad(const nx_tensor *t);
/* Expr.metadata(t, %{inspect: name}); name NULL: invisible in printouts. */
NX_API nx_tensor *nx_metadata(const nx_tensor *t, const char *inspect_name);

/* ---- control flow (spec/defn.md §6) ----
 * A branch writes its result leaves (one tensor, or the flat leaves of a tuple) into
 * out[0..cap) and returns their count, or -1 with an error. */
typedef int nx_branch_fn(nx_tensor **out, int cap, void *ctx);
/* One clause of nx_cond: pred is a scalar tensor (0 is false, anything else true), or NULL
 * for `true`, which the last clause must be. */
typedef struct nx_clause {
    const nx_tensor *pred;
    nx_branch_fn *body;
    void *ctx;
} nx_clause;
/* cond: the body of the first clause whose predicate is true. On concrete predicates only
 * that body runs. Inside a trace, constant predicates are resolved at once (false clauses
 * dropped, a true one returned directly); otherwise every body is traced, the leaves are
 * merged (types promoted, shapes broadcast) and one cond node is recorded. Writes the
 * leaves into out[0..cap) and returns their count; -1 with Nx's errors (CompileError
 * texts of §6.1, the §11 template diff when branches return different numbers of
 * leaves). Vectorized predicates are lowered to selects over every branch some entry
 * takes (spec/defn.md §6.1). */
NX_API int nx_cond(int n, const nx_clause *clauses, nx_tensor **out, int cap);
/* if pred, do: then_fn(ctx), else: else_fn(ctx) (else_fn NULL: the number 0), one leaf. */
typedef nx_tensor *nx_thunk_fn(void *ctx);
NX_API nx_tensor *nx_if(const nx_tensor *pred, nx_thunk_fn *then_fn, nx_thunk_fn *else_fn, void *ctx);

/* while: state = initial[0..n); while cond(state) != 0: body(state, next) writes the next
 * state's n leaves. The body must keep every leaf's type, shape and names (nil names match
 * anything), else CompileError with the §11 diff (`Body (do-block)` / `Initial`). On
 * concrete tensors it loops directly; inside a trace (or on expressions) it traces cond
 * and body once over fresh while parameters and records a while node. A condition that
 * comes out vectorized runs the loop once per vectorized entry, each to its own end (the
 * outer-loop lowering of spec/defn.md §6.2; the results carry the condition's vectorized
 * axes). The final state is written to out[0..n). Returns 0, or -1 with an error. */
typedef nx_tensor *nx_while_cond_fn(nx_tensor *const *state, void *ctx);
typedef int nx_while_body_fn(nx_tensor *const *state, nx_tensor **next, void *ctx);
/* Bounds every while loop (eager and evaluated) to this many iterations: more is a
 * RuntimeError. 0 (the default) means no bound. For hosts that run untrusted code, such as
 * the fuzzers. */
NX_API void nx_set_while_limit(int64_t iterations);
NX_API int nx_while(int n, const nx_tensor *const *initial, nx_while_cond_fn *cond, nx_while_body_fn *body,
                    void *ctx, nx_tensor **out);

/* Nx.Defn.grad and value_and_grad (spec/grad.md): the gradient of fn's output (summed
 * when it is not a scalar) with respect to each of its n arguments, in grads[0..n), and
 * (value_and_grad) the output itself. Outside a trace fn is traced over the arguments and
 * the value and gradients are evaluated; inside one they are expressions of the enclosing
 * trace. Gradients are f32 unless a rule promotes them (f64 inputs give f64); variables
 * the output does not depend on get f32 zeros. Gradients flow through nx_cond (a cond over
 * the same predicates holds the branch gradients) and nx_while (a rematerialising reverse
 * loop). A concrete non-scalar output is Nx's ArgumentError "can only compute gradients of
 * tensor expressions, got: ..."; a number output gives zeros. Returns 0, or -1 with an
 * error (no gradient rule: ArgumentError "grad of <op> is not supported yet"). */
NX_API int nx_value_and_grad_n(nx_defn_fn *fn, void *ctx, int n, const nx_tensor *const *args,
                               nx_tensor **value, nx_tensor **grads);
NX_API int nx_grad_n(nx_defn_fn *fn, void *ctx, int n, const nx_tensor *const *args, nx_tensor **grads);
#define nx_grad(fn, ctx, grads, ...) nx_grad_n((fn), (ctx), NXDEFN_ARGS(__VA_ARGS__), (grads))
#define nx_value_and_grad(fn, ctx, value, grads, ...) \
    nx_value_and_grad_n((fn), (ctx), NXDEFN_ARGS(__VA_ARGS__), (value), (grads))

/* Forward mode and higher order (nxc's own; Nx has only grad). Like grad they work outside
 * a trace (traced once, evaluated once) and inside one (expressions of the enclosing
 * trace), for every operation reverse mode differentiates (custom_grad included). Inputs
 * must be real and not vectorized. Results are f64 when an input (or the output) is f64,
 * else f32. All return 0, or -1 with an error (ArgumentError for the misuses below).
 *
 * jvp: the directional derivative J v of fn at args along tangents (one per argument, of
 * its shape: else ArgumentError "expected the tangent of argument i to have the shape of
 * the argument, got tangent with shape {..} for argument with shape {..}"): *tangent has
 * the output's shape; *value (may be NULL) is fn(args). Computed by transposing the
 * reverse pass (the VJP u -> Jᵀu is linear in u; its own VJP along v is J v), so it costs
 * about two reverse passes.
 *
 *     nx_tensor *y, *dy;
 *     nx_jvp(f, NULL, &y, &dy, x, v);      // one argument
 *     nx_jvp_n(f, NULL, 2, (const nx_tensor *[]){ a, b }, (const nx_tensor *[]){ da, db }, &y, &dy);
 */
NX_API int nx_jvp_n(nx_defn_fn *fn, void *ctx, int n, const nx_tensor *const *args, const nx_tensor *const *tangents,
                    nx_tensor **value, nx_tensor **tangent);
#define nx_jvp(fn, ctx, value, tangent, x, v) \
    nx_jvp_n((fn), (ctx), 1, (const nx_tensor *const[]){ (x) }, (const nx_tensor *const[]){ (v) }, (value), (tangent))
/* jacobian: jac[i] = d fn / d args[i], of shape output_shape ++ shape(args[i]). One
 * reverse pass per output element or one transposed pass per input element, whichever
 * are fewer, all in one graph: meant for small and moderate sizes. */
NX_API int nx_jacobian_n(nx_defn_fn *fn, void *ctx, int n, const nx_tensor *const *args, nx_tensor **jac);
#define nx_jacobian(fn, ctx, jac, ...) nx_jacobian_n((fn), (ctx), NXDEFN_ARGS(__VA_ARGS__), (jac))
/* hessian: fn must return a scalar (else ArgumentError "hessian expects a function that
 * returns a scalar, got a tensor with shape {..}"); hess[i * n + j] = d² fn / d args[i]
 * d args[j], of shape shape(args[i]) ++ shape(args[j]) (hess has room for n * n). The
 * jacobian of the gradient: grad of grad, row by row. */
NX_API int nx_hessian_n(nx_defn_fn *fn, void *ctx, int n, const nx_tensor *const *args, nx_tensor **hess);
#define nx_hessian(fn, ctx, hess, ...) nx_hessian_n((fn), (ctx), NXDEFN_ARGS(__VA_ARGS__), (hess))

/* Nx.Defn.Kernel.custom_grad: expr itself on values; when a gradient reaches it with
 * cotangent g, fn(g, n, inputs, grads, ctx) must write one tensor per input into
 * grads[0..n) (each added to that input's gradient) and return 0; expr's own subtree is not
 * differentiated. fn runs while the gradient is traced, so what it returns is again
 * differentiable. A failure or a missing tensor is Nx's RuntimeError. */
typedef int nx_custom_grad_fn(const nx_tensor *g, int n, nx_tensor *const *inputs, nx_tensor **grads, void *ctx);
NX_API nx_tensor *nx_custom_grad(const nx_tensor *expr, int n, const nx_tensor *const *inputs, nx_custom_grad_fn *fn,
                                 void *ctx);

/* ---- side effects: io_call (hook), print_value, runtime_call (spec/defn.md §10) ----
 * An io_call passes its data (one tensor, or the n leaves of a container) through
 * unchanged and calls a callback with the data's concrete values. Eager (concrete data,
 * no trace): a function-only io_call calls fn at once and returns the data; a named one
 * is Nx's ArgumentError "named io_call :name is only supported inside defn; pass a
 * function callback instead". Inside a trace it records an io_call node (a container
 * gives a tuple node and its elems); the evaluator calls the callback each time it
 * evaluates the node, in depth-first order of the output, so an io_call whose result does
 * not reach the output never fires. A named io_call calls the hook bound to its name in
 * the evaluation's nx_hooks if any, else its own fn, else nothing. Gradients pass through
 * as through an identity. The callback returns 0, or -1 (with an nxerr error or not:
 * RuntimeError "io_call callback failed") to stop the evaluation. Values are borrowed:
 * nx_retain what outlives the call. */
typedef int nx_io_fn(int n, const nx_tensor *const *values, void *ctx);
typedef struct nx_io_callback {
    const char *name;      /* the hook name (an atom without the colon); NULL: function only */
    nx_io_fn *fn;          /* the default callback; may be NULL when named */
    void *ctx;             /* kept by the node: must live as long as graphs that hold it */
    const char *fn_text;   /* how fn prints in expressions (NULL: "&nx_io_fn/1") */
} nx_io_callback;
/* data[0..n) in, out[0..n) the passed-through leaves (container: a tuple node when
 * traced). Returns 0, or -1 with an error. */
NX_API int nx_io_call_n(int n, const nx_tensor *const *data, const nx_io_callback *cb, nx_tensor **out);
/* One tensor; the macros print fn as `&fn/1`. nx_hook is the release's name (an alias). */
NX_API nx_tensor *nx_io_call_(const nx_tensor *t, const char *name, nx_io_fn *fn, void *ctx, const char *fn_text);
#define nx_io_call(t, name, fn, ctx) nx_io_call_((t), (name), (fn), (ctx), "&" #fn "/1")
#define nx_hook(t, name, fn, ctx) nx_io_call_((t), (name), (fn), (ctx), "&" #fn "/1")

/* print_value: an io_call that prints the value (or fn(value), fn NULL: the value) with
 * nx_inspect's options to out (NULL: stdout) every time it runs, after "label: " when a
 * label is given, as IO.inspect does. */
typedef nx_tensor *nx_value_fn(const nx_tensor *value, void *ctx);
typedef struct nx_print_value_opts {
    const char *label;
    FILE *out;
    nx_value_fn *fn;
    void *ctx;
    nx_inspect_opts inspect;
} nx_print_value_opts;
NX_API nx_tensor *nx_print_value_(const nx_tensor *t, nx_print_value_opts o);
#define nx_print_value(t, ...) nx_print_value_((t), (nx_print_value_opts){ __VA_ARGS__ })

/* Named hooks of one evaluation (jit's `hooks: %{name => fun}`): they override the
 * io_calls of those names, or give a callback to named io_calls that have none. */
typedef struct nx_hook_binding {
    const char *name;
    nx_io_fn *fn;
    void *ctx;
} nx_hook_binding;
typedef struct nx_hooks {
    int n;
    const nx_hook_binding *v;
} nx_hooks;
NX_API nx_tensor *nx_expr_eval_hooks(const nx_tensor *expr, int n, const nx_tensor *const *args, const nx_hooks *hooks);
NX_API nx_tensor *nx_jit_call_hooks(nx_defn_fn *fn, void *ctx, int n, const nx_tensor *const *args,
                                    const nx_hooks *hooks);

/* runtime_call(output_template, data, opts, fun): fn(n, data, nout, out, ctx) computes the
 * nout output leaves from the n data leaves (new tensors, or -1 with an error); each must
 * match its template's type and shape. Eager it runs at once (mismatch: ArgumentError
 * "expected the runtime_call function to match the given output template <t>, got: <r>");
 * traced it records a runtime_call node evaluated each time (mismatch: RuntimeError
 * "expected the runtime_call function to match the given output template"). No gradient
 * flows through it. fn_text and opts_text say how fn and the options print (NULL:
 * "&nx_runtime_fn/2" and "[]"). */
typedef int nx_runtime_fn(int n, const nx_tensor *const *data, int nout, nx_tensor **out, void *ctx);
typedef struct nx_runtime_callback {
    nx_runtime_fn *fn;
    void *ctx;
    const char *fn_text, *opts_text;
} nx_runtime_callback;
NX_API int nx_runtime_call_n(int nout, const nx_tensor *const *templates, int n, const nx_tensor *const *data,
                             const nx_runtime_callback *cb, nx_tensor **out);
NX_API nx_tensor *nx_runtime_call(const nx_tensor *tmpl, const nx_tensor *data, nx_runtime_fn *fn, void *ctx);
/* ---- graph splitting (Nx.Defn.Graph, spec/defn.md §14) ----
 * nx_graph_split cuts the expression outputs[0..nout) into a chain of stages. decide is
 * asked about each node of the root scope in post-order (an expression tensor of that
 * node; never parameters, elem nodes or what is inside cond branches) and returns:
 * NX_SPLIT_BEFORE: the node's computed operands end a stage and become parameters of the
 * rest (nothing happens when they are all parameters already); NX_SPLIT_AFTER: a stage
 * ends right after the node (a tuple-typed cond or while outputs each leaf); NX_SPLIT_BOTH;
 * NX_SPLIT_NONE. It returns -1 to stop with its own error pending (the split then returns
 * NULL); any other value is ArgumentError "Invalid split decision: ...".
 * Each stage has outputs (expressions over its own parameters, numbered from 0 as Nx
 * numbers them) and args: where each parameter comes from, an original argument
 * (stage -1, index = its position) or output `index` of an earlier stage. The last stage
 * outputs what outputs[] did. nx_graph_run runs the stages in order with the evaluator on
 * args[0..nargs) and writes the last stage's outputs into results (one per output). */
typedef enum { NX_SPLIT_NONE = 0, NX_SPLIT_BEFORE, NX_SPLIT_AFTER, NX_SPLIT_BOTH } nx_split_decision;
typedef int nx_split_fn(const nx_tensor *node, void *ctx);
typedef struct nx_stage_arg {
    int stage, index;
} nx_stage_arg;
typedef struct nx_stage {
    int id;                   /* its position in the chain */
    int nout, nargs;
    nx_tensor **outputs;      /* owned by the chain */
    nx_stage_arg *args;
} nx_stage;
typedef struct nx_graph_chain {
    int n;
    nx_stage *stages;
} nx_graph_chain;
/* The op of an expression tensor's node as Nx names it ("parameter", "constant", "sin",
 * "cond", ...); NULL (no error) for a concrete tensor. */
NX_API const char *nx_expr_op(const nx_tensor *t);
NX_API nx_graph_chain *nx_graph_split(int nout, const nx_tensor *const *outputs, nx_split_fn *decide, void *ctx);
NX_API void nx_graph_chain_free(nx_graph_chain *c);
NX_API int nx_graph_run(const nx_graph_chain *c, int nargs, const nx_tensor *const *args, nx_tensor **results);

#endif
