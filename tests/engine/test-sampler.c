/* test-sampler.c: golden sampling, KV-cache consistency, grammar masks, top-p and
 * temperature, on the reference fixture's weights (tests/fixtures/nn/reference.bin:
 * V 23, ctx 16, d 32, 2 layers, 4 heads).
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "atl-nn.h"
#include "atl-policy.h"
#include "atl-sampler.h"

enum { B = 4, T = 16, V = 23 };

static const int prompt_lens[B] = { 1, 3, 2, 5 };
static const int prompts[B][5] = {
  { 0 }, { 1, 2, 3 }, { 4, 5 }, { 6, 7, 8, 9, 10 },
};

/* Greedy continuations, identical to a greedy decode of the PyTorch reference model in
 * tests/reference/make_fixtures.py (full forward per step, no cache). */
static const int golden[B][T] = {
  { 0, 22, 15, 15, 22, 15, 15, 15, 15, 15, 22, 15, 22, 4, 15, 18 },
  { 1, 2, 3, 18, 15, 18, 15, 18, 15, 18, 15, 18, 15, 18, 15, 18 },
  { 4, 5, 16, 16, 16, 16, 16, 16, 15, 16, 4, 20, 15, 11, 11, 4 },
  { 6, 7, 8, 9, 10, 4, 17, 18, 15, 18, 15, 18, 15, 16, 16, 4 },
};

/* Reads the "params" record of the fixture (format in tests/reference/make_fixtures.py). */
static AtlPolicy *
load_policy (void)
{
  g_autofree char *path = g_build_filename (ATL_FIXTURE_DIR, "reference.bin", NULL);
  g_autofree char *bytes = NULL;
  g_autoptr(GError) error = NULL;
  AtlPolicyConfig config = { .vocab = V, .ctx = T, .d_model = 32, .n_layer = 2, .n_head = 4 };
  AtlPolicy *policy = NULL;
  gsize length, pos = 0;
  AtlMsg msg;

  g_file_get_contents (path, &bytes, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpint (atl_policy_new (&config, &policy, &msg), ==, ATL_OK);
  while (pos + 4 <= length)
    {
      guint32 name_len, header[2];

      memcpy (&name_len, bytes + pos, 4);
      memcpy (header, bytes + pos + 4 + name_len, 8);
      if (name_len == 6 && memcmp (bytes + pos + 4, "params", 6) == 0)
        {
          g_assert_cmpuint (header[1], ==, atl_policy_get_n_params (policy));
          memcpy (atl_policy_get_params (policy), bytes + pos + 12 + name_len,
                  header[1] * sizeof (float));
          return policy;
        }
      pos += 12 + name_len + 4 * (gsize) header[1];
    }
  g_assert_not_reached ();
}

typedef struct
{
  AtlPolicy  *policy;
  AtlSampler *sampler;
  int         tokens[B * T];
  int         lens[B];
  float       logp[B * T];
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  AtlMsg msg;

  f->policy = load_policy ();
  g_assert_cmpint (atl_sampler_new (f->policy, B, &f->sampler, &msg), ==, ATL_OK);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  atl_sampler_free (f->sampler);
  atl_policy_free (f->policy);
}

static void
run (Fixture                *f,
     const AtlSampleOptions *options,
     guint64                 seed)
{
  AtlRng rng;
  AtlMsg msg;
  AtlStatus status;

  memset (f->tokens, 0, sizeof f->tokens);
  for (int b = 0; b < B; b++)
    memcpy (f->tokens + b * T, prompts[b], prompt_lens[b] * sizeof (int));
  atl_rng_seed (&rng, seed);
  status = atl_sampler_run (f->sampler, &rng, options, B, prompt_lens, f->tokens, f->lens,
                            f->logp, &msg);
  if (status != ATL_OK)
    g_error ("sampling failed: %s", msg.text);
  for (int b = 0; b < B; b++)
    for (int t = 0; t < prompt_lens[b]; t++)
      g_assert_cmpint (f->tokens[b * T + t], ==, prompts[b][t]);
}

static void
test_golden (Fixture       *f,
             gconstpointer  data)
{
  AtlSampleOptions options = { .temperature = 0.0f, .top_p = 1.0f, .end_token = -1,
                               .max_len = T };
  int first[B * T];

  run (f, &options, 1);
  memcpy (first, f->tokens, sizeof first);
  for (int b = 0; b < B; b++)
    {
      GString *row = g_string_new ("{");

      for (int t = 0; t < T; t++)
        g_string_append_printf (row, " %d,", f->tokens[b * T + t]);
      g_test_message ("%s },", row->str);
      g_string_free (row, TRUE);
      g_assert_cmpint (f->lens[b], ==, T);
    }
  for (int b = 0; b < B; b++)
    for (int t = 0; t < T; t++)
      g_assert_cmpint (f->tokens[b * T + t], ==, golden[b][t]);
  /* Argmax ignores the seed. */
  run (f, &options, 777);
  g_assert_cmpmem (first, sizeof first, f->tokens, sizeof f->tokens);
}

/* The cache must reproduce the full forward: logp of every sampled token within 1e-4. */
static void
check_against_forward (Fixture *f)
{
  int inputs[B * (T - 1)], targets[B * (T - 1)];
  float logp[B * (T - 1)];
  AtlMsg msg;

  for (int b = 0; b < B; b++)
    for (int t = 0; t < T - 1; t++)
      {
        inputs[b * (T - 1) + t] = t < f->lens[b] ? f->tokens[b * T + t] : 0;
        targets[b * (T - 1) + t] = t + 1 >= prompt_lens[b] && t + 1 < f->lens[b]
                                     ? f->tokens[b * T + t + 1] : -1;
      }
  g_assert_cmpint (atl_policy_forward (f->policy, inputs, targets, NULL, B, T - 1, NULL, logp,
                                       &msg), ==, ATL_OK);
  for (int b = 0; b < B; b++)
    for (int t = 1; t < T; t++)
      {
        float expect = targets[b * (T - 1) + t - 1] >= 0 ? logp[b * (T - 1) + t - 1] : 0.0f;

        g_assert_cmpfloat_with_epsilon (f->logp[b * T + t], expect, 1e-4);
      }
}

static void
test_cache_matches_forward (Fixture       *f,
                            gconstpointer  data)
{
  AtlSampleOptions options = { .temperature = 1.0f, .top_p = 1.0f, .end_token = -1,
                               .max_len = T };

  for (guint64 seed = 1; seed <= 5; seed++)
    {
      run (f, &options, seed);
      check_against_forward (f);
    }
  /* With an end token some rows stop early and the batch is compacted. */
  options.end_token = 3;
  options.temperature = 1.5f;
  for (guint64 seed = 1; seed <= 20; seed++)
    {
      run (f, &options, seed);
      check_against_forward (f);
    }
}

/* After position 6 only even tokens; from length 10 on only the end token (22). */
static void
even_grammar_cb (gpointer       user,
                 int            b,
                 const int     *tokens,
                 int            len,
                 unsigned char *allowed)
{
  int *calls = user;

  (*calls)++;
  g_assert_cmpint (len, >=, prompt_lens[b]);
  for (int v = 0; v < V; v++)
    {
      if (len >= 10)
        allowed[v] = v == 22;
      else if (len >= 6 && v % 2 == 1)
        allowed[v] = 0;
    }
}

static void
test_grammar (Fixture       *f,
              gconstpointer  data)
{
  int calls = 0;
  AtlSampleOptions options = { .temperature = 1.0f, .top_p = 0.9f, .end_token = 22,
                               .max_len = T, .grammar = even_grammar_cb,
                               .grammar_user = &calls };

  for (guint64 seed = 1; seed <= 10; seed++)
    {
      run (f, &options, seed);
      for (int b = 0; b < B; b++)
        {
          g_assert_cmpint (f->lens[b], <=, 11);
          g_assert_cmpint (f->tokens[b * T + f->lens[b] - 1], ==, 22);
          for (int t = MAX (6, prompt_lens[b]); t < f->lens[b]; t++)
            g_assert_cmpint (f->tokens[b * T + t] % 2, ==, 0);
        }
      check_against_forward (f);
    }
  g_assert_cmpint (calls, >, 0);
}

static void
none_grammar_cb (gpointer       user,
                 int            b,
                 const int     *tokens,
                 int            len,
                 unsigned char *allowed)
{
  memset (allowed, 0, V);
}

static void
test_grammar_empty (Fixture       *f,
                    gconstpointer  data)
{
  AtlSampleOptions options = { .temperature = 1.0f, .top_p = 1.0f, .end_token = -1,
                               .max_len = T, .grammar = none_grammar_cb };
  AtlRng rng;
  AtlMsg msg;

  for (int b = 0; b < B; b++)
    memcpy (f->tokens + b * T, prompts[b], prompt_lens[b] * sizeof (int));
  atl_rng_seed (&rng, 1);
  g_assert_cmpint (atl_sampler_run (f->sampler, &rng, &options, B, prompt_lens, f->tokens,
                                    f->lens, NULL, &msg), ==, ATL_ERR_INVALID);
}

static int
count_distinct (Fixture *f)
{
  gboolean seen[V] = { FALSE };
  int n = 0;

  for (int b = 0; b < B; b++)
    for (int t = prompt_lens[b]; t < f->lens[b]; t++)
      if (!seen[f->tokens[b * T + t]])
        {
          seen[f->tokens[b * T + t]] = TRUE;
          n++;
        }
  return n;
}

static void
test_top_p_temperature (Fixture       *f,
                        gconstpointer  data)
{
  AtlSampleOptions greedy = { .temperature = 0.0f, .top_p = 1.0f, .end_token = -1,
                              .max_len = T };
  AtlSampleOptions o = greedy;
  int argmax[B * T], again[B * T];
  int distinct_cold = 0, distinct_hot = 0;

  run (f, &greedy, 1);
  memcpy (argmax, f->tokens, sizeof argmax);
  /* A tiny nucleus keeps only the most likely token: the argmax, for any seed. */
  o.temperature = 1.0f;
  o.top_p = 1e-6f;
  run (f, &o, 42);
  g_assert_cmpmem (argmax, sizeof argmax, f->tokens, sizeof f->tokens);
  /* So does a very low temperature. */
  o.temperature = 1e-3f;
  o.top_p = 1.0f;
  run (f, &o, 43);
  g_assert_cmpmem (argmax, sizeof argmax, f->tokens, sizeof f->tokens);
  /* A seed fixes the output; another seed changes it. */
  o.temperature = 1.0f;
  run (f, &o, 5);
  memcpy (again, f->tokens, sizeof again);
  run (f, &o, 5);
  g_assert_cmpmem (again, sizeof again, f->tokens, sizeof f->tokens);
  run (f, &o, 6);
  g_assert_true (memcmp (again, f->tokens, sizeof again) != 0);
  /* Hotter sampling spreads over more tokens than colder. */
  for (guint64 seed = 1; seed <= 10; seed++)
    {
      o.temperature = 0.3f;
      run (f, &o, seed);
      distinct_cold += count_distinct (f);
      o.temperature = 3.0f;
      run (f, &o, seed);
      distinct_hot += count_distinct (f);
    }
  g_test_message ("distinct tokens: %d at temperature 0.3, %d at 3", distinct_cold, distinct_hot);
  g_assert_cmpint (distinct_hot, >, distinct_cold);
}

/* Rows with their own generators decode in lanes, one a thread, up to the thread budget:
 * the same tokens and log-probabilities as in one lane, to the bit; and a failing lane
 * fails the run. */
static void
lane_grammar_cb (gpointer       user,
                 int            b,
                 const int     *tokens,
                 int            len,
                 unsigned char *allowed)
{
  /* even_grammar_cb's mask without its counter, which lanes would race on. */
  for (int v = 0; v < V; v++)
    {
      if (len >= 10)
        allowed[v] = v == 22;
      else if (len >= 6 && v % 2 == 1)
        allowed[v] = 0;
    }
}

static void
test_lanes (void)
{
  enum { NB = 13 };
  AtlPolicy *policy = load_policy ();
  AtlSampler *sampler = NULL;
  AtlSampleOptions options = { .temperature = 1.0f, .top_p = 0.9f, .end_token = 22,
                               .max_len = T, .grammar = lane_grammar_cb };
  int tokens[2][NB * T], lens[2][NB], plens[NB];
  float logp[2][NB * T];
  AtlRng rngs[NB];
  AtlMsg msg;

  g_assert_cmpint (atl_sampler_new (policy, NB, &sampler, &msg), ==, ATL_OK);
  options.row_rngs = rngs;
  for (int run = 0; run < 2; run++)
    {
      atl_nn_set_threads (run == 0 ? 1 : 3);
      memset (tokens[run], 0, sizeof tokens[run]);
      for (int b = 0; b < NB; b++)
        {
          plens[b] = prompt_lens[b % B];
          memcpy (tokens[run] + b * T, prompts[b % B], plens[b] * sizeof (int));
          atl_rng_seed (&rngs[b], 100 + b);
        }
      g_assert_cmpint (atl_sampler_run (sampler, NULL, &options, NB, plens, tokens[run],
                                        lens[run], logp[run], &msg), ==, ATL_OK);
    }
  g_assert_cmpmem (tokens[0], sizeof tokens[0], tokens[1], sizeof tokens[1]);
  g_assert_cmpmem (lens[0], sizeof lens[0], lens[1], sizeof lens[1]);
  g_assert_cmpmem (logp[0], sizeof logp[0], logp[1], sizeof logp[1]);

  options.grammar = none_grammar_cb;
  g_assert_cmpint (atl_sampler_run (sampler, NULL, &options, NB, plens, tokens[0], lens[0],
                                    NULL, &msg), ==, ATL_ERR_INVALID);
  g_assert_nonnull (strstr (msg.text, "allows no token"));
  atl_nn_set_threads (1);
  atl_sampler_free (sampler);
  atl_policy_free (policy);
}

/* More sequences than slots: a slot takes a waiting sequence when its own ends, and every
 * sequence comes out as it does in a run where all have a slot, on one thread or three.
 * A sequence whose prompt fills max_len has no slot taken for it. Rows sharing one
 * generator cannot wait for a slot. */
static void
test_slots (void)
{
  enum { NB = 13 };
  AtlPolicy *policy = load_policy ();
  AtlSampler *wide = NULL, *narrow = NULL, *two_lanes = NULL;
  AtlSampleOptions options = { .temperature = 1.0f, .top_p = 0.9f, .end_token = 22,
                               .max_len = T, .grammar = lane_grammar_cb };
  int tokens[3][NB * T], lens[3][NB], plens[NB];
  float logp[3][NB * T];
  AtlRng rngs[NB];
  AtlMsg msg;

  g_assert_cmpint (atl_sampler_new (policy, NB, &wide, &msg), ==, ATL_OK);
  g_assert_cmpint (atl_sampler_new (policy, 4, &narrow, &msg), ==, ATL_OK);
  g_assert_cmpint (atl_sampler_new (policy, 8, &two_lanes, &msg), ==, ATL_OK);
  options.row_rngs = rngs;
  for (int run = 0; run < 3; run++)
    {
      atl_nn_set_threads (run == 2 ? 3 : 1);
      memset (tokens[run], 0, sizeof tokens[run]);
      for (int b = 0; b < NB; b++)
        {
          plens[b] = b == 5 ? T : prompt_lens[b % B];
          for (int t = 0; t < plens[b]; t++)
            tokens[run][b * T + t] = prompts[b % B][t % prompt_lens[b % B]];
          atl_rng_seed (&rngs[b], 300 + b);
        }
      g_assert_cmpint (atl_sampler_run (run == 0 ? wide : run == 1 ? narrow : two_lanes, NULL,
                                        &options, NB, plens, tokens[run], lens[run], logp[run],
                                        &msg), ==, ATL_OK);
    }
  g_assert_cmpint (lens[0][5], ==, T);
  /* Slots were taken over: some sequence ended before max_len. */
  g_assert_cmpint (lens[0][0] < T || lens[0][1] < T || lens[0][2] < T || lens[0][3] < T, ==, 1);
  for (int run = 1; run < 3; run++)
    {
      g_assert_cmpmem (tokens[0], sizeof tokens[0], tokens[run], sizeof tokens[run]);
      g_assert_cmpmem (lens[0], sizeof lens[0], lens[run], sizeof lens[run]);
      g_assert_cmpmem (logp[0], sizeof logp[0], logp[run], sizeof logp[run]);
    }

  options.row_rngs = NULL;
  g_assert_cmpint (atl_sampler_run (narrow, &rngs[0], &options, NB, plens, tokens[0], lens[0],
                                    NULL, &msg), ==, ATL_ERR_RANGE);
  atl_nn_set_threads (1);
  atl_sampler_free (wide);
  atl_sampler_free (narrow);
  atl_sampler_free (two_lanes);
  atl_policy_free (policy);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  atl_nn_set_threads (1);

  g_test_add ("/engine/sampler/golden", Fixture, NULL,
              fixture_setup, test_golden, fixture_teardown);
  g_test_add ("/engine/sampler/cache-matches-forward", Fixture, NULL,
              fixture_setup, test_cache_matches_forward, fixture_teardown);
  g_test_add ("/engine/sampler/grammar", Fixture, NULL,
              fixture_setup, test_grammar, fixture_teardown);
  g_test_add ("/engine/sampler/grammar-empty", Fixture, NULL,
              fixture_setup, test_grammar_empty, fixture_teardown);
  g_test_add ("/engine/sampler/top-p-temperature", Fixture, NULL,
              fixture_setup, test_top_p_temperature, fixture_teardown);
  g_test_add_func ("/engine/sampler/lanes", test_lanes);
  g_test_add_func ("/engine/sampler/slots", test_slots);
  return g_test_run ();
}
