/* atl-cli-corpus.c: `atelier corpus --domain music DIR`.
 *
 * Reads a corpus the way pretraining will and prints what it got: tunes read and skipped
 * (with the reasons), windows, sequences and tokens per split, the longest sequence, and
 * the measured bucket boundaries that the music codec's density and register tokens use.
 */
#include "atl-cli-corpus.h"

#include <stdio.h>

#include "atl-error.h"
#include "atl-music-codec.h"
#include "atl-music-corpus.h"

#define MAX_REASONS 50

gboolean
atl_cli_corpus_cb (int      argc,
                   char   **argv,
                   GError **error)
{
  g_autoptr(AtlMusicCorpus) corpus = NULL;
  const char *domain = "music", *path = NULL;

  for (int i = 0; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--domain") && i + 1 < argc)
        domain = argv[++i];
      else if (argv[i][0] != '-' && path == NULL)
        path = argv[i];
      else
        {
          g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                       "corpus: unexpected “%s” (usage: corpus --domain music DIR)", argv[i]);
          return FALSE;
        }
    }
  if (path == NULL)
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "corpus: a folder is missing (usage: corpus --domain music DIR)");
      return FALSE;
    }
  if (!g_str_equal (domain, "music"))
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "corpus: domain “%s” has no corpus reader (the art corpus is procedural); "
                   "use --domain music", domain);
      return FALSE;
    }

  corpus = atl_music_corpus_load (path, error);
  if (corpus == NULL)
    return FALSE;

  printf ("corpus:      %s (%d files)\n", path, corpus->n_files);
  printf ("tunes:       %u read, %u skipped\n", corpus->tunes->len, corpus->skipped->len);
  for (guint i = 0; i < corpus->skipped->len && i < MAX_REASONS; i++)
    printf ("  skipped:   %s\n", ((GError *) g_ptr_array_index (corpus->skipped, i))->message);
  if (corpus->skipped->len > MAX_REASONS)
    printf ("  …and %u more\n", corpus->skipped->len - MAX_REASONS);
  printf ("windows:     %d (%d without notes, %d wider than 3 octaves: dropped)\n",
          corpus->n_windows, corpus->n_silent, corpus->n_unplaced);
  for (int s = 0; s < 2; s++)
    printf ("%-12s %d tunes, %u sequences, %u tokens\n", s == 0 ? "train:" : "validation:",
            corpus->n_tunes[s], atl_music_corpus_n_sequences (corpus, s == 1),
            corpus->tokens[s]->len);
  printf ("longest:     %d tokens (codec max_len %d)\n", corpus->longest,
          atl_music_codec ()->max_len);
  printf ("density:     quartiles %.2f %.2f %.2f notes per bar\n", corpus->density_q[0],
          corpus->density_q[1], corpus->density_q[2]);
  printf ("register:    tertiles %.2f %.2f semitones above the tonic\n",
          corpus->register_q[0], corpus->register_q[1]);
  return TRUE;
}
