/* test-prefs-io.c: preferences JSONL — a round trip (export, import into a fresh store,
 * the same pairs), the exported shape, and malformed lines rejected with their numbers
 * while nothing at all is imported.
 */
#include <string.h>

#include <json-glib/json-glib.h>

#include "atl-prefs-io.h"
#include "store-helpers.h"

/* A work's identity across stores: tokens and seed. */
static char *
work_sig (const AtlWork *w)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "%" G_GUINT64_FORMAT ":", w->seed);
  for (gsize i = 0; i < w->n_tokens; i++)
    g_string_append_printf (s, "%d,", w->tokens[i]);
  return g_string_free (s, FALSE);
}

/* The active pairs as sorted "winner>loser" signatures, newline-separated. */
static char *
pair_sigs (AtlStore *store,
           gint64    session)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) prefs = atl_store_list_preferences (store, session, &error);
  g_autoptr(GPtrArray) sigs = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < prefs->len; i++)
    {
      AtlPreference *p = prefs->pdata[i];
      g_autofree char *w = work_sig (p->winner);
      g_autofree char *l = work_sig (p->loser);

      g_ptr_array_add (sigs, g_strdup_printf ("%s>%s", w, l));
    }
  g_ptr_array_sort (sigs, cmp_strings);
  for (guint i = 0; i < sigs->len; i++)
    g_string_append_printf (out, "%s\n", (char *) sigs->pdata[i]);
  return g_string_free (out, FALSE);
}

/* A session with every kind of feedback. */
static void
fill (StoreFixture *f,
      gint64        ids[8])
{
  g_autoptr(GError) error = NULL;
  gint32 tokens[6];
  AtlWorkSpec edit = { tokens, 6, "{\"metre\": \"6/8\", \"edited\": true}", G_MAXUINT64, 0.5,
                       0, 0, NULL };
  gint64 grid = add_grid (f->store, f->session, 8, 0, ids);

  g_assert_true (atl_store_commit_picks (f->store, grid, ids, 2, ids + 7, 1, NULL, &error));
  g_assert_true (atl_store_commit_ab (f->store, ids[3], ids[4], 1, NULL, &error));
  g_assert_true (atl_store_rate_work (f->store, ids[5], 4, NULL, &error));
  g_assert_true (atl_store_rate_work (f->store, ids[6], 2, NULL, &error));
  make_tokens (tokens, 99);
  g_assert_true (atl_store_commit_edit (f->store, ids[2], &edit, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
test_round_trip (void)
{
  StoreFixture a, b;
  g_autoptr(GError) error = NULL;
  g_autofree char *file = NULL;
  g_autofree char *again = NULL;
  g_autofree char *sigs_a = NULL;
  g_autofree char *sigs_b = NULL;
  g_autoptr(AtlSession) imported = NULL;
  AtlPrefsImportStats stats;
  guint n_lines = 0, n_again = 0;
  gint64 ids[8];
  AtlComparisonCounts ca;

  fixture_setup (&a);
  fill (&a, ids);
  ca = counts (a.store, a.session);
  file = g_build_filename (a.dir, "prefs.jsonl", NULL);
  g_assert_true (atl_prefs_export_file (a.store, 0, file, &n_lines, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_lines, ==, ca.active);
  g_assert_cmpuint (n_lines, ==, 17 + 1 + 1 + 1);

  fixture_setup (&b);
  g_assert_true (atl_prefs_import_file (b.store, file, "Imported", &stats, &error));
  g_assert_no_error (error);
  g_assert_true (stats.created);
  g_assert_cmpuint (stats.n_lines, ==, n_lines);
  g_assert_cmpuint (stats.n_works, ==, 9);  /* the grid's 8 and the edit, each once */
  imported = atl_store_lookup_session (b.store, "Imported", &error);
  g_assert_cmpint (imported->domain, ==, ATL_DOMAIN_MUSIC);

  sigs_a = pair_sigs (a.store, a.session);
  sigs_b = pair_sigs (b.store, imported->id);
  g_assert_cmpstr (sigs_a, ==, sigs_b);
  g_assert_cmpuint (counts (b.store, imported->id).by_kind[ATL_COMPARISON_IMPORT], ==, n_lines);

  /* Exporting the import gives the same pairs again (as kind "import"). */
  again = atl_prefs_export_to_string (b.store, imported->id, &n_again, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_again, ==, n_lines);
  g_assert_nonnull (strstr (again, "\"kind\":\"import\""));
  g_assert_nonnull (strstr (again, "\"seed\":\"18446744073709551615\""));

  /* Importing into a session of the other domain is refused. */
  g_assert_cmpint (atl_store_create_session (b.store, "Shapes", ATL_DOMAIN_ART, NULL, NULL,
                                             NULL, NULL), >, 0);
  g_assert_false (atl_prefs_import_file (b.store, file, "Shapes", NULL, &error));
  g_assert_error (error, ATL_PREFS_ERROR, ATL_PREFS_ERROR_DOMAIN);
  fixture_teardown (&a);
  fixture_teardown (&b);
}

static void
test_shape (void)
{
  StoreFixture f;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 ids[8];
  gboolean saw_grid = FALSE;

  fixture_setup (&f);
  fill (&f, ids);
  text = atl_prefs_export_to_string (f.store, f.session, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *o, *chosen;
      g_autoptr(GDateTime) when = NULL;

      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, &error));
      o = json_node_get_object (json_parser_get_root (parser));
      g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, "prompt")));
      g_assert_cmpstr (json_object_get_string_member (o, "session"), ==, "Reels");
      g_assert_cmpstr (json_object_get_string_member (o, "domain"), ==, "music");
      when = g_date_time_new_from_iso8601 (json_object_get_string_member (o, "created"), NULL);
      g_assert_nonnull (when);
      chosen = json_object_get_object_member (o, "chosen");
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (chosen, "tokens")),
                        ==, 6);
      g_assert_true (json_object_has_member (chosen, "model_version"));
      g_assert_true (json_object_has_member (json_object_get_object_member (o, "rejected"),
                                             "seed"));
      if (g_str_equal (json_object_get_string_member (o, "kind"), "grid"))
        {
          saw_grid = TRUE;
          g_assert_cmpint (json_object_get_int_member (chosen, "model_version"), ==, 0);
          g_assert_cmpint (json_object_get_int_member (o, "grid_position"), <, 8);
        }
      else if (g_str_equal (json_object_get_string_member (o, "kind"), "rating"))
        g_assert_true (json_object_get_null_member (o, "grid_position"));
    }
  g_assert_true (saw_grid);
  fixture_teardown (&f);
}

#define GOOD_LINE \
  "{\"prompt\": {\"metre\": \"6/8\"}, \"chosen\": {\"tokens\": [1, 20, 2], \"seed\": 5}," \
  " \"rejected\": {\"tokens\": [1, 21, 2], \"seed\": 6}, \"domain\": \"music\"}"

typedef struct
{
  const char *name;
  const char *line;       /* NULL: built by the test (long lines) */
  const char *reason;     /* part of the message for this line */
} BadCase;

static const BadCase bad_cases[] = {
  { "bad JSON", "{\"prompt\": {", "not JSON" },
  { "not an object", "[1, 2, 3]", "not a JSON object" },
  { "missing chosen", "{\"prompt\": {}, \"rejected\": {\"tokens\": [1], \"seed\": 1},"
    " \"domain\": \"music\"}", "“chosen” is missing" },
  { "missing tokens", "{\"prompt\": {}, \"chosen\": {\"seed\": 1}, \"rejected\": {\"tokens\":"
    " [1], \"seed\": 2}, \"domain\": \"music\"}", "“chosen.tokens” is missing" },
  { "missing seed", "{\"prompt\": {}, \"chosen\": {\"tokens\": [1]}, \"rejected\": {\"tokens\":"
    " [1], \"seed\": 2}, \"domain\": \"music\"}", "“chosen.seed” is missing" },
  { "missing domain", "{\"prompt\": {}, \"chosen\": {\"tokens\": [1], \"seed\": 1},"
    " \"rejected\": {\"tokens\": [2], \"seed\": 2}}", "“domain” is missing" },
  { "tokens not a list", "{\"prompt\": {}, \"chosen\": {\"tokens\": \"1 2\", \"seed\": 1},"
    " \"rejected\": {\"tokens\": [2], \"seed\": 2}, \"domain\": \"music\"}", "list of integers" },
  { "float token", "{\"prompt\": {}, \"chosen\": {\"tokens\": [1, 2.5], \"seed\": 1},"
    " \"rejected\": {\"tokens\": [2], \"seed\": 2}, \"domain\": \"music\"}",
    "“chosen.tokens[1]” must be an integer" },
  { "string token", "{\"prompt\": {}, \"chosen\": {\"tokens\": [1], \"seed\": 1},"
    " \"rejected\": {\"tokens\": [\"2\"], \"seed\": 2}, \"domain\": \"music\"}",
    "“rejected.tokens[0]” must be an integer" },
  { "negative token", "{\"prompt\": {}, \"chosen\": {\"tokens\": [-1], \"seed\": 1},"
    " \"rejected\": {\"tokens\": [2], \"seed\": 2}, \"domain\": \"music\"}", "outside 0–65535" },
  { "token too big", "{\"prompt\": {}, \"chosen\": {\"tokens\": [70000], \"seed\": 1},"
    " \"rejected\": {\"tokens\": [2], \"seed\": 2}, \"domain\": \"music\"}", "outside 0–65535" },
  { "empty tokens", "{\"prompt\": {}, \"chosen\": {\"tokens\": [], \"seed\": 1},"
    " \"rejected\": {\"tokens\": [2], \"seed\": 2}, \"domain\": \"music\"}", "has 0 tokens" },
  { "huge array", NULL, "has 5000 tokens" },
  { "float seed", "{\"prompt\": {}, \"chosen\": {\"tokens\": [1], \"seed\": 1.5},"
    " \"rejected\": {\"tokens\": [2], \"seed\": 2}, \"domain\": \"music\"}",
    "“chosen.seed” must be an integer" },
  { "negative seed", "{\"prompt\": {}, \"chosen\": {\"tokens\": [1], \"seed\": -4},"
    " \"rejected\": {\"tokens\": [2], \"seed\": 2}, \"domain\": \"music\"}", "“chosen.seed” is -4" },
  { "seed string", "{\"prompt\": {}, \"chosen\": {\"tokens\": [1], \"seed\": \"x1\"},"
    " \"rejected\": {\"tokens\": [2], \"seed\": 2}, \"domain\": \"music\"}", "not a decimal" },
  { "huge number", "{\"prompt\": {}, \"chosen\": {\"tokens\": [1], \"seed\":"
    " 18446744073709551621}, \"rejected\": {\"tokens\": [2], \"seed\": 2}, \"domain\": \"music\"}",
    "too long to be exact" },
  { "prompt not object", "{\"prompt\": [1], \"chosen\": {\"tokens\": [1], \"seed\": 1},"
    " \"rejected\": {\"tokens\": [2], \"seed\": 2}, \"domain\": \"music\"}", "“prompt” must be" },
  { "bad domain", "{\"prompt\": {}, \"chosen\": {\"tokens\": [1], \"seed\": 1},"
    " \"rejected\": {\"tokens\": [2], \"seed\": 2}, \"domain\": \"dance\"}", "“domain” must be" },
  { "mixed domain", "{\"prompt\": {}, \"chosen\": {\"tokens\": [1], \"seed\": 1},"
    " \"rejected\": {\"tokens\": [2], \"seed\": 2}, \"domain\": \"art\"}", "domain differs" },
  { "bad kind", "{\"prompt\": {}, \"chosen\": {\"tokens\": [1], \"seed\": 1},"
    " \"rejected\": {\"tokens\": [2], \"seed\": 2}, \"domain\": \"music\", \"kind\": \"vote\"}",
    "“kind” must be" },
  { "bad date", "{\"prompt\": {}, \"chosen\": {\"tokens\": [1], \"seed\": 1},"
    " \"rejected\": {\"tokens\": [2], \"seed\": 2}, \"domain\": \"music\", \"created\":"
    " \"yesterday\"}", "“created” must be" },
  { "bad position", "{\"prompt\": {}, \"chosen\": {\"tokens\": [1], \"seed\": 1},"
    " \"rejected\": {\"tokens\": [2], \"seed\": 2}, \"domain\": \"music\", \"grid_position\":"
    " \"3\"}", "“grid_position” must be" },
  { "bad temperature", "{\"prompt\": {}, \"chosen\": {\"tokens\": [1], \"seed\": 1,"
    " \"temperature\": \"hot\"}, \"rejected\": {\"tokens\": [2], \"seed\": 2}, \"domain\":"
    " \"music\"}", "“chosen.temperature” must be" },
  { "same work", "{\"prompt\": {}, \"chosen\": {\"tokens\": [1, 4], \"seed\": 1},"
    " \"rejected\": {\"tokens\": [1, 4], \"seed\": 1}, \"domain\": \"music\"}", "the same work" },
  { "deep nesting", NULL, "nested too deep" },
  { "long line", NULL, "longer than" },
};

static char *
build_line (const char *name)
{
  GString *s = g_string_new (NULL);

  if (g_str_equal (name, "huge array"))
    {
      g_string_append (s, "{\"prompt\": {}, \"chosen\": {\"tokens\": [1");
      for (int i = 0; i < 4999; i++)
        g_string_append (s, ", 7");
      g_string_append (s, "], \"seed\": 1}, \"rejected\": {\"tokens\": [2], \"seed\": 2},"
                          " \"domain\": \"music\"}");
    }
  else if (g_str_equal (name, "deep nesting"))
    {
      g_string_append (s, "{\"prompt\": ");
      for (int i = 0; i < 100000; i++)
        g_string_append_c (s, '[');
    }
  else
    {
      g_string_append (s, "{\"prompt\": {\"pad\": \"");
      for (int i = 0; i < ATL_PREFS_MAX_LINE; i++)
        g_string_append_c (s, 'x');
      g_string_append (s, "\"}}");
    }
  return g_string_free (s, FALSE);
}

static void
test_malformed (void)
{
  StoreFixture f;

  fixture_setup (&f);
  for (guint c = 0; c < G_N_ELEMENTS (bad_cases); c++)
    {
      const BadCase *bc = &bad_cases[c];
      g_autoptr(GError) error = NULL;
      g_autofree char *built = bc->line == NULL ? build_line (bc->name) : NULL;
      g_autofree char *data = NULL;
      g_autofree char *where = NULL;
      g_autoptr(AtlSession) session = NULL;

      /* Good lines around the bad one (line 4, after a blank line): a bad line anywhere
       * stops the whole file. */
      data = g_strdup_printf (GOOD_LINE "\n" GOOD_LINE "\r\n\n%s\n" GOOD_LINE "\n",
                              built != NULL ? built : bc->line);
      g_assert_false (atl_prefs_import_data (f.store, data, strlen (data), "prefs.jsonl",
                                             "Target", NULL, &error));
      g_assert_error (error, ATL_PREFS_ERROR, ATL_PREFS_ERROR_INVALID);
      if (!g_str_equal (bc->name, "long line") && !g_str_equal (bc->name, "deep nesting"))
        g_test_message ("%s: %s", bc->name, error->message);
      where = g_strdup_printf ("prefs.jsonl:4: ");
      g_assert_nonnull (strstr (error->message, where));
      g_assert_nonnull (strstr (error->message, bc->reason));
      g_assert_nonnull (strstr (error->message, "1 bad line;"));
      g_assert_nonnull (strstr (error->message, "nothing was imported"));

      session = atl_store_lookup_session (f.store, "Target", NULL);
      g_assert_null (session);
      g_assert_cmpuint (counts (f.store, 0).active, ==, 0);
    }
  fixture_teardown (&f);
}

static void
test_many_bad_lines (void)
{
  StoreFixture f;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) data = g_string_new (GOOD_LINE "\n");
  AtlPrefsImportStats stats;

  fixture_setup (&f);
  for (int i = 0; i < 30; i++)
    g_string_append (data, "{oops\n");
  g_assert_false (atl_prefs_import_data (f.store, data->str, data->len, "x.jsonl", "T", NULL,
                                         &error));
  g_assert_nonnull (strstr (error->message, "30 bad lines"));
  g_assert_nonnull (strstr (error->message, "x.jsonl:2: "));
  g_assert_nonnull (strstr (error->message, "x.jsonl:21: "));
  g_assert_null (strstr (error->message, "x.jsonl:22: "));
  g_assert_nonnull (strstr (error->message, "… and 10 more"));
  g_clear_error (&error);

  /* Empty and blank files import nothing, successfully; a missing file is an I/O error. */
  g_assert_true (atl_prefs_import_data (f.store, "\n \n", 3, "blank", "T", &stats, &error));
  g_assert_cmpuint (stats.n_lines, ==, 0);
  g_assert_false (atl_prefs_import_file (f.store, "/nonexistent/prefs.jsonl", "T", NULL,
                                         &error));
  g_assert_error (error, ATL_PREFS_ERROR, ATL_PREFS_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/nonexistent/prefs.jsonl"));
  g_clear_error (&error);

  /* The good line alone imports into the existing session; a side's prompt defaults. */
  g_assert_true (atl_prefs_import_data (f.store, GOOD_LINE, strlen (GOOD_LINE), "g", "Reels",
                                        &stats, &error));
  g_assert_no_error (error);
  g_assert_false (stats.created);
  g_assert_cmpuint (stats.n_works, ==, 2);
  {
    g_autoptr(GPtrArray) prefs = atl_store_list_preferences (f.store, f.session, &error);

    g_assert_cmpuint (prefs->len, ==, 1);
    g_assert_cmpstr (((AtlPreference *) prefs->pdata[0])->winner->prompt_json, ==,
                     "{\"metre\":\"6/8\"}");
    g_assert_cmpint (((AtlPreference *) prefs->pdata[0])->winner->version_id, ==, 0);
  }
  fixture_teardown (&f);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/prefs-io/round-trip", test_round_trip);
  g_test_add_func ("/app/prefs-io/shape", test_shape);
  g_test_add_func ("/app/prefs-io/malformed", test_malformed);
  g_test_add_func ("/app/prefs-io/many-bad-lines", test_many_bad_lines);
  return g_test_run ();
}
