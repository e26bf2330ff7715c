/* atl-synth-private.h: the voices behind AtlSynth, shared by atl-synth.c (scheduling,
 * mixing, limiting) and atl-synth-voice.c (the four instruments and the envelope).
 *
 * Dimension legend: K partials of a modal voice (≤ ATL_SYNTH_PARTIALS), N frames in one
 * block (ATL_SYNTH_BLOCK), D the Karplus–Strong delay line (≤ ATL_SYNTH_MAX_DELAY).
 */
#pragma once

#include <stdint.h>

#include "atl-synth.h"

#define ATL_SYNTH_BLOCK      64     /* frames mixed at a time; also the limiter's look-ahead */
#define ATL_SYNTH_PARTIALS   8
#define ATL_SYNTH_MAX_DELAY  2048   /* 44.1 kHz / 2048 ≈ 21.5 Hz, below the lowest note */
#define ATL_SYNTH_TABLE      2048   /* flute wavetable, one period, plus one guard point */

typedef enum
{
  ATL_ENV_ATTACK,
  ATL_ENV_DECAY,
  ATL_ENV_SUSTAIN,
  ATL_ENV_RELEASE,
  ATL_ENV_DONE
} AtlEnvStage;

typedef struct
{
  AtlEnvStage stage;
  float       level;
  float       step;        /* added per frame in the current stage */
  int64_t     left;        /* frames left in the current stage */
  float       sustain;
  int64_t     decay_frames;
  int64_t     release_frames;
  int64_t     off_frame;   /* absolute frame of the note-off */
} AtlEnv;

/* Per-timbre constants: envelope times and output level. */
typedef struct
{
  float attack_s, decay_s, sustain, release_s;
  float level;
} AtlTimbreShape;

typedef struct
{
  AtlTimbre timbre;
  bool      active;
  int64_t   start_frame;   /* absolute */
  float     amp;           /* velocity × timbre level */
  AtlEnv    env;
  uint32_t  noise;         /* xorshift32 state, seeded from the synth's AtlRng */

  /* Modal voices (piano, bell): partial k at block offset n is Im(z[k] · w[k][n]);
   * after a block z[k] advances by w[k][N]. */
  float     zr[ATL_SYNTH_PARTIALS], zi[ATL_SYNTH_PARTIALS];
  float    *wr, *wi;       /* (K, N + 1) each, inside the voice's scratch */
  uint8_t   live[ATL_SYNTH_PARTIALS];   /* the partials still audible */
  int       n_partials;

  /* Karplus–Strong (pluck). */
  float    *delay;         /* (D) inside the scratch */
  int       delay_len, delay_pos;
  float     loop_gain, ap_coef, lp_x1, ap_x1, ap_y1;

  /* Flute. */
  double    phase, phase_inc;
  double    vib_phase;
  int64_t   age;           /* frames since the start */
  float     breath_lp, breath_lp2, breath_hp;

  float    *scratch;       /* owned by the synth's voice pool */
} AtlVoice;

/* Floats of scratch one voice needs for any timbre. */
size_t _atl_voice_scratch_floats   (void);
const AtlTimbreShape *_atl_timbre_shape (AtlTimbre timbre);
/* Fills the flute's one-period wavetable (ATL_SYNTH_TABLE + 1 floats). */
void   _atl_voice_fill_table       (float *table);

/* Starts a note whose first sample is absolute frame `start` and whose note-off is
 * `off`; `offset` is start's index inside the block being rendered. */
void   _atl_voice_start            (AtlVoice   *voice,
                                    AtlTimbre   timbre,
                                    double      freq,
                                    int         velocity,
                                    int64_t     start,
                                    int64_t     off,
                                    int         offset,
                                    int         sample_rate,
                                    uint32_t    noise_seed);
/* Adds the voice's frames [from, N) of the block that starts at absolute frame `frame0`
 * to mix (N); clears voice->active once its release has reached zero. */
void   _atl_voice_render           (AtlVoice    *voice,
                                    const float *table,
                                    int64_t      frame0,
                                    int          from,
                                    int          sample_rate,
                                    float       *mix);
