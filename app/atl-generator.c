/* atl-generator.c: the sampler driven by the codec's grammar and a style's forced slots.
 *
 * The grammar callback asks the codec which tokens may come next, then narrows a forced
 * prefix slot to its one token. Works are drawn in runs of up to RUN rows, SLOTS at a
 * time (the sampler's slots: a work takes one as another ends), each row with its own RNG
 * seeded from the work's seed, so batching never changes a work.
 */
#include "atl-generator.h"

#include <string.h>

#include "atl-error.h"
#include "atl-sampler.h"

/* A grid's pool (36 works for 12 shown) is one run: its slowest works decode together at
 * the end of the run, not at the end of each batch of sixteen. */
#define SLOTS 16
#define RUN 64

struct _AtlGenerator
{
  AtlPolicy      *policy;   /* borrowed */
  const AtlCodec *codec;    /* borrowed */
  AtlSampler     *sampler;
  int            *tokens;   /* (RUN, max_len) */
  float          *logp;     /* (RUN, max_len) */
  int             max_len;
};

/* Long names for the codecs' prefix groups. */
static const struct { const char *alias, *group; } aliases[] = {
  { "palette", "pal" },
  { "background", "bg" },
  { "tune-type", "type" },
};

static const char *
group_of (const char *key)
{
  for (gsize i = 0; i < G_N_ELEMENTS (aliases); i++)
    if (g_str_equal (key, aliases[i].alias))
      return aliases[i].group;
  return key;
}

/* The prefix slot whose tokens are named "group:…", found by walking the grammar along
 * the first allowed token of each slot; −1 if none. */
static int
slot_of_group (const AtlCodec *codec,
               const char     *group,
               GString        *choices)
{
  g_autofree unsigned char *allowed = g_malloc (codec->vocab_size);
  g_autofree int *seq = g_new0 (int, codec->prefix_len + 1);
  g_autofree char *head = g_strconcat (group, ":", NULL);
  int found = -1;

  seq[0] = ATL_TOKEN_BOS;
  for (int slot = 0; slot < codec->prefix_len; slot++)
    {
      int first = -1;

      codec->allowed (codec, seq, slot + 1, allowed);
      for (int v = 0; v < codec->vocab_size; v++)
        {
          if (!allowed[v])
            continue;
          if (first < 0)
            first = v;
          if (g_str_has_prefix (codec->token_name (codec, v), head))
            found = slot;
        }
      if (choices != NULL && first >= 0)
        {
          const char *name = codec->token_name (codec, first);
          const char *colon = strchr (name, ':');

          g_string_append_printf (choices, "%s%.*s", slot ? ", " : "",
                                  colon ? (int) (colon - name) : (int) strlen (name), name);
        }
      if (found >= 0 || first < 0)
        break;
      seq[slot + 1] = first;
    }
  return found;
}

gboolean
atl_style_prefix_parse (const AtlCodec     *codec,
                        const char * const *style,
                        AtlStylePrefix     *out,
                        GError            **error)
{
  g_return_val_if_fail (codec->prefix_len <= (int) G_N_ELEMENTS (out->forced), FALSE);

  for (gsize i = 0; i < G_N_ELEMENTS (out->forced); i++)
    out->forced[i] = -1;

  for (gsize i = 0; style != NULL && style[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (style[i], "=", 2);
      g_autoptr(GString) choices = g_string_new (NULL);
      g_autofree char *name = NULL;
      const char *group;
      int slot, token = -1;

      if (kv[0] == NULL || kv[1] == NULL || kv[0][0] == '\0')
        {
          g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                       "Style “%s” is not key=value", style[i]);
          return FALSE;
        }
      group = group_of (kv[0]);
      slot = slot_of_group (codec, group, NULL);
      if (slot < 0)
        {
          slot_of_group (codec, "\001", choices);
          g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                       "The %s domain has no style “%s” (it has: %s)", codec->name, kv[0],
                       choices->str);
          return FALSE;
        }

      name = g_strdup_printf ("%s:%s", group, kv[1]);
      for (int v = 0; v < codec->vocab_size; v++)
        {
          const char *tn = codec->token_name (codec, v);

          if (g_str_equal (tn, name))
            token = v;
          else if (g_str_has_prefix (tn, group) && tn[strlen (group)] == ':')
            g_string_append_printf (choices, "%s%s", choices->len ? ", " : "",
                                    tn + strlen (group) + 1);
        }
      if (token < 0)
        {
          g_set_error (error, ATL_CLI_ERROR, ATL_CLI_ERROR_USAGE,
                       "“%s” is not a %s (choose one of: %s)", kv[1], kv[0], choices->str);
          return FALSE;
        }
      out->forced[slot] = token;
    }
  return TRUE;
}

AtlGenerator *
atl_generator_new (AtlPolicy       *policy,
                   const AtlCodec  *codec,
                   GError         **error)
{
  g_autoptr(AtlGenerator) gen = g_new0 (AtlGenerator, 1);
  const AtlPolicyConfig *config = atl_policy_get_config (policy);
  AtlMsg msg = { { 0 } };
  AtlStatus status;

  if (config->vocab != codec->vocab_size)
    {
      g_set_error (error, ATL_ENGINE_ERROR, ATL_ERR_INVALID,
                   "The policy has %d tokens, the %s codec %d", config->vocab, codec->name,
                   codec->vocab_size);
      return NULL;
    }
  gen->policy = policy;
  gen->codec = codec;
  gen->max_len = MIN (codec->max_len, config->ctx);
  status = atl_sampler_new (policy, SLOTS, &gen->sampler, &msg);
  if (status != ATL_OK)
    {
      atl_set_engine_error (error, status, &msg);
      return NULL;
    }
  gen->tokens = g_new (int, (gsize) RUN * gen->max_len);
  gen->logp = g_new (float, (gsize) RUN * gen->max_len);
  return g_steal_pointer (&gen);
}

void
atl_generator_free (AtlGenerator *gen)
{
  if (gen == NULL)
    return;
  g_clear_pointer (&gen->sampler, atl_sampler_free);
  g_free (gen->tokens);
  g_free (gen->logp);
  g_free (gen);
}

typedef struct
{
  const AtlCodec       *codec;
  const AtlStylePrefix *style;
} GrammarData;

static void
grammar_cb (void          *user,
            int            b,
            const int     *tokens,
            int            len,
            unsigned char *allowed)
{
  GrammarData *data = user;
  int slot = len - 1;

  data->codec->allowed (data->codec, tokens, len, allowed);
  if (data->style != NULL && slot >= 0 && slot < data->codec->prefix_len
      && data->style->forced[slot] >= 0)
    {
      int token = data->style->forced[slot];
      unsigned char ok = allowed[token];

      memset (allowed, 0, data->codec->vocab_size);
      /* A forced token the grammar forbids would leave nothing; keep the grammar's word. */
      if (ok)
        allowed[token] = 1;
      else
        data->codec->allowed (data->codec, tokens, len, allowed);
    }
}

gboolean
atl_generator_sample (AtlGenerator         *gen,
                      const AtlStylePrefix *style,
                      const int            *prompt,
                      int                   prompt_len,
                      int                   count,
                      const guint64        *seeds,
                      float                 temperature,
                      float                 top_p,
                      AtlTokenSet          *out,
                      float                *out_logp_sum,
                      GError              **error)
{
  static const int bos = ATL_TOKEN_BOS;
  GrammarData data = { gen->codec, style };
  AtlSampleOptions options = {
    .temperature = temperature,
    .top_p = top_p,
    .end_token = ATL_TOKEN_EOS,
    .max_len = gen->max_len,
    .grammar = grammar_cb,
    .grammar_user = &data,
  };
  AtlRng rngs[RUN];
  int prompt_lens[RUN], lens[RUN];

  if (prompt == NULL)
    {
      prompt = &bos;
      prompt_len = 1;
    }
  if (prompt_len < 1 || prompt_len >= gen->max_len || prompt[0] != ATL_TOKEN_BOS)
    {
      g_set_error (error, ATL_ENGINE_ERROR, ATL_ERR_INVALID,
                   "A prompt starts with BOS and is shorter than %d tokens", gen->max_len);
      return FALSE;
    }

  for (int done = 0; done < count; )
    {
      int B = MIN (RUN, count - done);
      AtlMsg msg = { { 0 } };
      AtlStatus status;

      for (int b = 0; b < B; b++)
        {
          memcpy (gen->tokens + (gsize) b * gen->max_len, prompt, prompt_len * sizeof (int));
          prompt_lens[b] = prompt_len;
          atl_rng_seed (&rngs[b], seeds[done + b]);
        }
      options.row_rngs = rngs;
      status = atl_sampler_run (gen->sampler, &rngs[0], &options, B, prompt_lens, gen->tokens,
                                lens, gen->logp, &msg);
      if (status != ATL_OK)
        return atl_set_engine_error (error, status, &msg);

      for (int b = 0; b < B; b++)
        {
          const int *seq = gen->tokens + (gsize) b * gen->max_len;

          /* The grammar guarantees a complete work unless max_len cut it short. */
          status = gen->codec->validate (gen->codec, seq, lens[b], &msg);
          if (status != ATL_OK)
            {
              atl_set_engine_error (error, status, &msg);
              g_prefix_error (error, "Sample with seed %" G_GUINT64_FORMAT " is not valid: ",
                              seeds[done + b]);
              return FALSE;
            }
          atl_token_set_add (out, seq, (guint) lens[b]);
          if (out_logp_sum != NULL)
            {
              float sum = 0.0f;

              for (int t = 0; t < lens[b]; t++)
                sum += gen->logp[(gsize) b * gen->max_len + t];
              out_logp_sum[done + b] = sum;
            }
        }
      done += B;
    }
  return TRUE;
}
