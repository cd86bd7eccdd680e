/* src/io/npz.c: NumPy's .npz archives (spec/formats.md §3.2): Nx.load_numpy_archive!
 * (each member loaded as .npy, named without ".npy") and np.savez / np.savez_compressed. */
#include <string.h>
#include "core/alloc.h"
#include "core/error.h"
#include "nx/scope.h"
#include "io/npy.h"
#include "io/zip.h"

#define NPZ_CORRUPT "unable to parse NumPy archive, it may be corrupted or invalid"

static int load(nxio_reader *r, nx_named_tensors *out)
{
    nxzip_entry *dir;
    int64_t n;
    *out = (nx_named_tensors){ 0 };
    if (nxzip_read_dir(r, NPZ_CORRUPT, &dir, &n) < 0)
        return -1;
    out->names = nxalloc_zeroed((size_t)n + 1, sizeof *out->names);
    out->tensors = nxalloc_zeroed((size_t)n + 1, sizeof *out->tensors);
    int rc = out->names && out->tensors ? 0 : (nxerr_oom((size_t)n * sizeof(void *)), -1);
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        nxzip_member m;
        if (nxzip_open(r, &dir[i], NPZ_CORRUPT, &m) < 0) {
            rc = -1;
            break;
        }
        m.stream->err = NPZ_CORRUPT;
        nx_tensor *t = nxio_npy_read(m.stream);
        if (nxzip_close(&m, t != NULL) < 0 || !t) {
            if (t)
                nx_release(t);
            rc = -1;
            break;
        }
        size_t len = strlen(dir[i].name);
        if (len >= 4 && !strcmp(dir[i].name + len - 4, ".npy"))
            len -= 4;
        out->tensors[i] = t;
        out->n = i + 1;
        if (!(out->names[i] = nxio_strndup(dir[i].name, len)))
            rc = -1;
    }
    nxzip_free_dir(dir, n);
    if (rc < 0)
        nxio_drop(out);
    return rc;
}

int nx_load_numpy_archive(const void *data, size_t len, nx_named_tensors *out)
{
    return nxio_load_mem(load, "nx_load_numpy_archive", data, len, out);
}

int nx_load_numpy_archive_file(const char *path, nx_named_tensors *out)
{
    return nxio_load_file(load, "nx_load_numpy_archive_file", path, out);
}

static int save(const nx_named_tensors *list, const char *path, void **out, size_t *out_len, int level)
{
    if (!list || (list->n > 0 && (!list->names || !list->tensors)))
        return nxerr_set(NX_ARGUMENT_ERROR, "save_numpy_archive: expected a list of named tensors");
    nxio_writer w;
    if (nxio_create(&w, path) < 0)
        return -1;
    nxzip_writer zw;
    nxzip_writer_init(&zw, &w, level);
    int ok = 1;
    for (int64_t i = 0; ok && i < list->n; i++) {
        char header[NXIO_NPY_HEADER_MAX], *name = NULL;
        int64_t bytes;
        int hn = nxio_npy_header(list->tensors[i], header, sizeof header);
        const char *nm = list->names[i];
        if (hn < 0 || !nm) {
            if (hn >= 0)
                nxerr_set(NX_ARGUMENT_ERROR, "save_numpy_archive: tensor %lld has no name", (long long)i);
            ok = 0;
            break;
        }
        size_t len = strlen(nm);
        ok = (name = nx_alloc(len + 5)) != NULL;
        if (!ok) {
            nxerr_oom(len + 5);
            break;
        }
        memcpy(name, nm, len);
        memcpy(name + len, ".npy", 5);
        const void *data = nxio_data(list->tensors[i], &bytes);
        ok = nxzip_begin(&zw, name) == 0 && nxzip_data(&zw, header, hn) == 0 &&
             nxzip_data(&zw, data, bytes) == 0 && nxzip_end(&zw) == 0;
        nx_free(name);
    }
    ok = nxzip_finish(&zw, ok) == 0;
    return nxio_finish(&w, ok, out, out_len);
}

int nx_save_numpy_archive_(const nx_named_tensors *list, void **out, size_t *out_len,
                           nx_save_numpy_archive_opts o)
{
    if (!out)
        return nxerr_set(NX_ARGUMENT_ERROR, "nx_save_numpy_archive: out is NULL");
    return save(list, NULL, out, out_len, o.compressed ? 6 : 0);
}

int nx_save_numpy_archive_file_(const nx_named_tensors *list, const char *path,
                                nx_save_numpy_archive_opts o)
{
    if (!path)
        return nxerr_set(NX_ARGUMENT_ERROR, "nx_save_numpy_archive_file: path is NULL");
    return save(list, path, NULL, NULL, o.compressed ? 6 : 0);
}
