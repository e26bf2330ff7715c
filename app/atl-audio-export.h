/* atl-audio-export.h: rendered melodies to audio files (WAV, FLAC, Ogg Vorbis).
 *
 * Encoding goes through libsndfile. A file is written under a hidden temporary name in
 * the target folder, fsynced and renamed over the final name, so the final name only ever
 * holds a complete file: a full disk, a file-size limit or a bad folder leaves nothing
 * behind and reports a GError naming the file.
 */
#pragma once

#include <gio/gio.h>

#include "atl-synth.h"

G_BEGIN_DECLS

#define ATL_AUDIO_EXPORT_ERROR (atl_audio_export_error_quark ())

typedef enum
{
  ATL_AUDIO_EXPORT_ERROR_INVALID,   /* bad melody, parameters or format */
  ATL_AUDIO_EXPORT_ERROR_ENCODER,   /* libsndfile refused (not an I/O error) */
} AtlAudioExportError;

typedef enum
{
  ATL_AUDIO_FORMAT_WAV16,   /* RIFF WAVE, 16-bit PCM */
  ATL_AUDIO_FORMAT_WAV24,   /* RIFF WAVE, 24-bit PCM */
  ATL_AUDIO_FORMAT_FLAC,    /* FLAC, 16-bit */
  ATL_AUDIO_FORMAT_OGG,     /* Ogg Vorbis, quality 0.6 (≈ 160 kb/s stereo) */
  ATL_N_AUDIO_FORMATS
} AtlAudioFormat;

/* Tags written into the file; NULL fields are left out. The software tag is always
 * "Atelier <version>". */
typedef struct
{
  const char *title;
  const char *artist;
  const char *comment;
} AtlAudioTags;

GQuark      atl_audio_export_error_quark (void);

/* "wav", "wav", "flac", "ogg". */
const char *atl_audio_format_extension   (AtlAudioFormat format);
/* "wav"/"wav16", "wav24", "flac", "ogg"/"vorbis"; FALSE when unknown. */
gboolean    atl_audio_format_from_name   (const char     *name,
                                          AtlAudioFormat *format);

/* Writes n_frames interleaved frames of `channels` floats at `sample_rate`. */
gboolean    atl_audio_export_pcm         (const char          *path,
                                          AtlAudioFormat       format,
                                          const float         *pcm,
                                          gint64               n_frames,
                                          int                  channels,
                                          int                  sample_rate,
                                          const AtlAudioTags  *tags,
                                          GError             **error);

/* Renders the melody block by block straight into the file (no whole-song buffer). The
 * file's rate and channels are the params'. */
gboolean    atl_audio_export_melody      (const char           *path,
                                          AtlAudioFormat        format,
                                          const AtlMelody      *melody,
                                          const AtlSynthParams *params,
                                          const AtlAudioTags   *tags,
                                          GError              **error);

G_END_DECLS
