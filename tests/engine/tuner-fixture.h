/* tuner-fixture.h: what the tuner's tests share — small random policies over the music
 * codec (every sample a valid melody under its grammar) and a reward that is a known
 * function of the tokens.
 */
#pragma once

#include <glib.h>

#include "atl-music-codec.h"
#include "atl-tuner.h"

#define L ATL_MUSIC_MAX_LEN

/* Memcheck runs: the tests then run smaller versions of the same checks. */
gboolean   under_valgrind   (void);
/* The music codec's grammar, as an AtlGrammarFunc (user: the codec). */
void       grammar_cb       (void          *user,
                             int            b,
                             const int     *tokens,
                             int            len,
                             unsigned char *allowed);
/* The known taste: the share of notes above the tonic. */
float      above_tonic      (const int     *row,
                             int            len);
/* 8 × above_tonic for every row; user: an int counting the calls. */
AtlStatus  reward_cb        (void          *user,
                             int            B,
                             const int     *tokens,
                             int            stride,
                             const int     *lens,
                             const float   *embed,
                             float         *out,
                             AtlMsg        *msg);
/* The music codec's features, for the diversity probe. */
AtlStatus  features_cb      (void          *user,
                             int            B,
                             const int     *tokens,
                             int            stride,
                             const int     *lens,
                             float         *out,
                             AtlMsg        *msg);
/* A random 2-layer, 32-wide policy over the music vocabulary; a copy of one. */
AtlPolicy *small_policy     (guint64        seed);
AtlPolicy *copy_policy      (AtlPolicy     *src);
/* The two policies' weights are the same to the bit. */
void       assert_same_params (AtlPolicy   *a,
                               AtlPolicy   *b);
/* The default config with the music grammar, smaller under valgrind. */
void       config_for_tests (AtlTunerConfig *config);
