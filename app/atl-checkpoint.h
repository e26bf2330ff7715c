/* atl-checkpoint.h: model checkpoints on disk, in the safetensors format.
 *
 * A checkpoint is an ordered list of named float tensors (up to four dimensions) plus a
 * string → string metadata table (hyper-parameters, domain, codec, vocabulary, provenance).
 * On disk it is a safetensors file: an 8-byte little-endian header length, a JSON header,
 * then the little-endian f32 data. Loading checks every size, offset, dtype and shape
 * before touching the data, so a truncated or forged file is a GError, never a crash;
 * saving goes through a temp file, fsync and rename, so a failed save (a full disk, a
 * crash) never leaves a partial file under the final name.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ATL_CHECKPOINT_ERROR (atl_checkpoint_error_quark ())

typedef enum
{
  ATL_CHECKPOINT_ERROR_IO,          /* the file could not be opened, read or written */
  ATL_CHECKPOINT_ERROR_CORRUPT,     /* the bytes are not a valid safetensors file */
  ATL_CHECKPOINT_ERROR_UNSUPPORTED, /* valid, but beyond what Atelier reads (dtype, rank) */
  ATL_CHECKPOINT_ERROR_MISMATCH,    /* valid, but not what the caller expected (sha256,
                                     * missing tensor or key, wrong shape) */
} AtlCheckpointError;

GQuark atl_checkpoint_error_quark (void);

/* Highest tensor rank Atelier stores. */
#define ATL_CHECKPOINT_MAX_DIMS 4
/* Safetensors' own limit on the JSON header (the reference implementation's MAX_HEADER_SIZE). */
#define ATL_CHECKPOINT_MAX_HEADER_SIZE (100 * 1000 * 1000)
/* Largest file read into memory: far above our models (a few MB), far below a forged size. */
#define ATL_CHECKPOINT_MAX_FILE_SIZE (G_GUINT64_CONSTANT (4) << 30)

/* The metadata keys Atelier writes; all values are strings, as safetensors requires. */
#define ATL_CHECKPOINT_META_VOCAB         "vocab"          /* vocabulary size */
#define ATL_CHECKPOINT_META_CTX           "ctx"            /* context length */
#define ATL_CHECKPOINT_META_D_MODEL       "d_model"
#define ATL_CHECKPOINT_META_N_LAYER       "n_layer"
#define ATL_CHECKPOINT_META_N_HEAD        "n_head"
#define ATL_CHECKPOINT_META_DOMAIN        "domain"         /* "art" or "music" */
#define ATL_CHECKPOINT_META_CODEC         "codec"          /* codec name */
#define ATL_CHECKPOINT_META_CODEC_VERSION "codec_version"
#define ATL_CHECKPOINT_META_VOCABULARY    "vocabulary"     /* JSON list of token names */
#define ATL_CHECKPOINT_META_STEPS         "steps"          /* provenance: training steps */
#define ATL_CHECKPOINT_META_LOSS          "loss"           /* provenance: last loss */

/* One tensor, owned by its checkpoint; read-only for callers. */
typedef struct
{
  char   *name;
  guint   n_dims;                          /* 0 (a scalar) to ATL_CHECKPOINT_MAX_DIMS */
  gint64  shape[ATL_CHECKPOINT_MAX_DIMS];  /* dims past n_dims are 1 */
  gsize   numel;                           /* product of the dims */
  float  *data;                            /* numel floats, host byte order */
} AtlCheckpointTensor;

typedef struct _AtlCheckpoint AtlCheckpoint;

AtlCheckpoint *atl_checkpoint_new  (void);
void           atl_checkpoint_free (AtlCheckpoint *cp);

/* Tensors, in file order. */

/* Appends a copy of data (numel floats for the given shape). Fails on an empty or
 * duplicate name, a rank above ATL_CHECKPOINT_MAX_DIMS, a negative dim, NaN or Inf. */
gboolean atl_checkpoint_add_tensor (AtlCheckpoint  *cp,
                                    const char     *name,
                                    guint           n_dims,
                                    const gint64   *shape,
                                    const float    *data,
                                    GError        **error);

guint                      atl_checkpoint_get_n_tensors (AtlCheckpoint *cp);
const AtlCheckpointTensor *atl_checkpoint_get_tensor_at (AtlCheckpoint *cp,
                                                         guint          index);
/* NULL when there is no such tensor. */
const AtlCheckpointTensor *atl_checkpoint_lookup        (AtlCheckpoint *cp,
                                                         const char    *name);

/* The tensor's data, checked against the shape the caller expects (n_dims dims);
 * ATL_CHECKPOINT_ERROR_MISMATCH if it is missing or shaped otherwise. Borrowed. */
const float *atl_checkpoint_get_tensor (AtlCheckpoint  *cp,
                                        const char     *name,
                                        guint           n_dims,
                                        const gint64   *expected_shape,
                                        GError        **error);

/* Metadata. */

void atl_checkpoint_set_meta      (AtlCheckpoint *cp,
                                   const char    *key,
                                   const char    *value);
void atl_checkpoint_set_meta_int  (AtlCheckpoint *cp,
                                   const char    *key,
                                   gint64         value);
/* Stores a string list as a JSON array (how the vocabulary travels). */
void atl_checkpoint_set_meta_strv (AtlCheckpoint      *cp,
                                   const char         *key,
                                   const char * const *strv);

/* NULL when missing; never fails. */
const char *atl_checkpoint_lookup_meta     (AtlCheckpoint  *cp,
                                            const char     *key);
/* The sorted keys, owned by the caller. */
GStrv       atl_checkpoint_dup_meta_keys   (AtlCheckpoint  *cp);
/* ATL_CHECKPOINT_ERROR_MISMATCH when missing. Borrowed. */
const char *atl_checkpoint_get_meta_string (AtlCheckpoint  *cp,
                                            const char     *key,
                                            GError        **error);
/* ATL_CHECKPOINT_ERROR_MISMATCH when missing or not a decimal integer in [min, max]. */
gboolean    atl_checkpoint_get_meta_int    (AtlCheckpoint  *cp,
                                            const char     *key,
                                            gint64          min,
                                            gint64          max,
                                            gint64         *out_value,
                                            GError        **error);
/* Decodes a JSON string list; ATL_CHECKPOINT_ERROR_MISMATCH when missing,
 * ATL_CHECKPOINT_ERROR_CORRUPT when not a list of strings. */
GStrv       atl_checkpoint_dup_meta_strv   (AtlCheckpoint  *cp,
                                            const char     *key,
                                            GError        **error);

/* Files. */

/* Parses a whole safetensors file held in memory; display_name names it in errors. */
AtlCheckpoint *atl_checkpoint_load_from_data (const guint8  *data,
                                              gsize          length,
                                              const char    *display_name,
                                              GError       **error);
AtlCheckpoint *atl_checkpoint_load           (const char    *path,
                                              GError       **error);
/* Loads only if the file's sha256 (hex, any case) is expected_sha256; the bytes hashed
 * are the bytes parsed, so the file cannot change in between. */
AtlCheckpoint *atl_checkpoint_load_verified  (const char    *path,
                                              const char    *expected_sha256,
                                              GError       **error);

/* Writes atomically: a temp file beside path, fsync, rename over path, fsync the folder.
 * On failure path is untouched (the old file, if any, stays) and no temp file remains;
 * the one exception is a failed folder sync after the rename, reported because the new
 * file may not survive a power cut. A process with an RLIMIT_FSIZE should ignore SIGXFSZ
 * so that hitting the limit is an error here rather than the end of the process. */
gboolean atl_checkpoint_save             (AtlCheckpoint  *cp,
                                          const char     *path,
                                          GError        **error);
/* The same, also returning the sha256 (lowercase hex) of the bytes written. */
gboolean atl_checkpoint_save_with_sha256 (AtlCheckpoint  *cp,
                                          const char     *path,
                                          char          **out_sha256,
                                          GError        **error);

/* The sha256 of a file as lowercase hex, owned by the caller. */
char *atl_file_sha256 (const char  *path,
                       GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlCheckpoint, atl_checkpoint_free)

G_END_DECLS
