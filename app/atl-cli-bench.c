/* atl-cli-bench.c: the command-line faces of the music and art benches and of the art
 * contact sheet. Parsing only: the measuring is in atl-bench-music.c, atl-bench-art.c and
 * atl-contact-sheet.c, which the tests call directly.
 */
#include "atl-cli-bench.h"

#include <stdio.h>

#include "atl-base-models.h"
#include "atl-bench-art.h"
#include "atl-bench-music.h"
#include "atl-cli-generate.h"
#include "atl-contact-sheet.h"
#include "atl-engine-autoptr.h"
#include "atl-error.h"
#include "atl-model.h"

gboolean
atl_cli_bench_music_cb (int      argc,
                        char   **argv,
                        GError **error)
{
  g_autofree char *model = NULL, *corpus = NULL, *text = NULL;
  gboolean json = FALSE;
  AtlBenchMusicOptions options;
  AtlBenchMusicResult result;
  gboolean ok;

  atl_bench_music_options_init (&options);
  {
    GOptionEntry entries[] = {
      { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object", NULL },
      { "model", 0, 0, G_OPTION_ARG_FILENAME, &model,
        "Checkpoint to measure (default: the shipped base)", "FILE" },
      { "corpus", 0, 0, G_OPTION_ARG_FILENAME, &corpus,
        "Folder of ABC/MIDI tunes (default: ../shared/data/nottingham)", "DIR" },
      { "samples", 0, 0, G_OPTION_ARG_INT, &options.n_samples, "Base samples (1000)", "N" },
      { "threads", 0, 0, G_OPTION_ARG_INT, &options.threads, "BLAS threads (2)", "N" },
      { NULL }
    };

    if (!atl_cli_parse_options ("bench music", "Quality and speed of a melody model",
                                entries, argc, argv, error))
      return FALSE;
  }
  options.model_path = model;
  options.corpus_dir = corpus;
  ok = atl_bench_music_run (&options, &result, error);
  if (ok)
    {
      text = atl_bench_music_format (&result, json);
      printf ("%s\n", text);
    }
  atl_bench_music_result_clear (&result);
  return ok;
}

gboolean
atl_cli_bench_art_cb (int      argc,
                      char   **argv,
                      GError **error)
{
  g_autofree char *model = NULL, *text = NULL;
  gboolean json = FALSE;
  AtlBenchArtOptions options;
  AtlBenchArtResult result;
  gboolean ok;

  atl_bench_art_options_init (&options);
  {
    GOptionEntry entries[] = {
      { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object", NULL },
      { "model", 0, 0, G_OPTION_ARG_FILENAME, &model,
        "Checkpoint to measure (default: the shipped base)", "FILE" },
      { "samples", 0, 0, G_OPTION_ARG_INT, &options.n_samples, "Base samples (1000)", "N" },
      { "per-family", 0, 0, G_OPTION_ARG_INT, &options.n_per_family,
        "Conditioned samples per family (40)", "N" },
      { "threads", 0, 0, G_OPTION_ARG_INT, &options.threads, "BLAS threads (2)", "N" },
      { NULL }
    };

    if (!atl_cli_parse_options ("bench art", "Quality and speed of an art model",
                                entries, argc, argv, error))
      return FALSE;
  }
  options.model_path = model;
  ok = atl_bench_art_run (&options, &result, error);
  if (ok)
    {
      text = atl_bench_art_format (&result, json);
      printf ("%s\n", text);
    }
  atl_bench_art_result_clear (&result);
  return ok;
}

gboolean
atl_cli_contact_sheet_cb (int      argc,
                          char   **argv,
                          GError **error)
{
  g_autofree char *domain = NULL, *model = NULL, *out = NULL;
  g_autoptr(AtlPolicy) policy = NULL;
  int per_family = 6, tile = 256, n_works = 0;
  GOptionEntry entries[] = {
    { "domain", 0, 0, G_OPTION_ARG_STRING, &domain, "art (the only one with pictures)",
      "DOMAIN" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "PNG to write", "FILE" },
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model,
      "Checkpoint (default: the shipped base)", "FILE" },
    /* Six: nine families make 54 works, at least the 48 the issue asks to look at. */
    { "per-family", 0, 0, G_OPTION_ARG_INT, &per_family, "Works per family (6)", "N" },
    { "tile", 0, 0, G_OPTION_ARG_INT, &tile, "Tile side in pixels (256)", "PX" },
    { NULL }
  };

  if (!atl_cli_parse_options ("contact-sheet", "A labelled sheet of base samples per family",
                              entries, argc, argv, error))
    return FALSE;
  if (domain == NULL || !g_str_equal (domain, "art") || out == NULL)
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "usage: atelier contact-sheet --domain art --out FILE [--per-family 6] "
                   "[--model FILE]");
      return FALSE;
    }
  if (model == NULL)
    {
      model = atl_base_model_path (ATL_DOMAIN_ART, error);
      if (model == NULL)
        return FALSE;
    }
  policy = atl_model_load (model, NULL, atl_domain_get_codec (ATL_DOMAIN_ART), error);
  if (policy == NULL
      || !atl_contact_sheet_write (policy, per_family, tile, out, &n_works, error))
    return FALSE;
  printf ("wrote %s: %d works, %d per family, from %s\n", out, n_works, per_family, model);
  return TRUE;
}
