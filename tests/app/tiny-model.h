/* tiny-model.h: the small random policies the app tests draw from, train and save in place
 * of the shipped models. Any policy over a domain's vocabulary draws valid works (the
 * grammar sees to that), and one layer of width 16 or 32 keeps a round to a fraction of a
 * second. A fixed seed gives the same weights every run, so what a test checks of them is
 * stable. Header-only (static inline), as store-helpers.h, so each test program stays one
 * file plus this.
 */
#pragma once

#include <glib.h>

#include "atl-domain.h"
#include "atl-engine-autoptr.h"
#include "atl-model.h"

/* A 1-layer, 2-head policy of width d_model over the domain's vocabulary and context,
 * its weights drawn from seed. */
static inline AtlPolicy *
tiny_policy (AtlDomain domain,
             int       d_model,
             guint64   seed)
{
  const AtlCodec *codec = atl_domain_get_codec (domain);
  AtlPolicyConfig config = {
    .vocab = codec->vocab_size, .ctx = codec->max_len, .d_model = d_model, .n_layer = 1,
    .n_head = 2,
  };
  AtlPolicy *policy = NULL;
  AtlMsg msg;
  AtlRng rng;

  if (atl_policy_new (&config, &policy, &msg) != ATL_OK)
    g_error ("tiny policy: %s", msg.text);
  atl_rng_seed (&rng, seed);
  atl_policy_init_weights (policy, &rng);
  return policy;
}

/* Saves policy as dir/file_name; a NULL file_name is "<domain>-base.safetensors", the
 * name the models folder ($ATL_MODELS_DIR) is searched for. Returns the path. */
static inline char *
save_policy (AtlPolicy  *policy,
             AtlDomain   domain,
             const char *dir,
             const char *file_name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base_name = g_strdup_printf ("%s-base.safetensors",
                                                atl_domain_to_string (domain));
  char *path = g_build_filename (dir, file_name != NULL ? file_name : base_name, NULL);
  gboolean saved = atl_model_save (policy, atl_domain_get_codec (domain), NULL, path, NULL,
                                   &error);

  g_assert_no_error (error);
  g_assert_true (saved);
  return path;
}

/* tiny_policy (domain, d_model, seed) saved as save_policy does; returns the path. */
static inline char *
save_tiny_model (AtlDomain   domain,
                 int         d_model,
                 guint64     seed,
                 const char *dir,
                 const char *file_name)
{
  g_autoptr(AtlPolicy) policy = tiny_policy (domain, d_model, seed);

  return save_policy (policy, domain, dir, file_name);
}
