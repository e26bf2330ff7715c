/* fuzz-checkpoint.c: libFuzzer target for the safetensors loader and the model builder.
 *
 * The input is a whole checkpoint file. A file the loader accepts must hold what it
 * promises (every tensor's data readable for its numel), and is then offered to both
 * codecs as a model, which reads the hyper-parameters and shapes from the metadata: a
 * forged ctx or d_model must be refused before anything that large is allocated.
 */
#include <glib.h>
#include <stdint.h>

#include "atl-art-codec.h"
#include "atl-checkpoint.h"
#include "atl-engine-autoptr.h"
#include "atl-model.h"
#include "atl-music-codec.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlCheckpoint) cp = NULL;
  const AtlCodec *codecs[] = { atl_music_codec (), atl_art_codec () };
  double sum = 0;

  cp = atl_checkpoint_load_from_data (data, size, "fuzz.safetensors", &error);
  if (cp == NULL)
    {
      g_assert (error != NULL && error->message[0] != '\0');
      return 0;
    }

  for (guint i = 0; i < atl_checkpoint_get_n_tensors (cp); i++)
    {
      const AtlCheckpointTensor *t = atl_checkpoint_get_tensor_at (cp, i);
      gsize numel = 1;

      g_assert_cmpuint (t->n_dims, <=, ATL_CHECKPOINT_MAX_DIMS);
      for (guint d = 0; d < t->n_dims; d++)
        numel *= (gsize) t->shape[d];
      g_assert_cmpuint (numel, ==, t->numel);
      for (gsize k = 0; k < t->numel; k++)
        sum += t->data[k];
      g_assert (atl_checkpoint_lookup (cp, t->name) == t);
    }
  (void) sum;

  for (guint c = 0; c < G_N_ELEMENTS (codecs); c++)
    {
      g_autoptr(GError) model_error = NULL;
      g_autoptr(AtlPolicy) policy = atl_model_from_checkpoint (cp, codecs[c], &model_error);

      g_assert ((policy != NULL) != (model_error != NULL));
    }
  return 0;
}
