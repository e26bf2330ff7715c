/* atl-token-set.h: a list of token sequences of varying length, stored flat.
 *
 * What a corpus becomes before training (pretraining windows, a session's imported
 * tunes) and what a batch is drawn from. One array of tokens and one of offsets keep a
 * hundred thousand short sequences in two allocations.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _AtlTokenSet AtlTokenSet;

AtlTokenSet *atl_token_set_new      (void);
void         atl_token_set_free     (AtlTokenSet *set);
void         atl_token_set_add      (AtlTokenSet *set,
                                     const int   *tokens,
                                     guint        len);
guint        atl_token_set_get_size (const AtlTokenSet *set);
/* The i-th sequence, borrowed; its length in out_len. */
const int   *atl_token_set_get      (const AtlTokenSet *set,
                                     guint              i,
                                     guint             *out_len);
/* Total tokens over all sequences, and the longest sequence. */
guint64      atl_token_set_get_n_tokens (const AtlTokenSet *set);
guint        atl_token_set_get_max_len  (const AtlTokenSet *set);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlTokenSet, atl_token_set_free)

G_END_DECLS
