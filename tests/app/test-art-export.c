/* test-art-export.c: artwork export — PNG with text chunks, SVG and PDF, each checked by
 * an outside tool (identify, rsvg-convert, pdfinfo); atomic replacement that leaves no
 * temporary files and keeps the old file when a write fails; clear errors naming the
 * file. Also checks that assets/palettes.json and the engine's palette table agree.
 */
#include <signal.h>
#include <string.h>
#include <sys/resource.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "atl-art-corpus.h"
#include "atl-art-export.h"
#include "atl-palettes.h"

static char *
make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("atl-art-export-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
rm_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static char *
run_tool (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL,
                     &status, &error))
    g_error ("%s: %s", argv[0], error->message);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s failed: %s", argv[0], error->message);
  return out;
}

static guint32
crc32_png (const guchar *data, gsize len)
{
  guint32 c = 0xffffffffu;

  for (gsize i = 0; i < len; i++)
    {
      c ^= data[i];
      for (int k = 0; k < 8; k++)
        c = (c >> 1) ^ (0xedb88320u & -(c & 1));
    }
  return c ^ 0xffffffffu;
}

static guint32
read_be32 (const guchar *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

/* Walks a PNG's chunks, checking every CRC; TRUE if a chunk of this type has exactly this
 * body. */
static gboolean
has_chunk (const char *path, const char *type, const char *body, gsize body_len)
{
  g_autofree guchar *data = NULL;
  gsize len = 0, at = 8;
  gboolean found = FALSE;

  g_assert_true (g_file_get_contents (path, (char **) &data, &len, NULL));
  g_assert_cmpuint (len, >, 8);
  g_assert_cmpmem (data, 8, "\x89PNG\r\n\x1a\n", 8);
  while (at + 12 <= len)
    {
      guint32 n = read_be32 (data + at);
      guint32 crc;

      g_assert_cmpuint (at + 12 + n, <=, len);
      crc = read_be32 (data + at + 8 + n);
      g_assert_cmpuint (crc32_png (data + at + 4, n + 4), ==, crc);
      if (memcmp (data + at + 4, type, 4) == 0 && n == body_len
          && memcmp (data + at + 8, body, n) == 0)
        found = TRUE;
      at += 12 + n;
    }
  g_assert_cmpuint (at, ==, len);
  return found;
}

static void
sample (AtlArtwork *art, AtlArtFamily family)
{
  AtlRng rng;

  atl_rng_seed (&rng, 42);
  atl_art_corpus_sample (&rng, family, art);
}

static void
test_png_text_chunks (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "art-seed-1234.png", NULL);
  g_autoptr(GError) error = NULL;
  const char *text[] = {
    "Seed", "1234",
    "Session", "Bauhaus studies",
    "Model-Version", "v3",
    "Title", "Étude in red",    /* not ASCII: an iTXt chunk */
    NULL,
  };
  AtlArtwork art;

  sample (&art, ATL_ART_BAUHAUS_TILES);
  g_assert_true (atl_art_export_png (&art, 320, text, path, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_files (dir), ==, 1);

  const char *identify[] = { "identify", "-format", "%m %w %h", path, NULL };
  g_autofree char *info = run_tool (identify);
  g_assert_cmpstr (info, ==, "PNG 320 320");
  /* identify -verbose decodes every chunk (and checks CRCs); our text must be there. */
  const char *verbose[] = { "identify", "-verbose", path, NULL };
  g_autofree char *all = run_tool (verbose);
  g_assert_nonnull (strstr (all, "Seed: 1234"));
  g_assert_nonnull (strstr (all, "Session: Bauhaus studies"));
  g_assert_nonnull (strstr (all, "Model-Version: v3"));
  g_assert_null (strstr (all, "CRC error"));
  /* ImageMagick 6 does not list iTXt chunks: read that one ourselves. */
  g_assert_true (has_chunk (path, "iTXt", "Title\0\0\0\0\0Étude in red",
                            sizeof "Title\0\0\0\0\0Étude in red" - 1));
  g_assert_true (has_chunk (path, "tEXt", "Seed\0" "1234", 9));

  /* Replacing keeps one file and the new contents. */
  g_assert_true (atl_art_export_png (&art, 64, NULL, path, &error));
  g_assert_no_error (error);
  g_autofree char *info2 = run_tool (identify);
  g_assert_cmpstr (info2, ==, "PNG 64 64");
  g_assert_cmpuint (count_files (dir), ==, 1);
  rm_dir (dir);
}

static void
test_vector (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *svg = g_build_filename (dir, "a.svg", NULL);
  g_autofree char *pdf = g_build_filename (dir, "a.pdf", NULL);
  g_autofree char *png = g_build_filename (dir, "from-svg.png", NULL);
  g_autoptr(GError) error = NULL;
  AtlArtwork art;

  sample (&art, ATL_ART_ORBITAL);
  g_assert_true (atl_art_export_svg (&art, 360, svg, &error));
  g_assert_no_error (error);
  g_assert_true (atl_art_export_pdf (&art, 360, pdf, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_files (dir), ==, 2);

  const char *rsvg[] = { "rsvg-convert", "--dpi-x", "72", "--dpi-y", "72", "-o", png, svg,
                         NULL };
  g_free (run_tool (rsvg));
  const char *identify[] = { "identify", "-format", "%w %h", png, NULL };
  g_autofree char *size = run_tool (identify);
  g_assert_cmpstr (size, ==, "360 360");
  const char *pdfinfo[] = { "pdfinfo", pdf, NULL };
  g_autofree char *info = run_tool (pdfinfo);
  g_assert_true (g_regex_match_simple ("Pages: +1\n", info, 0, 0));
  g_assert_true (g_regex_match_simple ("Page size: +360 x 360 pts", info, 0, 0));
  rm_dir (dir);
}

static void
test_errors (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "keep.png", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", "x.svg", NULL);
  g_autofree char *old = NULL, *now = NULL;
  gsize old_len = 0, now_len = 0;
  GError *error = NULL;
  AtlArtwork art;
  const char *bad_key[] = { "", "value", NULL };
  const char *odd[] = { "Seed", NULL };

  sample (&art, ATL_ART_MEMPHIS);
  g_assert_true (atl_art_export_png (&art, 100, NULL, path, NULL));
  g_assert_true (g_file_get_contents (path, &old, &old_len, NULL));

  /* A missing folder: an I/O error that names the file. */
  g_assert_false (atl_art_export_svg (&art, 100, missing, &error));
  g_assert_error (error, ATL_ART_EXPORT_ERROR, ATL_ART_EXPORT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "x.svg"));
  g_clear_error (&error);

  /* Bad sizes, bad metadata and a broken artwork fail before touching the old file. */
  g_assert_false (atl_art_export_png (&art, 0, NULL, path, &error));
  g_assert_error (error, ATL_ART_EXPORT_ERROR, ATL_ART_EXPORT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (atl_art_export_png (&art, 100, bad_key, path, &error));
  g_assert_error (error, ATL_ART_EXPORT_ERROR, ATL_ART_EXPORT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (atl_art_export_png (&art, 100, odd, path, &error));
  g_clear_error (&error);
  g_assert_false (atl_art_export_pdf (&art, 0.0, path, &error));
  g_clear_error (&error);
  art.elements[0].slot = 6;
  g_assert_false (atl_art_export_png (&art, 100, NULL, path, &error));
  g_assert_error (error, ATL_ART_EXPORT_ERROR, ATL_ART_EXPORT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "keep.png"));
  g_clear_error (&error);

  g_assert_true (g_file_get_contents (path, &now, &now_len, NULL));
  g_assert_cmpmem (now, now_len, old, old_len);
  g_assert_cmpuint (count_files (dir), ==, 1);   /* no temporary files left behind */
  rm_dir (dir);
}

/* RLIMIT_FSIZE makes every write past the limit fail with EFBIG, like a full disk. */
static void
test_full_disk (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *dir = make_dir ();
      g_autofree char *path = g_build_filename (dir, "big.png", NULL);
      g_autoptr(GError) error = NULL;
      AtlArtwork art;

      sample (&art, ATL_ART_POINTILLIST);
      g_assert_true (atl_art_export_png (&art, 32, NULL, path, NULL));
      struct rlimit lim = { 4096, 4096 };

      signal (SIGXFSZ, SIG_IGN);   /* get EFBIG from write() instead of a signal */
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &lim), ==, 0);
      g_assert_false (atl_art_export_png (&art, 1024, NULL, path, &error));
      g_assert_error (error, ATL_ART_EXPORT_ERROR, ATL_ART_EXPORT_ERROR_IO);
      g_assert_nonnull (strstr (error->message, "big.png"));
      g_clear_error (&error);
      g_assert_false (atl_art_export_pdf (&art, 2000, path, &error));
      g_clear_error (&error);
      g_assert_cmpuint (count_files (dir), ==, 1);
      rm_dir (dir);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_palettes_json (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const char *src = g_getenv ("ATL_SOURCE_DIR");
  g_autofree char *path = g_build_filename (src != NULL ? src : ".", "assets", "palettes.json",
                                            NULL);
  JsonArray *list;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  list = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                       "palettes");
  g_assert_cmpuint (json_array_get_length (list), ==, ATL_N_PALETTES);
  for (guint p = 0; p < ATL_N_PALETTES; p++)
    {
      JsonObject *o = json_array_get_object_element (list, p);
      JsonArray *colours = json_object_get_array_member (o, "colours");

      g_assert_cmpstr (json_object_get_string_member (o, "id"), ==, ATL_PALETTES[p].id);
      g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, ATL_PALETTES[p].name);
      g_assert_cmpuint (json_array_get_length (colours), ==, ATL_PALETTES[p].n_colours);
      g_assert_cmpint (ATL_PALETTES[p].n_colours, >=, 5);
      g_assert_cmpint (ATL_PALETTES[p].n_colours, <=, 6);
      for (int c = 0; c < ATL_PALETTES[p].n_colours; c++)
        {
          g_autofree char *hex = g_strdup_printf ("#%06X", ATL_PALETTES[p].colours[c]);

          g_assert_cmpstr (json_array_get_string_element (colours, c), ==, hex);
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/art-export/png-text-chunks", test_png_text_chunks);
  g_test_add_func ("/app/art-export/vector", test_vector);
  g_test_add_func ("/app/art-export/errors", test_errors);
  g_test_add_func ("/app/art-export/full-disk", test_full_disk);
  g_test_add_func ("/app/art-export/palettes-json", test_palettes_json);
  return g_test_run ();
}
