/* atl-synth.h: the built-in synthesizer that turns an AtlMelody into float PCM.
 *
 * A melody holds pitches relative to the tonic on a sixteenth grid; the render parameters
 * say where the tonic sits (a MIDI note), how fast the grid runs, which instrument plays
 * and how loud. The synth is a stream: create it, pull the next N frames as often as the
 * caller likes (the audio player pulls blocks from its feeder thread, the exporter pulls
 * until the end), free it. atl_synth_render_all() is the one-call form.
 *
 * Tempo. `tempo` always counts QUARTER notes per minute, in every metre, so a sixteenth
 * lasts 15 / tempo seconds and a melody sounds at the same speed in 6/8 and in 3/4 at the
 * same tempo. In the compound metres (6/8, 9/8, 12/8) the beat a musician counts is the
 * dotted quarter, which runs at tempo × 2/3 per minute (tempo 120 → ♩. = 80);
 * atl_synth_beat_bpm() gives that figure for display. The MIDI writer writes the same
 * quarter-note tempo (MIDI tempo is always per quarter) and a 36-clock metronome click for
 * the x/8 metres.
 *
 * Swing (simple metres only; ignored in x/8, whose beats already divide in three) delays
 * the off-beat eighth of every quarter by `swing` × an eighth, and the sixteenths around it
 * proportionally: 0 is straight, 1/3 is triplet swing.
 *
 * Sound. Every note is a voice with its own ADSR envelope that starts and ends at zero
 * (ramps ≥ 2 ms), so nothing clicks; a voice's release tail overlaps the next note. The sum
 * goes through a DC blocker and a look-ahead peak limiter (one 64-frame block ahead, 150 ms
 * release), so no output sample ever exceeds ±0.98. Noise (the pluck's burst, the flute's
 * breath) comes from an AtlRng seeded from params->seed: the same inputs give the same
 * samples, bit for bit.
 *
 * Output frames are interleaved; with two channels both carry the same (centred) signal.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "atl-melody.h"
#include "atl-status.h"

typedef enum
{
  ATL_TIMBRE_PLUCK,   /* plucked string: Karplus–Strong with a tuned damping loop */
  ATL_TIMBRE_PIANO,   /* soft piano: stretched, decaying partials, velocity-soft hammer */
  ATL_TIMBRE_FLUTE,   /* flute: near-sine tone, breath noise, delayed vibrato */
  ATL_TIMBRE_BELL,    /* bell: inharmonic partials with long decays */
  ATL_N_TIMBRES
} AtlTimbre;

typedef struct
{
  int       tonic;        /* MIDI note of the tonic (60 = middle C), 36 … 96 */
  double    tempo;        /* quarter notes per minute, 20 … 400 (see above for x/8) */
  AtlTimbre timbre;
  float     gain;         /* linear master gain before the limiter, 0 … 2 */
  float     swing;        /* 0 … 1/3, simple metres only */
  int       sample_rate;  /* 44100 or 48000 */
  int       channels;     /* 1 or 2 */
  uint64_t  seed;         /* for the noise sources */
} AtlSynthParams;

typedef struct AtlSynth AtlSynth;

/* C4, 110 BPM, plucked, gain 0.8, straight, 48 kHz stereo, seed 1. */
void        atl_synth_params_init   (AtlSynthParams *params);
AtlStatus   atl_synth_check_params  (const AtlSynthParams *params,
                                     AtlMsg               *msg);
/* Checks what every reader of a melody relies on: 1 … 64 bars (the codec makes ≤ 8), notes
 * sorted, not overlapping, inside the bars, pitch −12 … +24, velocity 1 … 127, length ≥ 1. */
AtlStatus   atl_synth_check_melody  (const AtlMelody      *melody,
                                     AtlMsg               *msg);

const char *atl_timbre_name         (AtlTimbre   timbre);
/* "pluck", "piano", "flute", "bell" (and a few synonyms); false when unknown. */
bool        atl_timbre_from_name    (const char *name,
                                     AtlTimbre  *timbre);

/* The counted beat per minute: tempo in simple metres, tempo × 2/3 in x/8. */
double      atl_synth_beat_bpm      (AtlMetre    metre,
                                     double      tempo);
/* Seconds from the start of the melody to grid step `step` (swing applied). */
double      atl_synth_step_seconds  (const AtlMelody      *melody,
                                     const AtlSynthParams *params,
                                     int                   step);

/* Frames of a whole render: the bars plus the last release tail. −1 when invalid. */
int64_t     atl_synth_length_frames (const AtlMelody      *melody,
                                     const AtlSynthParams *params);

/* Copies the melody; the caller may free or change its own afterwards. */
AtlStatus   atl_synth_new           (const AtlMelody      *melody,
                                     const AtlSynthParams *params,
                                     AtlSynth            **out,
                                     AtlMsg               *msg);
void        atl_synth_free          (AtlSynth   *synth);

/* Writes up to n_frames interleaved frames and returns how many it wrote; fewer than asked
 * only at the end of a non-looping render, 0 once finished. Never allocates. */
size_t      atl_synth_render        (AtlSynth   *synth,
                                     float      *out,
                                     size_t      n_frames);
/* With loop on, the melody starts again every period (its bars), the previous pass's tails
 * ringing into the next, and the stream never ends. Switching it off lets the current pass
 * finish with its tail. */
void        atl_synth_set_loop      (AtlSynth   *synth,
                                     bool        loop);
bool        atl_synth_finished      (const AtlSynth *synth);
/* Frames written so far. */
int64_t     atl_synth_position      (const AtlSynth *synth);
/* Frames in one pass of the bars (the loop period). */
int64_t     atl_synth_period_frames (const AtlSynth *synth);

/* Renders the whole melody into a new malloc()ed buffer of *n_frames × channels floats. */
AtlStatus   atl_synth_render_all    (const AtlMelody      *melody,
                                     const AtlSynthParams *params,
                                     float               **out,
                                     int64_t              *n_frames,
                                     AtlMsg               *msg);
