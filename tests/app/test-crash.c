/* test-crash.c: SIGKILL the real `atelier` at random moments of the loop and check that
 * nothing the artist was told is saved has been lost.
 *
 * The harness drives the CLI on a store in a temp folder, with tiny random base models
 * (both domains) in a temp ATL_MODELS_DIR so every command takes a fraction of a second:
 * generate, pick, train (a short round), export (every format), export-prefs. Each kill
 * picks a command and a moment (seeded), spawns the command and SIGKILLs it at that moment
 * unless it finished first. Train kills lean towards the end of the round, where the
 * checkpoint is written. After every kill:
 *   - the store opens and PRAGMA integrity_check says ok;
 *   - every pick whose command had returned and printed its confirmation is there;
 *   - each session's current version loads (atl_session_load_policy reports no problem),
 *     so a half-written checkpoint is never current;
 *   - an export's final file is absent or whole (the same bytes as an export that ran to
 *     the end), preferences are absent or every line is whole JSON;
 *   - checkpoint temp files a kill left are gone after the next completed training round;
 *   - export temp files a kill left carry the export temp mark and are gone after the next
 *     completed export to the folder once a minute has passed (simulated by moving their
 *     mtime back a minute, since the harness cannot wait).
 *
 * ATL_CRASH_KILLS (default 50, 5 under valgrind) sets how many kills, ATL_CRASH_SEED the
 * seed. The phase a kill landed in is read from what it left (a temp checkpoint, a renamed
 * file not yet recorded) and reported with the counts.
 */
#include <errno.h>
#include <fcntl.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utime.h>

#include "atl-base-models.h"
#include "atl-domain.h"
#include "atl-engine-autoptr.h"
#include "atl-export-temp.h"
#include "atl-model.h"
#include "atl-model-folder.h"
#include "store-helpers.h"
#include "tiny-model.h"

typedef enum
{
  PHASE_GENERATE,
  PHASE_PICK,
  PHASE_TRAIN,
  PHASE_EXPORT,
  PHASE_EXPORT_PREFS,
  N_PHASES
} Phase;

static const char *phase_names[N_PHASES] = {
  "generate", "pick", "train", "export", "export-prefs",
};

typedef struct
{
  gint64 grid;
  GArray *works;      /* gint64: the grid's works */
  AtlDomain domain;
  gboolean picked;    /* a pick was attempted (each grid is picked at most once) */
} Grid;

typedef struct
{
  gint64 grid;
  gint64 favourite;
  gint64 reject;
} Pick;

typedef struct
{
  char *dir;            /* temp root */
  char *store_dir;
  char *models_dir;
  char *out_dir;
  char *atelier;
  GPtrArray *grids;     /* Grid */
  GArray *confirmed;    /* Pick: commands that returned and confirmed */
  GRand *rand;
  int n_generated;
  double seconds[N_PHASES];        /* a complete run of each command, measured */
  GHashTable *reference;           /* export format → GBytes of a complete export */
  gint64 ref_work[2];              /* [domain] the work the references are of */
  /* Counts. */
  int kills[N_PHASES];             /* killed while running */
  int finished[N_PHASES];          /* finished before the kill time */
  int train_in_write;              /* a train kill left a checkpoint temp file */
  int train_after_rename;          /* … left a renamed file not yet recorded */
  int partial_exports;             /* export temp files left beside the final name */
} Harness;

static void
grid_free (gpointer data)
{
  Grid *g = data;

  g_array_unref (g->works);
  g_free (g);
}

typedef gboolean (*Watch) (const char *dir);

/* Spawns atelier with args (NULL-terminated after --store) and SIGKILLs it after
 * kill_after seconds, or as soon as watch (nullable) says so of watch_dir, unless it ends
 * first (kill_after < 0: no deadline). Returns TRUE when it was killed; otherwise
 * *out_status is its exit status. Its stdout goes to *out_text. */
static gboolean
run_atelier_watched (Harness     *h,
                     double       kill_after,
                     Watch        watch,
                     const char  *watch_dir,
                     int         *out_status,
                     char       **out_text,
                     const char  *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out_path = g_build_filename (h->dir, "stdout.txt", NULL);
  gint64 start, deadline;
  gboolean killed = FALSE;
  int status = 0;
  pid_t pid;

  g_ptr_array_add (argv, h->atelier);
  g_ptr_array_add (argv, (char *) "--store");
  g_ptr_array_add (argv, h->store_dir);
  for (const char *const *a = args; *a != NULL; a++)
    g_ptr_array_add (argv, (char *) *a);
  g_ptr_array_add (argv, NULL);

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      int fd = open (out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int null = open ("/dev/null", O_WRONLY);

      if (fd < 0 || null < 0)
        _exit (126);
      dup2 (fd, 1);
      dup2 (null, 2);
      execv (h->atelier, (char **) argv->pdata);
      _exit (127);
    }

  start = g_get_monotonic_time ();
  deadline = kill_after < 0 ? G_MAXINT64 : start + (gint64) (kill_after * G_USEC_PER_SEC);
  for (;;)
    {
      pid_t r = waitpid (pid, &status, WNOHANG);

      if (r == pid)
        break;
      g_assert_cmpint (r, ==, 0);
      if (g_get_monotonic_time () >= deadline || (watch != NULL && watch (watch_dir)))
        {
          kill (pid, SIGKILL);
          g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
          killed = WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL;
          break;
        }
      if (watch == NULL)
        g_usleep (200);
    }
  if (out_text != NULL)
    g_file_get_contents (out_path, out_text, NULL, NULL);
  if (out_status != NULL)
    *out_status = WIFEXITED (status) ? WEXITSTATUS (status) : -1;
  return killed;
}

static gboolean
run_atelier (Harness     *h,
             double       kill_after,
             int         *out_status,
             char       **out_text,
             const char  *const *args)
{
  return run_atelier_watched (h, kill_after, NULL, NULL, out_status, out_text, args);
}

/* The grid and works of a generate run, from its manifest; FALSE when there is none. */
static gboolean
read_manifest (Harness    *h,
               const char *out,
               AtlDomain   domain)
{
  g_autofree char *path = g_build_filename (out, "manifest.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonArray *works;
  Grid *g;

  if (!json_parser_load_from_file (parser, path, NULL))
    return FALSE;
  root = json_node_get_object (json_parser_get_root (parser));
  works = json_object_get_array_member (root, "works");
  g = g_new0 (Grid, 1);
  g->grid = json_object_get_int_member (root, "grid");
  g->domain = domain;
  g->works = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < json_array_get_length (works); i++)
    {
      gint64 id = json_object_get_int_member (json_array_get_object_element (works, i), "id");

      g_array_append_val (g->works, id);
    }
  g_ptr_array_add (h->grids, g);
  return TRUE;
}

static const char *const export_formats[] = { "png", "svg", "pdf", "wav", "flac", "ogg", "mid" };

static AtlDomain
format_domain (const char *format)
{
  return (g_str_equal (format, "png") || g_str_equal (format, "svg")
          || g_str_equal (format, "pdf")) ? ATL_DOMAIN_ART : ATL_DOMAIN_MUSIC;
}

static double
generate (Harness    *h,
          AtlDomain   domain,
          double      kill_after,
          gboolean   *out_killed)
{
  g_autofree char *out = g_strdup_printf ("%s/g%d", h->out_dir, h->n_generated++);
  g_autofree char *seed = g_strdup_printf ("%d", h->n_generated * 17);
  const char *args[] = { "generate", "--domain", atl_domain_to_string (domain), "--count",
                         "4", "--seed", seed, "--size", "64", "--out", out, NULL };
  gint64 start = g_get_monotonic_time ();
  int status = -1;
  gboolean killed = run_atelier (h, kill_after, &status, NULL, args);

  if (!killed)
    {
      g_assert_cmpint (status, ==, 0);
      g_assert_true (read_manifest (h, out, domain));
    }
  if (out_killed != NULL)
    *out_killed = killed;
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

/* An unpicked grid of domain, generating one if needed. */
static Grid *
unpicked_grid (Harness   *h,
               AtlDomain  domain)
{
  for (guint i = 0; i < h->grids->len; i++)
    {
      Grid *g = h->grids->pdata[i];

      if (!g->picked && g->domain == domain)
        return g;
    }
  generate (h, domain, -1, NULL);
  return h->grids->pdata[h->grids->len - 1];
}

static gboolean
pick (Harness *h,
      double   kill_after)
{
  Grid *g = unpicked_grid (h, h->grids->len % 3 == 0 ? ATL_DOMAIN_ART : ATL_DOMAIN_MUSIC);
  Pick p = { g->grid, g_array_index (g->works, gint64, 0), g_array_index (g->works, gint64, 1) };
  g_autofree char *grid = g_strdup_printf ("%" G_GINT64_FORMAT, p.grid);
  g_autofree char *fav = g_strdup_printf ("%" G_GINT64_FORMAT, p.favourite);
  g_autofree char *rej = g_strdup_printf ("%" G_GINT64_FORMAT, p.reject);
  const char *args[] = { "pick", "--grid", grid, "--favorite", fav, "--reject", rej, NULL };
  g_autofree char *text = NULL;
  int status = -1;
  gboolean killed;

  g->picked = TRUE;
  killed = run_atelier (h, kill_after, &status, &text, args);
  /* Only a command that returned and said so counts as a promise. */
  if (!killed && status == 0 && text != NULL && strstr (text, "Recorded as pick batch") != NULL)
    g_array_append_val (h->confirmed, p);
  else if (!killed)
    g_error ("pick exited with %d: %s", status, text ? text : "");
  return killed;
}

static char *
session_models_dir (Harness   *h,
                    AtlDomain  domain)
{
  g_autoptr(AtlStore) store = open_store (h->store_dir);
  g_autoptr(GPtrArray) sessions = atl_store_list_sessions (store, NULL);
  g_autofree char *sid = NULL;

  for (guint i = 0; i < sessions->len; i++)
    {
      AtlSession *s = sessions->pdata[i];

      if (s->domain == domain)
        sid = g_strdup_printf ("%" G_GINT64_FORMAT, s->id);
    }
  g_assert_nonnull (sid);
  return g_build_filename (h->store_dir, "models", sid, NULL);
}

/* Checkpoint temps and version files in a session's models folder. */
static void
count_model_files (const char *dir,
                   int        *n_temps,
                   int        *n_files)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  *n_temps = *n_files = 0;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      if (atl_model_folder_is_temp_name (name))
        (*n_temps)++;
      else if (g_str_has_suffix (name, ".safetensors"))
        (*n_files)++;
    }
}

static int
n_versions (Harness   *h,
            AtlDomain  domain)
{
  g_autoptr(AtlStore) store = open_store (h->store_dir);
  g_autoptr(GPtrArray) sessions = atl_store_list_sessions (store, NULL);

  for (guint i = 0; i < sessions->len; i++)
    {
      AtlSession *s = sessions->pdata[i];

      if (s->domain == domain)
        {
          g_autoptr(GPtrArray) versions = atl_store_list_versions (store, s->id, NULL);

          return (int) versions->len;
        }
    }
  return 0;
}

/* Watches for the trainer's checkpoint temp file. */
static gboolean
temp_appeared (const char *dir)
{
  int n_temps, n_files;

  count_model_files (dir, &n_temps, &n_files);
  return n_temps > 0;
}

static int watch_files_before;

/* Watches for a new version file (renamed, perhaps not yet recorded). */
static gboolean
file_appeared (const char *dir)
{
  int n_temps, n_files;

  count_model_files (dir, &n_temps, &n_files);
  return n_files > watch_files_before;
}

typedef enum
{
  TRAIN_AT_TIME,      /* kill at the given moment */
  TRAIN_AT_TEMP,      /* kill when the checkpoint's temp file shows */
  TRAIN_AT_RENAME,    /* kill when the new version's file shows */
} TrainKill;

static gboolean
train (Harness   *h,
       double     kill_after,
       TrainKill  mode)
{
  /* Music: a round of a tiny music model is ~0.1 s, art renders every sample for its
   * features and takes seconds; the checkpoint path is the same. */
  g_autofree char *dir = session_models_dir (h, ATL_DOMAIN_MUSIC);
  const char *args[] = { "train", "--session", "Music sketchbook", "--steps", "3", NULL };
  int temps_before, files_before, temps_after, files_after, versions_before;
  int status = -1;
  gboolean killed;

  count_model_files (dir, &temps_before, &files_before);
  versions_before = n_versions (h, ATL_DOMAIN_MUSIC);
  watch_files_before = files_before;
  killed = run_atelier_watched (h, mode == TRAIN_AT_TIME ? kill_after : -1,
                                mode == TRAIN_AT_TEMP ? temp_appeared
                                : mode == TRAIN_AT_RENAME ? file_appeared : NULL,
                                dir, &status, NULL, args);
  count_model_files (dir, &temps_after, &files_after);
  if (killed)
    {
      if (temps_after > 0 && temps_after >= temps_before)
        h->train_in_write++;
      else if (n_versions (h, ATL_DOMAIN_MUSIC) == versions_before
               && files_after > files_before)
        h->train_after_rename++;
    }
  else
    {
      g_assert_cmpint (status, ==, 0);
      /* A finished round swept what earlier kills left. */
      g_assert_cmpint (temps_after, ==, 0);
    }
  return killed;
}

static gboolean
export_work (Harness    *h,
             const char *format,
             double      kill_after,
             gboolean    reference)
{
  AtlDomain domain = format_domain (format);
  g_autofree char *work = g_strdup_printf ("%" G_GINT64_FORMAT, h->ref_work[domain]);
  g_autofree char *name = g_strdup_printf ("%s.%s", reference ? "ref" : "export", format);
  g_autofree char *out = g_build_filename (h->out_dir, name, NULL);
  const char *args[] = { "export", "--work", work, "--out", out, "--format", format,
                         "--size", "128", "--title", "Crash", NULL };
  g_autofree char *contents = NULL;
  gsize length = 0;
  int status = -1;
  gboolean killed;

  g_unlink (out);
  killed = run_atelier (h, kill_after, &status, NULL, args);
  if (!killed)
    g_assert_cmpint (status, ==, 0);
  if (g_file_get_contents (out, &contents, &length, NULL))
    {
      GBytes *ref = g_hash_table_lookup (h->reference, format);

      if (reference)
        g_hash_table_insert (h->reference, (char *) format,
                             g_bytes_new_take (g_steal_pointer (&contents), length));
      else if (g_str_equal (format, "ogg") || g_str_equal (format, "pdf"))
        /* Vorbis streams carry a random serial number and PDFs their creation time: the
         * same size, not the same bytes. */
        g_assert_cmpuint (length, ==, g_bytes_get_size (ref));
      else
        {
          g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&contents), length);

          if (!g_bytes_equal (bytes, ref))
            g_error ("%s: the export differs from a complete one", out);
        }
    }
  else
    g_assert_true (killed);
  return killed;
}

static gboolean
export_prefs (Harness *h,
              double   kill_after)
{
  g_autofree char *out = g_build_filename (h->out_dir, "prefs.jsonl", NULL);
  const char *args[] = { "export-prefs", "--out", out, NULL };
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  int status = -1;
  gboolean killed;

  g_unlink (out);
  killed = run_atelier (h, kill_after, &status, NULL, args);
  if (!killed)
    g_assert_cmpint (status, ==, 0);
  if (!g_file_get_contents (out, &contents, NULL, NULL))
    {
      g_assert_true (killed);
      return killed;
    }
  g_assert_true (contents[0] == '\0' || g_str_has_suffix (contents, "\n"));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      {
        g_autoptr(JsonParser) parser = json_parser_new ();
        g_autoptr(GError) error = NULL;

        g_assert_true (json_parser_load_from_data (parser, lines[i], -1, &error));
        g_assert_no_error (error);
      }
  return killed;
}

/* Export temp files in the output folder. Every hidden file there must be one (the final
 * names are not hidden; generate's folders are skipped). New ones — those a kill has just
 * left — are counted and their mtime moved back past ATL_EXPORT_TEMP_DEAD_AGE_S, as if
 * the minute had passed, so that the next completed export must remove them. Returns how
 * many there are. */
static int
age_export_temps (Harness *h)
{
  g_autoptr(GDir) d = g_dir_open (h->out_dir, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;
  int n = 0;

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (h->out_dir, name, NULL);
      GStatBuf st;

      if (name[0] != '.' || g_file_test (path, G_FILE_TEST_IS_DIR))
        continue;
      if (strstr (name, ATL_EXPORT_TEMP_MARK) == NULL)
        g_error ("%s: a leftover the next export could not recognise", path);
      n++;
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      if (now - (gint64) st.st_mtime < ATL_EXPORT_TEMP_DEAD_AGE_S)
        {
          struct utimbuf old;

          old.actime = old.modtime = (time_t) (now - ATL_EXPORT_TEMP_DEAD_AGE_S - 1);
          g_assert_cmpint (g_utime (path, &old), ==, 0);
          h->partial_exports++;
        }
    }
  return n;
}

/* What must hold after any kill. */
static void
check_store (Harness *h)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlStore) store = atl_store_open (h->store_dir, &error);
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GPtrArray) prefs = NULL;

  g_assert_no_error (error);
  g_assert_true (atl_store_check_integrity (store, &error));
  g_assert_no_error (error);

  prefs = atl_store_list_preferences (store, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < h->confirmed->len; i++)
    {
      const Pick *p = &g_array_index (h->confirmed, Pick, i);
      g_autoptr(AtlWork) fav = atl_store_get_work (store, p->favourite, &error);
      g_autoptr(AtlWork) rej = atl_store_get_work (store, p->reject, &error);
      gboolean found = FALSE;

      g_assert_no_error (error);
      g_assert_true (fav->favourite);
      g_assert_true (rej->rejected);
      for (guint k = 0; k < prefs->len && !found; k++)
        {
          const AtlPreference *pref = prefs->pdata[k];

          found = pref->grid_id == p->grid && pref->winner->id == p->favourite
                  && pref->loser->id == p->reject;
        }
      g_assert_true (found);
    }

  sessions = atl_store_list_sessions (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < sessions->len; i++)
    {
      const AtlSession *s = sessions->pdata[i];
      g_autoptr(AtlModelVersion) version = NULL;
      g_autofree char *problem = NULL;
      g_autoptr(AtlPolicy) policy = atl_session_load_policy (store, s, &version, &problem,
                                                             &error);

      g_assert_no_error (error);
      g_assert_nonnull (policy);
      if (problem != NULL)
        g_error ("session %s: %s", s->name, problem);
      g_assert_cmpint (version->id, ==, s->current_version_id);
    }
}

static void
setup (Harness *h)
{
  const char *build = g_getenv ("ATL_BUILD_DIR");

  h->dir = g_dir_make_tmp ("atl-crash-XXXXXX", NULL);
  h->store_dir = g_build_filename (h->dir, "store", NULL);
  h->models_dir = g_build_filename (h->dir, "models", NULL);
  h->out_dir = g_build_filename (h->dir, "out", NULL);
  h->atelier = g_build_filename (build != NULL ? build : ".", "atelier", NULL);
  g_assert_true (g_file_test (h->atelier, G_FILE_TEST_IS_EXECUTABLE));
  g_mkdir_with_parents (h->models_dir, 0755);
  g_mkdir_with_parents (h->out_dir, 0755);
  /* Tiny random bases: the harness needs the CLI's real work (sampling, training,
   * checkpoint writes), not a good model. */
  g_free (save_tiny_model (ATL_DOMAIN_MUSIC, 32, 11 + ATL_DOMAIN_MUSIC, h->models_dir, NULL));
  g_free (save_tiny_model (ATL_DOMAIN_ART, 32, 11 + ATL_DOMAIN_ART, h->models_dir, NULL));
  g_setenv ("ATL_MODELS_DIR", h->models_dir, TRUE);
  g_setenv ("ATL_AUDIO_DISABLE", "1", TRUE);
  g_setenv ("OPENBLAS_NUM_THREADS", "1", TRUE);

  h->grids = g_ptr_array_new_with_free_func (grid_free);
  h->confirmed = g_array_new (FALSE, FALSE, sizeof (Pick));
  h->reference = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                        (GDestroyNotify) g_bytes_unref);
}

static void
teardown (Harness *h)
{
  remove_tree (h->dir);
  g_free (h->dir);
  g_free (h->store_dir);
  g_free (h->models_dir);
  g_free (h->out_dir);
  g_free (h->atelier);
  g_ptr_array_unref (h->grids);
  g_array_unref (h->confirmed);
  g_hash_table_unref (h->reference);
  g_rand_free (h->rand);
}

static void
test_crash_loop (void)
{
  Harness h = { 0 };
  const char *kills_env = g_getenv ("ATL_CRASH_KILLS");
  const char *seed_env = g_getenv ("ATL_CRASH_SEED");
  /* Under memcheck (ATL_TEST_VALGRIND; the children it spawns run untraced) the point is
   * the harness's and its checks' memory, which five kills cover; the native run keeps 50. */
  int target = kills_env != NULL ? atoi (kills_env)
               : g_getenv ("ATL_TEST_VALGRIND") != NULL ? 5 : 50;
  guint32 seed = seed_env != NULL ? (guint32) g_ascii_strtoull (seed_env, NULL, 10) : 20250301;
  int total = 0, attempts = 0;
  gint64 start = g_get_monotonic_time ();

  setup (&h);
  h.rand = g_rand_new_with_seed (seed);
  g_test_message ("seed %u, %d kills", seed, target);

  /* One complete pass measures each command and makes the export references. */
  h.seconds[PHASE_GENERATE] = generate (&h, ATL_DOMAIN_MUSIC, -1, NULL);
  generate (&h, ATL_DOMAIN_ART, -1, NULL);
  h.ref_work[ATL_DOMAIN_MUSIC] = g_array_index (((Grid *) h.grids->pdata[0])->works, gint64, 2);
  h.ref_work[ATL_DOMAIN_ART] = g_array_index (((Grid *) h.grids->pdata[1])->works, gint64, 2);
  {
    gint64 t0 = g_get_monotonic_time ();

    pick (&h, -1);
    h.seconds[PHASE_PICK] = (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC;
    t0 = g_get_monotonic_time ();
    train (&h, -1, TRAIN_AT_TIME);
    h.seconds[PHASE_TRAIN] = (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC;
    t0 = g_get_monotonic_time ();
    for (guint i = 0; i < G_N_ELEMENTS (export_formats); i++)
      export_work (&h, export_formats[i], -1, TRUE);
    h.seconds[PHASE_EXPORT] = (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC
                              / G_N_ELEMENTS (export_formats);
    t0 = g_get_monotonic_time ();
    export_prefs (&h, -1);
    h.seconds[PHASE_EXPORT_PREFS] = (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC;
  }
  check_store (&h);
  for (int p = 0; p < N_PHASES; p++)
    g_test_message ("%s: %.3f s when complete", phase_names[p], h.seconds[p]);

  /* Kills until the target is reached; a command that finished before its moment does not
   * count (its state is checked all the same). */
  while (total < target)
    {
      /* Picks and training rounds, what the artist would lose, weigh double. */
      static const Phase weighted[] = {
        PHASE_GENERATE, PHASE_PICK, PHASE_PICK, PHASE_TRAIN, PHASE_TRAIN, PHASE_EXPORT,
        PHASE_EXPORT_PREFS,
      };
      Phase phase = weighted[g_rand_int_range (h.rand, 0, G_N_ELEMENTS (weighted))];
      double t = h.seconds[phase];
      double at;
      gboolean killed = FALSE;

      g_assert_cmpint (++attempts, <, 20 * target + 100);
      /* A quarter of the moments fall after the command would have ended, so some
       * commands (picks above all) return and make promises to keep. */
      at = t * g_rand_double_range (h.rand, 0.0, 1.25);

      switch (phase)
        {
        case PHASE_GENERATE:
          generate (&h, g_rand_int_range (h.rand, 0, 4) == 0 ? ATL_DOMAIN_ART : ATL_DOMAIN_MUSIC,
                    at, &killed);
          break;
        case PHASE_PICK:
          killed = pick (&h, at);
          break;
        case PHASE_TRAIN:
          /* A checkpoint is written in milliseconds at the end of a round: a third of the
           * train kills land at a random moment, a third as its temp file shows, a third
           * as it is renamed to its final name (before the store records it). */
          killed = train (&h, at, (TrainKill) g_rand_int_range (h.rand, 0, 3));
          break;
        case PHASE_EXPORT:
          {
            const char *format = export_formats[g_rand_int_range (h.rand, 0,
                                                                  G_N_ELEMENTS (export_formats))];

            killed = export_work (&h, format, at, FALSE);
          }
          break;
        case PHASE_EXPORT_PREFS:
          killed = export_prefs (&h, at);
          break;
        default:
          g_assert_not_reached ();
        }
      if (killed)
        {
          h.kills[phase]++;
          total++;
        }
      else
        h.finished[phase]++;
      /* A completed export swept the leftovers of earlier kills, and left none itself. */
      if (!killed && (phase == PHASE_EXPORT || phase == PHASE_EXPORT_PREFS))
        g_assert_cmpint (age_export_temps (&h), ==, 0);
      else
        age_export_temps (&h);
      check_store (&h);
    }

  /* A last complete round sweeps any checkpoint temps the kills left, and a last export
   * any export temps. */
  pick (&h, -1);
  train (&h, -1, TRAIN_AT_TIME);
  check_store (&h);
  export_prefs (&h, -1);
  g_assert_cmpint (age_export_temps (&h), ==, 0);

  for (int p = 0; p < N_PHASES; p++)
    g_test_message ("%-12s killed %3d, finished first %3d", phase_names[p], h.kills[p],
                    h.finished[p]);
  g_test_message ("train kills: %d during the checkpoint write (each temp swept by a later "
                  "round), %d after its rename before the record", h.train_in_write,
                  h.train_after_rename);
  g_test_message ("export temp files left by kills (each swept by a later export): %d; "
                  "picks confirmed and "
                  "kept: %u; %.1f s", h.partial_exports, h.confirmed->len,
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
  teardown (&h);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/crash/kill-loop", test_crash_loop);
  return g_test_run ();
}
