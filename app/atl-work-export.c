/* atl-work-export.c: decoding a stored work and handing it to the right exporter. */
#include "atl-work-export.h"

#include <gio/gio.h>
#include <string.h>

#include "atl-art-codec.h"
#include "atl-config.h"
#include "atl-art-export.h"
#include "atl-audio-export.h"
#include "atl-error.h"
#include "atl-midi-writer.h"
#include "atl-music-codec.h"

void
atl_work_export_options_init (AtlWorkExportOptions *options)
{
  memset (options, 0, sizeof *options);
  options->size_px = 1024;
  atl_synth_params_init (&options->synth);
}

const char * const *
atl_work_export_formats (AtlDomain domain)
{
  static const char * const art[] = { "png", "svg", "pdf", NULL };
  static const char * const music[] = { "wav", "flac", "ogg", "wav24", "mid", NULL };

  return domain == ATL_DOMAIN_MUSIC ? music : art;
}

gboolean
atl_parse_key (const char *text,
               int        *out_midi)
{
  static const int letters[7] = { 9, 11, 0, 2, 4, 5, 7 };   /* A … G */
  const char *p = text;
  int pc, octave = 4, midi;
  char c;

  if (text == NULL)
    return FALSE;
  c = g_ascii_toupper (*p);
  if (c < 'A' || c > 'G')
    return FALSE;
  pc = letters[c - 'A'];
  p++;
  if (*p == '#')
    pc++, p++;
  else if (*p == 'b')
    pc--, p++;
  if (*p != '\0')
    {
      char *end = NULL;

      octave = (int) g_ascii_strtoll (p, &end, 10);
      if (end == p || *end != '\0' || octave < 0 || octave > 8)
        return FALSE;
    }
  midi = 12 * (octave + 1) + pc;
  if (midi < 36 || midi > 96)
    return FALSE;
  *out_midi = midi;
  return TRUE;
}

GStrv
atl_work_export_take_render_style (const char * const  *style,
                                   AtlSynthParams      *params,
                                   GError             **error)
{
  g_autoptr(GStrvBuilder) rest = g_strv_builder_new ();

  for (gsize i = 0; style != NULL && style[i] != NULL; i++)
    {
      const char *s = style[i];

      if (g_str_has_prefix (s, "key="))
        {
          if (!atl_parse_key (s + 4, &params->tonic))
            {
              g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                           "Cannot read the key “%s” (try C, F#, Bb3)", s + 4);
              return NULL;
            }
        }
      else if (g_str_has_prefix (s, "tempo="))
        {
          char *end = NULL;
          double tempo = g_ascii_strtod (s + 6, &end);

          if (end == s + 6 || *end != '\0' || tempo < 20 || tempo > 400)
            {
              g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                           "The tempo “%s” is not 20 … 400 quarter notes per minute", s + 6);
              return NULL;
            }
          params->tempo = tempo;
        }
      else if (g_str_has_prefix (s, "timbre="))
        {
          if (!atl_timbre_from_name (s + 7, &params->timbre))
            {
              g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                           "No timbre “%s” (pluck, piano, flute, bell)", s + 7);
              return NULL;
            }
        }
      else
        g_strv_builder_add (rest, s);
    }
  return g_strv_builder_end (rest);
}

static gboolean
engine_error (GError       **error,
              AtlStatus      status,
              const AtlMsg  *msg,
              const AtlWork *work)
{
  atl_set_engine_error (error, status, msg);
  g_prefix_error (error, "Work %" G_GINT64_FORMAT ": ", work->id);
  return FALSE;
}

gboolean
atl_work_export (const AtlWork              *work,
                 const char                 *format,
                 const AtlWorkExportOptions *options,
                 const char                 *path,
                 GError                    **error)
{
  g_autofree char *title = NULL;
  AtlMsg msg = { { 0 } };
  AtlStatus status;

  title = options->title ? g_strdup (options->title)
                         : g_strdup_printf ("%s #%" G_GINT64_FORMAT,
                                            options->session_name ? options->session_name
                                                                  : "Atelier",
                                            work->id);

  if (work->domain == ATL_DOMAIN_ART)
    {
      AtlArtwork art;

      status = atl_art_decode ((const int *) work->tokens, (int) work->n_tokens, &art, &msg);
      if (status != ATL_OK)
        return engine_error (error, status, &msg, work);

      if (g_str_equal (format, "png"))
        {
          g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, work->seed);
          g_autofree char *version = g_strdup_printf ("v%u", options->version);
          const char *text[] = {
            "Title", title,
            "Software", "Atelier " PACKAGE_VERSION,
            "Seed", seed,
            "Session", options->session_name ? options->session_name : "",
            "Model-Version", version,
            NULL
          };

          return atl_art_export_png (&art, options->size_px, text, path, error);
        }
      if (g_str_equal (format, "svg"))
        return atl_art_export_svg (&art, options->size_px, path, error);
      if (g_str_equal (format, "pdf"))
        return atl_art_export_pdf (&art, options->size_px, path, error);
    }
  else
    {
      AtlMelody melody;
      AtlAudioFormat audio;

      status = atl_music_decode ((const int *) work->tokens, (int) work->n_tokens, &melody,
                                 NULL, &msg);
      if (status != ATL_OK)
        return engine_error (error, status, &msg, work);

      if (g_str_equal (format, "mid") || g_str_equal (format, "midi"))
        return atl_midi_writer_write (path, &melody, &options->synth, title, error);
      if (atl_audio_format_from_name (format, &audio))
        {
          g_autofree char *comment = g_strdup_printf ("seed %" G_GUINT64_FORMAT ", model v%u",
                                                      work->seed, options->version);
          AtlAudioTags tags = { .title = title, .artist = options->session_name,
                                .comment = comment };

          return atl_audio_export_melody (path, audio, &melody, &options->synth, &tags, error);
        }
    }

  {
    g_autofree char *formats = g_strjoinv (", ", (char **) atl_work_export_formats (work->domain));

    g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                 "A %s work cannot be written as “%s” (choose one of: %s)",
                 atl_domain_to_string (work->domain), format, formats);
  }
  return FALSE;
}
