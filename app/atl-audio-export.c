/* atl-audio-export.c: libsndfile encoding behind an atomic temp-file-and-rename write.
 *
 * The encoder gets a file descriptor on an export temp file (atl-export-temp.h); when
 * every frame is in and libsndfile has closed (WAV headers and FLAC/Vorbis trailers are written at close),
 * the descriptor is fsynced, closed, renamed over the final name and the folder fsynced.
 * Any failure on the way unlinks the temporary file. Short writes carry errno (ENOSPC,
 * EFBIG …) into a G_IO_ERROR naming the final path.
 */
#include "atl-audio-export.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sndfile.h>
#include <string.h>
#include <unistd.h>

#include "atl-config.h"
#include "atl-error.h"
#include "atl-export-temp.h"

G_DEFINE_QUARK (atl-audio-export-error-quark, atl_audio_export_error)

#define BLOCK_FRAMES 4096

/* Fills up to n frames into buf and returns how many; 0 at the end. */
typedef gint64 (*AtlPullFunc) (gpointer  user_data,
                               float    *buf,
                               gint64    n);

const char *
atl_audio_format_extension (AtlAudioFormat format)
{
  switch (format)
    {
    case ATL_AUDIO_FORMAT_FLAC:
      return "flac";
    case ATL_AUDIO_FORMAT_OGG:
      return "ogg";
    case ATL_AUDIO_FORMAT_WAV16:
    case ATL_AUDIO_FORMAT_WAV24:
    default:
      return "wav";
    }
}

gboolean
atl_audio_format_from_name (const char *name, AtlAudioFormat *format)
{
  static const struct { const char *name; AtlAudioFormat format; } names[] = {
    { "wav", ATL_AUDIO_FORMAT_WAV16 }, { "wav16", ATL_AUDIO_FORMAT_WAV16 },
    { "wav24", ATL_AUDIO_FORMAT_WAV24 }, { "flac", ATL_AUDIO_FORMAT_FLAC },
    { "ogg", ATL_AUDIO_FORMAT_OGG }, { "vorbis", ATL_AUDIO_FORMAT_OGG },
  };

  for (gsize i = 0; name != NULL && i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (names[i].name, name) == 0)
      {
        *format = names[i].format;
        return TRUE;
      }
  return FALSE;
}

static int
sf_format_of (AtlAudioFormat format)
{
  switch (format)
    {
    case ATL_AUDIO_FORMAT_WAV16:
      return SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    case ATL_AUDIO_FORMAT_WAV24:
      return SF_FORMAT_WAV | SF_FORMAT_PCM_24;
    case ATL_AUDIO_FORMAT_FLAC:
      return SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
    case ATL_AUDIO_FORMAT_OGG:
      return SF_FORMAT_OGG | SF_FORMAT_VORBIS;
    default:
      return 0;
    }
}

static gboolean
set_io_error (GError **error, int errsv, const char *path, const char *what)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
               "Could not %s “%s”: %s", what, path, g_strerror (errsv));
  return FALSE;
}

static void
fsync_folder (const char *dir)
{
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  /* Best effort: the rename is already done, a folder that cannot be opened only loses
   * durability across a power cut, not atomicity. */
  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

static gboolean
write_file (const char          *path,
            AtlAudioFormat       format,
            int                  channels,
            int                  sample_rate,
            const AtlAudioTags  *tags,
            AtlPullFunc          pull,
            gpointer             user_data,
            GError             **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *tmp = atl_export_temp_template (path);
  g_autofree float *buf = NULL;
  g_autofree char *software = g_strdup_printf ("Atelier %s", PACKAGE_VERSION);
  SF_INFO info = { 0 };
  SNDFILE *sf;
  int fd, errsv;
  gint64 n;

  if (format < 0 || format >= ATL_N_AUDIO_FORMATS)
    {
      g_set_error (error, ATL_AUDIO_EXPORT_ERROR, ATL_AUDIO_EXPORT_ERROR_INVALID,
                   "Could not write “%s”: unknown audio format %d", path, (int) format);
      return FALSE;
    }
  info.samplerate = sample_rate;
  info.channels = channels;
  info.format = sf_format_of (format);
  if (!sf_format_check (&info))
    {
      g_set_error (error, ATL_AUDIO_EXPORT_ERROR, ATL_AUDIO_EXPORT_ERROR_INVALID,
                   "Could not write “%s”: %s at %d Hz with %d channels is not supported",
                   path, atl_audio_format_extension (format), sample_rate, channels);
      return FALSE;
    }

  atl_export_temp_sweep (path);
  fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0)
    return set_io_error (error, errno, path, "create a temporary file beside");

  sf = sf_open_fd (fd, SFM_WRITE, &info, FALSE);
  if (sf == NULL)
    {
      g_set_error (error, ATL_AUDIO_EXPORT_ERROR, ATL_AUDIO_EXPORT_ERROR_ENCODER,
                   "Could not write “%s”: %s", path, sf_strerror (NULL));
      goto fail;
    }
  /* Tags go in before the first frame: FLAC and Vorbis write them in the header. */
  if (tags != NULL && tags->title != NULL)
    sf_set_string (sf, SF_STR_TITLE, tags->title);
  if (tags != NULL && tags->artist != NULL)
    sf_set_string (sf, SF_STR_ARTIST, tags->artist);
  if (tags != NULL && tags->comment != NULL)
    sf_set_string (sf, SF_STR_COMMENT, tags->comment);
  sf_set_string (sf, SF_STR_SOFTWARE, software);
  if (format == ATL_AUDIO_FORMAT_OGG)
    {
      double quality = 0.6;

      sf_command (sf, SFC_SET_VBR_ENCODING_QUALITY, &quality, sizeof quality);
    }

  buf = g_new (float, (gsize) BLOCK_FRAMES * channels);
  while ((n = pull (user_data, buf, BLOCK_FRAMES)) > 0)
    {
      errno = 0;
      if (sf_writef_float (sf, buf, n) != n)
        {
          errsv = errno;
          if (errsv != 0)
            set_io_error (error, errsv, path, "write");
          else
            g_set_error (error, ATL_AUDIO_EXPORT_ERROR, ATL_AUDIO_EXPORT_ERROR_ENCODER,
                         "Could not write “%s”: %s", path, sf_strerror (sf));
          sf_close (sf);
          goto fail;
        }
    }
  errno = 0;
  if (sf_close (sf) != 0)
    {
      errsv = errno;
      if (errsv != 0)
        set_io_error (error, errsv, path, "write");
      else
        g_set_error (error, ATL_AUDIO_EXPORT_ERROR, ATL_AUDIO_EXPORT_ERROR_ENCODER,
                     "Could not finish “%s”", path);
      goto fail;
    }
  if (fsync (fd) != 0)
    {
      set_io_error (error, errno, path, "write");
      goto fail;
    }
  if (close (fd) != 0)
    {
      fd = -1;
      set_io_error (error, errno, path, "write");
      goto fail;
    }
  fd = -1;
  if (g_rename (tmp, path) != 0)
    {
      set_io_error (error, errno, path, "rename the finished file to");
      goto fail;
    }
  fsync_folder (dir);
  return TRUE;

fail:
  if (fd >= 0)
    close (fd);
  g_unlink (tmp);
  return FALSE;
}

typedef struct
{
  const float *pcm;
  gint64       left;
  int          channels;
} PcmSource;

static gint64
pull_pcm (gpointer user_data, float *buf, gint64 n)
{
  PcmSource *src = user_data;

  n = MIN (n, src->left);
  memcpy (buf, src->pcm, (gsize) n * src->channels * sizeof (float));
  src->pcm += n * src->channels;
  src->left -= n;
  return n;
}

gboolean
atl_audio_export_pcm (const char          *path,
                      AtlAudioFormat       format,
                      const float         *pcm,
                      gint64               n_frames,
                      int                  channels,
                      int                  sample_rate,
                      const AtlAudioTags  *tags,
                      GError             **error)
{
  PcmSource src = { pcm, n_frames, channels };

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (pcm != NULL || n_frames == 0, FALSE);
  g_return_val_if_fail (channels == 1 || channels == 2, FALSE);

  return write_file (path, format, channels, sample_rate, tags, pull_pcm, &src, error);
}

static gint64
pull_synth (gpointer user_data, float *buf, gint64 n)
{
  return (gint64) atl_synth_render (user_data, buf, (size_t) n);
}

gboolean
atl_audio_export_melody (const char           *path,
                         AtlAudioFormat        format,
                         const AtlMelody      *melody,
                         const AtlSynthParams *params,
                         const AtlAudioTags   *tags,
                         GError              **error)
{
  AtlSynth *synth = NULL;
  AtlMsg msg = { { 0 } };
  AtlStatus status;
  gboolean ok;

  g_return_val_if_fail (path != NULL, FALSE);

  status = atl_synth_new (melody, params, &synth, &msg);
  if (status != ATL_OK)
    {
      g_set_error (error, ATL_AUDIO_EXPORT_ERROR, ATL_AUDIO_EXPORT_ERROR_INVALID,
                   "Could not render “%s”: %s", path, msg.text);
      return FALSE;
    }
  ok = write_file (path, format, params->channels, params->sample_rate, tags, pull_synth,
                   synth, error);
  atl_synth_free (synth);
  return ok;
}
