/* test-damaged.c: damaged files where the artist meets them, and a full disk.
 *
 * - A damaged checkpoint AS A SESSION'S CURRENT VERSION: truncated, bit-flipped, forged
 *   headers (sizes, offsets, dtypes, shapes, huge dimensions, hyper-parameters), each
 *   recorded with its own sha256 (a forged file passes the hash; only validation stops
 *   it) or with the good file's (damage after recording). atl_session_load_policy must
 *   name the file in its problem and fall back to the previous good version.
 * - A damaged database opened by the CLI: exit 1, an error naming it, the file unchanged.
 * - Malformed preferences through `import-prefs`: "FILE:LINE" errors, exit 1, store as it
 *   was.
 * - A full disk (RLIMIT_FSIZE in the child, which atelier answers by ignoring SIGXFSZ):
 *   exports and a training round fail with a message, leave nothing under the final name,
 *   no temp file, and no new version.
 */
#include <errno.h>
#include <fcntl.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atl-base-models.h"
#include "atl-domain.h"
#include "atl-engine-autoptr.h"
#include "atl-model.h"
#include "atl-model-folder.h"
#include "store-helpers.h"
#include "tiny-model.h"

static char *root;
static char *models_dir;
static char *atelier;
static int n_inputs;   /* damaged inputs tried, reported at the end */

/* Runs atelier --store store args… with stdout+stderr in *out_text; limit > 0 sets
 * RLIMIT_FSIZE in the child. Returns the exit status (−1 when killed by a signal). */
static int
run_cli (const char  *store,
         rlim_t       limit,
         char       **out_text,
         const char  *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out_path = g_build_filename (root, "cli-out.txt", NULL);
  va_list ap;
  int status;
  pid_t pid;

  g_ptr_array_add (argv, atelier);
  g_ptr_array_add (argv, (char *) "--store");
  g_ptr_array_add (argv, (char *) store);
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      int fd = open (out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      struct rlimit rl = { limit, limit };

      if (fd < 0)
        _exit (126);
      dup2 (fd, 1);
      dup2 (fd, 2);
      /* The output file was opened before the limit: it is not what is limited. */
      if (limit > 0 && setrlimit (RLIMIT_FSIZE, &rl) != 0)
        _exit (125);
      execv (atelier, (char **) argv->pdata);
      _exit (127);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_file_get_contents (out_path, out_text, NULL, NULL);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static char *
file_sha (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *sha = atl_file_sha256 (path, &error);

  g_assert_no_error (error);
  return sha;
}

/* ---- damaged checkpoints as the current version ---- */

/* The bytes of a checkpoint with its JSON header replaced (the data kept as it is). */
static GBytes *
with_header (GBytes     *good,
             const char *json)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (good, &size);
  guint64 n;
  GByteArray *out = g_byte_array_new ();
  guint64 len = strlen (json);
  guint8 le[8];

  memcpy (&n, data, 8);
  n = GUINT64_FROM_LE (n);
  for (int i = 0; i < 8; i++)
    le[i] = (guint8) (len >> (8 * i));
  g_byte_array_append (out, le, 8);
  g_byte_array_append (out, (const guint8 *) json, (guint) len);
  g_byte_array_append (out, data + 8 + n, (guint) (size - 8 - n));
  return g_byte_array_free_to_bytes (out);
}

/* The good header with one member of the first tensor (or of __metadata__) replaced. */
static char *
forge (GBytes     *good,
       const char *tensor_member,   /* NULL: a metadata key */
       const char *key,
       const char *value_json)
{
  const guint8 *data = g_bytes_get_data (good, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) value = json_parser_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(GList) members = NULL;
  JsonObject *header, *target = NULL;
  guint64 n;

  memcpy (&n, data, 8);
  n = GUINT64_FROM_LE (n);
  g_assert_true (json_parser_load_from_data (parser, (const char *) data + 8, (gssize) n, NULL));
  g_assert_true (json_parser_load_from_data (value, value_json, -1, NULL));
  header = json_node_get_object (json_parser_get_root (parser));
  if (tensor_member == NULL)
    target = json_object_get_object_member (header, "__metadata__");
  else
    {
      members = json_object_get_members (header);
      for (GList *l = members; l != NULL; l = l->next)
        if (!g_str_equal (l->data, "__metadata__"))
          {
            target = json_object_get_object_member (header, l->data);
            break;
          }
    }
  json_object_set_member (target, key, json_node_copy (json_parser_get_root (value)));
  json_generator_set_root (gen, json_parser_get_root (parser));
  return json_generator_to_data (gen, NULL);
}

typedef struct
{
  const char *name;
  GBytes     *bytes;
  gboolean    good_sha;   /* recorded with the good file's sha (damage after the record) */
} Damage;

static GPtrArray *
make_damages (GBytes *good)
{
  GPtrArray *list = g_ptr_array_new ();
  gsize size = g_bytes_get_size (good);
  const guint8 *data = g_bytes_get_data (good, NULL);
  guint64 n;
  static const struct { const char *member, *key, *value; } forged[] = {
    { "dtype", "dtype", "\"F16\"" },
    { "dtype", "dtype", "\"I64\"" },
    { "dtype", "dtype", "7" },
    { "shape", "shape", "[1000000000000, 1000000000000]" },
    { "shape", "shape", "[-4, 8]" },
    { "shape", "shape", "[1, 2, 3, 4, 5]" },
    { "shape", "shape", "[3]" },
    { "shape", "shape", "\"big\"" },
    { "offsets", "data_offsets", "[0, 18446744073709551615]" },
    { "offsets", "data_offsets", "[4, 0]" },
    { "offsets", "data_offsets", "[0, 4]" },
    { "offsets", "data_offsets", "[0]" },
    { "offsets", "data_offsets", "[99999999999, 100000000003]" },
    { NULL, "d_model", "\"1000000000\"" },
    { NULL, "ctx", "\"2147483647\"" },
    { NULL, "n_head", "\"0\"" },
    { NULL, "vocab", "\"7\"" },
    { NULL, "codec", "\"art\"" },
    { NULL, "n_layer", "\"-1\"" },
  };
#define ADD(n, b, g) G_STMT_START { Damage *d_ = g_new0 (Damage, 1); \
  d_->name = (n); d_->bytes = (b); d_->good_sha = (g); g_ptr_array_add (list, d_); } G_STMT_END

  memcpy (&n, data, 8);
  n = GUINT64_FROM_LE (n);
  /* Truncations: inside the length, the header, the data, one byte short. */
  {
    gsize cuts[] = { 0, 3, 8, 8 + n / 2, 8 + n, 8 + n + 5, size / 2, size - 1 };

    for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
      ADD (g_strdup_printf ("truncated to %zu bytes", cuts[i]), g_bytes_new (data, cuts[i]),
           FALSE);
  }
  /* Header length forged: zero, one, past the end, beyond any limit. */
  {
    guint64 lens[] = { 0, 1, size, G_MAXUINT64, 100 * 1000 * 1000 + 1 };

    for (guint i = 0; i < G_N_ELEMENTS (lens); i++)
      {
        guint8 *copy = g_memdup2 (data, size);
        guint64 le = GUINT64_TO_LE (lens[i]);

        memcpy (copy, &le, 8);
        ADD (g_strdup_printf ("header length %" G_GUINT64_FORMAT, lens[i]),
             g_bytes_new_take (copy, size), FALSE);
      }
  }
  /* Bit flips: in the header with their own sha, anywhere with the good file's sha. */
  {
    GRand *r = g_rand_new_with_seed (8);

    for (int i = 0; i < 24; i++)
      {
        gboolean in_header = i < 12;
        gsize at = in_header ? 8 + g_rand_int_range (r, 0, (gint32) n)
                             : g_rand_int_range (r, 0, (gint32) size);
        guint8 *copy = g_memdup2 (data, size);

        copy[at] ^= (guint8) (1u << g_rand_int_range (r, 0, 8));
        ADD (g_strdup_printf ("bit flip at %zu%s", at, in_header ? " (header)" : ""),
             g_bytes_new_take (copy, size), !in_header);
      }
    g_rand_free (r);
  }
  for (guint i = 0; i < G_N_ELEMENTS (forged); i++)
    {
      g_autofree char *json = forge (good, forged[i].member ? "" : NULL, forged[i].key,
                                     forged[i].value);

      ADD (g_strdup_printf ("forged %s %s", forged[i].key, forged[i].value),
           with_header (good, json), FALSE);
    }
  ADD (g_strdup ("garbage header"), with_header (good, "{\"a\": [1, 2, {\"b\": "), FALSE);
  ADD (g_strdup ("empty object"), with_header (good, "{}"), FALSE);
#undef ADD
  return list;
}

static void
test_damaged_current_version (void)
{
  g_autofree char *store_dir = g_build_filename (root, "ckpt-store", NULL);
  g_autofree char *good_path = g_build_filename (root, "ckpt-store", "v1.safetensors", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlStore) store = NULL;
  g_autoptr(AtlPolicy) v1 = tiny_policy (ATL_DOMAIN_MUSIC, 16, 5);
  g_autofree char *good_sha = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) good = NULL;
  g_autoptr(GPtrArray) damages = NULL;
  gsize length;
  gint64 session, v1_id;

  g_mkdir_with_parents (store_dir, 0755);
  store = open_store (store_dir);
  session = atl_store_create_session (store, "Damaged", ATL_DOMAIN_MUSIC, NULL, NULL, NULL,
                                      &error);
  g_assert_no_error (error);
  g_assert_true (atl_model_save (v1, atl_domain_get_codec (ATL_DOMAIN_MUSIC), NULL, good_path,
                                 &good_sha, &error));
  v1_id = atl_store_add_version (store, session, 0, good_path, good_sha, NULL, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (good_path, &contents, &length, NULL));
  good = g_bytes_new_take (g_steal_pointer (&contents), length);

  damages = make_damages (good);
  for (guint i = 0; i < damages->len; i++)
    {
      Damage *d = damages->pdata[i];
      g_autofree char *name = g_strdup_printf ("v-damaged-%u.safetensors", i);
      g_autofree char *path = g_build_filename (store_dir, name, NULL);
      g_autofree char *sha = NULL, *problem = NULL;
      g_autoptr(AtlSession) s = NULL;
      g_autoptr(AtlModelVersion) loaded = NULL;
      g_autoptr(AtlPolicy) policy = NULL;
      gint64 id;

      g_assert_true (g_file_set_contents (path, g_bytes_get_data (d->bytes, NULL),
                                          (gssize) g_bytes_get_size (d->bytes), NULL));
      sha = d->good_sha ? g_strdup (good_sha) : file_sha (path);
      /* A flip in the data with the good sha is the only damage the hash alone catches;
       * everything else must be refused by validation. */
      id = atl_store_add_version (store, session, v1_id, path, sha, NULL, TRUE, &error);
      g_assert_no_error (error);
      s = atl_store_get_session (store, session, &error);
      g_assert_cmpint (s->current_version_id, ==, id);

      policy = atl_session_load_policy (store, s, &loaded, &problem, &error);
      g_assert_no_error (error);
      g_assert_nonnull (policy);
      if (loaded->id == id)
        {
          /* Only a harmless change may load: a flipped bit in a JSON string's case, say,
           * that still names the same thing. It must then be a valid model. */
          g_test_message ("%s: loaded as valid", d->name);
        }
      else
        {
          g_assert_cmpint (loaded->id, ==, v1_id);
          g_assert_nonnull (problem);
          if (strstr (problem, path) == NULL && strstr (problem, name) == NULL)
            g_error ("%s: the problem does not name the file: %s", d->name, problem);
        }
      n_inputs++;
    }
  g_test_message ("%u damaged checkpoints loaded as a current version", damages->len);
  for (guint i = 0; i < damages->len; i++)
    {
      Damage *d = damages->pdata[i];

      g_free ((char *) d->name);
      g_bytes_unref (d->bytes);
      g_free (d);
    }
}

/* ---- a damaged database through the CLI ---- */

static void
test_damaged_database (void)
{
  static const char *kinds[] = { "garbage", "truncated", "damaged page", "empty header" };
  g_autofree char *src = g_build_filename (root, "db-good", NULL);
  g_autofree char *src_db = g_build_filename (src, ATL_STORE_DB_NAME, NULL);
  g_autofree char *good = NULL;
  gsize length;

  {
    g_autoptr(AtlStore) store = NULL;
    g_autoptr(GError) error = NULL;

    g_mkdir_with_parents (src, 0755);
    store = open_store (src);
    for (int i = 0; i < 40; i++)
      {
        g_autofree char *name = g_strdup_printf ("Session %d", i);

        atl_store_create_session (store, name, ATL_DOMAIN_MUSIC, NULL, NULL, NULL, &error);
        g_assert_no_error (error);
      }
    g_assert_true (atl_store_close (store, &error));
  }
  g_assert_true (g_file_get_contents (src_db, &good, &length, NULL));
  g_assert_cmpuint (length, >=, 4 * 4096);

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autofree char *dir = g_strdup_printf ("%s/db-%u", root, k);
      g_autofree char *db = g_build_filename (dir, ATL_STORE_DB_NAME, NULL);
      g_autofree char *bytes = g_memdup2 (good, length);
      g_autofree char *before = NULL, *after = NULL, *text = NULL;
      gsize len = length;
      int status;

      g_mkdir_with_parents (dir, 0755);
      if (k == 0)
        for (gsize i = 0; i < len; i++)
          bytes[i] = (char) (i * 131 + 7);
      else if (k == 1)
        len = length / 3;
      else if (k == 2)
        /* Every b-tree page's header after the schema's, as a bad sector would. */
        for (gsize page = 4096; page + 64 <= len; page += 4096)
          memset (bytes + page, 0xA5, 64);
      else
        memset (bytes, 0, 100);
      g_assert_true (g_file_set_contents (db, bytes, (gssize) len, NULL));
      before = file_sha (db);

      status = run_cli (dir, 0, &text, "sessions", NULL);
      after = file_sha (db);
      g_test_message ("%s: exit %d: %s", kinds[k], status, text);
      g_assert_cmpstr (before, ==, after);
      if (k == 2 && status == 0)
        {
          /* A damaged page the listing does not touch: the integrity check must still
           * find it, from the CLI as from the studio. */
          g_autoptr(GError) error = NULL;
          g_autoptr(AtlStore) store = atl_store_open (dir, &error);

          g_assert_true (store == NULL
                         || !atl_store_check_integrity (store, &error));
          g_assert_nonnull (error);
        }
      else
        {
          g_assert_cmpint (status, ==, 1);
          g_assert_nonnull (strstr (text, db));
        }
      n_inputs++;
    }
}

/* ---- malformed preferences through the CLI ---- */

static void
test_malformed_prefs (void)
{
  static const char *files[] = {
    "not json at all\n",
    "{\"prompt\": {}, \"chosen\": {\"tokens\": [1, 2], \"seed\": 1}}\n",
    "\n\n{\"prompt\": {}, \"chosen\": {\"tokens\": \"x\", \"seed\": 1}, \"rejected\": "
    "{\"tokens\": [1, 2], \"seed\": 2}, \"domain\": \"music\"}\n",
    "{\"prompt\": {}, \"chosen\": {\"tokens\": [1, 99999999], \"seed\": -1}, \"rejected\": "
    "{\"tokens\": [], \"seed\": 2}, \"domain\": \"sculpture\"}\n",
    "[1, 2, 3]\n{\"a\": 1}\n\"str\"\n",
  };
  g_autofree char *dir = g_build_filename (root, "prefs-store", NULL);
  g_autofree char *file = g_build_filename (root, "bad.jsonl", NULL);

  g_mkdir_with_parents (dir, 0755);
  {
    g_autoptr(AtlStore) store = open_store (dir);
  }
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *text = NULL, *where = NULL;
      int status;

      g_assert_true (g_file_set_contents (file, files[i], -1, NULL));
      status = run_cli (dir, 0, &text, "import-prefs", file, "--session", "Imported", NULL);
      g_assert_cmpint (status, ==, 1);
      /* The first bad line is named: line 3 for the file with two blank lines. */
      where = g_strdup_printf ("%s:%d:", file, i == 2 ? 3 : 1);
      if (strstr (text, where) == NULL)
        g_error ("no “%s” in: %s", where, text);
      {
        g_autoptr(AtlStore) store = open_store (dir);
        g_autoptr(AtlSession) s = atl_store_lookup_session (store, "Imported", NULL);

        g_assert_null (s);
      }
      n_inputs++;
    }
}

/* ---- a full disk ---- */

static gboolean
has_temp (const char *dir,
          const char *final_name)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (!g_str_equal (name, final_name) && strstr (name, final_name) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_full_disk (void)
{
  g_autofree char *dir = g_build_filename (root, "full-store", NULL);
  g_autofree char *out = g_build_filename (root, "full-out", NULL);
  g_autofree char *db = g_build_filename (dir, ATL_STORE_DB_NAME, NULL);
  g_autofree char *gen = g_build_filename (out, "gen", NULL);
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *manifest = g_build_filename (gen, "manifest.json", NULL);
  g_autofree char *grid = NULL, *fav = NULL, *rej = NULL, *work_art = NULL, *work_mus = NULL;
  static const char *formats[] = { "png", "svg", "pdf", "wav", "wav24", "flac", "ogg", "mid" };
  JsonArray *works;
  struct stat st;
  int tried = 0;

  g_mkdir_with_parents (out, 0755);
  g_assert_cmpint (run_cli (dir, 0, &text, "generate", "--domain", "music", "--count", "4",
                            "--seed", "3", "--out", gen, NULL), ==, 0);
  g_assert_true (json_parser_load_from_file (parser, manifest, NULL));
  works = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                        "works");
  grid = g_strdup_printf ("%" G_GINT64_FORMAT,
                          json_object_get_int_member (json_node_get_object (
                            json_parser_get_root (parser)), "grid"));
  fav = g_strdup_printf ("%" G_GINT64_FORMAT,
                         json_object_get_int_member (json_array_get_object_element (works, 0),
                                                     "id"));
  rej = g_strdup_printf ("%" G_GINT64_FORMAT,
                         json_object_get_int_member (json_array_get_object_element (works, 1),
                                                     "id"));
  work_mus = g_strdup (fav);
  g_clear_pointer (&text, g_free);
  g_assert_cmpint (run_cli (dir, 0, &text, "pick", "--grid", grid, "--favorite", fav,
                            "--reject", rej, NULL), ==, 0);
  g_clear_pointer (&text, g_free);
  {
    g_autofree char *gen_art = g_build_filename (out, "gen-art", NULL);
    g_autofree char *m = g_build_filename (gen_art, "manifest.json", NULL);
    g_autoptr(JsonParser) p2 = json_parser_new ();

    g_assert_cmpint (run_cli (dir, 0, &text, "generate", "--domain", "art", "--count", "2",
                              "--seed", "3", "--size", "64", "--out", gen_art, NULL), ==, 0);
    g_assert_true (json_parser_load_from_file (p2, m, NULL));
    work_art = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (
      json_array_get_object_element (json_object_get_array_member (
        json_node_get_object (json_parser_get_root (p2)), "works"), 0), "id"));
    g_clear_pointer (&text, g_free);
  }

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      gboolean art = f < 3;
      g_autofree char *name = g_strdup_printf ("full.%s", g_str_equal (formats[f], "wav24")
                                               ? "wav" : formats[f]);
      g_autofree char *path = g_build_filename (out, name, NULL);
      gsize full_size, db_size;
      rlim_t limit;

      g_unlink (path);
      g_assert_cmpint (run_cli (dir, 0, &text, "export", "--work", art ? work_art : work_mus,
                                "--out", path, "--format", formats[f], "--size", "4096",
                                NULL), ==, 0);
      g_clear_pointer (&text, g_free);
      g_assert_cmpint (stat (path, &st), ==, 0);
      full_size = (gsize) st.st_size;
      g_unlink (path);
      g_assert_cmpint (stat (db, &st), ==, 0);
      db_size = (gsize) st.st_size;
      /* The store's own files must fit under the limit, the export must not. */
      if (full_size < db_size + 128 * 1024)
        {
          g_test_message ("%s: %zu bytes, below the store's size: not limited", formats[f],
                          full_size);
          continue;
        }
      limit = (rlim_t) (db_size + 96 * 1024);
      g_assert_cmpint (run_cli (dir, limit, &text, "export", "--work",
                                art ? work_art : work_mus, "--out", path, "--format",
                                formats[f], "--size", "4096", NULL), ==, 1);
      g_test_message ("%s (%zu bytes, limit %zu): %s", formats[f], full_size, (gsize) limit,
                      text);
      g_assert_true (strstr (text, "large") != NULL || strstr (text, "space") != NULL
                     || strstr (text, "limit") != NULL);
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
      g_assert_false (has_temp (out, name));
      g_clear_pointer (&text, g_free);
      tried++;
      n_inputs++;
    }
  g_assert_cmpint (tried, >=, 2);

  /* A checkpoint bigger than the limit: the base here is the larger model. */
  {
    g_autoptr(AtlStore) store = open_store (dir);
    g_autoptr(AtlSession) s = atl_store_lookup_session (store, "Music sketchbook", NULL);
    g_autoptr(GPtrArray) before = atl_store_list_versions (store, s->id, NULL);
    g_autoptr(GPtrArray) after = NULL;
    g_autofree char *sid = g_strdup_printf ("%" G_GINT64_FORMAT, s->id);
    g_autofree char *mdir = g_build_filename (dir, "models", sid, NULL);
    g_autoptr(GDir) d = NULL;
    int status;

    g_clear_object (&store);
    g_assert_cmpint (stat (db, &st), ==, 0);
    status = run_cli (dir, (rlim_t) st.st_size + 256 * 1024, &text, "train", "--session",
                      "Music sketchbook", "--steps", "2", NULL);
    g_test_message ("train under the limit: exit %d: %s", status, text);
    g_assert_cmpint (status, ==, 1);
    store = open_store (dir);
    after = atl_store_list_versions (store, s->id, NULL);
    g_assert_cmpuint (after->len, ==, before->len);
    d = g_dir_open (mdir, 0, NULL);
    if (d != NULL)
      g_assert_null (g_dir_read_name (d));   /* no file, no temp */
    n_inputs++;
  }
}

int
main (int   argc,
      char *argv[])
{
  const char *build = g_getenv ("ATL_BUILD_DIR");
  int status;

  g_test_init (&argc, &argv, NULL);
  root = g_dir_make_tmp ("atl-damaged-XXXXXX", NULL);
  models_dir = g_build_filename (root, "models", NULL);
  atelier = g_build_filename (build != NULL ? build : ".", "atelier", NULL);
  g_mkdir_with_parents (models_dir, 0755);
  /* Bases: a tiny music v0 for the checkpoint cases, and in the full-disk store a music
   * base large enough (≈ 1.6 MB) that its trained checkpoint outgrows the limit. */
  g_free (save_tiny_model (ATL_DOMAIN_MUSIC, 128, 1, models_dir, NULL));
  g_free (save_tiny_model (ATL_DOMAIN_ART, 16, 2, models_dir, NULL));
  g_setenv ("ATL_MODELS_DIR", models_dir, TRUE);
  g_setenv ("ATL_AUDIO_DISABLE", "1", TRUE);
  g_setenv ("OPENBLAS_NUM_THREADS", "1", TRUE);

  g_test_add_func ("/app/damaged/checkpoint-as-current-version", test_damaged_current_version);
  g_test_add_func ("/app/damaged/database", test_damaged_database);
  g_test_add_func ("/app/damaged/prefs", test_malformed_prefs);
  g_test_add_func ("/app/damaged/full-disk", test_full_disk);
  status = g_test_run ();
  g_test_message ("damaged inputs tried: %d", n_inputs);
  remove_tree (root);
  g_free (root);
  g_free (models_dir);
  g_free (atelier);
  return status;
}
