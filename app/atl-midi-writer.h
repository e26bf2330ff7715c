/* atl-midi-writer.h: melodies as Standard MIDI Files.
 *
 * Type 1, 480 ticks per quarter, two tracks:
 *   conductor  tempo (µs per QUARTER: the synth's tempo, in every metre), time signature
 *              from the metre (x/8 metres click on the dotted quarter: 36 MIDI clocks),
 *              key signature from the tonic and mode, End of Track at the last bar line;
 *   melody     track name, program change for the timbre (pluck → 25 steel-string guitar,
 *              piano → 0, flute → 73, bell → 14 tubular bells; General MIDI, 0-based),
 *              note on/off on channel 1 with the notes' velocities, End of Track.
 * MIDI has only major and minor keys: a dorian or mixolydian melody gets the signature of
 * its parent major scale, flagged minor for dorian (minor third) and major for mixolydian
 * (D dorian → no sharps, "minor"; G mixolydian → no sharps, major).
 * Swing, when the params have it, moves the notes as the synth does.
 */
#pragma once

#include <gio/gio.h>

#include "atl-synth.h"

G_BEGIN_DECLS

#define ATL_MIDI_WRITER_ERROR (atl_midi_writer_error_quark ())
#define ATL_MIDI_TICKS_PER_QUARTER 480

typedef enum
{
  ATL_MIDI_WRITER_ERROR_INVALID,   /* the melody or parameters do not make a MIDI file */
} AtlMidiWriterError;

GQuark   atl_midi_writer_error_quark (void);

/* General MIDI program (0-based) for a timbre. */
int      atl_midi_program_for_timbre (AtlTimbre timbre);
/* Sharps (> 0) or flats (< 0), −7 … 7, and the minor flag of the key signature. */
void     atl_midi_key_signature      (int       tonic,
                                      AtlMode   mode,
                                      int      *sharps,
                                      gboolean *minor);

/* The file's bytes; title (may be NULL) names the melody track. */
GBytes  *atl_midi_writer_build       (const AtlMelody      *melody,
                                      const AtlSynthParams *params,
                                      const char           *title,
                                      GError              **error);
/* Builds and writes atomically (temp file, fsync, rename). */
gboolean atl_midi_writer_write       (const char           *path,
                                      const AtlMelody      *melody,
                                      const AtlSynthParams *params,
                                      const char           *title,
                                      GError              **error);

G_END_DECLS
