/* atl-generator.h: draws works from a policy, in the codec's grammar, under a style.
 *
 * A style is a list of "key=value" choices for the codec's prefix slots (metre=6/8,
 * mode=dorian, palette=bauhaus, family=ink, …); a slot left open is chosen by the policy
 * itself. Every work has its own seed: the same model, style, temperature and seed give
 * the same work whether it was drawn alone or in a batch of sixteen.
 */
#pragma once

#include <glib.h>

#include "atl-codec.h"
#include "atl-policy.h"
#include "atl-token-set.h"

G_BEGIN_DECLS

typedef struct _AtlGenerator AtlGenerator;

/* The prefix slots a style forces: token id per slot, −1 where the policy chooses. */
typedef struct
{
  int forced[16];   /* [slot], slot 0 is the first token after BOS */
} AtlStylePrefix;

/* Parses "key=value" pairs (NULL-terminated; NULL for none). Keys are the codec's prefix
 * groups (the part of a token name before ':') or their long names (palette, background,
 * family, …). An unknown key or value is an error that lists the choices. */
gboolean      atl_style_prefix_parse (const AtlCodec     *codec,
                                      const char * const *style,
                                      AtlStylePrefix     *out,
                                      GError            **error);

/* The generator borrows policy (and codec), which must outlive it. */
AtlGenerator *atl_generator_new      (AtlPolicy          *policy,
                                      const AtlCodec     *codec,
                                      GError            **error);
void          atl_generator_free     (AtlGenerator       *gen);

/* Draws count works; work i uses seeds[i]. prompt (nullable, starting with BOS) fixes the
 * first tokens of every work ("continue this"); style applies to the prefix slots the
 * prompt leaves open. out_logp_sum (count, nullable) gets each work's total log-probability
 * under the policy. The works are appended to out. */
gboolean      atl_generator_sample   (AtlGenerator         *gen,
                                      const AtlStylePrefix *style,
                                      const int            *prompt,
                                      int                   prompt_len,
                                      int                   count,
                                      const guint64        *seeds,
                                      float                 temperature,
                                      float                 top_p,
                                      AtlTokenSet          *out,
                                      float                *out_logp_sum,
                                      GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlGenerator, atl_generator_free)

G_END_DECLS
