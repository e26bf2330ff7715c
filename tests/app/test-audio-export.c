/* test-audio-export.c: WAV 16/24, FLAC and Ogg Vorbis files checked with real tools: soxi
 * for rate, channels, bits, duration and tags, libsndfile decoding for the samples, and a
 * file-size limit (EFBIG, the same path as a full disk) for the atomic write. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <sndfile.h>
#include <string.h>
#include <sys/resource.h>

#include "atl-audio-export.h"

static void
make_melody (AtlMelody *m)
{
  static const int pitches[] = { 0, 2, 4, 5, 7, 5, 4, 2 };

  memset (m, 0, sizeof *m);
  m->metre = ATL_METRE_4_4;
  m->n_bars = 1;
  for (int i = 0; i < 8; i++)
    m->notes[i] = (AtlNote) { .pitch = (int8_t) pitches[i], .velocity = 100,
                              .start = (int16_t) (2 * i), .length = 2 };
  m->n_notes = 8;
}

/* `soxi -FLAG path`, trimmed; NULL when sox is not installed. */
static char *
soxi (const char *flag, const char *path)
{
  const char *argv[] = { "soxi", flag, path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 1;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                     &err, &status, NULL))
    return NULL;
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("soxi %s %s failed: %s", flag, path, err);
  return g_strstrip (g_steal_pointer (&out));
}

static const AtlAudioTags tags = { "Ode, in C", "Test Artist", "seed 7, session Folk" };

static void
check_with_soxi (const char *path, int rate, int channels, int bits, double seconds)
{
  g_autofree char *r = soxi ("-r", path);
  g_autofree char *c = NULL;
  g_autofree char *b = NULL;
  g_autofree char *d = NULL;
  g_autofree char *a = NULL;

  if (r == NULL)
    {
      g_test_message ("soxi is missing: tool checks skipped");
      return;
    }
  c = soxi ("-c", path);
  b = soxi ("-b", path);
  d = soxi ("-D", path);
  a = soxi ("-a", path);
  g_assert_cmpint (atoi (r), ==, rate);
  g_assert_cmpint (atoi (c), ==, channels);
  if (bits > 0)
    g_assert_cmpint (atoi (b), ==, bits);
  g_assert_cmpfloat (fabs (g_ascii_strtod (d, NULL) - seconds), <, 0.002);
  g_test_message ("%s tags: %s", path, a);
  /* sox 14.4 does not read a WAV's LIST/INFO chunk; those tags are checked with
   * libsndfile's reader below. */
  if (g_str_has_suffix (path, ".wav"))
    return;
  g_assert_nonnull (strstr (a, "Ode, in C"));
  g_assert_nonnull (strstr (a, "Test Artist"));
  g_assert_nonnull (strstr (a, "seed 7, session Folk"));
  g_assert_nonnull (strstr (a, "Atelier"));
}

static void
test_formats (void)
{
  static AtlMelody m;
  g_autofree char *dir = g_dir_make_tmp ("atelier-audio-XXXXXX", NULL);
  struct { AtlAudioFormat format; int rate; int channels; int bits; } cases[] = {
    { ATL_AUDIO_FORMAT_WAV16, 48000, 2, 16 },
    { ATL_AUDIO_FORMAT_WAV16, 44100, 1, 16 },
    { ATL_AUDIO_FORMAT_WAV24, 44100, 2, 24 },
    { ATL_AUDIO_FORMAT_FLAC, 48000, 2, 16 },
    { ATL_AUDIO_FORMAT_FLAC, 44100, 2, 16 },
    { ATL_AUDIO_FORMAT_OGG, 48000, 2, 0 },
    { ATL_AUDIO_FORMAT_OGG, 44100, 1, 0 },
  };

  make_melody (&m);
  for (gsize k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      AtlSynthParams p;
      g_autofree char *path = NULL;
      g_autofree float *pcm = NULL;
      g_autofree float *back = NULL;
      g_autoptr(GError) error = NULL;
      int64_t n = 0;
      SF_INFO info = { 0 };
      SNDFILE *sf;
      double err2 = 0.0, sig2 = 0.0, worst = 0.0;
      g_autoptr(GDir) listing = NULL;

      atl_synth_params_init (&p);
      p.timbre = (AtlTimbre) (k % ATL_N_TIMBRES);
      p.sample_rate = cases[k].rate;
      p.channels = cases[k].channels;
      path = g_strdup_printf ("%s/tune-%zu.%s", dir, k,
                              atl_audio_format_extension (cases[k].format));
      g_assert_true (atl_audio_export_melody (path, cases[k].format, &m, &p, &tags, &error));
      g_assert_no_error (error);
      g_assert_cmpint (atl_synth_render_all (&m, &p, &pcm, &n, NULL), ==, ATL_OK);
      check_with_soxi (path, p.sample_rate, p.channels, cases[k].bits,
                       (double) n / p.sample_rate);

      /* Decode and compare: PCM to the LSB, Vorbis by its error energy. */
      sf = sf_open (path, SFM_READ, &info);
      g_assert_nonnull (sf);
      g_assert_cmpstr (sf_get_string (sf, SF_STR_TITLE), ==, tags.title);
      g_assert_cmpstr (sf_get_string (sf, SF_STR_ARTIST), ==, tags.artist);
      g_assert_cmpstr (sf_get_string (sf, SF_STR_COMMENT), ==, tags.comment);
      g_assert_true (g_str_has_prefix (sf_get_string (sf, SF_STR_SOFTWARE), "Atelier "));
      g_assert_cmpint (info.frames, ==, n);
      g_assert_cmpint (info.channels, ==, p.channels);
      back = g_new (float, n * p.channels);
      if (cases[k].bits == 16)
        {
          g_autofree short *s = g_new (short, n * p.channels);

          g_assert_cmpint (sf_readf_short (sf, s, n), ==, n);
          for (int64_t i = 0; i < n * p.channels; i++)
            worst = MAX (worst, fabs (s[i] - pcm[i] * 32767.0));
          g_assert_cmpfloat (worst, <=, 1.0);
        }
      else if (cases[k].bits == 24)
        {
          g_autofree int *s = g_new (int, n * p.channels);

          g_assert_cmpint (sf_readf_int (sf, s, n), ==, n);
          for (int64_t i = 0; i < n * p.channels; i++)
            worst = MAX (worst, fabs ((s[i] / 256) - pcm[i] * 8388607.0));
          g_assert_cmpfloat (worst, <=, 1.0);
        }
      else
        {
          g_assert_cmpint (sf_readf_float (sf, back, n), ==, n);
          for (int64_t i = 0; i < n * p.channels; i++)
            {
              err2 += (back[i] - pcm[i]) * (back[i] - pcm[i]);
              sig2 += pcm[i] * pcm[i];
            }
          g_test_message ("vorbis SNR %.1f dB", 10 * log10 (sig2 / err2));
          g_assert_cmpfloat (10 * log10 (sig2 / err2), >, 15.0);
        }
      sf_close (sf);

      /* Nothing but the finished files in the folder: no temporary left over. */
      listing = g_dir_open (dir, 0, NULL);
      for (const char *name; (name = g_dir_read_name (listing)) != NULL;)
        g_assert_false (name[0] == '.');
    }
  {
    g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);

    for (const char *name; (name = g_dir_read_name (listing)) != NULL;)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_unlink (path);
      }
  }
  g_rmdir (dir);
}

/* A file-size limit makes write() fail with EFBIG mid-file, as a full disk fails with
 * ENOSPC: the export reports it, the previous file under the name survives, and no
 * temporary file is left. Runs in a subprocess so the limit does not leak. */
static void
test_file_too_large (void)
{
  static AtlMelody m;
  g_autofree char *dir = g_dir_make_tmp ("atelier-efbig-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "big.wav", NULL);

  if (g_test_subprocess ())
    {
      AtlSynthParams p;
      g_autoptr(GError) error = NULL;
      struct rlimit lim = { 64 * 1024, 64 * 1024 };
      const char *final = g_getenv ("ATL_TEST_PATH");
      g_autofree char *contents = NULL;
      g_autofree char *folder = g_path_get_dirname (final);
      g_autoptr(GDir) listing = NULL;
      int entries = 0;

      signal (SIGXFSZ, SIG_IGN);
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &lim), ==, 0);
      make_melody (&m);
      atl_synth_params_init (&p);
      for (int f = 0; f < ATL_N_AUDIO_FORMATS; f++)
        {
          if (f == ATL_AUDIO_FORMAT_OGG)
            continue;   /* a 1-bar Vorbis file fits in 64 KiB */
          g_assert_false (atl_audio_export_melody (final, f, &m, &p, NULL, &error));
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
          g_assert_nonnull (strstr (error->message, final));
          g_assert_nonnull (strstr (error->message, g_strerror (EFBIG)));
          g_clear_error (&error);
        }
      g_assert_true (g_file_get_contents (final, &contents, NULL, NULL));
      g_assert_cmpstr (contents, ==, "the previous export");
      listing = g_dir_open (folder, 0, NULL);
      while (g_dir_read_name (listing) != NULL)
        entries++;
      g_assert_cmpint (entries, ==, 1);
      return;
    }

  g_assert_true (g_file_set_contents (path, "the previous export", -1, NULL));
  g_setenv ("ATL_TEST_PATH", path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_bad_input (void)
{
  static AtlMelody m;
  AtlSynthParams p;
  g_autoptr(GError) error = NULL;
  float silence[2] = { 0 };

  make_melody (&m);
  atl_synth_params_init (&p);
  g_assert_false (atl_audio_export_melody ("/nonexistent-folder/a.wav",
                                           ATL_AUDIO_FORMAT_WAV16, &m, &p, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nonexistent-folder/a.wav"));
  g_clear_error (&error);

  p.sample_rate = 96000;
  g_assert_false (atl_audio_export_melody ("/tmp/never.wav", ATL_AUDIO_FORMAT_WAV16, &m, &p,
                                           NULL, &error));
  g_assert_error (error, ATL_AUDIO_EXPORT_ERROR, ATL_AUDIO_EXPORT_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (atl_audio_export_pcm ("/tmp/never.wav", 17, silence, 1, 2, 48000, NULL,
                                        &error));
  g_assert_error (error, ATL_AUDIO_EXPORT_ERROR, ATL_AUDIO_EXPORT_ERROR_INVALID);
  g_assert_false (g_file_test ("/tmp/never.wav", G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/audio-export/formats", test_formats);
  g_test_add_func ("/app/audio-export/file-too-large", test_file_too_large);
  g_test_add_func ("/app/audio-export/bad-input", test_bad_input);
  return g_test_run ();
}
