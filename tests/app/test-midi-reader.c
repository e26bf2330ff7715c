/* test-midi-reader.c: the MIDI reader on files built byte by byte here — type 0 and 1,
 * running status, meta and SysEx events, the melody choice, monophony — and on broken
 * ones: truncated at every length, forged lengths, bad numbers.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "atl-midi-reader.h"
#include "atl-music-error.h"

#define DIVISION 96   /* ticks per quarter: a sixteenth is 24 */

static void
put (GByteArray *b,
     int         n,
     ...)
{
  va_list ap;

  va_start (ap, n);
  for (int i = 0; i < n; i++)
    {
      guint8 v = (guint8) va_arg (ap, int);

      g_byte_array_append (b, &v, 1);
    }
  va_end (ap);
}

static void
put_be (GByteArray *b,
        guint32     v,
        int         n)
{
  for (int i = n - 1; i >= 0; i--)
    put (b, 1, (int) ((v >> (8 * i)) & 0xff));
}

static GByteArray *
header (int format,
        int n_tracks,
        int division)
{
  GByteArray *b = g_byte_array_new ();

  g_byte_array_append (b, (const guint8 *) "MThd", 4);
  put_be (b, 6, 4);
  put_be (b, (guint32) format, 2);
  put_be (b, (guint32) n_tracks, 2);
  put_be (b, (guint32) division, 2);
  return b;
}

/* Appends an MTrk chunk holding `events` (end-of-track added). */
static void
track (GByteArray *file,
       GByteArray *events)
{
  put (events, 4, 0x00, 0xff, 0x2f, 0x00);
  g_byte_array_append (file, (const guint8 *) "MTrk", 4);
  put_be (file, events->len, 4);
  g_byte_array_append (file, events->data, events->len);
  g_byte_array_unref (events);
}

/* A note of `steps` sixteenths on channel ch, after `rest` sixteenths of silence. */
static void
note (GByteArray *t,
      int         ch,
      int         pitch,
      int         rest,
      int         steps)
{
  int delta = rest * 24;

  /* Deltas below 128 fit one byte; longer ones take two. */
  if (delta >= 128)
    put (t, 2, 0x80 | (delta >> 7), delta & 0x7f);
  else
    put (t, 1, delta);
  put (t, 3, 0x90 | ch, pitch, 80);
  delta = steps * 24;
  if (delta >= 128)
    put (t, 2, 0x80 | (delta >> 7), delta & 0x7f);
  else
    put (t, 1, delta);
  put (t, 3, 0x80 | ch, pitch, 0);
}

static AtlTune *
read_bytes (GByteArray *b,
            GError    **error)
{
  return atl_midi_read_bytes ("test.mid", b->data, b->len, error);
}

static char *
notes_string (const AtlTune *tune)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < tune->notes->len; i++)
    {
      const AtlTuneNote *n = &g_array_index (tune->notes, AtlTuneNote, i);

      g_string_append_printf (s, "%s%d:%d:%d", i > 0 ? " " : "", n->pitch, n->start, n->length);
    }
  return g_string_free (s, FALSE);
}

/* Type 0: tempo, 6/8, G major, a SysEx, running status with note-on velocity 0 as off. */
static GByteArray *
type0 (void)
{
  GByteArray *f = header (0, 1, DIVISION);
  GByteArray *t = g_byte_array_new ();

  put (t, 7, 0x00, 0xff, 0x51, 0x03, 0x07, 0xa1, 0x20);             /* tempo 500000 */
  put (t, 8, 0x00, 0xff, 0x58, 0x04, 6, 3, 24, 8);                  /* 6/8 */
  put (t, 6, 0x00, 0xff, 0x59, 0x02, 1, 0);                         /* G major */
  put (t, 6, 0x00, 0xf0, 0x03, 0x43, 0x12, 0xf7);                   /* SysEx */
  put (t, 4, 0x00, 0x90, 67, 90);                                   /* G on */
  put (t, 3, 48, 67, 0);                                            /* running: off */
  put (t, 3, 0, 71, 90);                                            /* B on */
  put (t, 3, 24, 71, 0);
  put (t, 3, 24, 74, 90);                                           /* rest, D on */
  put (t, 4, 0x81, 0x10, 74, 0);                                    /* 144 ticks */
  track (f, t);
  return f;
}

static void
test_type0 (void)
{
  g_autoptr(GByteArray) f = type0 ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlTune) tune = read_bytes (f, &error);
  g_autofree char *notes = NULL;

  g_assert_no_error (error);
  notes = notes_string (tune);
  g_assert_cmpstr (notes, ==, "67:0:2 71:2:1 74:4:6");
  g_assert_cmpint (tune->metre, ==, ATL_METRE_6_8);
  g_assert_cmpint (tune->tonic, ==, 7);
  g_assert_cmpint (tune->mode, ==, ATL_MODE_MAJOR);
  g_assert_cmpuint (tune->bars->len, ==, 1);
  g_assert_cmpstr (tune->title, ==, "test.mid");
}

/* Type 1: a conductor track (3/4, C minor, a name), a bass, a melody with a chord, drums. */
static GByteArray *
type1 (void)
{
  GByteArray *f = header (1, 4, DIVISION);
  GByteArray *t = g_byte_array_new ();

  put (t, 8, 0x00, 0xff, 0x58, 0x04, 3, 2, 24, 8);
  put (t, 6, 0x00, 0xff, 0x59, 0x02, 0xfd, 1);                     /* 3 flats, minor */
  put (t, 8, 0x00, 0xff, 0x03, 0x04, 'S', 'o', 'n', 'g');
  track (f, t);

  t = g_byte_array_new ();                                          /* bass: 3 notes */
  note (t, 1, 36, 0, 4);
  note (t, 1, 43, 0, 4);
  note (t, 1, 36, 0, 4);
  track (f, t);

  t = g_byte_array_new ();                                          /* melody: 4 notes … */
  note (t, 0, 72, 0, 2);
  note (t, 0, 75, 0, 2);
  /* … plus a chord: 67 and 79 together, the higher wins; 67 outlasts it. */
  put (t, 4, 0x00, 0x90, 67, 80);
  put (t, 3, 0x00, 79, 80);
  put (t, 3, 48, 79, 0);
  put (t, 3, 24, 67, 0);
  track (f, t);

  t = g_byte_array_new ();                                          /* drums: 8 notes */
  for (int i = 0; i < 8; i++)
    note (t, 9, 38, 0, 1);
  track (f, t);
  return f;
}

static void
test_type1 (void)
{
  g_autoptr(GByteArray) f = type1 ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlTune) tune = read_bytes (f, &error);
  g_autofree char *notes = NULL;

  g_assert_no_error (error);
  notes = notes_string (tune);
  /* 79 over steps 4–5, then 67 (still held) takes over at step 6 for one step. */
  g_assert_cmpstr (notes, ==, "72:0:2 75:2:2 79:4:2 67:6:1");
  g_assert_cmpint (tune->metre, ==, ATL_METRE_3_4);
  g_assert_cmpint (tune->tonic, ==, 0);
  g_assert_cmpint (tune->mode, ==, ATL_MODE_MINOR);
  g_assert_cmpstr (tune->title, ==, "Song");
  g_assert_cmpint (tune->number, ==, 2);
  g_assert_cmpuint (tune->bars->len, ==, 1);
}

/* Equal note counts: the higher line wins; no key signature: the key is guessed. */
static void
test_tie_break_and_key_guess (void)
{
  g_autoptr(GByteArray) f = header (1, 2, DIVISION);
  GByteArray *t = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlTune) tune = NULL;
  static const int low[] = { 45, 48, 52, 45 }, high[] = { 69, 72, 76, 74, 72, 71, 69 };

  for (gsize i = 0; i < G_N_ELEMENTS (high); i++)
    note (t, 2, low[i % 4], 0, 4);
  track (f, t);
  t = g_byte_array_new ();
  for (gsize i = 0; i < G_N_ELEMENTS (high); i++)
    note (t, 3, high[i], 0, 4);
  track (f, t);
  tune = read_bytes (f, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_array_index (tune->notes, AtlTuneNote, 0).pitch, ==, 69);
  g_assert_cmpint (tune->metre, ==, ATL_METRE_4_4);   /* no time signature */
  g_assert_cmpint (tune->tonic, ==, 9);               /* A minor: ends on A */
  g_assert_cmpint (tune->mode, ==, ATL_MODE_MINOR);
  g_assert_cmpuint (tune->bars->len, ==, 2);          /* 28 sixteenths → 2 bars */
}

static void
test_errors (void)
{
  struct { const char *name; GByteArray *bytes; int code; const char *message; } cases[12];
  int n = 0;
  GByteArray *b, *t;

  b = g_byte_array_new ();
  g_byte_array_append (b, (const guint8 *) "RIFF0000000000", 14);
  cases[n++] = (typeof (cases[0])) { "not SMF", b, ATL_MUSIC_ERROR_PARSE, "*no MThd*" };

  cases[n++] = (typeof (cases[0])) { "format 2", header (2, 0, 96), ATL_MUSIC_ERROR_UNSUPPORTED,
                                     "*format 2*" };
  cases[n++] = (typeof (cases[0])) { "SMPTE", header (0, 0, 0xe728), ATL_MUSIC_ERROR_UNSUPPORTED,
                                     "*time division*" };

  b = header (0, 1, 96);                                            /* forged track length */
  g_byte_array_append (b, (const guint8 *) "MTrk", 4);
  put_be (b, 0x7fffffff, 4);
  put (b, 4, 0x00, 0x90, 60, 64);
  cases[n++] = (typeof (cases[0])) { "forged track length", b, ATL_MUSIC_ERROR_TRUNCATED,
                                     "test.mid: byte 22: a track chunk needs 2147483647*" };

  b = header (0, 1, 96);                                            /* 5-byte VLQ */
  t = g_byte_array_new ();
  put (t, 5, 0xff, 0xff, 0xff, 0xff, 0x7f);
  track (b, t);
  cases[n++] = (typeof (cases[0])) { "long VLQ", b, ATL_MUSIC_ERROR_PARSE,
                                     "*longer than 4 bytes*" };

  b = header (0, 1, 96);                                            /* running status */
  t = g_byte_array_new ();
  put (t, 3, 0x00, 60, 64);
  track (b, t);
  cases[n++] = (typeof (cases[0])) { "no status", b, ATL_MUSIC_ERROR_PARSE,
                                     "*running status with no status*" };

  b = header (0, 1, 96);                                            /* forged meta length */
  t = g_byte_array_new ();
  put (t, 7, 0x00, 0xff, 0x03, 0x8f, 0xff, 0xff, 0x7f);
  track (b, t);
  cases[n++] = (typeof (cases[0])) { "forged meta length", b, ATL_MUSIC_ERROR_TRUNCATED,
                                     "*a meta event needs*" };

  b = header (0, 1, 96);                                            /* data byte ≥ 0x80 */
  t = g_byte_array_new ();
  put (t, 4, 0x00, 0x90, 0xc0, 64);
  track (b, t);
  cases[n++] = (typeof (cases[0])) { "bad data byte", b, ATL_MUSIC_ERROR_PARSE, "*top bit*" };

  b = header (1, 3, 96);                                            /* missing tracks */
  t = g_byte_array_new ();
  note (t, 0, 60, 0, 4);
  track (b, t);
  cases[n++] = (typeof (cases[0])) { "missing tracks", b, ATL_MUSIC_ERROR_TRUNCATED,
                                     "*promises 3 tracks*holds 1" };

  b = header (0, 1, 96);                                            /* 5/4 */
  t = g_byte_array_new ();
  put (t, 8, 0x00, 0xff, 0x58, 0x04, 5, 2, 24, 8);
  note (t, 0, 60, 0, 4);
  track (b, t);
  cases[n++] = (typeof (cases[0])) { "5/4", b, ATL_MUSIC_ERROR_UNSUPPORTED,
                                     "*time signature 5/4*" };

  b = header (0, 1, 96);                                            /* drums only */
  t = g_byte_array_new ();
  note (t, 9, 38, 0, 4);
  track (b, t);
  cases[n++] = (typeof (cases[0])) { "drums only", b, ATL_MUSIC_ERROR_EMPTY, "*drum channel*" };

  cases[n++] = (typeof (cases[0])) { "short header", g_byte_array_new (),
                                     ATL_MUSIC_ERROR_TRUNCATED, "*MThd header needs 14*" };

  for (int c = 0; c < n; c++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AtlTune) tune = read_bytes (cases[c].bytes, &error);

      g_test_message ("%s: %s", cases[c].name, error != NULL ? error->message : "no error");
      g_assert_null (tune);
      g_assert_error (error, ATL_MUSIC_ERROR, cases[c].code);
      if (!g_pattern_match_simple (cases[c].message, error->message))
        g_error ("“%s” does not match “%s”", error->message, cases[c].message);
      g_byte_array_unref (cases[c].bytes);
    }
}

/* Every prefix of a valid file, and random byte flips: a tune or an error, never a crash. */
static void
test_truncated_and_fuzzed (void)
{
  g_autoptr(GByteArray) f = type1 ();
  GRand *rand = g_rand_new_with_seed (11);

  for (guint len = 0; len < f->len; len++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AtlTune) tune = atl_midi_read_bytes ("cut.mid", f->data, len, &error);

      g_assert_true ((tune == NULL) == (error != NULL));
      if (len < f->len - 4)   /* all but the last track's end-of-track bytes */
        g_assert_null (tune);
    }
  for (int round = 0; round < 5000; round++)
    {
      g_autoptr(GByteArray) copy = g_byte_array_sized_new (f->len);
      g_autoptr(GError) error = NULL;
      g_autoptr(AtlTune) tune = NULL;

      g_byte_array_append (copy, f->data, f->len);
      for (int e = g_rand_int_range (rand, 1, 6); e > 0; e--)
        copy->data[g_rand_int_range (rand, 0, (gint32) copy->len)] =
          (guint8) g_rand_int_range (rand, 0, 256);
      tune = atl_midi_read_bytes ("fuzz.mid", copy->data, copy->len, &error);
      g_assert_true ((tune == NULL) == (error != NULL));
      for (guint k = 0; tune != NULL && k < tune->notes->len; k++)
        g_assert_cmpint (g_array_index (tune->notes, AtlTuneNote, k).length, >=, 1);
    }
  g_rand_free (rand);
}

static void
test_file (void)
{
  g_autoptr(GByteArray) f = type0 ();
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "atl-test-midi-XXXXXX.mid", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlTune) tune = NULL;
  int fd = g_mkstemp (path);

  g_assert_cmpint (fd, >=, 0);
  close (fd);
  g_assert_true (g_file_set_contents (path, (const char *) f->data, f->len, &error));
  tune = atl_midi_read_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tune->notes->len, ==, 3);
  g_unlink (path);
  g_assert_null (atl_midi_read_file (path, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/midi-reader/type0", test_type0);
  g_test_add_func ("/app/midi-reader/type1", test_type1);
  g_test_add_func ("/app/midi-reader/tie-break-and-key-guess", test_tie_break_and_key_guess);
  g_test_add_func ("/app/midi-reader/errors", test_errors);
  g_test_add_func ("/app/midi-reader/truncated-and-fuzzed", test_truncated_and_fuzzed);
  g_test_add_func ("/app/midi-reader/file", test_file);
  return g_test_run ();
}
