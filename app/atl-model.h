/* atl-model.h: a policy bound to its codec, to and from a checkpoint file.
 *
 * A model file is a safetensors checkpoint whose tensors are the policy's parameters under
 * their AtlPolicyTensor names, and whose metadata carry the hyper-parameters, the domain,
 * the codec name and version and the vocabulary. Loading refuses a file made for another
 * codec, codec version or vocabulary, since its token ids would mean something else.
 */
#pragma once

#include <glib.h>

#include "atl-checkpoint.h"
#include "atl-codec.h"
#include "atl-policy.h"

G_BEGIN_DECLS


/* Makes a checkpoint of the policy's current parameters and the codec's description;
 * provenance (nullable) adds free-form metadata (steps, losses, corpus, command). */
AtlCheckpoint *atl_model_to_checkpoint   (AtlPolicy        *policy,
                                          const AtlCodec   *codec,
                                          GHashTable       *provenance,
                                          GError          **error);
/* Builds a policy from a checkpoint made for codec. */
AtlPolicy     *atl_model_from_checkpoint (AtlCheckpoint    *cp,
                                          const AtlCodec   *codec,
                                          GError          **error);

/* File forms of the two; save is atomic. out_sha256 (nullable) gets the file's sha256. */
gboolean       atl_model_save            (AtlPolicy        *policy,
                                          const AtlCodec   *codec,
                                          GHashTable       *provenance,
                                          const char       *path,
                                          char            **out_sha256,
                                          GError          **error);
/* expected_sha256 may be NULL (no verification). */
AtlPolicy     *atl_model_load            (const char       *path,
                                          const char       *expected_sha256,
                                          const AtlCodec   *codec,
                                          GError          **error);

G_END_DECLS
