/* atl-music-codec.h: the music domain's codec — melodies as token sequences.
 *
 * Token ids (V = 67):
 *   0 PAD   1 BOS   2 EOS
 *   3 …  8  metre     2/4 3/4 4/4 6/8 9/8 12/8          (AtlMetre order)
 *   9 … 12  mode      major minor dorian mixolydian     (AtlMode order)
 *  13 … 16  density   notes per bar, corpus quartiles  (atl_music_density_bucket)
 *  17 … 19  register  mean pitch low / mid / high      (atl_music_register_bucket)
 *  20 … 26  type      jig reel hornpipe waltz slip-jig polka march/other (AtlTuneType)
 *  27 BAR   28 HOLD   29 REST
 *  30 … 66  NOTE(p)   p = −12 … +24 semitones from the tonic
 *
 * A sequence is  BOS metre mode density register type  then 1–8 bars, each  BAR  followed
 * by exactly steps_per_bar(metre) events (one per sixteenth: NOTE starts a note, HOLD
 * continues the sounding note, REST is silence), then EOS. HOLD never follows REST and never
 * opens the melody; it may open a bar (a note tied across the bar line). The longest
 * sequence is 8 bars of 12/8: 1 + 5 + 8·(1 + 24) + 1 = 207 tokens.
 *
 * Velocity is not tokenised: decode gives every note ATL_MUSIC_VELOCITY, and encode
 * ignores it, so tokens → melody → tokens is exact and melody → tokens → melody is exact
 * for melodies at that velocity.
 */
#pragma once

#include "atl-codec.h"
#include "atl-melody.h"

#define ATL_MUSIC_VELOCITY   96
#define ATL_MUSIC_PITCH_MIN  (-12)
#define ATL_MUSIC_PITCH_MAX  24
#define ATL_MUSIC_MAX_BARS   8
#define ATL_MUSIC_PREFIX_LEN 5
#define ATL_MUSIC_MAX_LEN    207

typedef enum
{
  ATL_TUNE_TYPE_JIG,
  ATL_TUNE_TYPE_REEL,
  ATL_TUNE_TYPE_HORNPIPE,
  ATL_TUNE_TYPE_WALTZ,
  ATL_TUNE_TYPE_SLIP_JIG,
  ATL_TUNE_TYPE_POLKA,
  ATL_TUNE_TYPE_OTHER,       /* marches, song tunes, anything else */
  ATL_N_TUNE_TYPES
} AtlTuneType;

#define ATL_MUSIC_N_DENSITY  4
#define ATL_MUSIC_N_REGISTER 3

enum
{
  ATL_MUSIC_TOK_METRE    = 3,
  ATL_MUSIC_TOK_MODE     = ATL_MUSIC_TOK_METRE + ATL_N_METRES,
  ATL_MUSIC_TOK_DENSITY  = ATL_MUSIC_TOK_MODE + ATL_N_MODES,
  ATL_MUSIC_TOK_REGISTER = ATL_MUSIC_TOK_DENSITY + ATL_MUSIC_N_DENSITY,
  ATL_MUSIC_TOK_TYPE     = ATL_MUSIC_TOK_REGISTER + ATL_MUSIC_N_REGISTER,
  ATL_MUSIC_TOK_BAR      = ATL_MUSIC_TOK_TYPE + ATL_N_TUNE_TYPES,
  ATL_MUSIC_TOK_HOLD,
  ATL_MUSIC_TOK_REST,
  ATL_MUSIC_TOK_NOTE,                         /* NOTE(p) = ATL_MUSIC_TOK_NOTE + p + 12 */
  ATL_MUSIC_VOCAB = ATL_MUSIC_TOK_NOTE + ATL_MUSIC_PITCH_MAX - ATL_MUSIC_PITCH_MIN + 1,
};

/* The style a melody is generated or encoded under: the five prefix tokens. */
typedef struct
{
  AtlMetre    metre;
  AtlMode     mode;
  int         density;    /* 0 … 3 */
  int         register_;  /* 0 … 2 */
  AtlTuneType type;
} AtlMusicPrefix;

/* The codec (a static instance; never freed). */
const AtlCodec *atl_music_codec            (void);

const char     *atl_tune_type_name         (AtlTuneType type);
/* Bucket of a melody's notes per bar (quartile thresholds measured on the Nottingham
 * windows, see the .c) and of its mean pitch relative to the tonic (tertiles). */
int             atl_music_density_bucket   (double notes_per_bar);
int             atl_music_register_bucket  (double mean_pitch);
/* The prefix a melody has: its own metre, mode and buckets, and the given type. */
void            atl_music_prefix_of        (const AtlMelody *melody,
                                            AtlTuneType      type,
                                            AtlMusicPrefix  *prefix);

/* tokens (cap) ← BOS prefix bars EOS; *len ← the length. The melody must be well formed:
 * 1–8 bars, notes sorted, not overlapping, pitch in −12 … +24, inside the bars. */
AtlStatus       atl_music_encode           (const AtlMelody      *melody,
                                            const AtlMusicPrefix *prefix,
                                            int                  *tokens,
                                            int                   cap,
                                            int                  *len,
                                            AtlMsg               *msg);
/* melody ← a valid sequence (checked with validate first); prefix may be NULL. */
AtlStatus       atl_music_decode           (const int            *tokens,
                                            int                   len,
                                            AtlMelody            *melody,
                                            AtlMusicPrefix       *prefix,
                                            AtlMsg               *msg);
