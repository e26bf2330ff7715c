/* atl-checkpoint-private.h: what the checkpoint object, its reader and its writer share.
 *
 * The file format (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * u64 N, N bytes of JSON header, then the byte buffer. The header maps each tensor name to
 * {"dtype", "shape", "data_offsets": [begin, end]} (offsets relative to the buffer) and may
 * hold "__metadata__", an object of strings. Atelier stores only F32.
 */
#pragma once

#include "atl-checkpoint.h"

G_BEGIN_DECLS

/* Elements per tensor: a tensor this big could not fit in a file we agree to read. */
#define MAX_NUMEL (ATL_CHECKPOINT_MAX_FILE_SIZE / sizeof (float))
/* One read() or write(), and the staging buffers around them: bounded, whatever the file. */
#define IO_CHUNK (256 * 1024)

struct _AtlCheckpoint
{
  GPtrArray  *tensors;  /* AtlCheckpointTensor *, in file order */
  GHashTable *by_name;  /* name → tensor (borrowed from tensors) */
  GHashTable *meta;     /* key → value, both owned */
  char       *origin;   /* display name of the file it came from, for error messages */
};

/* Sets error with the file's display name in front, and returns FALSE so that a failed
 * check can end in `return _atl_checkpoint_set_error (…)`. */
gboolean    _atl_checkpoint_set_error        (GError              **error,
                                              AtlCheckpointError    code,
                                              const char           *display_name,
                                              const char           *format,
                                              ...) G_GNUC_PRINTF (4, 5);
void        _atl_checkpoint_tensor_free      (gpointer              data);
void        _atl_checkpoint_take_tensor      (AtlCheckpoint        *cp,
                                              AtlCheckpointTensor  *t);
gboolean    _atl_checkpoint_shape_numel      (guint                 n_dims,
                                              const gint64         *shape,
                                              guint64              *out_numel);
const char *_atl_checkpoint_check_plain_json (const char           *text,
                                              gsize                 length);

/* The whole bit pattern decides, so -ffast-math cannot fold the test away. */
static inline gboolean
_atl_checkpoint_bits_are_finite (guint32 bits)
{
  return (bits & 0x7f800000u) != 0x7f800000u;
}

G_END_DECLS
