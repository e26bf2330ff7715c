/* atl-model.c: policy parameters ↔ checkpoint tensors, with the codec's identity checked. */
#include "atl-model.h"

#include <string.h>

#include "atl-engine-autoptr.h"
#include "atl-error.h"

static char **
dup_vocabulary (const AtlCodec *codec)
{
  char **names = g_new0 (char *, codec->vocab_size + 1);

  for (int i = 0; i < codec->vocab_size; i++)
    names[i] = g_strdup (codec->token_name (codec, i));
  return names;
}

AtlCheckpoint *
atl_model_to_checkpoint (AtlPolicy       *policy,
                         const AtlCodec  *codec,
                         GHashTable      *provenance,
                         GError         **error)
{
  g_autoptr(AtlCheckpoint) cp = atl_checkpoint_new ();
  const AtlPolicyConfig *config = atl_policy_get_config (policy);
  const float *params = atl_policy_get_params (policy);
  const AtlPolicyTensor *tensors;
  g_auto(GStrv) vocabulary = dup_vocabulary (codec);
  int n_tensors;

  tensors = atl_policy_get_tensors (policy, &n_tensors);
  for (int i = 0; i < n_tensors; i++)
    {
      gint64 shape[2] = { tensors[i].shape[0], tensors[i].shape[1] };

      if (!atl_checkpoint_add_tensor (cp, tensors[i].name, (guint) tensors[i].ndim, shape,
                                      params + tensors[i].offset, error))
        return NULL;
    }

  atl_checkpoint_set_meta_int (cp, ATL_CHECKPOINT_META_VOCAB, config->vocab);
  atl_checkpoint_set_meta_int (cp, ATL_CHECKPOINT_META_CTX, config->ctx);
  atl_checkpoint_set_meta_int (cp, ATL_CHECKPOINT_META_D_MODEL, config->d_model);
  atl_checkpoint_set_meta_int (cp, ATL_CHECKPOINT_META_N_LAYER, config->n_layer);
  atl_checkpoint_set_meta_int (cp, ATL_CHECKPOINT_META_N_HEAD, config->n_head);
  atl_checkpoint_set_meta (cp, ATL_CHECKPOINT_META_DOMAIN, codec->name);
  atl_checkpoint_set_meta (cp, ATL_CHECKPOINT_META_CODEC, codec->name);
  atl_checkpoint_set_meta_int (cp, ATL_CHECKPOINT_META_CODEC_VERSION, codec->version);
  atl_checkpoint_set_meta_strv (cp, ATL_CHECKPOINT_META_VOCABULARY,
                                (const char * const *) vocabulary);

  if (provenance != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, provenance);
      while (g_hash_table_iter_next (&iter, &key, &value))
        atl_checkpoint_set_meta (cp, key, value);
    }
  return g_steal_pointer (&cp);
}

AtlPolicy *
atl_model_from_checkpoint (AtlCheckpoint   *cp,
                           const AtlCodec  *codec,
                           GError         **error)
{
  AtlPolicyConfig config;
  gint64 vocab, ctx, d_model, n_layer, n_head, codec_version;
  const char *codec_name;
  g_auto(GStrv) vocabulary = NULL;
  g_autoptr(AtlPolicy) policy = NULL;
  const AtlPolicyTensor *tensors;
  int n_tensors;
  AtlMsg msg = { { 0 } };
  AtlStatus status;

  codec_name = atl_checkpoint_get_meta_string (cp, ATL_CHECKPOINT_META_CODEC, error);
  if (codec_name == NULL)
    return NULL;
  if (!g_str_equal (codec_name, codec->name))
    {
      g_set_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_MISMATCH,
                   "The model is for the “%s” codec, not “%s”", codec_name, codec->name);
      return NULL;
    }
  if (!atl_checkpoint_get_meta_int (cp, ATL_CHECKPOINT_META_CODEC_VERSION, 0, G_MAXINT,
                                    &codec_version, error))
    return NULL;
  if (codec_version != codec->version)
    {
      g_set_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_MISMATCH,
                   "The model was trained for %s codec version %" G_GINT64_FORMAT
                   ", this Atelier speaks version %d", codec->name, codec_version,
                   codec->version);
      return NULL;
    }

  /* Bounds keep a forged file from asking for an absurd allocation. */
  if (!atl_checkpoint_get_meta_int (cp, ATL_CHECKPOINT_META_VOCAB, 1, 1 << 16, &vocab, error)
      || !atl_checkpoint_get_meta_int (cp, ATL_CHECKPOINT_META_CTX, 1, 1 << 14, &ctx, error)
      || !atl_checkpoint_get_meta_int (cp, ATL_CHECKPOINT_META_D_MODEL, 1, 4096, &d_model,
                                       error)
      || !atl_checkpoint_get_meta_int (cp, ATL_CHECKPOINT_META_N_LAYER, 1, 64, &n_layer,
                                       error)
      || !atl_checkpoint_get_meta_int (cp, ATL_CHECKPOINT_META_N_HEAD, 1, 64, &n_head, error))
    return NULL;
  if (vocab != codec->vocab_size)
    {
      g_set_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_MISMATCH,
                   "The model has %" G_GINT64_FORMAT " tokens, the %s codec %d",
                   vocab, codec->name, codec->vocab_size);
      return NULL;
    }

  vocabulary = atl_checkpoint_dup_meta_strv (cp, ATL_CHECKPOINT_META_VOCABULARY, error);
  if (vocabulary == NULL)
    return NULL;
  if (g_strv_length (vocabulary) != (guint) codec->vocab_size)
    {
      g_set_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_MISMATCH,
                   "The model's vocabulary lists %u tokens, expected %d",
                   g_strv_length (vocabulary), codec->vocab_size);
      return NULL;
    }
  for (int i = 0; i < codec->vocab_size; i++)
    if (!g_str_equal (vocabulary[i], codec->token_name (codec, i)))
      {
        g_set_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_MISMATCH,
                     "The model's token %d is “%s”, the codec's is “%s”", i, vocabulary[i],
                     codec->token_name (codec, i));
        return NULL;
      }

  config = (AtlPolicyConfig) {
    .vocab = (int) vocab, .ctx = (int) ctx, .d_model = (int) d_model,
    .n_layer = (int) n_layer, .n_head = (int) n_head,
  };
  status = atl_policy_new (&config, &policy, &msg);
  if (status != ATL_OK)
    {
      atl_set_engine_error (error, status, &msg);
      return NULL;
    }

  tensors = atl_policy_get_tensors (policy, &n_tensors);
  for (int i = 0; i < n_tensors; i++)
    {
      gint64 shape[2] = { tensors[i].shape[0], tensors[i].shape[1] };
      const float *data = atl_checkpoint_get_tensor (cp, tensors[i].name,
                                                     (guint) tensors[i].ndim, shape, error);

      if (data == NULL)
        return NULL;
      memcpy (atl_policy_get_params (policy) + tensors[i].offset, data,
              tensors[i].numel * sizeof (float));
    }
  if ((int) atl_checkpoint_get_n_tensors (cp) != n_tensors)
    {
      g_set_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_MISMATCH,
                   "The model holds %u tensors, the policy has %d",
                   atl_checkpoint_get_n_tensors (cp), n_tensors);
      return NULL;
    }
  return g_steal_pointer (&policy);
}

gboolean
atl_model_save (AtlPolicy        *policy,
                const AtlCodec   *codec,
                GHashTable       *provenance,
                const char       *path,
                char            **out_sha256,
                GError          **error)
{
  g_autoptr(AtlCheckpoint) cp = atl_model_to_checkpoint (policy, codec, provenance, error);

  if (cp == NULL)
    return FALSE;
  if (out_sha256 != NULL)
    return atl_checkpoint_save_with_sha256 (cp, path, out_sha256, error);
  return atl_checkpoint_save (cp, path, error);
}

AtlPolicy *
atl_model_load (const char      *path,
                const char      *expected_sha256,
                const AtlCodec  *codec,
                GError         **error)
{
  g_autoptr(AtlCheckpoint) cp = NULL;

  if (expected_sha256 != NULL)
    cp = atl_checkpoint_load_verified (path, expected_sha256, error);
  else
    cp = atl_checkpoint_load (path, error);
  if (cp == NULL)
    return NULL;

  {
    g_autoptr(GError) local = NULL;
    AtlPolicy *policy = atl_model_from_checkpoint (cp, codec, &local);

    if (policy == NULL)
      {
        g_autofree char *name = g_filename_display_name (path);

        g_set_error (error, local->domain, local->code, "%s: %s", name, local->message);
      }
    return policy;
  }
}
