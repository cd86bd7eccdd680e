/* src/io/zip.h: ZIP archives as .npz uses them (zip.c): the central directory, members
 * read as streams (stored or deflated, CRC checked), members written stored or deflated. */
#ifndef NXIO_ZIP_H
#define NXIO_ZIP_H

#include "io/io.h"

typedef struct nxzip_entry {
    char *name;
    int method;                 /* 0 stored, 8 deflated */
    uint32_t crc;
    int64_t csize, usize;       /* compressed and uncompressed sizes */
    int64_t local;              /* offset of the local header */
} nxzip_entry;

/* The central directory of the archive r holds (ZIP64 fields included); -1 with an
 * ArgumentError `err` when it is not a readable archive. Free with nxzip_free_dir. */
int nxzip_read_dir(nxio_reader *r, const char *err, nxzip_entry **out, int64_t *n);
void nxzip_free_dir(nxzip_entry *dir, int64_t n);

/* A member being read: `stream` yields its uncompressed bytes. */
typedef struct nxzip_member {
    nxio_reader window, inflate;
    nxio_reader *stream;
    uint32_t crc;
    const char *err;
} nxzip_member;
int nxzip_open(nxio_reader *r, const nxzip_entry *e, const char *err, nxzip_member *m);
/* Checks the CRC (the member must have been read to its end) and frees the member. */
int nxzip_close(nxzip_member *m, int check);

/* Writing: members one after another, then the directory. */
typedef struct nxzip_writer {
    nxio_writer *w;
    nxzip_entry *dir;
    int64_t n, cap;
    int level;                  /* 0: stored; else the deflate level */
    /* the member being written */
    void *z;
    unsigned char *zout;
} nxzip_writer;
void nxzip_writer_init(nxzip_writer *zw, nxio_writer *w, int level);
int nxzip_begin(nxzip_writer *zw, const char *name);
int nxzip_data(nxzip_writer *zw, const void *data, int64_t n);
int nxzip_end(nxzip_writer *zw);
/* Writes the central directory; frees the writer's state (also after a failure). */
int nxzip_finish(nxzip_writer *zw, int ok);

#endif
