/* atl-cli-render.c: `atelier synth-demo --out DIR [--timbre NAME] [--key C] [--tempo 110]
 * [--rate 48000]` writes a hand-encoded tune as WAV, FLAC, Ogg Vorbis and MIDI, so the
 * synthesizer and the exporters can be heard and checked before a generator exists.
 */
#include "atl-cli-render.h"

#include <errno.h>
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

#include "atl-audio-export.h"
#include "atl-error.h"
#include "atl-midi-writer.h"

void
atl_cli_demo_melody (AtlMelody *m)
{
  /* Scale degrees as semitones from the tonic, lengths in sixteenths (4 = a quarter). */
  static const int pitches[] = { 4, 4, 5, 7,  7, 5, 4, 2,  0, 0, 2, 4,  4, 2, 2,
                                 4, 4, 5, 7,  7, 5, 4, 2,  0, 0, 2, 4,  2, 0, 0 };
  static const int lengths[] = { 4, 4, 4, 4,  4, 4, 4, 4,  4, 4, 4, 4,  6, 2, 8,
                                 4, 4, 4, 4,  4, 4, 4, 4,  4, 4, 4, 4,  6, 2, 8 };
  int t = 0;

  memset (m, 0, sizeof *m);
  m->metre = ATL_METRE_4_4;
  m->mode = ATL_MODE_MAJOR;
  m->n_bars = 8;
  for (gsize i = 0; i < G_N_ELEMENTS (pitches); i++)
    {
      /* Downbeats a little stronger, as a player would. */
      m->notes[i] = (AtlNote) { .pitch = (int8_t) pitches[i],
                                .velocity = t % 16 == 0 ? 104 : t % 4 == 0 ? 88 : 80,
                                .start = (int16_t) t, .length = (int16_t) lengths[i] };
      t += lengths[i];
    }
  m->n_notes = G_N_ELEMENTS (pitches);
}

/* "C", "F#", "Bb", "A3", "c#5" → MIDI note (octave 4 when not given: C → 60). */
static gboolean
parse_key (const char *text, int *midi)
{
  static const int letters[7] = { 9, 11, 0, 2, 4, 5, 7 };   /* A … G */
  const char *p = text;
  int pc, octave = 4;
  char c = g_ascii_toupper (*p);

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
      if (end == p || *end != '\0')
        return FALSE;
    }
  *midi = 12 * (octave + 1) + pc;
  return TRUE;
}

gboolean
atl_cli_synth_demo_cb (int      argc,
                       char   **argv,
                       GError **error)
{
  g_autofree char *out = NULL;
  g_autofree char *timbre_name = NULL;
  g_autofree char *key = NULL;
  double tempo = 110.0;
  int rate = 48000;
  GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "Folder for the files", "DIR" },
    { "timbre", 0, 0, G_OPTION_ARG_STRING, &timbre_name,
      "pluck, piano, flute or bell (default pluck)", "NAME" },
    { "key", 0, 0, G_OPTION_ARG_STRING, &key, "Tonic, e.g. C, F#, Bb3 (default C)", "KEY" },
    { "tempo", 0, 0, G_OPTION_ARG_DOUBLE, &tempo, "Quarter notes per minute (110)", "BPM" },
    { "rate", 0, 0, G_OPTION_ARG_INT, &rate, "44100 or 48000 (default 48000)", "HZ" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— render the demo tune");
  g_autofree char **args = g_new0 (char *, argc + 2);
  static const AtlAudioFormat formats[] = { ATL_AUDIO_FORMAT_WAV16, ATL_AUDIO_FORMAT_FLAC,
                                            ATL_AUDIO_FORMAT_OGG };
  static AtlMelody melody;
  AtlSynthParams params;
  AtlMsg msg = { { 0 } };
  AtlAudioTags tags = { NULL, NULL, NULL };
  g_autofree char *title = NULL;
  int n_args = argc + 1;

  args[0] = (char *) "atelier synth-demo";
  for (int i = 0; i < argc; i++)
    args[i + 1] = argv[i];
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_help_enabled (context, TRUE);
  if (!g_option_context_parse (context, &n_args, &args, error))
    {
      g_prefix_error (error, "synth-demo: ");
      if (*error != NULL)
        (*error)->domain = ATL_CLI_ERROR, (*error)->code = ATL_CLI_ERROR_USAGE;
      return FALSE;
    }
  if (out == NULL)
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "synth-demo: --out DIR is required");
      return FALSE;
    }

  atl_synth_params_init (&params);
  params.tempo = tempo;
  params.sample_rate = rate;
  if (timbre_name != NULL && !atl_timbre_from_name (timbre_name, &params.timbre))
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "synth-demo: no timbre “%s” (pluck, piano, flute, bell)", timbre_name);
      return FALSE;
    }
  if (key != NULL && !parse_key (key, &params.tonic))
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "synth-demo: cannot read the key “%s” (try C, F#, Bb3)", key);
      return FALSE;
    }
  if (atl_synth_check_params (&params, &msg) != ATL_OK)
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE, "synth-demo: %s", msg.text);
      return FALSE;
    }
  if (g_mkdir_with_parents (out, 0755) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Could not create “%s”: %s", out, g_strerror (errsv));
      return FALSE;
    }

  atl_cli_demo_melody (&melody);
  title = g_strdup_printf ("Ode to Joy (%s)", atl_timbre_name (params.timbre));
  tags.title = title;
  tags.artist = "Ludwig van Beethoven, rendered by Atelier";
  tags.comment = "atelier synth-demo";
  for (gsize f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      g_autofree char *name = g_strdup_printf ("demo-%s.%s", atl_timbre_name (params.timbre),
                                               atl_audio_format_extension (formats[f]));
      g_autofree char *path = g_build_filename (out, name, NULL);

      if (!atl_audio_export_melody (path, formats[f], &melody, &params, &tags, error))
        return FALSE;
      printf ("%s\n", path);
    }
  {
    g_autofree char *name = g_strdup_printf ("demo-%s.mid", atl_timbre_name (params.timbre));
    g_autofree char *path = g_build_filename (out, name, NULL);

    if (!atl_midi_writer_write (path, &melody, &params, title, error))
      return FALSE;
    printf ("%s\n", path);
  }
  return TRUE;
}
