/* atl-cli.c: parses global options and dispatches to a subcommand.
 *
 * Each subcommand is a row of the table below: a name, a one-line summary for `help`, and a
 * function that gets the arguments after the command name. A failure is a GError printed
 * once, here, as "atelier: message".
 */
#include "atl-cli.h"

#include <cblas.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "atl-bench-all.h"
#include "atl-bench-loop.h"
#include "atl-bench-scaling.h"
#include "atl-bench-nn.h"
#include "atl-cli-bench.h"
#include "atl-cli-corpus.h"
#include "atl-cli-generate.h"
#include "atl-cli-loop.h"
#include "atl-cli-render.h"
#include "atl-cli-store.h"
#include "atl-cli-train.h"
#include "atl-config.h"
#include "atl-error.h"
#include "atl-paths.h"

typedef gboolean (*AtlCliFunc) (int      argc,
                                char   **argv,
                                GError **error);

typedef struct
{
  const char *name;
  const char *args;
  const char *summary;
  AtlCliFunc  func;
} AtlCliCommand;

static gboolean cmd_help_cb    (int argc, char **argv, GError **error);
static gboolean cmd_version_cb (int argc, char **argv, GError **error);
static gboolean cmd_info_cb    (int argc, char **argv, GError **error);
static gboolean cmd_bench_cb   (int argc, char **argv, GError **error);

static const AtlCliCommand commands[] = {
  { "help", "", "List the commands", cmd_help_cb },
  { "version", "", "Print the version", cmd_version_cb },
  { "info", "", "Print the store folder and the numeric back end", cmd_info_cb },
  { "bench", "all|scaling|nn|music|art|loop [--json] [--model FILE] …",
    "Time the engine; measure the base models (see --help)", cmd_bench_cb },
  { "contact-sheet", "--domain art --out FILE [--per-family 6]",
    "A labelled sheet of base art samples per family", atl_cli_contact_sheet_cb },
  { "corpus", "--domain music DIR", "Read a corpus and count tunes, windows, tokens",
    atl_cli_corpus_cb },
  { "sessions", "[list|new NAME --domain art|music|rename OLD NEW|delete NAME]",
    "List, create, rename or delete sessions", atl_cli_sessions_cb },
  { "versions", "SESSION [--restore N|--reset]", "List, restore or reset model versions",
    atl_cli_versions_cb },
  { "prefer", "--winner A --loser B|--export FILE [--session NAME]|--import FILE --session NAME",
    "Record an A/B choice; export or import preferences (JSONL)", atl_cli_prefer_cb },
  { "generate", "--domain D [--session NAME] [--count N] [--seed S] [--style K=V …] --out DIR",
    "Draw a round of works, record it, write files", atl_cli_generate_cb },
  { "export", "--work ID --out FILE [--format F] [--size PX]",
    "Write one work in any format and size", atl_cli_export_cb },
  { "pick", "--grid G --favorite ID… [--reject ID…]",
    "Record a grid's favourites and rejects", atl_cli_pick_cb },
  { "train", "[--session NAME] [--rounds N] [--steps N] [--method rloo|dpo]",
    "Learn the picks and fine-tune the session's model", atl_cli_train_cb },
  { "export-prefs", "--out FILE [--session NAME]", "Write preferences as JSONL",
    atl_cli_export_prefs_cb },
  { "import-prefs", "FILE --session NAME", "Read preferences from JSONL",
    atl_cli_import_prefs_cb },
  { "demo", "[--domain D] [--taste NAME] [--rounds N] [--out DIR]",
    "A whole session with a simulated artist, headless", atl_cli_demo_cb },
  { "pretrain", "--domain D --corpus SRC --out FILE [--steps N …]",
    "Pretrain a base model (see --help)", atl_cli_pretrain_cb },
  { "eval", "--domain D --model FILE --corpus SRC",
    "Mean NLL per token of a model on a corpus", atl_cli_eval_cb },
  { "synth-demo", "--out DIR [--timbre NAME] [--key C] [--tempo 110] [--rate 48000]",
    "Render the demo tune to WAV, FLAC, Ogg and MIDI", atl_cli_synth_demo_cb },
};

static const AtlCliCommand *
find_command (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_strcmp0 (commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

static gboolean
cmd_help_cb (int      argc,
             char   **argv,
             GError **error)
{
  printf ("Usage: atelier [--store DIR] [COMMAND [ARGS…]]\n\n"
          "With no command, atelier opens the studio.\n\nCommands:\n");
  /* Name and arguments on one line, what it does indented below: the arguments of
   * some commands are too long to share a line with the summary. */
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    printf ("  %s %s\n      %s\n", commands[i].name, commands[i].args, commands[i].summary);
  printf ("\nOptions:\n  --store DIR                  Use DIR as the store "
          "(default: $XDG_DATA_HOME/atelier)\n  --version                    Print the version\n");
  return TRUE;
}

static gboolean
cmd_version_cb (int      argc,
                char   **argv,
                GError **error)
{
  printf ("atelier %s (%s)\n", PACKAGE_VERSION, APP_ID);
  return TRUE;
}

static gboolean
cmd_info_cb (int      argc,
             char   **argv,
             GError **error)
{
  g_autofree char *store = atl_paths_dup_store_dir ();

  printf ("version:   %s\napp id:    %s\nstore:     %s\nblas:      %s\nthreads:   %d\n",
          PACKAGE_VERSION, APP_ID, store, openblas_get_config (),
          openblas_get_num_threads ());
  return TRUE;
}

static gboolean
cmd_bench_cb (int      argc,
              char   **argv,
              GError **error)
{
  AtlBenchNnOptions options;
  AtlBenchNnResult result;
  g_autofree char *text = NULL;
  gboolean json = FALSE;

  atl_bench_nn_options_init (&options);
  if (argc >= 1 && g_str_equal (argv[0], "music"))
    return atl_cli_bench_music_cb (argc - 1, argv + 1, error);
  if (argc >= 1 && g_str_equal (argv[0], "art"))
    return atl_cli_bench_art_cb (argc - 1, argv + 1, error);
  if (argc >= 1 && g_str_equal (argv[0], "loop"))
    return atl_cli_bench_loop_cb (argc - 1, argv + 1, error);
  if (argc >= 1 && g_str_equal (argv[0], "all"))
    return atl_cli_bench_all_cb (argc - 1, argv + 1, error);
  if (argc >= 1 && g_str_equal (argv[0], "scaling"))
    return atl_cli_bench_scaling_cb (argc - 1, argv + 1, error);
  if (argc < 1 || !g_str_equal (argv[0], "nn"))
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "usage: atelier bench nn|music|art [--json] …");
      return FALSE;
    }
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--json"))
        json = TRUE;
      else if (g_str_equal (argv[i], "--no-pytorch"))
        options.pytorch = FALSE;
      else
        {
          g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                       "unknown bench option “%s”", argv[i]);
          return FALSE;
        }
    }
  if (!atl_bench_nn_run (&options, &result, error))
    return FALSE;
  text = atl_bench_nn_format (&result, json);
  printf ("%s\n", text);
  return TRUE;
}

gboolean
atl_cli_wants (int    argc,
               char **argv)
{
  if (argc < 2)
    return FALSE;
  if (g_str_equal (argv[1], "--store") || g_str_equal (argv[1], "--version")
      || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    return TRUE;
  return find_command (argv[1]) != NULL;
}

int
atl_cli_run (int    argc,
             char **argv)
{
  g_autoptr(GError) error = NULL;
  const AtlCliCommand *command;
  int i = 1;

  /* A file-size limit (prlimit --fsize, ulimit -f) must fail the write that reaches it,
   * not end the process: the writers then report EFBIG and remove their temp files. */
  signal (SIGXFSZ, SIG_IGN);

  /* Global options stand before the command name. */
  while (i < argc && argv[i][0] == '-')
    {
      if (g_str_equal (argv[i], "--store") && i + 1 < argc)
        {
          atl_paths_set_store_dir (argv[i + 1]);
          i += 2;
        }
      else if (g_str_equal (argv[i], "--version"))
        return cmd_version_cb (0, NULL, NULL) ? 0 : 1;
      else if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        return cmd_help_cb (0, NULL, NULL) ? 0 : 1;
      else
        {
          fprintf (stderr, "atelier: unknown option “%s” (try “atelier help”)\n", argv[i]);
          return 2;
        }
    }

  if (i >= argc)
    {
      fprintf (stderr, "atelier: a command is missing after the options (try “atelier help”)\n");
      return 2;
    }

  command = find_command (argv[i]);
  if (command == NULL)
    {
      fprintf (stderr, "atelier: no command “%s” (try “atelier help”)\n", argv[i]);
      return 2;
    }

  if (!command->func (argc - i - 1, argv + i + 1, &error))
    {
      fprintf (stderr, "atelier: %s\n", error->message);
      return g_error_matches (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE) ? 2 : 1;
    }
  return 0;
}
