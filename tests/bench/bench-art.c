/* bench-art.c: the art domain's speed targets (DESIGN.md §6).
 *
 *   12 thumbnails of 256²           ≤ 20 ms
 *   one 4096² PNG export            ≤ 1 s (median), beside cairo's own PNG writer
 *   corpus compositions and features per second (what pretraining and the reward model
 *   consume)
 *
 * Warm up, check the result, then time; medians over repeated runs.
 */
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "atl-art-codec.h"
#include "atl-art-corpus.h"
#include "atl-art-export.h"
#include "atl-art-features.h"
#include "atl-art-render.h"

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *v, int n)
{
  qsort (v, n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

int
main (void)
{
  enum { N_THUMBS = 12, THUMB = 256, ROUNDS = 50, BIG = 4096, BIG_ROUNDS = 5 };
  AtlArtwork arts[N_THUMBS];
  cairo_surface_t *thumbs[N_THUMBS];
  double times[ROUNDS], big[BIG_ROUNDS], peer[BIG_ROUNDS];
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("atl-bench-art-XXXXXX", &error);
  g_autofree char *png = g_build_filename (dir, "big.png", NULL);
  g_autofree char *peer_png = g_build_filename (dir, "peer.png", NULL);
  AtlRng rng;
  double t0, ms;
  int n;

  g_assert_no_error (error);
  atl_rng_seed (&rng, 1);
  for (int i = 0; i < N_THUMBS; i++)
    {
      atl_art_corpus_sample (&rng, i % ATL_ART_N_FAMILIES, &arts[i]);
      thumbs[i] = cairo_image_surface_create (CAIRO_FORMAT_RGB24, THUMB, THUMB);
      g_assert_cmpint (atl_art_render_into (&arts[i], thumbs[i], NULL), ==, ATL_OK);   /* warm */
    }
  for (int r = 0; r < ROUNDS; r++)
    {
      t0 = now_ms ();
      for (int i = 0; i < N_THUMBS; i++)
        atl_art_render_into (&arts[i], thumbs[i], NULL);
      times[r] = now_ms () - t0;
    }
  ms = median (times, ROUNDS);
  printf ("thumbnails: 12 × 256² in %.2f ms median (%.0f works/s); target ≤ 20 ms\n", ms,
          N_THUMBS * 1000.0 / ms);

  for (int r = 0; r < BIG_ROUNDS; r++)
    {
      const char *text[] = { "Seed", "1", NULL };
      cairo_surface_t *image;

      t0 = now_ms ();
      if (!atl_art_export_png (&arts[r % N_THUMBS], BIG, text, png, &error))
        g_error ("%s", error->message);
      big[r] = now_ms () - t0;

      /* The peer: cairo's own writer (libpng at its default level), same render. */
      t0 = now_ms ();
      image = atl_art_render_image (&arts[r % N_THUMBS], BIG, BIG, NULL);
      g_assert_nonnull (image);
      g_assert_cmpint (cairo_surface_write_to_png (image, peer_png), ==, CAIRO_STATUS_SUCCESS);
      cairo_surface_destroy (image);
      peer[r] = now_ms () - t0;
    }
  {
    GStatBuf st;

    g_assert_cmpint (g_stat (png, &st), ==, 0);
    g_assert_cmpint (st.st_size, >, 1000);
  }
  printf ("4096² PNG export (render + libpng level 3 + fsync): %.0f ms median; "
          "cairo_surface_write_to_png peer: %.0f ms; target ≤ 1000 ms\n",
          median (big, BIG_ROUNDS), median (peer, BIG_ROUNDS));

  /* Corpus throughput, with encoding (what pretraining consumes). */
  t0 = now_ms ();
  for (n = 0; n < 100000; n++)
    {
      AtlArtwork a;
      int tokens[ATL_ART_MAX_LEN], len;

      atl_art_corpus_sample_any (&rng, &a);
      atl_art_encode (&a, tokens, ATL_ART_MAX_LEN, &len, NULL);
    }
  ms = now_ms () - t0;
  printf ("corpus: %d compositions sampled and encoded in %.0f ms (%.0f works/s)\n", n, ms,
          n * 1000.0 / ms);

  /* Features (64² render + measurements). */
  t0 = now_ms ();
  for (n = 0; n < 2000; n++)
    {
      float x[ATL_ART_N_FEATURES];

      g_assert_cmpint (atl_art_features (&arts[n % N_THUMBS], x, NULL), ==, ATL_OK);
    }
  ms = now_ms () - t0;
  printf ("features: %d works in %.0f ms (%.0f works/s, %.3f ms each)\n", n, ms,
          n * 1000.0 / ms, ms / n);

  for (int i = 0; i < N_THUMBS; i++)
    cairo_surface_destroy (thumbs[i]);
  g_unlink (png);
  g_unlink (peer_png);
  g_rmdir (dir);
  return 0;
}
