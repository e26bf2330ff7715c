/* test-midi-writer.c: SMF export, read back by a real MIDI library (Python's mido, Debian
 * python3-mido) for tempo, time signature, key, program and every note. Without mido the
 * read-back part is skipped; the byte-level checks always run. */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "atl-midi-writer.h"

static const char mido_script[] =
  "import json, sys, mido\n"
  "f = mido.MidiFile(sys.argv[1])\n"
  "out = {'type': f.type, 'tpq': f.ticks_per_beat, 'tracks': len(f.tracks), 'notes': []}\n"
  "for msg in f.tracks[0]:\n"
  "    if msg.type == 'set_tempo': out['tempo'] = msg.tempo\n"
  "    if msg.type == 'time_signature':\n"
  "        out['ts'] = [msg.numerator, msg.denominator, msg.clocks_per_click]\n"
  "    if msg.type == 'key_signature': out['key'] = msg.key\n"
  "t = 0; on = {}\n"
  "for msg in f.tracks[1]:\n"
  "    t += msg.time\n"
  "    if msg.type == 'track_name': out['name'] = msg.name\n"
  "    if msg.type == 'program_change': out['program'] = msg.program\n"
  "    if msg.type == 'note_on' and msg.velocity > 0: on[msg.note] = (t, msg.velocity)\n"
  "    if msg.type == 'note_off' or (msg.type == 'note_on' and msg.velocity == 0):\n"
  "        s, v = on.pop(msg.note)\n"
  "        out['notes'].append([msg.note, s, t - s, v])\n"
  "    if msg.type == 'end_of_track': out['end'] = t\n"
  "print(json.dumps(out))\n";

static const char *
python (void)
{
  /* Debian's interpreter, where python3-mido lives, even when another python3 is first
   * in PATH. */
  return g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE) ? "/usr/bin/python3"
                                                                     : "python3";
}

static gboolean
have_mido (void)
{
  const char *argv[] = { python (), "-c", "import mido", NULL };
  int status = 1;

  return g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH
                       | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                       NULL, NULL, NULL, NULL, &status, NULL)
         && g_spawn_check_wait_status (status, NULL);
}

static JsonObject *
read_with_mido (const char *path, JsonParser *parser)
{
  const char *argv[] = { python (), "-c", mido_script, path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 1;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, &err, &status, &error));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("mido failed on %s: %s", path, err);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  return json_node_get_object (json_parser_get_root (parser));
}

typedef struct
{
  AtlMetre    metre;
  AtlMode     mode;
  int         tonic;
  AtlTimbre   timbre;
  double      tempo;
  const char *key;        /* mido's name for the key signature */
  int         program;
} Case;

static void
make_melody (AtlMelody *m, AtlMetre metre, AtlMode mode)
{
  int bar = atl_metre_steps_per_bar (metre), t = 0, i = 0;
  static const int pitches[] = { 0, 4, 7, 12, -5, 2, 9, 5, 24, -12 };
  static const int lengths[] = { 2, 1, 3, 4, 2, 6, 1, 1, 3, 2 };

  memset (m, 0, sizeof *m);
  m->metre = metre;
  m->mode = mode;
  m->n_bars = 4;
  while (t + lengths[i % 10] <= 4 * bar)
    {
      m->notes[i] = (AtlNote) { .pitch = (int8_t) pitches[i % 10],
                                .velocity = (uint8_t) (60 + 7 * (i % 9)),
                                .start = (int16_t) t, .length = (int16_t) lengths[i % 10] };
      t += lengths[i % 10] + (i % 4 == 3);   /* a rest now and then */
      i++;
    }
  m->n_notes = i;
}

static void
test_key_signatures (void)
{
  struct { int tonic; AtlMode mode; int sharps; gboolean minor; } cases[] = {
    { 60, ATL_MODE_MAJOR, 0, FALSE }, { 67, ATL_MODE_MAJOR, 1, FALSE },
    { 65, ATL_MODE_MAJOR, -1, FALSE }, { 70, ATL_MODE_MAJOR, -2, FALSE },
    { 64, ATL_MODE_MINOR, 1, TRUE }, { 62, ATL_MODE_MINOR, -1, TRUE },
    { 62, ATL_MODE_DORIAN, 0, TRUE }, { 69, ATL_MODE_DORIAN, 1, TRUE },
    { 67, ATL_MODE_MIXOLYDIAN, 0, FALSE }, { 62, ATL_MODE_MIXOLYDIAN, 1, FALSE },
    { 66, ATL_MODE_MAJOR, 6, FALSE }, { 61, ATL_MODE_MAJOR, -5, FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      int sharps;
      gboolean minor;

      atl_midi_key_signature (cases[i].tonic, cases[i].mode, &sharps, &minor);
      g_assert_cmpint (sharps, ==, cases[i].sharps);
      g_assert_cmpint (minor, ==, cases[i].minor);
    }
}

static void
test_round_trip (void)
{
  static const Case cases[] = {
    { ATL_METRE_4_4, ATL_MODE_MAJOR, 60, ATL_TIMBRE_PLUCK, 110.0, "C", 25 },
    { ATL_METRE_6_8, ATL_MODE_MINOR, 57, ATL_TIMBRE_FLUTE, 96.0, "Am", 73 },
    { ATL_METRE_3_4, ATL_MODE_DORIAN, 62, ATL_TIMBRE_BELL, 140.0, "Am", 14 },
    { ATL_METRE_12_8, ATL_MODE_MIXOLYDIAN, 67, ATL_TIMBRE_PIANO, 75.0, "C", 0 },
    { ATL_METRE_2_4, ATL_MODE_MAJOR, 70, ATL_TIMBRE_PIANO, 200.0, "Bb", 0 },
  };
  g_autofree char *dir = g_dir_make_tmp ("atelier-midi-XXXXXX", NULL);
  gboolean mido = have_mido ();

  if (!mido)
    g_test_message ("python3-mido is missing: the read-back checks are skipped");
  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      static AtlMelody m;
      AtlSynthParams p;
      g_autofree char *path = g_strdup_printf ("%s/melody-%zu.mid", dir, c);
      g_autofree char *bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *o;
      JsonArray *notes, *ts;
      gsize len;
      int bar;

      make_melody (&m, cases[c].metre, cases[c].mode);
      atl_synth_params_init (&p);
      p.tonic = cases[c].tonic;
      p.timbre = cases[c].timbre;
      p.tempo = cases[c].tempo;
      g_assert_true (atl_midi_writer_write (path, &m, &p, "Test tune", &error));
      g_assert_no_error (error);

      g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
      g_assert_cmpmem (bytes, 14, "MThd\0\0\0\6\0\1\0\2\1\340", 14);
      g_assert_cmpmem (bytes + len - 3, 3, "\377\057\0", 3);
      if (!mido)
        continue;

      o = read_with_mido (path, parser);
      g_assert_cmpint (json_object_get_int_member (o, "type"), ==, 1);
      g_assert_cmpint (json_object_get_int_member (o, "tpq"), ==, 480);
      g_assert_cmpint (json_object_get_int_member (o, "tracks"), ==, 2);
      g_assert_cmpint (json_object_get_int_member (o, "tempo"), ==,
                       (gint64) (60e6 / cases[c].tempo + 0.5));
      ts = json_object_get_array_member (o, "ts");
      g_assert_cmpint (json_array_get_int_element (ts, 0), ==,
                       (gint64) strtol (atl_metre_name (cases[c].metre), NULL, 10));
      g_assert_cmpint (json_array_get_int_element (ts, 1), ==,
                       cases[c].metre >= ATL_METRE_6_8 ? 8 : 4);
      g_assert_cmpint (json_array_get_int_element (ts, 2), ==,
                       cases[c].metre >= ATL_METRE_6_8 ? 36 : 24);
      g_assert_cmpstr (json_object_get_string_member (o, "key"), ==, cases[c].key);
      g_assert_cmpint (json_object_get_int_member (o, "program"), ==, cases[c].program);
      g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, "Test tune");
      bar = atl_metre_steps_per_bar (cases[c].metre);
      g_assert_cmpint (json_object_get_int_member (o, "end"), ==, 4 * bar * 120);

      notes = json_object_get_array_member (o, "notes");
      g_assert_cmpint (json_array_get_length (notes), ==, m.n_notes);
      for (int i = 0; i < m.n_notes; i++)
        {
          JsonArray *n = json_array_get_array_element (notes, i);

          g_assert_cmpint (json_array_get_int_element (n, 0), ==, p.tonic + m.notes[i].pitch);
          g_assert_cmpint (json_array_get_int_element (n, 1), ==, m.notes[i].start * 120);
          g_assert_cmpint (json_array_get_int_element (n, 2), ==, m.notes[i].length * 120);
          g_assert_cmpint (json_array_get_int_element (n, 3), ==, m.notes[i].velocity);
        }
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
test_errors (void)
{
  static AtlMelody m;
  AtlSynthParams p;
  g_autoptr(GError) error = NULL;

  make_melody (&m, ATL_METRE_4_4, ATL_MODE_MAJOR);
  atl_synth_params_init (&p);
  m.notes[2].pitch = 40;
  g_assert_false (atl_midi_writer_write ("/tmp/never.mid", &m, &p, NULL, &error));
  g_assert_error (error, ATL_MIDI_WRITER_ERROR, ATL_MIDI_WRITER_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "note 2"));
  g_clear_error (&error);

  m.notes[2].pitch = 4;
  g_assert_false (atl_midi_writer_write ("/nonexistent-folder/x.mid", &m, &p, NULL, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_nonnull (strstr (error->message, "/nonexistent-folder/"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/midi-writer/key-signatures", test_key_signatures);
  g_test_add_func ("/app/midi-writer/round-trip", test_round_trip);
  g_test_add_func ("/app/midi-writer/errors", test_errors);
  return g_test_run ();
}
