/* test-abc-reader.c: the ABC reader, construct by construct, its errors, the real
 * Nottingham corpus, and the corpus → codec path (every window validates and round-trips).
 *
 * Expected notes are written "pitch:start:length" in sixteenths, space separated.
 */
#include <glib.h>
#include <string.h>

#include "atl-abc-reader.h"
#include "atl-cli.h"
#include "atl-music-codec.h"
#include "atl-music-corpus.h"
#include "atl-music-error.h"

#define HEAD "X:1\nT:Test\nM:4/4\nL:1/8\n"

typedef struct
{
  const char *name;
  const char *abc;
  const char *notes;   /* pitch:start:length … */
  int         n_bars;
} Case;

static const Case cases[] = {
  { "scale", HEAD "K:C\nCDEF GABc|\n",
    "60:0:2 62:2:2 64:4:2 65:6:2 67:8:2 69:10:2 71:12:2 72:14:2", 1 },
  { "octave marks", HEAD "K:C\nc'2 C,2 c,2 C'2|\n", "84:0:4 48:4:4 60:8:4 72:12:4", 1 },
  { "lengths", HEAD "K:C\nC2 D/2E/2 F/F/ G3/2A/2 c2|\n",
    "60:0:4 62:4:1 64:5:1 65:6:1 65:7:1 67:8:3 69:11:1 72:12:4", 1 },
  { "short lengths", "X:1\nT:t\nM:2/4\nL:1/4\nK:C\nC//D//E/ F|\n",
    "60:0:1 62:1:1 64:2:2 65:4:4", 1 },
  { "default unit below 3/4 is 1/16", "X:1\nT:t\nM:2/4\nK:C\nC4D4|\n", "60:0:4 62:4:4", 1 },
  { "broken rhythm", HEAD "K:C\nC>D E<F G>A B<c|\n",
    "60:0:3 62:3:1 64:4:1 65:5:3 67:8:3 69:11:1 71:12:1 72:13:3", 1 },
  { "rests", HEAD "K:C\nC z D2 z4|\n", "60:0:2 62:4:4", 1 },
  { "tie across the bar", HEAD "K:C\nC4 E2 G2-|G2 c6|\n", "60:0:8 64:8:4 67:12:8 72:20:12", 2 },
  { "tie between pitches does not merge", HEAD "K:C\nC4-D4|\n", "60:0:8 62:8:8", 1 },
  { "triplet", HEAD "K:C\n(3CDE F2 G4|\n", "60:0:1 62:1:2 64:3:1 65:4:4 67:8:8", 1 },
  { "key signature and carried accidentals", HEAD "K:G\nFf^cc =FF_BB|Fc B6|\n",
    "66:0:2 78:2:2 73:4:2 73:6:2 65:8:2 65:10:2 70:12:2 70:14:2 66:16:2 72:18:2 71:20:12", 2 },
  { "accidental carries in its octave only", HEAD "K:C\n^cC c2 C4|\n",
    "73:0:2 60:2:2 73:4:4 60:8:8", 1 },
  { "double accidentals", HEAD "K:C\n^^C__E=CC C4|\n", "62:0:2 62:2:2 60:4:2 60:6:2 60:8:8", 1 },
  { "repeat", HEAD "K:C\n|:C8:|\n", "60:0:16 60:16:16", 2 },
  { "endings", HEAD "K:C\n|:C8|[1D8:|[2E8||\n", "60:0:16 62:16:16 60:32:16 64:48:16", 4 },
  { "endings after bars", HEAD "K:C\n|:C8|1D8:|2E8||\n", "60:0:16 62:16:16 60:32:16 64:48:16",
    4 },
  { "repeat from the start", HEAD "K:C\nC8|D8:|E8|]\n",
    "60:0:16 62:16:16 60:32:16 62:48:16 64:64:16", 5 },
  { "repeat from the last double bar", HEAD "K:C\nC8||D8:|E8|]\n",
    "60:0:16 62:16:16 62:32:16 64:48:16", 4 },
  { "double repeat", HEAD "K:C\n|:C8::D8:|\n", "60:0:16 60:16:16 62:32:16 62:48:16", 4 },
  { "pickup", HEAD "K:C\nG2|C8|\n", "67:12:4 60:16:16", 2 },
  { "pickup and short bar around a repeat", HEAD "K:C\n|:G2|C8|D6:|\n",
    "67:12:4 60:16:16 62:32:12 67:44:4 60:48:16 62:64:12", 5 },
  { "chord symbols, decorations, grace notes, slurs",
    HEAD "K:C\n\"Am\"C !trill!D ~E {ga}F .G (AB) \"G7\"c|\n",
    "60:0:2 62:2:2 64:4:2 65:6:2 67:8:2 69:10:2 71:12:2 72:14:2", 1 },
  { "chords take the highest note", HEAD "K:C\n[CEG]2 [E2G2c2] D4|\n",
    "67:0:4 72:4:4 62:8:8", 1 },
  { "inline fields", HEAD "K:C\nC4 [K:G] F4|[M:3/4] F6|[L:1/4] F3|\n",
    "60:0:8 66:8:8 66:16:12 66:28:12", 3 },
  { "K: and M: lines in the body", HEAD "K:C\nC8|\nK:D\nF8|\nM:6/8\nF6|\n",
    "60:0:16 66:16:16 66:32:12", 3 },
  { "parts in Y: order", "X:1\nT:t\nY:BAB\nM:4/4\nL:1/8\nK:C\nP:A\nC8|\nP:B\nD8|\n",
    "62:0:16 60:16:16 62:32:16", 3 },
  { "parts written in order without Y:", "X:1\nT:t\nM:4/4\nL:1/8\nK:C\nP:A\nC8|\nP:B\nD8|\n",
    "60:0:16 62:16:16", 2 },
  { "other headers, comments, continuations",
    "X:1\nT:t\nR:reel\nS:somewhere\nN:a note\nZ:someone\nQ:1/4=120\nM:C\nL:1/8\nK:C\n"
    "C2D2 % a comment\\\nE2F2|\n%%MIDI program 1\nG8|]\n",
    "60:0:4 62:4:4 64:8:4 65:12:4 67:16:16", 2 },
  { "thick bars", HEAD "K:C\n[|C8|]\n", "60:0:16", 1 },
  { "cut time as 4/4", "X:1\nT:t\nM:C|\nL:1/8\nK:C\nC8|\n", "60:0:16", 1 },
  { "9/8", "X:1\nT:t\nM:9/8\nL:1/8\nK:C\nCDE FGA Bcd|\n",
    "60:0:2 62:2:2 64:4:2 65:6:2 67:8:2 69:10:2 71:12:2 72:14:2 74:16:2", 1 },
  { "CR LF line ends", "X:1\r\nT:t\r\nM:4/4\r\nL:1/8\r\nK:C\r\nC8|\r\n", "60:0:16", 1 },
};

static void
assert_notes (const AtlTune *tune,
              const char    *expected)
{
  g_auto(GStrv) want = g_strsplit (expected, " ", -1);
  g_autoptr(GString) got = g_string_new (NULL);

  for (guint i = 0; i < tune->notes->len; i++)
    {
      const AtlTuneNote *n = &g_array_index (tune->notes, AtlTuneNote, i);

      g_string_append_printf (got, "%s%d:%d:%d", i > 0 ? " " : "", n->pitch, n->start,
                              n->length);
    }
  g_assert_cmpstr (got->str, ==, expected);
  g_assert_cmpuint (tune->notes->len, ==, g_strv_length (want));
}

static AtlTune *
read_one (const char *abc,
          GError    **error)
{
  g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  g_autoptr(GPtrArray) tunes = atl_abc_read_string ("test.abc", abc, strlen (abc), skipped,
                                                    error);

  if (tunes == NULL)
    return NULL;
  if (skipped->len > 0)
    {
      g_propagate_error (error, g_ptr_array_steal_index (skipped, 0));
      return NULL;
    }
  g_assert_cmpuint (tunes->len, ==, 1);
  return g_steal_pointer (&tunes->pdata[0]);
}

static void
test_constructs (void)
{
  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AtlTune) tune = NULL;

      g_test_message ("case: %s", cases[c].name);
      tune = read_one (cases[c].abc, &error);
      g_assert_no_error (error);
      assert_notes (tune, cases[c].notes);
      g_assert_cmpuint (tune->bars->len, ==, (guint) cases[c].n_bars);
    }
}

static void
test_tune_fields (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlTune) tune = read_one (HEAD "K:C\nC8|\nK:D\nF8|\nM:6/8\nF6|\n", &error);
  const AtlTuneBar *bars;

  g_assert_no_error (error);
  g_assert_cmpstr (tune->title, ==, "Test");
  g_assert_cmpint (tune->number, ==, 1);
  g_assert_cmpint (tune->line, ==, 1);
  g_assert_cmpstr (tune->file, ==, "test.abc");
  bars = (const AtlTuneBar *) tune->bars->data;
  g_assert_cmpint (bars[0].tonic, ==, 0);
  g_assert_cmpint (bars[0].metre, ==, ATL_METRE_4_4);
  g_assert_cmpint (bars[1].tonic, ==, 2);
  g_assert_cmpint (bars[1].start, ==, 16);
  g_assert_cmpint (bars[2].metre, ==, ATL_METRE_6_8);
  g_assert_cmpint (bars[2].start, ==, 32);
  g_assert_cmpint (atl_tune_run_end (tune, 0), ==, 1);
  g_assert_cmpint (atl_tune_run_end (tune, 1), ==, 2);
}

/* Titles reach the store and the studio's labels: always UTF-8, Latin-1 read as such. */
static void
test_title_encoding (void)
{
  static const struct { const char *title; const char *want; } titles[] = {
    { "Caf\xc3\xa9 Reel", "Caf\xc3\xa9 Reel" },     /* UTF-8 kept */
    { "Caf\xe9 Reel", "Caf\xc3\xa9 Reel" },           /* Latin-1 é */
    { "Cut \xe2\x82", "Cut \xc3\xa2\xc2\x82" },     /* a cut UTF-8 sequence, as Latin-1 */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *abc = g_strdup_printf ("X:1\nT:%s\nM:4/4\nL:1/8\nK:C\nC8|\n",
                                              titles[i].title);
      g_autoptr(AtlTune) tune = read_one (abc, &error);

      g_assert_no_error (error);
      g_assert_true (g_utf8_validate (tune->title, -1, NULL));
      g_assert_cmpstr (tune->title, ==, titles[i].want);
    }
}

static void
test_keys (void)
{
  static const struct { const char *key; int tonic; AtlMode mode; const char *notes; } keys[] = {
    { "C", 0, ATL_MODE_MAJOR, "60 62 64 65 67 69 71 72" },
    { "Am", 9, ATL_MODE_MINOR, "60 62 64 65 67 69 71 72" },
    { "Ador", 9, ATL_MODE_DORIAN, "60 62 64 66 67 69 71 72" },
    { "Dmix", 2, ATL_MODE_MIXOLYDIAN, "60 62 64 66 67 69 71 72" },
    { "Bb", 10, ATL_MODE_MAJOR, "60 62 63 65 67 69 70 72" },
    { "F#m", 6, ATL_MODE_MINOR, "61 62 64 66 68 69 71 73" },
    { "Eb", 3, ATL_MODE_MAJOR, "60 62 63 65 67 68 70 72" },
    { "Gm", 7, ATL_MODE_MINOR, "60 62 63 65 67 69 70 72" },
    { "C#", 1, ATL_MODE_MAJOR, "61 63 65 66 68 70 72 73" },
    { "Cb", 11, ATL_MODE_MAJOR, "59 61 63 64 66 68 70 71" },
    { "E minor", 4, ATL_MODE_MINOR, "60 62 64 66 67 69 71 72" },
    { "GMaj", 7, ATL_MODE_MAJOR, "60 62 64 66 67 69 71 72" },
    { "Edor", 4, ATL_MODE_DORIAN, "61 62 64 66 67 69 71 73" },
    { "Amix", 9, ATL_MODE_MIXOLYDIAN, "61 62 64 66 67 69 71 73" },
    { "G clef=treble", 7, ATL_MODE_MAJOR, "60 62 64 66 67 69 71 72" },
  };

  for (gsize k = 0; k < G_N_ELEMENTS (keys); k++)
    {
      g_autofree char *abc = g_strdup_printf (HEAD "K:%s\nCDEFGABc|\n", keys[k].key);
      g_autoptr(GError) error = NULL;
      g_autoptr(AtlTune) tune = NULL;
      g_autoptr(GString) got = g_string_new (NULL);

      g_test_message ("key %s", keys[k].key);
      tune = read_one (abc, &error);
      g_assert_no_error (error);
      g_assert_cmpint (tune->tonic, ==, keys[k].tonic);
      g_assert_cmpint (tune->mode, ==, keys[k].mode);
      for (guint i = 0; i < tune->notes->len; i++)
        g_string_append_printf (got, "%s%d", i > 0 ? " " : "",
                                g_array_index (tune->notes, AtlTuneNote, i).pitch);
      g_assert_cmpstr (got->str, ==, keys[k].notes);
    }
}

static void
test_errors (void)
{
  static const struct { const char *abc; int code; const char *message; } errors[] = {
    { "X:1\nT:t\nM:7/8\nK:C\nC8|\n", ATL_MUSIC_ERROR_UNSUPPORTED, "test.abc:3: metre “7/8”*" },
    { "X:1\nT:t\nM:3/2\nK:C\nC8|\n", ATL_MUSIC_ERROR_UNSUPPORTED, "test.abc:3: metre “3/2”*" },
    { "X:2\nT:t\nK:H\nC|\n", ATL_MUSIC_ERROR_UNSUPPORTED, "test.abc:3: key*no tonic*" },
    { "X:2\nT:t\nK:Cfoo\nC|\n", ATL_MUSIC_ERROR_UNSUPPORTED, "test.abc:3: key*unknown mode*" },
    { "X:2\nT:t\nK:G#\nC|\n", ATL_MUSIC_ERROR_UNSUPPORTED, "test.abc:3: key*7 sharps*" },
    { "X:3\nT:t\nK:C\nC8|\n[CE C4|\n", ATL_MUSIC_ERROR_PARSE, "test.abc:5: a chord*" },
    { "X:3\nT:t\nK:C\nC8|\n{g C8|\n", ATL_MUSIC_ERROR_PARSE, "test.abc:5: grace notes*" },
    { "X:3\nT:t\nK:C\nC4 [K:G F4|\n", ATL_MUSIC_ERROR_PARSE, "test.abc:4: inline field*" },
    { "X:4\nT:t\nM:4/4\n\nC8|\n", ATL_MUSIC_ERROR_PARSE, "test.abc:1: tune 4 has no K:*" },
    { "X:5\nT:t\nCDE\nK:C\n", ATL_MUSIC_ERROR_PARSE, "test.abc:3: music before the K:*" },
    { "X:6\nT:t\nK:C\nz8|\n", ATL_MUSIC_ERROR_EMPTY, "test.abc:1: tune 6 has no notes" },
    { "X:7\nT:t\nK:C\nC8|\nC99999|\n", ATL_MUSIC_ERROR_RANGE, "test.abc:5: note length*" },
    { "X:7\nT:t\nK:C\nC/99999|\n", ATL_MUSIC_ERROR_RANGE, "test.abc:4: note length*" },
    { "X:8\nT:t\nK:C\n^^^C8|\n", ATL_MUSIC_ERROR_PARSE, "test.abc:4: more than a double*" },
    { "X:8\nT:t\nK:C\nC8|^|\n", ATL_MUSIC_ERROR_PARSE, "test.abc:4: an accidental without*" },
    { "X:9\nT:t\nK:C\nc''''''8|\n", ATL_MUSIC_ERROR_RANGE, "test.abc:4: note outside*" },
    { "X:9\nT:t\nL:1/0\nK:C\nC|\n", ATL_MUSIC_ERROR_PARSE, "test.abc:3: unit length*" },
  };

  for (gsize e = 0; e < G_N_ELEMENTS (errors); e++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AtlTune) tune = read_one (errors[e].abc, &error);

      g_test_message ("error case %" G_GSIZE_FORMAT ": %s", e, error ? error->message : "none");
      g_assert_null (tune);
      g_assert_error (error, ATL_MUSIC_ERROR, errors[e].code);
      if (!g_pattern_match_simple (errors[e].message, error->message))
        g_error ("“%s” does not match “%s”", error->message, errors[e].message);
    }
}

/* A bad tune between good ones is skipped and counted; reading goes on. */
static void
test_skip_and_continue (void)
{
  const char *abc = "% a tune book\n\n"
                    "X:1\nT:One\nK:C\nC8|\n\n"
                    "X:2\nT:Two\nM:5/4\nK:C\nC10|\n\n"
                    "X:3\nT:Three\nK:D\nF8|\n";
  g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tunes = atl_abc_read_string ("book.abc", abc, strlen (abc), skipped,
                                                    &error);

  g_assert_no_error (error);
  g_assert_cmpuint (tunes->len, ==, 2);
  g_assert_cmpuint (skipped->len, ==, 1);
  g_assert_cmpstr (((GError *) skipped->pdata[0])->message, ==,
                   "book.abc:10: metre “5/4” is not one of 2/4 3/4 4/4 C C| 2/2 6/8 9/8 12/8");
  g_assert_cmpstr (((AtlTune *) tunes->pdata[1])->title, ==, "Three");
  g_assert_cmpint (((AtlTune *) tunes->pdata[1])->line, ==, 14);

  g_clear_pointer (&tunes, g_ptr_array_unref);
  tunes = atl_abc_read_string ("empty.abc", "no tunes here\n", 14, NULL, &error);
  g_assert_null (tunes);
  g_assert_error (error, ATL_MUSIC_ERROR, ATL_MUSIC_ERROR_EMPTY);
  g_clear_error (&error);
  g_assert_null (atl_abc_read_file ("/nonexistent/x.abc", NULL, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

/* Random edits of a real tune and random bytes: never a crash, always tunes or errors. */
static void
test_fuzz (void)
{
  const char *seed = "X:1\nT:Fuzz\nY:AB\nM:6/8\nL:1/8\nK:Ador\nP:A\n"
                     "|:\"Am\"e2A (3ABc d|[1 [ce]>d ^c=c _B,2-:|[2 B2z z3||\n"
                     "P:B\n[K:G][M:9/8]{g}f'g,a ~b2c d/e//f3/2 [L:1/16]g>a|]\n";
  const char alphabet[] = "ABCDEFGabcdefgzxZ^_=,'/0123456789|:[]()<>-{}\"!+~. \nKMLPXY%\\";
  GRand *rand = g_rand_new_with_seed (7);
  gsize n = strlen (seed);

  for (int round = 0; round < 4000; round++)
    {
      g_autofree char *text = g_strdup (seed);
      g_autoptr(GPtrArray) skipped =
        g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) tunes = NULL;
      int edits = g_rand_int_range (rand, 1, 8);
      gsize len = n;

      for (int e = 0; e < edits; e++)
        {
          gsize at = (gsize) g_rand_int_range (rand, 0, (gint32) n);

          if (round % 3 == 0)
            text[at] = (char) g_rand_int_range (rand, 1, 256);
          else
            text[at] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
        }
      if (round % 5 == 0)
        len = (gsize) g_rand_int_range (rand, 0, (gint32) n);
      tunes = atl_abc_read_string ("fuzz.abc", text, len, skipped, &error);
      g_assert_true ((tunes == NULL) == (error != NULL));
      for (guint i = 0; tunes != NULL && i < tunes->len; i++)
        {
          AtlTune *tune = tunes->pdata[i];

          for (guint k = 0; k < tune->notes->len; k++)
            {
              const AtlTuneNote *note = &g_array_index (tune->notes, AtlTuneNote, k);

              g_assert_cmpint (note->length, >=, 1);
              g_assert_cmpint (note->start + note->length, <=, atl_tune_n_steps (tune));
            }
        }
    }
  g_rand_free (rand);
}

static char *
corpus_dir (void)
{
  const char *source = g_getenv ("ATL_SOURCE_DIR");

  return g_build_filename (source != NULL ? source : ".", "..", "shared", "data", "nottingham",
                           NULL);
}

static void
test_corpus_files (void)
{
  g_autofree char *dir_path = corpus_dir ();
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n_read = 0, n_skipped = 0;

  if (dir == NULL)
    {
      g_test_skip ("the Nottingham corpus is not beside the source tree");
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autoptr(GPtrArray) skipped =
        g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) tunes = NULL;

      if (!g_str_has_suffix (name, ".abc"))
        continue;
      tunes = atl_abc_read_file (path, skipped, &error);
      g_assert_no_error (error);
      n_read += tunes->len;
      n_skipped += skipped->len;
      for (guint i = 0; i < skipped->len; i++)
        g_test_message ("skipped: %s", ((GError *) skipped->pdata[i])->message);
      for (guint i = 0; i < tunes->len; i++)
        {
          AtlTune *tune = tunes->pdata[i];

          g_assert_cmpuint (tune->bars->len, >=, 1);
          g_assert_cmpuint (tune->notes->len, >=, 1);
          g_assert_cmpstr (tune->title, !=, "");
        }
    }
  g_test_message ("Nottingham: %u tunes read, %u skipped", n_read, n_skipped);
  g_assert_cmpuint (n_read + n_skipped, ==, 828);
  g_assert_cmpuint (n_read * 100, >=, 95 * (n_read + n_skipped));
}

/* Every window of every tune encodes to a sequence the grammar accepts, that decodes and
 * encodes back to itself; the split holds out about a tenth of the tunes. */
static void
test_corpus_windows (void)
{
  g_autofree char *dir_path = corpus_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlMusicCorpus) corpus = NULL;
  const AtlCodec *codec = atl_music_codec ();
  guint n_sequences = 0;

  if (!g_file_test (dir_path, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("the Nottingham corpus is not beside the source tree");
      return;
    }
  corpus = atl_music_corpus_load (dir_path, &error);
  g_assert_no_error (error);
  for (int s = 0; s < 2; s++)
    for (guint i = 0; i < atl_music_corpus_n_sequences (corpus, s == 1); i++)
      {
        int len, back[ATL_MUSIC_MAX_LEN], back_len = 0;
        const int *tokens = atl_music_corpus_sequence (corpus, s == 1, i, &len);
        AtlMsg msg = { "" };
        AtlMelody melody;
        AtlMusicPrefix prefix;

        if (codec->validate (codec, tokens, len, &msg) != ATL_OK)
          g_error ("sequence %u of split %d: %s", i, s, msg.text);
        g_assert_cmpint (atl_music_decode (tokens, len, &melody, &prefix, NULL), ==, ATL_OK);
        g_assert_cmpint (atl_music_encode (&melody, &prefix, back, ATL_MUSIC_MAX_LEN, &back_len,
                                           NULL), ==, ATL_OK);
        g_assert_cmpint (back_len, ==, len);
        g_assert_cmpint (memcmp (back, tokens, sizeof (int) * len), ==, 0);
        /* Every prefix token is the one the melody itself has. */
        {
          AtlMusicPrefix own;

          atl_music_prefix_of (&melody, prefix.type, &own);
          g_assert_cmpint (memcmp (&own, &prefix, sizeof own), ==, 0);
        }
        n_sequences++;
      }
  g_test_message ("windows %d, sequences %u, train tunes %d, validation tunes %d, longest %d",
                  corpus->n_windows, n_sequences, corpus->n_tunes[0], corpus->n_tunes[1],
                  corpus->longest);
  g_assert_cmpuint (n_sequences, >, 5000);
  g_assert_cmpint (corpus->longest, <=, codec->max_len);
  g_assert_cmpint (corpus->n_tunes[1] * 100, >=, 7 * (corpus->n_tunes[0] + corpus->n_tunes[1]));
  g_assert_cmpint (corpus->n_tunes[1] * 100, <=, 13 * (corpus->n_tunes[0] + corpus->n_tunes[1]));
}

static void
test_corpus_cli (void)
{
  g_autofree char *dir_path = corpus_dir ();

  if (!g_file_test (dir_path, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("the Nottingham corpus is not beside the source tree");
      return;
    }
  if (g_test_subprocess ())
    {
      char *argv[] = { "atelier", "corpus", "--domain", "music", dir_path, NULL };
      char *bad[] = { "atelier", "corpus", "--domain", "art", dir_path, NULL };

      g_assert_cmpint (atl_cli_run (5, argv), ==, 0);
      g_assert_cmpint (atl_cli_run (5, bad), ==, 2);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*tunes:*822 read, 6 skipped*windows:*train:*validation:*"
                             "longest:*");
  g_test_trap_assert_stderr ("*domain “art”*");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/abc-reader/constructs", test_constructs);
  g_test_add_func ("/app/abc-reader/tune-fields", test_tune_fields);
  g_test_add_func ("/app/abc-reader/keys", test_keys);
  g_test_add_func ("/app/abc-reader/title-encoding", test_title_encoding);
  g_test_add_func ("/app/abc-reader/errors", test_errors);
  g_test_add_func ("/app/abc-reader/skip-and-continue", test_skip_and_continue);
  g_test_add_func ("/app/abc-reader/fuzz", test_fuzz);
  g_test_add_func ("/app/abc-reader/corpus-files", test_corpus_files);
  g_test_add_func ("/app/abc-reader/corpus-windows", test_corpus_windows);
  g_test_add_func ("/app/abc-reader/corpus-cli", test_corpus_cli);
  return g_test_run ();
}
