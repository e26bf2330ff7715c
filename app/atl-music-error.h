/* atl-music-error.h: the error domain of the music corpus readers (ABC, MIDI, corpus).
 *
 * Messages name the file, and the line for ABC ("jigs.abc:812: …"), so a bad tune in a
 * folder of thousands is found at once.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ATL_MUSIC_ERROR (atl_music_error_quark ())

typedef enum
{
  ATL_MUSIC_ERROR_PARSE,        /* the text or bytes do not follow the format */
  ATL_MUSIC_ERROR_UNSUPPORTED,  /* well formed, but outside what the codec holds */
  ATL_MUSIC_ERROR_TRUNCATED,    /* a length or offset points past the end */
  ATL_MUSIC_ERROR_RANGE,        /* a pitch, bar count or size is out of range */
  ATL_MUSIC_ERROR_EMPTY,        /* no notes, or no tune */
} AtlMusicError;

GQuark atl_music_error_quark (void);

G_END_DECLS
