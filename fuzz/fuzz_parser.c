/* fuzz/fuzz_parser.c: libFuzzer target for the interpreter's lexer and parser
 * (src/cli/lexer*.c, parser*.c). Any input must give a well-formed tree or a well-formed
 * error, in bounded time and stack; the tree is walked to check its invariants, then
 * the arena is dropped.
 *
 * Build (the stub arena below mallocs every allocation, so AddressSanitizer puts a red
 * zone around each node):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -DNXI_FUZZ_ARENA_STUB \
 *       -Iinclude -Isrc fuzz/fuzz_parser.c src/cli/lexer*.c src/cli/parser*.c src/cli/utf8.c \
 *       -o /tmp/fuzz_parser
 *   /tmp/fuzz_parser -max_total_time=300 -max_len=4096 /tmp/parser_corpus fuzz/corpus/parser
 * Without -DNXI_FUZZ_ARENA_STUB, link the interpreter's arena (src/cli/value.c and what
 * it needs) instead. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cli/ast.h"

#ifdef NXI_FUZZ_ARENA_STUB
typedef struct stub_block {
    struct stub_block *next;
    _Alignas(16) unsigned char mem[];
} stub_block;

static stub_block *stub_blocks;

void *nxi_alloc(size_t bytes)
{
    stub_block *b = malloc(sizeof *b + (bytes ? bytes : 1));
    if (!b)
        abort();
    memset(b->mem, 0, bytes ? bytes : 1);
    b->next = stub_blocks;
    stub_blocks = b;
    return b->mem;
}

char *nxi_strndup(const char *s, size_t n)
{
    char *d = nxi_alloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *nxi_strdup(const char *s)
{
    return nxi_strndup(s, strlen(s));
}

void nxi_arena_reset(void)
{
    while (stub_blocks) {
        stub_block *next = stub_blocks->next;
        free(stub_blocks);
        stub_blocks = next;
    }
}
#endif

#define CHECK(cond) \
    do { \
        if (!(cond)) \
            abort(); \
    } while (0)

static void check_tree(const nxi_ast *a, int depth);

static void check_block(const nxi_ast *a, int depth)
{
    CHECK(a && a->kind == AST_BLOCK);
    check_tree(a, depth);
}

static void check_clauses(const nxi_clause *c, int n, int depth)
{
    CHECK(n >= 0 && (n == 0 || c));
    for (int i = 0; i < n; i++) {
        CHECK(c[i].nparams >= 0 && (c[i].nparams == 0 || c[i].params));
        for (int j = 0; j < c[i].nparams; j++)
            check_tree(c[i].params[j], depth + 1);
        if (c[i].guard)
            check_tree(c[i].guard, depth + 1);
        check_block(c[i].body, depth + 1);
    }
}

/* Every node reachable, every field the evaluator reads present; depth stays bounded. */
static void check_tree(const nxi_ast *a, int depth)
{
    CHECK(a);
    CHECK(depth < 20000);
    CHECK(a->line >= 1 && a->col >= 1);
    CHECK(a->n >= 0 && (a->n == 0 || a->kids || a->clauses || a->segs));
    switch (a->kind) {
    case AST_INT: case AST_FLOAT: case AST_CAPTURE_ARG:
        break;
    case AST_ATOM:          /* :"" is an atom too */
        CHECK(a->text);
        break;
    case AST_VAR: case AST_ALIAS:
        CHECK(a->text && a->text[0]);
        break;
    case AST_STRING: case AST_CHARLIST:
        CHECK(a->text && a->text[a->len] == '\0');
        break;
    case AST_LIST: case AST_TUPLE: case AST_BLOCK: case AST_MAP:
        for (int i = 0; i < a->n; i++) {
            check_tree(a->kids[i], depth + 1);
            if (a->kind == AST_MAP)
                CHECK(a->kids[i]->kind == AST_TUPLE && a->kids[i]->n == 2);
        }
        if (a->tail)
            check_tree(a->tail, depth + 1);
        if (a->base)
            check_tree(a->base, depth + 1);
        break;
    case AST_BITSTRING:
        for (int i = 0; i < a->n; i++) {
            check_tree(a->segs[i].value, depth + 1);
            CHECK(a->segs[i].type);
            if (a->segs[i].size)
                check_tree(a->segs[i].size, depth + 1);
        }
        break;
    case AST_OP: case AST_MATCH:
        CHECK(a->kind == AST_MATCH || a->text);
        check_tree(a->lhs, depth + 1);
        check_tree(a->rhs, depth + 1);
        if (a->step)
            check_tree(a->step, depth + 1);
        break;
    case AST_UNARY: case AST_CAPTURE:
        CHECK(a->kind == AST_CAPTURE || a->text);
        check_tree(a->lhs, depth + 1);
        break;
    case AST_CALL: case AST_ANON_CALL:
        CHECK(a->kind == AST_ANON_CALL || (a->text && a->text[0]));
        for (int i = 0; i < a->n; i++)
            check_tree(a->kids[i], depth + 1);
        if (a->lhs)
            check_tree(a->lhs, depth + 1);
        CHECK(a->kind == AST_CALL || a->lhs);
        break;
    case AST_DOT:
        CHECK(a->text);
        check_tree(a->lhs, depth + 1);
        break;
    case AST_ACCESS:
        check_tree(a->lhs, depth + 1);
        check_tree(a->rhs, depth + 1);
        break;
    case AST_FN:
        CHECK(a->n > 0);
        check_clauses(a->clauses, a->n, depth);
        break;
    case AST_COND: case AST_CASE:
        check_clauses(a->clauses, a->n, depth);
        for (int i = 0; i < a->n; i++)
            CHECK(a->clauses[i].nparams == 1);
        if (a->kind == AST_CASE)
            check_tree(a->lhs, depth + 1);
        break;
    case AST_IF:
        CHECK(a->text);
        check_tree(a->lhs, depth + 1);
        check_tree(a->rhs, depth + 1);
        if (a->step)
            check_tree(a->step, depth + 1);
        break;
    case AST_SIGIL:
        CHECK(a->text && a->module && a->modifiers && a->module[a->len] == '\0');
        break;
    default:
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nxi_parse_error err;
    nxi_ast *a = nxi_parse((const char *)data, size, &err);
    if (a) {
        check_block(a, 0);
    } else {
        CHECK(err.kind && err.message[0]);
        CHECK(memchr(err.message, '\0', sizeof err.message));
        CHECK(err.line >= 1 && err.col >= 1);
        CHECK(err.incomplete == (strcmp(err.kind, "TokenMissingError") == 0));
    }
    nxi_arena_reset();
    return 0;
}
