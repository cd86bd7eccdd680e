/* src/cli/lexer.h: the tokens of the Elixir subset nxc reads, and the tokenizer that makes
 * them (lexer*.c). Only the parser and the tests use this; the rest of the interpreter sees
 * the syntax tree (ast.h). */
#ifndef NXI_LEXER_H
#define NXI_LEXER_H

#include <stddef.h>
#include "cli/ast.h"

typedef unsigned __int128 nxi_uint;

typedef enum {
    TK_EOF,          /* always the last token */
    TK_EOL,          /* a line break or ';' that ends an expression (.ival 1 for ';') */
    TK_INT,          /* .ival the magnitude; .big when it does not fit in 128 bits */
    TK_FLOAT,        /* .fval */
    TK_CHAR,         /* ?a: .ival the code point */
    TK_ATOM,         /* :foo, :"foo bar", :+, true, false, nil: .text the name */
    TK_STRING,       /* "..." without interpolation: .text/.len the bytes after escapes */
    TK_CHARLIST,     /* '...' without interpolation: .text/.len (UTF-8) */
    TK_STR_BEGIN,    /* an interpolated string: .ival NXI_STR_*; .match is its TK_STR_END;
                        between them TK_STR_PART and TK_INTERP_OPEN ... TK_INTERP_CLOSE */
    TK_STR_PART,     /* literal bytes between interpolations: .text/.len */
    TK_INTERP_OPEN,  /* #{ : .match is its TK_INTERP_CLOSE */
    TK_INTERP_CLOSE,
    TK_STR_END,
    TK_SIGIL,        /* ~MAT[...]f32: .text the name, .raw/.rawlen the contents, .mods */
    TK_IDENT,        /* .text: a variable or function name (foo, _bar, valid?, run!) */
    TK_ALIAS,        /* .text: one segment of a module name (Nx, LinAlg) */
    TK_KW,           /* a keyword key "foo:" or "\"foo bar\":": .text the key */
    TK_CAPTURE_INT,  /* the '&' of &1 (a TK_INT follows) */
    TK_OP,           /* .text the operator, .op its class */
    TK_LPAREN,       /* brackets: openers have .match, the index of their closer */
    TK_RPAREN,
    TK_LBRACKET,
    TK_RBRACKET,
    TK_LBRACE,
    TK_RBRACE,
    TK_MAP_OPEN,     /* %{ (closed by TK_RBRACE) */
    TK_PERCENT,      /* the % of a struct, %Name{...} */
    TK_BITS_OPEN,    /* << */
    TK_BITS_CLOSE,   /* >> */
    TK_COMMA,
    TK_DOT,
    TK_DO,           /* do (closed by TK_END) */
    TK_END,
    TK_FN,           /* fn (closed by TK_END) */
    TK_BLOCK_KW,     /* else, after, catch, rescue: .text */
} nxi_tok_kind;

/* Operator classes, which decide precedence (parser_expr.c has the table). */
typedef enum {
    OPC_NONE,
    OPC_STAB,        /* -> */
    OPC_PIPE,        /* | */
    OPC_ASSOC,       /* => */
    OPC_TYPE,        /* :: */
    OPC_WHEN,        /* when */
    OPC_IN_MATCH,    /* <- \\ */
    OPC_MATCH,       /* = */
    OPC_OR,          /* || ||| or */
    OPC_AND,         /* && &&& and */
    OPC_COMP,        /* == != =~ === !== */
    OPC_REL,         /* < > <= >= */
    OPC_ARROW,       /* |> <<< >>> <<~ ~>> <~ ~> <~> <|> */
    OPC_IN,          /* in, not in */
    OPC_XOR,         /* ^^^ */
    OPC_TERNARY,     /* // (the step of a range) */
    OPC_CONCAT,      /* ++ -- +++ --- .. <> */
    OPC_DUAL,        /* + - (binary or unary) */
    OPC_MULT,        /* * / */
    OPC_POW,         /* ** */
    OPC_UNARY,       /* ! ^ not ~~~ */
    OPC_AT,          /* @ */
    OPC_CAPTURE,     /* & */
    OPC_ELLIPSIS,    /* ... */
} nxi_op_class;

enum { NXI_STR_STRING, NXI_STR_CHARLIST };

typedef struct nxi_token {
    nxi_tok_kind kind;
    nxi_op_class op;        /* TK_OP */
    int line, col;          /* 1-based, of the first character (columns count code points) */
    int space;              /* whitespace, a comment or a line break comes right before */
    int match;              /* openers: index of the closing token (-1 until closed) */
    const char *src;        /* the token as written in the input (not NUL-terminated) */
    size_t srclen;
    const char *text;       /* NUL-terminated: a name, an operator, a string's bytes */
    size_t len;             /* length of .text (strings may contain NUL bytes) */
    const char *raw;        /* TK_SIGIL: the contents as written */
    size_t rawlen;
    const char *mods;       /* TK_SIGIL: the modifiers after the closing delimiter, or "" */
    nxi_uint ival;          /* TK_INT, TK_CHAR, TK_EOL, TK_STR_BEGIN (see above) */
    int big;                /* TK_INT: the literal needs more than 128 bits */
    double fval;            /* TK_FLOAT */
} nxi_token;

/* Tokenizes src[0..len) into *toks (arena memory; *ntoks tokens, the last TK_EOF).
 * Returns 0, or -1 with *err filled as Elixir reports the problem: an unterminated
 * string or bracket is a TokenMissingError with err->incomplete set; a closer that does
 * not match its opener a MismatchedDelimiterError; anything else a SyntaxError. */
int nxi_lex(const char *src, size_t len, nxi_token **toks, int *ntoks, nxi_parse_error *err);

#endif
