/* test-store-picks.c: every form of feedback becomes exactly the expected comparisons —
 * grid picks (table-driven), committing a grid again, undo, star ratings and their bounded
 * window, edits, A/B choices — and the query the reward model reads.
 */
#include <string.h>

#include "store-helpers.h"

#define GRID_N 6

typedef struct
{
  const char *name;
  const int   favourites[GRID_N + 1];  /* grid positions, −1 ends the list */
  const int   rejects[GRID_N + 1];
  const char *pairs;               /* "winner>loser" positions, sorted */
} PickCase;

static const PickCase pick_cases[] = {
  { "nothing", { -1 }, { -1 }, "" },
  { "one favourite", { 2, -1 }, { -1 }, "2>0 2>1 2>3 2>4 2>5" },
  { "two favourites", { 0, 5, -1 }, { -1 },
    "0>1 0>2 0>3 0>4 5>1 5>2 5>3 5>4" },
  /* The favourite–reject pair 0>5 appears once. */
  { "favourite and reject", { 0, -1 }, { 5, -1 },
    "0>1 0>2 0>3 0>4 0>5 1>5 2>5 3>5 4>5" },
  { "rejects only", { -1 }, { 1, 3, -1 },
    "0>1 0>3 2>1 2>3 4>1 4>3 5>1 5>3" },
  { "two and two", { 0, 1, -1 }, { 4, 5, -1 },
    "0>2 0>3 0>4 0>5 1>2 1>3 1>4 1>5 2>4 2>5 3>4 3>5" },
  { "all favourites", { 0, 1, 2, 3, 4, 5, -1 }, { -1 }, "" },
};

static guint
gather (const int     *positions,
        const gint64  *ids,
        gint64        *out)
{
  guint n = 0;

  while (n < GRID_N && positions[n] >= 0)
    {
      out[n] = ids[positions[n]];
      n++;
    }
  return n;
}

static void
test_picks_table (void)
{
  for (guint c = 0; c < G_N_ELEMENTS (pick_cases); c++)
    {
      const PickCase *pc = &pick_cases[c];
      StoreFixture f;
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) works = NULL;
      g_autofree char *pairs = NULL;
      gint64 ids[GRID_N], favs[GRID_N], rejs[GRID_N], grid, batch = -1;
      guint n_favs, n_rejs;
      AtlComparisonCounts n;

      g_test_message ("case: %s", pc->name);
      fixture_setup (&f);
      grid = add_grid (f.store, f.session, GRID_N, 0, ids);
      n_favs = gather (pc->favourites, ids, favs);
      n_rejs = gather (pc->rejects, ids, rejs);

      g_assert_true (atl_store_commit_picks (f.store, grid, favs, n_favs, rejs, n_rejs, &batch,
                                             &error));
      g_assert_no_error (error);
      pairs = active_pairs (f.store, f.session, ids, GRID_N);
      g_assert_cmpstr (pairs, ==, pc->pairs);
      n = counts (f.store, f.session);
      g_assert_cmpuint (n.active, ==, n.by_kind[ATL_COMPARISON_GRID]);
      g_assert_cmpuint (n.inactive, ==, 0);
      /* Nothing picked on a fresh grid records no batch. */
      if (n_favs + n_rejs == 0)
        g_assert_cmpint (batch, ==, 0);
      else
        g_assert_cmpint (batch, >, 0);

      works = atl_store_list_grid_works (f.store, grid, &error);
      for (guint i = 0; i < GRID_N; i++)
        {
          AtlWork *w = works->pdata[i];
          gboolean fav = FALSE, rej = FALSE;

          for (guint k = 0; k < n_favs; k++)
            fav |= favs[k] == w->id;
          for (guint k = 0; k < n_rejs; k++)
            rej |= rejs[k] == w->id;
          g_assert_cmpint (w->favourite, ==, fav);
          g_assert_cmpint (w->rejected, ==, rej);
        }
      /* The winner's cell is the comparison's position. */
      {
        g_autoptr(GPtrArray) prefs = atl_store_list_preferences (f.store, f.session, &error);

        for (guint i = 0; i < prefs->len; i++)
          {
            AtlPreference *p = prefs->pdata[i];

            g_assert_cmpint (p->position, ==, p->winner->position);
            g_assert_cmpint (p->grid_id, ==, grid);
            g_assert_cmpint (p->kind, ==, ATL_COMPARISON_GRID);
            g_assert_cmpuint (p->winner->n_tokens, ==, 6);
          }
      }
      fixture_teardown (&f);
    }
}

static void
test_picks_invalid (void)
{
  StoreFixture f;
  g_autoptr(GError) error = NULL;
  gint64 ids[4], other[2], both[2], grid;

  fixture_setup (&f);
  grid = add_grid (f.store, f.session, 4, 0, ids);
  add_grid (f.store, f.session, 2, 10, other);

  g_assert_false (atl_store_commit_picks (f.store, grid, other, 1, NULL, 0, NULL, &error));
  g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "is not in grid"));
  g_clear_error (&error);

  both[0] = ids[1];
  both[1] = ids[1];
  g_assert_false (atl_store_commit_picks (f.store, grid, both, 1, both + 1, 1, NULL, &error));
  g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (atl_store_commit_picks (f.store, 9999, NULL, 0, NULL, 0, NULL, &error));
  g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Nothing of the failed calls remains; a repeated id counts once. */
  g_assert_cmpuint (counts (f.store, f.session).active, ==, 0);
  both[0] = both[1] = ids[0];
  g_assert_true (atl_store_commit_picks (f.store, grid, both, 2, NULL, 0, NULL, &error));
  g_assert_cmpuint (counts (f.store, f.session).active, ==, 3);
  fixture_teardown (&f);
}

static void
test_picks_recommit_and_undo (void)
{
  StoreFixture f;
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlWork) w = NULL;
  gint64 ids[4], grid, b1, b2, b3, undone;
  g_autofree char *p1 = NULL;
  g_autofree char *p2 = NULL;
  g_autofree char *p3 = NULL;

  fixture_setup (&f);
  grid = add_grid (f.store, f.session, 4, 0, ids);
  g_assert_true (atl_store_commit_picks (f.store, grid, ids, 1, ids + 3, 1, &b1, &error));
  p1 = active_pairs (f.store, f.session, ids, 4);
  g_assert_cmpstr (p1, ==, "0>1 0>2 0>3 1>3 2>3");

  /* The artist changes their mind: the grid's earlier picks give way. */
  g_assert_true (atl_store_commit_picks (f.store, grid, ids + 2, 1, NULL, 0, &b2, &error));
  p2 = active_pairs (f.store, f.session, ids, 4);
  g_assert_cmpstr (p2, ==, "2>0 2>1 2>3");
  g_assert_cmpuint (counts (f.store, f.session).inactive, ==, 5);

  /* Emptying the grid's picks is a change too, and undoable. */
  g_assert_true (atl_store_commit_picks (f.store, grid, NULL, 0, NULL, 0, &b3, &error));
  g_assert_cmpint (b3, >, b2);
  g_assert_cmpuint (counts (f.store, f.session).active, ==, 0);

  g_assert_true (atl_store_undo_last_pick (f.store, f.session, &undone, &error));
  g_assert_cmpint (undone, ==, b3);
  g_free (p3);
  p3 = active_pairs (f.store, f.session, ids, 4);
  g_assert_cmpstr (p3, ==, p2);

  g_assert_true (atl_store_undo_last_pick (f.store, f.session, &undone, &error));
  g_assert_cmpint (undone, ==, b2);
  g_free (p3);
  p3 = active_pairs (f.store, f.session, ids, 4);
  g_assert_cmpstr (p3, ==, p1);
  w = atl_store_get_work (f.store, ids[0], &error);
  g_assert_true (w->favourite);
  g_clear_pointer (&w, atl_work_free);
  w = atl_store_get_work (f.store, ids[2], &error);
  g_assert_false (w->favourite);
  g_clear_pointer (&w, atl_work_free);

  g_assert_true (atl_store_undo_last_pick (f.store, f.session, &undone, &error));
  g_assert_cmpint (undone, ==, b1);
  g_assert_cmpuint (counts (f.store, f.session).active, ==, 0);
  g_assert_cmpuint (counts (f.store, f.session).inactive, ==, 8);
  w = atl_store_get_work (f.store, ids[3], &error);
  g_assert_false (w->rejected);
  g_assert_false (w->favourite);

  g_assert_false (atl_store_undo_last_pick (f.store, f.session, &undone, &error));
  g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_NOT_FOUND);
  fixture_teardown (&f);
}

static void
rate (StoreFixture *f,
      gint64        work,
      int           stars)
{
  g_autoptr(GError) error = NULL;
  gint64 batch;

  g_assert_true (atl_store_rate_work (f->store, work, stars, &batch, &error));
  g_assert_no_error (error);
}

static void
test_ratings (void)
{
  StoreFixture f;
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlWork) w = NULL;
  gint64 ids[5], batch = -1;
  g_autofree char *before = NULL;
  g_autofree char *pairs = NULL;

  fixture_setup (&f);
  add_grid (f.store, f.session, 5, 0, ids);
  rate (&f, ids[0], 5);
  rate (&f, ids[1], 3);
  rate (&f, ids[2], 3);
  rate (&f, ids[3], 1);
  before = active_pairs (f.store, f.session, ids, 5);
  g_assert_cmpstr (before, ==, "0>1 0>2 0>3 1>3 2>3");
  g_assert_cmpuint (counts (f.store, f.session).by_kind[ATL_COMPARISON_RATING], ==, 5);

  /* Same stars again: nothing recorded. */
  g_assert_true (atl_store_rate_work (f.store, ids[3], 1, &batch, &error));
  g_assert_cmpint (batch, ==, 0);

  /* Re-rating replaces the work's pairs; undo puts them back, stars included. */
  rate (&f, ids[3], 5);
  pairs = active_pairs (f.store, f.session, ids, 5);
  g_assert_cmpstr (pairs, ==, "0>1 0>2 3>1 3>2");
  g_assert_true (atl_store_undo_last_pick (f.store, f.session, NULL, &error));
  g_free (pairs);
  pairs = active_pairs (f.store, f.session, ids, 5);
  g_assert_cmpstr (pairs, ==, before);
  w = atl_store_get_work (f.store, ids[3], &error);
  g_assert_cmpint (w->rating, ==, 1);

  /* Clearing a rating withdraws its pairs. */
  rate (&f, ids[0], 0);
  g_free (pairs);
  pairs = active_pairs (f.store, f.session, ids, 5);
  g_assert_cmpstr (pairs, ==, "1>3 2>3");

  g_assert_false (atl_store_rate_work (f.store, ids[4], 6, NULL, &error));
  g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_INVALID);
  fixture_teardown (&f);
}

static void
test_ratings_window (void)
{
  StoreFixture f;
  g_autoptr(GError) error = NULL;
  guint n = ATL_STORE_RATING_WINDOW + 36;
  g_autofree gint64 *ids = g_new (gint64, n + 1);
  gint64 batch, t0;

  fixture_setup (&f);
  for (guint i = 0; i < n + 1; i += 10)
    add_grid (f.store, f.session, MIN (10, n + 1 - i), (int) i, ids + i);
  /* n works at one star, then one at five: it is compared with the window only. */
  for (guint i = 0; i < n; i++)
    rate (&f, ids[i], 1);
  g_assert_cmpuint (counts (f.store, f.session).active, ==, 0);
  t0 = g_get_monotonic_time ();
  g_assert_true (atl_store_rate_work (f.store, ids[n], 5, &batch, &error));
  g_test_message ("one rating against the window: %.2f ms",
                  (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_cmpuint (counts (f.store, f.session).active, ==, ATL_STORE_RATING_WINDOW);
  /* …the most recently rated ones. */
  {
    g_autoptr(GPtrArray) prefs = atl_store_list_preferences (f.store, f.session, &error);
    gint64 oldest = G_MAXINT64;

    for (guint i = 0; i < prefs->len; i++)
      oldest = MIN (oldest, ((AtlPreference *) prefs->pdata[i])->loser->id);
    g_assert_cmpint (oldest, ==, ids[n - ATL_STORE_RATING_WINDOW]);
  }
  fixture_teardown (&f);
}

static void
test_edit (void)
{
  StoreFixture f;
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlWork) edited = NULL;
  gint64 ids[3], edited_id = 0, batch;
  gint32 tokens[6];
  AtlWorkSpec spec = { tokens, 6, "{\"metre\": \"6/8\"}", 77, 0.0, 0, 0, "Edited" };
  g_autofree char *pairs = NULL;
  g_autofree char *expected = NULL;

  fixture_setup (&f);
  add_grid (f.store, f.session, 3, 0, ids);
  make_tokens (tokens, 40);
  g_assert_true (atl_store_commit_edit (f.store, ids[1], &spec, &edited_id, &batch, &error));
  g_assert_no_error (error);
  edited = atl_store_get_work (f.store, edited_id, &error);
  g_assert_cmpint (edited->parent_id, ==, ids[1]);
  g_assert_cmpint (edited->grid_id, ==, 0);
  g_assert_cmpint (edited->version_id, >, 0);
  pairs = active_pairs (f.store, f.session, ids, 3);
  expected = g_strdup_printf ("#%" G_GINT64_FORMAT ">1", edited_id);
  g_assert_cmpstr (pairs, ==, expected);
  g_assert_cmpuint (counts (f.store, f.session).by_kind[ATL_COMPARISON_EDIT], ==, 1);

  /* Undo takes back the preference; the edited work itself stays. */
  g_assert_true (atl_store_undo_last_pick (f.store, f.session, NULL, &error));
  g_assert_cmpuint (counts (f.store, f.session).active, ==, 0);
  g_clear_pointer (&edited, atl_work_free);
  edited = atl_store_get_work (f.store, edited_id, &error);
  g_assert_no_error (error);

  g_assert_false (atl_store_commit_edit (f.store, 9999, &spec, NULL, NULL, &error));
  g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_NOT_FOUND);
  fixture_teardown (&f);
}

static void
test_ab (void)
{
  StoreFixture f;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) prefs = NULL;
  gint64 ids[2], other[1], batch, art;

  fixture_setup (&f);
  add_grid (f.store, f.session, 2, 0, ids);
  g_assert_true (atl_store_commit_ab (f.store, ids[1], ids[0], 1, &batch, &error));
  g_assert_no_error (error);
  prefs = atl_store_list_preferences (f.store, f.session, &error);
  g_assert_cmpuint (prefs->len, ==, 1);
  g_assert_cmpint (((AtlPreference *) prefs->pdata[0])->kind, ==, ATL_COMPARISON_AB);
  g_assert_cmpint (((AtlPreference *) prefs->pdata[0])->winner->id, ==, ids[1]);
  g_assert_cmpint (((AtlPreference *) prefs->pdata[0])->position, ==, 1);
  g_assert_cmpint (((AtlPreference *) prefs->pdata[0])->batch_id, ==, batch);

  g_assert_false (atl_store_commit_ab (f.store, ids[0], ids[0], 0, NULL, &error));
  g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_INVALID);
  g_clear_error (&error);
  art = atl_store_create_session (f.store, "Art", ATL_DOMAIN_ART, NULL, NULL, NULL, &error);
  add_grid (f.store, art, 1, 5, other);
  g_assert_false (atl_store_commit_ab (f.store, ids[0], other[0], 0, NULL, &error));
  g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_INVALID);
  g_clear_error (&error);
  /* Counting over every session, and per session. */
  g_assert_cmpuint (counts (f.store, 0).active, ==, 1);
  g_assert_cmpuint (counts (f.store, art).active, ==, 0);
  fixture_teardown (&f);
}

/* Imports are not picks: undo skips them. */
static void
test_import_not_undone (void)
{
  StoreFixture f;
  g_autoptr(GError) error = NULL;
  gint32 a[3] = { 1, 5, 2 }, b[3] = { 1, 6, 2 };
  AtlWorkSpec wa = { a, 3, NULL, 1, 1.0, 0, 0, NULL };
  AtlWorkSpec wb = { b, 3, NULL, 2, 1.0, 0, 0, NULL };
  AtlImportPair pairs[3] = { { &wa, &wb, 5 }, { &wb, &wa, 0 }, { &wa, &wb, 0 } };
  guint n_works;

  fixture_setup (&f);
  g_assert_true (atl_store_import_pairs (f.store, f.session, pairs, 3, &n_works, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_works, ==, 2);
  g_assert_cmpuint (counts (f.store, f.session).by_kind[ATL_COMPARISON_IMPORT], ==, 3);
  g_assert_false (atl_store_undo_last_pick (f.store, f.session, NULL, &error));
  g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A pair of one work with itself fails the whole import. */
  pairs[1].loser = &wb;
  pairs[1].winner = &wb;
  g_assert_false (atl_store_import_pairs (f.store, f.session, pairs, 3, &n_works, &error));
  g_assert_error (error, ATL_STORE_ERROR, ATL_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Pair 2"));
  g_assert_cmpuint (counts (f.store, f.session).active, ==, 3);
  fixture_teardown (&f);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/store/picks/table", test_picks_table);
  g_test_add_func ("/app/store/picks/invalid", test_picks_invalid);
  g_test_add_func ("/app/store/picks/recommit-undo", test_picks_recommit_and_undo);
  g_test_add_func ("/app/store/ratings", test_ratings);
  g_test_add_func ("/app/store/ratings/window", test_ratings_window);
  g_test_add_func ("/app/store/edit", test_edit);
  g_test_add_func ("/app/store/ab", test_ab);
  g_test_add_func ("/app/store/import-not-undone", test_import_not_undone);
  return g_test_run ();
}
