/* atl-midi-reader.h: reads a standard MIDI file (type 0 or 1) into one AtlTune.
 *
 * The melody is the track and channel with the most notes (the higher mean pitch breaks a
 * tie; channel 10, drums, never counts), made monophonic (at every sixteenth the highest
 * sounding note wins) and quantised to sixteenths. The first time signature gives the
 * metre (2/4 3/4 4/4 6/8 9/8 12/8, 2/2 read as 4/4; none means 4/4; others are refused), the
 * first key signature the tonic and mode; without one the key is the major or minor scale
 * that holds most of the melody (ties: the one whose tonic ends it).
 *
 * Every length, count and offset is checked against the bytes that are left before it is
 * used: a truncated or forged file gives an error naming the file and the byte offset.
 */
#pragma once

#include <glib.h>

#include "atl-tune.h"

G_BEGIN_DECLS

AtlTune *atl_midi_read_bytes (const char    *name,
                              const guint8  *data,
                              gsize          length,
                              GError       **error);
AtlTune *atl_midi_read_file  (const char    *path,
                              GError       **error);

G_END_DECLS
