/* src/io/safetensors.c: the safetensors format (8-byte little-endian header length, a
 * JSON header read and written through cJSON, then the data): tensors read straight from
 * their slices (which must lie inside the data and not overlap), and files written byte
 * for byte as the `safetensors` Python package writes them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "core/alloc.h"
#include "core/elem.h"
#include "core/error.h"
#include "core/shape.h"
#include "core/tensor.h"
#include "io/io.h"
#include "nx/scope.h"

/* The reference implementation refuses headers past 100 MB. */
#define MAX_HEADER 100000000

/* dtype names in the order of the reference implementation's Dtype enum, which orders
 * the tensors it writes (widest rank first). */
static const struct { const char *name; nx_type type; } dtypes[] = {
    { "BOOL", NX_U8 }, { "U8", NX_U8 }, { "I8", NX_S8 }, { "F8_E5M2", NX_F8 },
    { "F8_E4M3", NX_F8_E4M3FN }, { "I16", NX_S16 }, { "U16", NX_U16 }, { "F16", NX_F16 },
    { "BF16", NX_BF16 }, { "I32", NX_S32 }, { "U32", NX_U32 }, { "F32", NX_F32 },
    { "C64", NX_C64 }, { "F64", NX_F64 }, { "I64", NX_S64 }, { "U64", NX_U64 },
};
#define NDTYPES ((int)(sizeof dtypes / sizeof *dtypes))

static int bad(const char *why, const char *name)
{
    return nxerr_set(NX_ARGUMENT_ERROR, "invalid safetensors file: %s%s%s%s", why,
                     name ? " (tensor \"" : "", name ? name : "", name ? "\")" : "");
}

/* A JSON number that is an integer in [0, 2^53]; -1 otherwise. */
static int64_t json_int(const cJSON *v)
{
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0 && v->valuedouble <= 9007199254740992.0) ||
        v->valuedouble != (double)(int64_t)v->valuedouble)
        return -1;
    return (int64_t)v->valuedouble;
}

typedef struct {
    const cJSON *item;
    nx_type type;
    int rank;
    int64_t dims[NX_MAX_RANK], begin, end;
} entry;

static int by_begin(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    return (x->begin > y->begin) - (x->begin < y->begin);
}

static int parse_entry(const cJSON *item, int64_t data_len, entry *e)
{
    const char *name = item->string;
    const cJSON *dt = cJSON_GetObjectItemCaseSensitive(item, "dtype");
    const cJSON *shape = cJSON_GetObjectItemCaseSensitive(item, "shape");
    const cJSON *off = cJSON_GetObjectItemCaseSensitive(item, "data_offsets");
    if (!cJSON_IsObject(item) || !cJSON_IsString(dt) || !cJSON_IsArray(shape) || !cJSON_IsArray(off) ||
        cJSON_GetArraySize(off) != 2)
        return bad("expected dtype, shape and data_offsets", name);
    e->item = item;
    e->type = NX_TYPE_NONE;
    for (int i = 0; i < NDTYPES; i++)
        if (!strcmp(dt->valuestring, dtypes[i].name))
            e->type = dtypes[i].type;
    if (!e->type)
        return nxerr_set(NX_ARGUMENT_ERROR, "unsupported safetensors dtype: %s (tensor \"%s\")",
                         dt->valuestring, name);
    int rank = cJSON_GetArraySize(shape);
    if (rank > NX_MAX_RANK)
        return bad("too many dimensions", name);
    e->rank = rank;
    for (int i = 0; i < rank; i++)
        if ((e->dims[i] = json_int(cJSON_GetArrayItem(shape, i))) < 0)
            return bad("a dimension is not a non-negative integer", name);
    e->begin = json_int(cJSON_GetArrayItem(off, 0));
    e->end = json_int(cJSON_GetArrayItem(off, 1));
    if (e->begin < 0 || e->end < e->begin || e->end > data_len)
        return bad("data_offsets outside the data", name);
    int64_t size = nxio_count(rank, e->dims);
    if (size == 0)
        return nxerr_set(NX_ARGUMENT_ERROR, "cannot build an empty tensor");
    int64_t bytes = size < 0 ? -1 : nxelem_bytes(e->type, size);
    if (bytes != e->end - e->begin)
        return bad("data_offsets do not match the shape and dtype", name);
    return 0;
}

static int load(nxio_reader *r, nx_named_tensors *out)
{
    unsigned char h8[8];
    *out = (nx_named_tensors){ 0 };
    if (nxio_read_exact(r, h8, 8, "invalid safetensors file: too short") < 0)
        return -1;
    uint64_t hlen = nxio_le64(h8);
    if (hlen > MAX_HEADER || hlen > (uint64_t)r->len - 8)
        return bad("the header length is larger than the file", NULL);
    char *text = nx_alloc((size_t)hlen + 1);
    if (!text)
        return nxerr_oom((size_t)hlen + 1), -1;
    cJSON *root = NULL;
    entry *es = NULL;
    int rc = -1;
    int64_t data_len = r->len - 8 - (int64_t)hlen;
    if (nxio_read_exact(r, text, (int64_t)hlen, "invalid safetensors file: truncated header") < 0)
        goto out;
    text[hlen] = 0;
    root = cJSON_ParseWithLength(text, (size_t)hlen);
    if (!cJSON_IsObject(root)) {
        bad(root ? "the header is not a JSON object" : "the header is not valid JSON", NULL);
        goto out;
    }
    int count = cJSON_GetArraySize(root);
    es = nxalloc_zeroed((size_t)count + 1, sizeof *es);
    out->names = nxalloc_zeroed((size_t)count + 1, sizeof *out->names);
    out->tensors = nxalloc_zeroed((size_t)count + 1, sizeof *out->tensors);
    out->meta_keys = nxalloc_zeroed((size_t)count + 1, sizeof *out->meta_keys);
    out->meta_values = nxalloc_zeroed((size_t)count + 1, sizeof *out->meta_values);
    if (!es || !out->names || !out->tensors || !out->meta_keys || !out->meta_values) {
        nxerr_oom((size_t)count * sizeof *es);
        goto out;
    }
    int n = 0, seen_meta = 0;
    for (const cJSON *item = root->child; item; item = item->next) {
        if (strcmp(item->string, "__metadata__") != 0) {
            if (parse_entry(item, data_len, &es[n++]) < 0)
                goto out;
            continue;
        }
        if (!cJSON_IsObject(item)) {
            bad("__metadata__ is not an object", NULL);
            goto out;
        }
        if (seen_meta++) {   /* a second one would overwrite the first */
            bad("__metadata__ appears twice", NULL);
            goto out;
        }
        int m = cJSON_GetArraySize(item), k = 0;
        char **keys = nxalloc_realloc(out->meta_keys, (size_t)(m + 1) * sizeof *keys);
        if (keys)
            out->meta_keys = keys;
        char **vals = keys ? nxalloc_realloc(out->meta_values, (size_t)(m + 1) * sizeof *vals) : NULL;
        if (!vals) {
            nxerr_oom((size_t)m * sizeof *vals);
            goto out;
        }
        out->meta_values = vals;
        for (const cJSON *kv = item->child; kv; kv = kv->next, k++) {
            if (!cJSON_IsString(kv)) {
                bad("__metadata__ values must be strings", NULL);
                goto out;
            }
            out->meta_keys[k] = nxio_strndup(kv->string, strlen(kv->string));
            out->meta_values[k] = out->meta_keys[k] ? nxio_strndup(kv->valuestring, strlen(kv->valuestring)) : NULL;
            out->n_meta = k + 1;
            if (!out->meta_values[k])
                goto out;
        }
    }
    /* In data order; slices may not overlap, so the tensors never take more memory than
     * the file holds. */
    qsort(es, (size_t)n, sizeof *es, by_begin);
    for (int i = 1; i < n; i++)
        if (es[i].begin < es[i - 1].end) {
            bad("tensors overlap", es[i].item->string);
            goto out;
        }
    for (int i = 0; i < n; i++) {
        const entry *e = &es[i];
        nxio_reader w = nxio_window(r, 8 + (int64_t)hlen + e->begin, e->end - e->begin);
        nx_tensor *t = nxio_read_tensor(&w, e->type, e->rank, e->dims, "invalid safetensors file: truncated data");
        if (!t)
            goto out;
        out->tensors[i] = t;
        out->n = i + 1;
        if (!(out->names[i] = nxio_strndup(e->item->string, strlen(e->item->string))))
            goto out;
    }
    rc = 0;
out:
    cJSON_Delete(root);
    nx_free(es);
    nx_free(text);
    if (rc < 0)
        nxio_drop(out);
    return rc;
}

int nx_load_safetensors(const void *data, size_t len, nx_named_tensors *out)
{
    return nxio_load_mem(load, "nx_load_safetensors", data, len, out);
}

int nx_load_safetensors_file(const char *path, nx_named_tensors *out)
{
    return nxio_load_file(load, "nx_load_safetensors_file", path, out);
}

/* ---------------------------------------------------------------- writing */

static int dtype_rank(nx_type t)
{
    for (int i = NDTYPES - 1; i >= 0; i--)
        if (dtypes[i].type == t)
            return i;
    return -1;
}

/* The reference writer's order: dtype rank descending, then name. */
static int before(const nx_named_tensors *l, int64_t x, int64_t y)
{
    int rx = dtype_rank(l->tensors[x]->type), ry = dtype_rank(l->tensors[y]->type);
    return rx != ry ? rx > ry : strcmp(l->names[x], l->names[y]) < 0;
}

static cJSON *raw_int(int64_t v)
{
    char num[24];
    snprintf(num, sizeof num, "%lld", (long long)v);
    return cJSON_CreateRaw(num);
}

/* The header JSON (unpadded) for the tensors in `order`; NULL with an error. */
static char *header(const nx_named_tensors *l, const int64_t *order)
{
    cJSON *root = cJSON_CreateObject(), *meta = NULL;
    int ok = root != NULL;
    if (ok && l->n_meta > 0) {
        ok = (meta = cJSON_AddObjectToObject(root, "__metadata__")) != NULL;
        for (int64_t i = 0; ok && i < l->n_meta; i++)
            ok = l->meta_keys[i] && l->meta_values[i] &&
                 cJSON_AddStringToObject(meta, l->meta_keys[i], l->meta_values[i]) != NULL;
    }
    int64_t offset = 0;
    for (int64_t k = 0; ok && k < l->n; k++) {
        const nx_tensor *t = l->tensors[order[k]];
        int64_t bytes;
        cJSON *item = cJSON_AddObjectToObject(root, l->names[order[k]]), *shape = NULL;
        ok = item && cJSON_AddStringToObject(item, "dtype", dtypes[dtype_rank(t->type)].name) &&
             (shape = cJSON_AddArrayToObject(item, "shape")) != NULL;
        for (int i = 0; ok && i < t->rank; i++)
            ok = cJSON_AddItemToArray(shape, raw_int(t->dims[i]));
        nxio_data(t, &bytes);
        cJSON *offs = ok ? cJSON_AddArrayToObject(item, "data_offsets") : NULL;
        ok = offs && cJSON_AddItemToArray(offs, raw_int(offset)) && cJSON_AddItemToArray(offs, raw_int(offset + bytes));
        offset += bytes;
    }
    char *s = ok ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    if (!s)
        nxerr_set(NX_MEMORY_ERROR, "could not build the safetensors header");
    return s;
}

static int save(const nx_named_tensors *l, const char *path, void **out, size_t *out_len)
{
    if (!l || (l->n > 0 && (!l->names || !l->tensors)) || (l->n_meta > 0 && (!l->meta_keys || !l->meta_values)))
        return nxerr_set(NX_ARGUMENT_ERROR, "save_safetensors: expected a list of named tensors");
    for (int64_t i = 0; i < l->n; i++) {
        int64_t bytes;
        if (!nxio_data(l->tensors[i], &bytes))
            return -1;
        if (!l->names[i] || !strcmp(l->names[i], "__metadata__"))
            return nxerr_set(NX_ARGUMENT_ERROR, "save_safetensors: tensor %lld has no valid name", (long long)i);
        if (dtype_rank(l->tensors[i]->type) < 0)
            return nxerr_set(NX_ARGUMENT_ERROR, "cannot save a tensor of type %s as safetensors: no such dtype",
                             nx_type_name(l->tensors[i]->type));
        for (int64_t j = 0; j < i; j++)
            if (!strcmp(l->names[i], l->names[j]))
                return nxerr_set(NX_ARGUMENT_ERROR, "save_safetensors: the name \"%s\" is given twice", l->names[i]);
    }
    int64_t *order = nx_alloc((size_t)(l->n + 1) * sizeof *order);
    if (!order)
        return nxerr_oom((size_t)(l->n + 1) * sizeof *order), -1;
    for (int64_t i = 0; i < l->n; i++)
        order[i] = i;
    for (int64_t i = 1; i < l->n; i++)   /* insertion sort: lists are short */
        for (int64_t j = i; j > 0 && before(l, order[j], order[j - 1]); j--) {
            int64_t x = order[j];
            order[j] = order[j - 1];
            order[j - 1] = x;
        }
    char *json = header(l, order);
    nxio_writer w;
    int ok = json && nxio_create(&w, path) == 0, created = ok;
    if (ok) {
        size_t n = strlen(json), padded = (n + 7) / 8 * 8;
        unsigned char h8[8];
        nxio_put_le(h8, padded, 8);
        ok = nxio_write(&w, h8, 8) == 0 && nxio_write(&w, json, (int64_t)n) == 0 &&
             nxio_write(&w, "        ", (int64_t)(padded - n)) == 0;
    }
    for (int64_t k = 0; ok && k < l->n; k++) {
        int64_t bytes;
        const void *data = nxio_data(l->tensors[order[k]], &bytes);
        ok = nxio_write(&w, data, bytes) == 0;
    }
    cJSON_free(json);
    nx_free(order);
    return created ? nxio_finish(&w, ok, out, out_len) : -1;
}

int nx_save_safetensors(const nx_named_tensors *list, void **out, size_t *out_len)
{
    if (!out)
        return nxerr_set(NX_ARGUMENT_ERROR, "nx_save_safetensors: out is NULL");
    return save(list, NULL, out, out_len);
}

int nx_save_safetensors_file(const nx_named_tensors *list, const char *path)
{
    if (!path)
        return nxerr_set(NX_ARGUMENT_ERROR, "nx_save_safetensors_file: path is NULL");
    return save(list, path, NULL, NULL);
}
