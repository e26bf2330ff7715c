/* atl-domain.c: the domain table and the two ways a pretraining corpus is made. */
#include "atl-domain.h"

#include <gio/gio.h>

#include "atl-art-codec.h"
#include "atl-art-corpus.h"
#include "atl-error.h"
#include "atl-music-codec.h"
#include "atl-music-corpus.h"

gboolean
atl_domain_from_string (const char *name,
                        AtlDomain  *out_domain)
{
  if (g_strcmp0 (name, "art") == 0)
    *out_domain = ATL_DOMAIN_ART;
  else if (g_strcmp0 (name, "music") == 0)
    *out_domain = ATL_DOMAIN_MUSIC;
  else
    return FALSE;
  return TRUE;
}

gboolean
atl_domain_parse (const char  *name,
                  AtlDomain   *out_domain,
                  GError     **error)
{
  if (atl_domain_from_string (name, out_domain))
    return TRUE;
  g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
               "Unknown domain “%s”: use art or music", name ? name : "");
  return FALSE;
}

const char *
atl_domain_to_string (AtlDomain domain)
{
  return domain == ATL_DOMAIN_MUSIC ? "music" : "art";
}

const AtlCodec *
atl_domain_get_codec (AtlDomain domain)
{
  return domain == ATL_DOMAIN_MUSIC ? atl_music_codec () : atl_art_codec ();
}

const char *
atl_domain_default_session_name (AtlDomain domain)
{
  return domain == ATL_DOMAIN_MUSIC ? "Music sketchbook" : "Art sketchbook";
}

void
atl_domain_default_config (AtlDomain        domain,
                           AtlPolicyConfig *out_config)
{
  const AtlCodec *codec = atl_domain_get_codec (domain);

  *out_config = (AtlPolicyConfig) {
    .vocab = codec->vocab_size,
    .ctx = codec->max_len,
    .d_model = 128,
    .n_layer = 4,
    .n_head = 4,
  };
}

static gboolean
load_music (const char   *source,
            AtlTokenSet  *train,
            AtlTokenSet  *val,
            GString      *report,
            GError      **error)
{
  g_autoptr(AtlMusicCorpus) corpus = atl_music_corpus_load (source, error);

  if (corpus == NULL)
    return FALSE;

  for (int split = 0; split < 2; split++)
    {
      AtlTokenSet *set = split ? val : train;
      guint n = atl_music_corpus_n_sequences (corpus, split);

      for (guint i = 0; i < n; i++)
        {
          int len;
          const int *seq = atl_music_corpus_sequence (corpus, split, i, &len);

          atl_token_set_add (set, seq, (guint) len);
        }
    }

  if (report != NULL)
    g_string_append_printf (report, "%s: %u tunes read (%u skipped), %d files; "
                            "%d training and %d validation tunes",
                            source, corpus->tunes->len, corpus->skipped->len,
                            corpus->n_files, corpus->n_tunes[0], corpus->n_tunes[1]);
  return TRUE;
}

static gboolean
load_art (const char   *source,
          guint         count,
          guint64       seed,
          AtlTokenSet  *train,
          AtlTokenSet  *val,
          GString      *report,
          GError      **error)
{
  int tokens[ATL_ART_MAX_LEN];
  AtlRng rng;

  if (g_strcmp0 (source, "procedural") != 0)
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "The art corpus is procedural: use --corpus procedural");
      return FALSE;
    }
  if (count < 10)
    {
      g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                   "An art corpus needs at least 10 compositions, not %u", count);
      return FALSE;
    }

  atl_rng_seed (&rng, seed);
  for (guint i = 0; i < count; i++)
    {
      AtlArtwork art;
      AtlMsg msg = { { 0 } };
      AtlStatus status;
      int len;

      atl_art_corpus_sample_any (&rng, &art);
      status = atl_art_encode (&art, tokens, G_N_ELEMENTS (tokens), &len, &msg);
      if (status != ATL_OK)
        {
          atl_set_engine_error (error, status, &msg);
          g_prefix_error (error, "Composition %u of the procedural corpus: ", i);
          return FALSE;
        }
      /* Every tenth composition is held out for validation. */
      atl_token_set_add (i % 10 == 9 ? val : train, tokens, (guint) len);
    }

  if (report != NULL)
    g_string_append_printf (report, "procedural: %u compositions, seed %" G_GUINT64_FORMAT,
                            count, seed);
  return TRUE;
}

gboolean
atl_domain_load_corpus (AtlDomain      domain,
                        const char    *source,
                        guint          count,
                        guint64        seed,
                        AtlTokenSet  **out_train,
                        AtlTokenSet  **out_val,
                        GString       *report,
                        GError       **error)
{
  g_autoptr(AtlTokenSet) train = atl_token_set_new ();
  g_autoptr(AtlTokenSet) val = atl_token_set_new ();
  gboolean ok;

  if (domain == ATL_DOMAIN_MUSIC)
    ok = load_music (source, train, val, report, error);
  else
    ok = load_art (source, count, seed, train, val, report, error);
  if (!ok)
    return FALSE;

  *out_train = g_steal_pointer (&train);
  *out_val = g_steal_pointer (&val);
  return TRUE;
}
