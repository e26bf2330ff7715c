/* atl-melody.h: a decoded melody, the music domain's Work.
 *
 * Monophonic, on a sixteenth-note grid, pitches relative to the tonic: the key (tonic and
 * octave) and the tempo are render-time controls, so one melody can be played in any key
 * at any speed. The music codec decodes tokens into this; the synthesizer, the MIDI writer
 * and the piano roll read it; the corpus readers produce it.
 */
#pragma once

#include <stdint.h>

#define ATL_MELODY_MAX_NOTES 512

typedef enum
{
  ATL_METRE_2_4,
  ATL_METRE_3_4,
  ATL_METRE_4_4,
  ATL_METRE_6_8,
  ATL_METRE_9_8,
  ATL_METRE_12_8,
  ATL_N_METRES
} AtlMetre;

typedef enum
{
  ATL_MODE_MAJOR,
  ATL_MODE_MINOR,
  ATL_MODE_DORIAN,
  ATL_MODE_MIXOLYDIAN,
  ATL_N_MODES
} AtlMode;

typedef struct
{
  int8_t  pitch;     /* semitones from the tonic, −12 … +24 */
  uint8_t velocity;  /* 1 … 127 */
  int16_t start;     /* in sixteenths from the start of the melody */
  int16_t length;    /* in sixteenths, ≥ 1 */
} AtlNote;

typedef struct
{
  AtlMetre metre;
  AtlMode  mode;
  int      n_bars;          /* whole bars, 1 … 8 */
  int      n_notes;
  AtlNote  notes[ATL_MELODY_MAX_NOTES];   /* sorted by start, never overlapping */
} AtlMelody;

/* Sixteenths per bar of a metre (2/4 → 8, 6/8 → 12, 12/8 → 24). */
int         atl_metre_steps_per_bar (AtlMetre metre);
/* "6/8" etc. */
const char *atl_metre_name          (AtlMetre metre);
const char *atl_mode_name           (AtlMode  mode);
/* Semitone offsets of the mode's seven scale degrees from the tonic. */
const int  *atl_mode_scale          (AtlMode  mode);
