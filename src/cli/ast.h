/* src/cli/ast.h: the syntax tree of the Elixir subset nxc reads (parser*.c builds it,
 * eval.c walks it). Nodes live in the interpreter's arena. */
#ifndef NXI_AST_H
#define NXI_AST_H

#include "cli/value.h"

typedef enum {
    AST_INT,          /* .i */
    AST_FLOAT,        /* .f */
    AST_ATOM,         /* .text: the name without ':' (nil, true, false included) */
    AST_STRING,       /* .text/.len: the bytes after escapes (may contain NUL) */
    AST_CHARLIST,     /* 'abc' or ~c"abc": .text/.len (UTF-8; the evaluator makes code points) */
    AST_VAR,          /* .text: a variable name (also "_" and "_name") */
    AST_ALIAS,        /* .text: a module name as written, "Nx.LinAlg" */
    AST_LIST,         /* .kids[.n]; .tail for [h | t] (else NULL). Keyword items are
                         2-tuples {ATOM, value} */
    AST_TUPLE,        /* .kids[.n] */
    AST_MAP,          /* .kids[.n] pairs as 2-element AST_TUPLE nodes (key, value);
                         .base for %{base | k: v} (else NULL) */
    AST_BITSTRING,    /* .segs[.n] */
    AST_OP,           /* .text: the operator ("+", "==", "|>", "++", "<>", "..", "and", "in",
                         "not in", "**", "&&", "//" ...); .lhs, .rhs. A range with step
                         a..b//c is OP ".." whose .step is c */
    AST_UNARY,        /* .text: "-", "+", "!", "not", "^" (pin), "~~~"; .lhs operand */
    AST_MATCH,        /* .lhs = .rhs */
    AST_CALL,         /* .text: function name; .module: "Nx" / "Nx.LinAlg" / NULL for a local
                         call (or an erlang module as ":math"); .kids[.n] arguments (a trailing
                         keyword list without brackets becomes one AST_LIST argument);
                         .lhs non-NULL for a call on an expression module (rare) */
    AST_ANON_CALL,    /* .lhs.(kids[.n]) */
    AST_DOT,          /* .lhs.text: field access on a map or struct (t.shape) */
    AST_ACCESS,       /* .lhs[.rhs] */
    AST_FN,           /* fn clauses end: .clauses[.n] */
    AST_CAPTURE,      /* &expr: .lhs (&Nx.sum/1 is CAPTURE of OP "/" of a CALL with no
                         arguments and .parens = 0, and an INT) */
    AST_CAPTURE_ARG,  /* &1: .i */
    AST_BLOCK,        /* .kids[.n] evaluated in order; value of the last */
    AST_IF,           /* if/unless: .text "if" or "unless"; .lhs condition; .rhs do-body;
                         .step else-body (or NULL) */
    AST_COND,         /* .clauses[.n]: params[0] is the condition, body */
    AST_CASE,         /* .lhs subject; .clauses[.n]: params[0] pattern, guard, body */
    AST_SIGIL,        /* ~MAT[...]: .text sigil name ("MAT", "VEC", "c", "s", "w"...),
                         .module the raw contents, .len its length, .modifiers */
} nxi_ast_kind;

typedef struct nxi_ast nxi_ast;

typedef struct nxi_clause {
    nxi_ast **params;      /* fn parameters / case pattern / cond condition */
    int nparams;
    nxi_ast *guard;        /* `when` guard or NULL */
    nxi_ast *body;         /* an AST_BLOCK */
} nxi_clause;

/* One segment of <<...>>: value::type-size(n)-unit(u)-signedness-endianness. */
typedef struct nxi_segment {
    nxi_ast *value;
    nxi_ast *size;         /* size expression or NULL (default for the type) */
    const char *type;      /* "integer" (default), "float", "binary"/"bytes", "bits"/"bitstring",
                              "utf8", "utf16", "utf32" */
    int is_signed;         /* 0 unsigned (default), 1 signed */
    int endian;            /* 0 big (default), 1 little, 2 native */
    int unit;              /* 0 when not given */
} nxi_segment;

struct nxi_ast {
    nxi_ast_kind kind;
    int line, col;
    nxi_int i;
    double f;
    const char *text;
    size_t len;
    const char *module;
    const char *modifiers;
    int parens;            /* AST_CALL: written with parentheses */
    nxi_ast *lhs, *rhs, *step, *tail, *base;
    nxi_ast **kids;
    int n;
    nxi_clause *clauses;
    nxi_segment *segs;
};

/* A syntax error, as Elixir reports it: kind "SyntaxError", "TokenMissingError" or
 * "MismatchedDelimiterError"; message text without the "file:line:col: " prefix. */
typedef struct nxi_parse_error {
    const char *kind;
    int line, col;
    char message[512];
    int incomplete;        /* the input ended inside an unfinished expression (the REPL
                              then reads another line) */
} nxi_parse_error;

/* Parses `src` (len bytes, may lack a final newline) into an AST_BLOCK of top-level
 * expressions; NULL with *err filled on a syntax error. Never crashes, whatever the
 * input (nesting is bounded: deep input is a syntax error, not a stack overflow). */
nxi_ast *nxi_parse(const char *src, size_t len, nxi_parse_error *err);

#endif
