/* test-checkpoint.c: safetensors checkpoints — round trips, a file in the reference
 * writer's exact shape, every kind of damaged or forged input, sha256 verification, and
 * atomic saves that leave the old file intact when the disk fills up.
 *
 * Damaged inputs must give the right error code and never crash or over-read; the suite
 * also runs under AddressSanitizer and UndefinedBehaviorSanitizer to catch the latter.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "atl-checkpoint.h"

#define DAMAGED_NAME "damaged.safetensors"
#define OK (-1)  /* expected "code" of a case that must load */

/* A scratch folder, removed (with its plain files) by rm_dir. */
static char *
make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("atl-checkpoint-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (d);
  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
rm_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
write_bytes (const char   *path,
             const guint8 *data,
             gsize         length)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, (const char *) data, length, &error);
  g_assert_no_error (error);
}

/* A small but complete checkpoint: three tensors of different ranks and our metadata. */
static AtlCheckpoint *
make_sample (void)
{
  static const char * const vocab[] = { "<pad>", "BAR", "NOTE(0)", "é \"quoted\"", NULL };
  AtlCheckpoint *cp = atl_checkpoint_new ();
  g_autoptr(GError) error = NULL;
  gint64 emb_shape[] = { 5, 4 };
  gint64 ln_shape[] = { 4 };
  float emb[20], ln[4], scalar = -0.0f;

  for (guint i = 0; i < G_N_ELEMENTS (emb); i++)
    emb[i] = (float) (i * 0.37 - 3.0) / 7.0f;  /* values with all mantissa bits in use */
  for (guint i = 0; i < G_N_ELEMENTS (ln); i++)
    ln[i] = i == 3 ? 1e-40f : 1.0f + i;        /* a subnormal must survive too */

  atl_checkpoint_add_tensor (cp, "wte", 2, emb_shape, emb, &error);
  g_assert_no_error (error);
  atl_checkpoint_add_tensor (cp, "ln_f.g", 1, ln_shape, ln, &error);
  g_assert_no_error (error);
  atl_checkpoint_add_tensor (cp, "scale", 0, NULL, &scalar, &error);
  g_assert_no_error (error);

  atl_checkpoint_set_meta_int (cp, ATL_CHECKPOINT_META_VOCAB, 4);
  atl_checkpoint_set_meta_int (cp, ATL_CHECKPOINT_META_CTX, 220);
  atl_checkpoint_set_meta_int (cp, ATL_CHECKPOINT_META_D_MODEL, 128);
  atl_checkpoint_set_meta_int (cp, ATL_CHECKPOINT_META_N_LAYER, 4);
  atl_checkpoint_set_meta_int (cp, ATL_CHECKPOINT_META_N_HEAD, 4);
  atl_checkpoint_set_meta (cp, ATL_CHECKPOINT_META_DOMAIN, "music");
  atl_checkpoint_set_meta (cp, ATL_CHECKPOINT_META_CODEC, "music");
  atl_checkpoint_set_meta (cp, ATL_CHECKPOINT_META_CODEC_VERSION, "1");
  atl_checkpoint_set_meta_strv (cp, ATL_CHECKPOINT_META_VOCABULARY, vocab);
  atl_checkpoint_set_meta_int (cp, ATL_CHECKPOINT_META_STEPS, 1200);
  atl_checkpoint_set_meta (cp, ATL_CHECKPOINT_META_LOSS, "2.3125");
  /* Text the JSON writer must escape for the strict reader to take it back. */
  atl_checkpoint_set_meta (cp, "note", "tab\there\nnew line \x01 \\ / \"q\" \xe2\x80\xa8 ♩");
  return cp;
}

/* The sample as file bytes, through a real save. */
static guint8 *
sample_bytes (gsize *out_length)
{
  g_autoptr(AtlCheckpoint) cp = make_sample ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "sample.safetensors", NULL);
  char *data = NULL;

  atl_checkpoint_save (cp, path, &error);
  g_assert_no_error (error);
  g_file_get_contents (path, &data, out_length, &error);
  g_assert_no_error (error);
  rm_dir (dir);
  return (guint8 *) data;
}

static void
assert_same_checkpoint (AtlCheckpoint *a,
                        AtlCheckpoint *b)
{
  g_auto(GStrv) keys_a = atl_checkpoint_dup_meta_keys (a);
  g_auto(GStrv) keys_b = atl_checkpoint_dup_meta_keys (b);

  g_assert_cmpuint (atl_checkpoint_get_n_tensors (a), ==, atl_checkpoint_get_n_tensors (b));
  for (guint i = 0; i < atl_checkpoint_get_n_tensors (a); i++)
    {
      const AtlCheckpointTensor *x = atl_checkpoint_get_tensor_at (a, i);
      const AtlCheckpointTensor *y = atl_checkpoint_get_tensor_at (b, i);

      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_cmpuint (x->n_dims, ==, y->n_dims);
      g_assert_cmpmem (x->shape, sizeof x->shape, y->shape, sizeof y->shape);
      g_assert_cmpuint (x->numel, ==, y->numel);
      /* Bit-exact, so -0.0 and subnormals count too. */
      g_assert_cmpmem (x->data, x->numel * sizeof (float), y->data, y->numel * sizeof (float));
    }

  g_assert_true (g_strv_equal ((const char * const *) keys_a, (const char * const *) keys_b));
  for (guint i = 0; keys_a[i] != NULL; i++)
    g_assert_cmpstr (atl_checkpoint_lookup_meta (a, keys_a[i]), ==,
                     atl_checkpoint_lookup_meta (b, keys_a[i]));
}

static void
test_round_trip (void)
{
  g_autoptr(AtlCheckpoint) cp = make_sample ();
  g_autoptr(AtlCheckpoint) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "model.safetensors", NULL);
  g_autofree char *sha_saved = NULL;
  g_autofree char *sha_file = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) vocab = NULL;
  gsize length;
  guint64 header_length;
  gint64 value;

  g_assert_true (atl_checkpoint_save_with_sha256 (cp, path, &sha_saved, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_files (dir), ==, 1);  /* no temp file left behind */

  /* The header is padded so the buffer starts 8-aligned, as the reference writer does. */
  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  memcpy (&header_length, contents, 8);
  header_length = GUINT64_FROM_LE (header_length);
  g_assert_cmpuint (header_length % 8, ==, 0);

  sha_file = atl_file_sha256 (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sha_saved, ==, sha_file);

  back = atl_checkpoint_load (path, &error);
  g_assert_no_error (error);
  assert_same_checkpoint (cp, back);

  g_assert_true (atl_checkpoint_get_meta_int (back, ATL_CHECKPOINT_META_CTX, 1, 4096,
                                              &value, &error));
  g_assert_no_error (error);
  g_assert_cmpint (value, ==, 220);
  vocab = atl_checkpoint_dup_meta_strv (back, ATL_CHECKPOINT_META_VOCABULARY, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (vocab), ==, 4);
  g_assert_cmpstr (vocab[3], ==, "é \"quoted\"");

  /* Saving the loaded copy gives the same bytes: the format is deterministic, so a
   * version's sha256 depends only on its weights and metadata. */
  {
    g_autofree char *path2 = g_build_filename (dir, "again.safetensors", NULL);
    g_autofree char *sha2 = NULL;

    atl_checkpoint_save_with_sha256 (back, path2, &sha2, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (sha2, ==, sha_file);
  }

  rm_dir (dir);
}

static void
test_empty_round_trip (void)
{
  g_autoptr(AtlCheckpoint) cp = atl_checkpoint_new ();
  g_autoptr(AtlCheckpoint) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "empty.safetensors", NULL);
  gint64 zero_shape[] = { 0, 3 };

  atl_checkpoint_add_tensor (cp, "nothing", 2, zero_shape, NULL, &error);
  g_assert_no_error (error);
  atl_checkpoint_save (cp, path, &error);
  g_assert_no_error (error);
  back = atl_checkpoint_load (path, &error);
  g_assert_no_error (error);
  assert_same_checkpoint (cp, back);
  rm_dir (dir);
}

static void
test_lookup (void)
{
  g_autoptr(AtlCheckpoint) cp = make_sample ();
  g_autoptr(GError) error = NULL;
  gint64 right[] = { 5, 4 }, wrong[] = { 4, 5 };
  const float *data;
  gint64 value;

  data = atl_checkpoint_get_tensor (cp, "wte", 2, right, &error);
  g_assert_no_error (error);
  g_assert_nonnull (data);

  data = atl_checkpoint_get_tensor (cp, "wte", 2, wrong, &error);
  g_assert_null (data);
  g_assert_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "[5, 4]"));
  g_clear_error (&error);

  data = atl_checkpoint_get_tensor (cp, "wte", 1, right, &error);
  g_assert_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_MISMATCH);
  g_clear_error (&error);

  data = atl_checkpoint_get_tensor (cp, "missing", 0, NULL, &error);
  g_assert_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "missing"));
  g_clear_error (&error);

  g_assert_nonnull (atl_checkpoint_lookup (cp, "scale"));
  g_assert_null (atl_checkpoint_lookup (cp, "nope"));

  /* Metadata helpers: missing keys, out-of-range and non-integer values. */
  g_assert_false (atl_checkpoint_get_meta_int (cp, "nope", 0, 10, &value, &error));
  g_assert_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_MISMATCH);
  g_clear_error (&error);
  g_assert_false (atl_checkpoint_get_meta_int (cp, ATL_CHECKPOINT_META_CTX, 0, 100, &value,
                                               &error));
  g_assert_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_MISMATCH);
  g_clear_error (&error);
  g_assert_false (atl_checkpoint_get_meta_int (cp, ATL_CHECKPOINT_META_DOMAIN, 0, 100, &value,
                                               &error));
  g_assert_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_MISMATCH);
  g_clear_error (&error);
  g_assert_null (atl_checkpoint_get_meta_string (cp, "nope", &error));
  g_assert_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_MISMATCH);
  g_clear_error (&error);
  g_assert_cmpstr (atl_checkpoint_get_meta_string (cp, ATL_CHECKPOINT_META_DOMAIN, &error),
                   ==, "music");
  g_assert_no_error (error);
  g_assert_null (atl_checkpoint_dup_meta_strv (cp, ATL_CHECKPOINT_META_DOMAIN, &error));
  g_assert_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_CORRUPT);
  g_clear_error (&error);

  /* A vocabulary is JSON inside a string, so it gets the header's guards too. */
  {
    const char *bad[] = { "[\"a\", 1]", "{\"a\": \"b\"}", "['a']", "[\"a\"", NULL };
    g_autofree char *deep = g_malloc (1000001);

    memset (deep, '[', 1000000);
    deep[1000000] = '\0';
    atl_checkpoint_set_meta (cp, "deep", deep);
    g_assert_null (atl_checkpoint_dup_meta_strv (cp, "deep", &error));
    g_assert_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_CORRUPT);
    g_clear_error (&error);
    for (guint i = 0; bad[i] != NULL; i++)
      {
        atl_checkpoint_set_meta (cp, "bad", bad[i]);
        g_assert_null (atl_checkpoint_dup_meta_strv (cp, "bad", &error));
        g_assert_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_CORRUPT);
        g_clear_error (&error);
      }
  }
}

/* What a checkpoint refuses to hold, so it can never write a file it would not read. */
static void
test_add_refuses (void)
{
  g_autoptr(AtlCheckpoint) cp = atl_checkpoint_new ();
  gint64 shape[] = { 2, 1, 1, 1, 1 }, negative[] = { -2 }, huge[] = { G_MAXINT64, 2 };
  float data[2] = { 1.0f, 2.0f }, nan_data[2] = { 1.0f, NAN }, inf_data[2] = { -INFINITY, 0 };
  struct
  {
    const char   *name;
    guint         n_dims;
    const gint64 *shape;
    const float  *data;
    int           code;
  } cases[] = {
    { "a", 1, shape, data, OK },
    { "a", 1, shape, data, ATL_CHECKPOINT_ERROR_MISMATCH },        /* duplicate */
    { "", 1, shape, data, ATL_CHECKPOINT_ERROR_MISMATCH },         /* empty name */
    { "__metadata__", 1, shape, data, ATL_CHECKPOINT_ERROR_MISMATCH },
    { "\xff", 1, shape, data, ATL_CHECKPOINT_ERROR_MISMATCH },     /* not UTF-8 */
    { "rank5", 5, shape, data, ATL_CHECKPOINT_ERROR_UNSUPPORTED },
    { "neg", 1, negative, data, ATL_CHECKPOINT_ERROR_MISMATCH },
    { "huge", 2, huge, data, ATL_CHECKPOINT_ERROR_MISMATCH },
    { "nan", 1, shape, nan_data, ATL_CHECKPOINT_ERROR_MISMATCH },
    { "inf", 1, shape, inf_data, ATL_CHECKPOINT_ERROR_MISMATCH },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = atl_checkpoint_add_tensor (cp, cases[i].name, cases[i].n_dims,
                                               cases[i].shape, cases[i].data, &error);

      if (cases[i].code == OK)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_error (error, ATL_CHECKPOINT_ERROR, cases[i].code);
          g_assert_false (ok);
        }
    }
  g_assert_cmpuint (atl_checkpoint_get_n_tensors (cp), ==, 1);
}

/* Written by tests/fixtures/checkpoint/make-reference.py in the reference writer's shape. */
static void
test_reference_fixture (void)
{
  const char *srcdir = g_getenv ("ATL_SOURCE_DIR");
  g_autofree char *path = NULL;
  g_autofree char *sha = NULL;
  g_autoptr(AtlCheckpoint) cp = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) vocab = NULL;
  gint64 w_shape[] = { 2, 3 }, cube_shape[] = { 1, 2, 1, 2 }, emb_shape[] = { 4, 2 };
  gint64 empty_shape[] = { 0 }, ln_shape[] = { 3 };
  const float w_want[] = { 0.1f, -0.2f, 0.3f, 1e-30f, -1e30f, 3.14159f };
  const char *order[] = { "blocks.0.attn.w", "cube", "emb", "empty", "ln.g", "scalar" };
  const float *w, *cube, *emb, *ln, *scalar;
  gint64 value;

  if (srcdir == NULL)
    {
      g_test_skip ("ATL_SOURCE_DIR is not set (run through meson test)");
      return;
    }
  path = g_build_filename (srcdir, "tests", "fixtures", "checkpoint", "reference.safetensors",
                           NULL);

  /* The hash make-reference.py printed: checks atl_file_sha256 against Python's hashlib. */
  sha = atl_file_sha256 (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sha, ==, "26e348a1e24eceb3205b5855d5dd420853e3c879456ab1e3b5cc4d887cbc680f");

  cp = atl_checkpoint_load_verified (path, sha, &error);
  g_assert_no_error (error);

  /* Tensors come back in file order, which the reference writer sorts by name. */
  g_assert_cmpuint (atl_checkpoint_get_n_tensors (cp), ==, G_N_ELEMENTS (order));
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    g_assert_cmpstr (atl_checkpoint_get_tensor_at (cp, i)->name, ==, order[i]);

  w = atl_checkpoint_get_tensor (cp, "blocks.0.attn.w", 2, w_shape, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (w, sizeof w_want, w_want, sizeof w_want);

  cube = atl_checkpoint_get_tensor (cp, "cube", 4, cube_shape, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpfloat (cube[i], ==, i + 1.0f);

  emb = atl_checkpoint_get_tensor (cp, "emb", 2, emb_shape, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 8; i++)
    g_assert_cmpfloat (emb[i], ==, i * 0.25f - 1.0f);

  atl_checkpoint_get_tensor (cp, "empty", 1, empty_shape, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (atl_checkpoint_lookup (cp, "empty")->numel, ==, 0);

  ln = atl_checkpoint_get_tensor (cp, "ln.g", 1, ln_shape, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (ln[2], ==, 1.0f);

  scalar = atl_checkpoint_get_tensor (cp, "scalar", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (scalar[0], ==, 42.5f);

  g_assert_true (atl_checkpoint_get_meta_int (cp, ATL_CHECKPOINT_META_N_HEAD, 1, 64, &value,
                                              &error));
  g_assert_cmpint (value, ==, 2);
  g_assert_cmpstr (atl_checkpoint_lookup_meta (cp, ATL_CHECKPOINT_META_DOMAIN), ==, "music");
  g_assert_cmpstr (atl_checkpoint_lookup_meta (cp, "note"), ==,
                   "written by make-reference.py — ünïcödé");
  vocab = atl_checkpoint_dup_meta_strv (cp, ATL_CHECKPOINT_META_VOCABULARY, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (vocab), ==, 5);
  g_assert_cmpstr (vocab[3], ==, "é");
  g_assert_cmpstr (vocab[4], ==, "♩");
}

/* Loading must fail with code, and say which file. */
static void
assert_load_fails (const guint8 *data,
                   gsize         length,
                   int           code,
                   const char   *label)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlCheckpoint) cp = atl_checkpoint_load_from_data (data, length, DAMAGED_NAME,
                                                               &error);

  if (error == NULL || !g_error_matches (error, ATL_CHECKPOINT_ERROR, code))
    g_error ("case “%s”: expected code %d, got %s", label, code,
             error != NULL ? error->message : "success");
  g_assert_null (cp);
  g_assert_nonnull (strstr (error->message, DAMAGED_NAME));
  g_test_message ("%s: %s", label, error->message);
}

/* Any damage: a clean load or an error of ours, nothing else. */
static gboolean
load_survives (const guint8 *data,
               gsize         length)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlCheckpoint) cp = atl_checkpoint_load_from_data (data, length, DAMAGED_NAME,
                                                               &error);

  g_assert_true ((cp == NULL) == (error != NULL));
  if (error != NULL)
    {
      g_assert_true (error->domain == ATL_CHECKPOINT_ERROR);
      g_assert_true (error->code == ATL_CHECKPOINT_ERROR_CORRUPT
                     || error->code == ATL_CHECKPOINT_ERROR_UNSUPPORTED);
    }
  return cp != NULL;
}

/* Cut the file at every length, through the file reader. */
static void
test_truncated (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, DAMAGED_NAME, NULL);
  g_autofree guint8 *data = NULL;
  gsize length;

  data = sample_bytes (&length);
  for (gsize cut = 0; cut < length; cut++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AtlCheckpoint) cp = NULL;

      write_bytes (path, data, cut);
      cp = atl_checkpoint_load (path, &error);
      g_assert_null (cp);
      g_assert_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, DAMAGED_NAME));
    }

  /* One byte too many is damage as well: the tensors must cover the buffer exactly. */
  {
    g_autofree guint8 *longer = g_malloc0 (length + 1);

    memcpy (longer, data, length);
    assert_load_fails (longer, length + 1, ATL_CHECKPOINT_ERROR_CORRUPT, "one byte appended");
  }

  rm_dir (dir);
}

/* Every single-bit flip of the whole file, then random multi-byte damage. */
static void
test_bit_flips (void)
{
  g_autofree guint8 *data = NULL;
  g_autofree guint8 *copy = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261123);
  guint loaded = 0, total = 0;
  gsize length;

  data = sample_bytes (&length);
  copy = g_malloc (length);
  for (gsize byte = 0; byte < length; byte++)
    for (guint bit = 0; bit < 8; bit++)
      {
        memcpy (copy, data, length);
        copy[byte] ^= 1u << bit;
        loaded += load_survives (copy, length);
        total++;
      }

  for (guint round = 0; round < 3000; round++)
    {
      guint n = g_rand_int_range (rand, 1, 8);

      memcpy (copy, data, length);
      for (guint k = 0; k < n; k++)
        copy[g_rand_int_range (rand, 0, (gint32) length)] = g_rand_int_range (rand, 0, 256);
      loaded += load_survives (copy, length);
      total++;
    }

  /* Some flips are harmless (a letter in a metadata value, a mantissa bit in the data);
   * most are not. Both outcomes must happen, or the test is not testing. */
  g_test_message ("%u of %u damaged files still loaded", loaded, total);
  g_assert_cmpuint (loaded, >, 0);
  g_assert_cmpuint (loaded, <, total);
}

static void
test_header_length (void)
{
  g_autofree guint8 *data = NULL;
  g_autofree guint8 *copy = NULL;
  guint64 real, forged[8];
  gsize length;

  data = sample_bytes (&length);
  copy = g_malloc (length);
  memcpy (&real, data, 8);
  real = GUINT64_FROM_LE (real);

  forged[0] = 0;
  forged[1] = 1;
  forged[2] = real - 1;             /* the header loses its last byte, the buffer gains it */
  forged[3] = real + 4;             /* the header eats the first tensor */
  forged[4] = length - 8 + 1;       /* one past the end of the file */
  forged[5] = G_MAXUINT64;          /* would wrap 8 + N */
  forged[6] = G_GUINT64_CONSTANT (1) << 63;
  forged[7] = ATL_CHECKPOINT_MAX_HEADER_SIZE + 1;

  for (guint i = 0; i < G_N_ELEMENTS (forged); i++)
    {
      guint64 le = GUINT64_TO_LE (forged[i]);
      g_autofree char *label = g_strdup_printf ("header length %" G_GUINT64_FORMAT, forged[i]);

      memcpy (copy, data, length);
      memcpy (copy, &le, 8);
      assert_load_fails (copy, length, ATL_CHECKPOINT_ERROR_CORRUPT, label);
    }
}

/* A file from a header text and a buffer of `floats` copies of 1.0 plus `extra` zero
 * bytes; the header is not padded, which the format allows. */
static guint8 *
build_file (const char *header,
            gsize       header_length,
            guint       floats,
            guint       extra,
            gsize      *out_length)
{
  gsize length = 8 + header_length + floats * sizeof (float) + extra;
  guint8 *data = g_malloc0 (length);
  guint64 le = GUINT64_TO_LE ((guint64) header_length);
  float one = 1.0f;

  memcpy (data, &le, 8);
  memcpy (data + 8, header, header_length);
  for (guint i = 0; i < floats; i++)
    memcpy (data + 8 + header_length + i * sizeof (float), &one, sizeof one);
  *out_length = length;
  return data;
}

#define T(name, shape, begin, end) \
  "\"" name "\":{\"dtype\":\"F32\",\"shape\":" shape ",\"data_offsets\":[" #begin "," #end "]}"

static void
test_forged_headers (void)
{
  struct
  {
    const char *label;
    const char *header;
    guint       floats;  /* buffer of this many 1.0f ... */
    guint       extra;   /* ... and this many zero bytes */
    int         code;
  } cases[] = {
    /* Sanity: the helpers build loadable files. */
    { "valid", "{" T ("a", "[2]", 0, 8) "}", 2, 0, OK },
    { "valid, two tensors", "{" T ("a", "[2]", 0, 8) "," T ("b", "[1,1]", 8, 12) "}", 3, 0, OK },
    { "valid, listed out of order", "{" T ("b", "[1]", 4, 8) "," T ("a", "[1]", 0, 4) "}",
      2, 0, OK },
    { "valid, empty", "{}", 0, 0, OK },
    { "valid, metadata only", "{\"__metadata__\":{\"k\":\"v\"}}", 0, 0, OK },
    { "valid, scalar", "{" T ("s", "[]", 0, 4) "}", 1, 0, OK },
    { "valid, zero-size tensor", "{" T ("z", "[0,3]", 0, 0) "," T ("a", "[2]", 0, 8) "}",
      2, 0, OK },
    { "valid, padded", "{" T ("a", "[2]", 0, 8) "}      \n\t", 2, 0, OK },
    { "valid, unknown member ignored",
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":1}}", 2, 0, OK },
    { "valid, nested unknown member",
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":[[[{}]]]}}",
      2, 0, OK },

    /* Offsets. */
    { "overlap", "{" T ("a", "[2]", 0, 8) "," T ("b", "[2]", 4, 12) "}", 3, 0,
      ATL_CHECKPOINT_ERROR_CORRUPT },
    { "gap", "{" T ("a", "[2]", 0, 8) "," T ("b", "[2]", 12, 20) "}", 5, 0,
      ATL_CHECKPOINT_ERROR_CORRUPT },
    { "gap at the start", "{" T ("a", "[2]", 4, 12) "}", 3, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "bytes after the last tensor", "{" T ("a", "[2]", 0, 8) "}", 2, 4,
      ATL_CHECKPOINT_ERROR_CORRUPT },
    { "past the end", "{" T ("a", "[2]", 0, 8) "}", 1, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "far past the end", "{" T ("a", "[2]", 99999999999999992, 100000000000000000) "}",
      2, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "reversed", "{" T ("a", "[2]", 8, 0) "}", 2, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "negative offset", "{" T ("a", "[2]", -8, 0) "}", 2, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "float offset", "{" T ("a", "[2]", 0.0, 8) "}", 2, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "string offset", "{" T ("a", "[2]", "0", 8) "}", 2, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "one offset", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8]}}", 2, 0,
      ATL_CHECKPOINT_ERROR_CORRUPT },
    { "three offsets", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,8]}}",
      2, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "offsets not a list", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":8}}",
      2, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "no offsets", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 2, 0,
      ATL_CHECKPOINT_ERROR_CORRUPT },
    { "zero-size tensor inside another",
      "{" T ("a", "[2]", 0, 8) "," T ("z", "[0]", 4, 4) "}", 2, 0,
      ATL_CHECKPOINT_ERROR_CORRUPT },

    /* Dtypes. */
    { "dtype F16", "{\"a\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]}}", 2, 0,
      ATL_CHECKPOINT_ERROR_UNSUPPORTED },
    { "dtype I64", "{\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 2, 0,
      ATL_CHECKPOINT_ERROR_UNSUPPORTED },
    { "dtype BF16", "{\"a\":{\"dtype\":\"BF16\",\"shape\":[4],\"data_offsets\":[0,8]}}", 2, 0,
      ATL_CHECKPOINT_ERROR_UNSUPPORTED },
    { "dtype f32", "{\"a\":{\"dtype\":\"f32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 2, 0,
      ATL_CHECKPOINT_ERROR_UNSUPPORTED },
    { "dtype a number", "{\"a\":{\"dtype\":32,\"shape\":[2],\"data_offsets\":[0,8]}}", 2, 0,
      ATL_CHECKPOINT_ERROR_CORRUPT },
    { "no dtype", "{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 2, 0,
      ATL_CHECKPOINT_ERROR_CORRUPT },

    /* Shapes. */
    { "shape/offset mismatch", "{" T ("a", "[3]", 0, 8) "}", 2, 0,
      ATL_CHECKPOINT_ERROR_CORRUPT },
    { "shape/offset mismatch, zero", "{" T ("a", "[0]", 0, 8) "}", 2, 0,
      ATL_CHECKPOINT_ERROR_CORRUPT },
    { "rank 5", "{" T ("a", "[2,1,1,1,1]", 0, 8) "}", 2, 0,
      ATL_CHECKPOINT_ERROR_UNSUPPORTED },
    { "negative dim", "{" T ("a", "[-2]", 0, 8) "}", 2, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "float dim", "{" T ("a", "[2.0]", 0, 8) "}", 2, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "string dim", "{" T ("a", "[\"2\"]", 0, 8) "}", 2, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "null dim", "{" T ("a", "[null]", 0, 8) "}", 2, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "shape not a list", "{" T ("a", "2", 0, 8) "}", 2, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "no shape", "{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 2, 0,
      ATL_CHECKPOINT_ERROR_CORRUPT },
    { "dims overflow 64 bits", "{" T ("a", "[4294967296,4294967296,4294967296]", 0, 8) "}",
      2, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "dims overflow with a zero last",
      "{" T ("a", "[4294967296,4294967296,4294967296,0]", 0, 0) "}", 0, 0,
      ATL_CHECKPOINT_ERROR_CORRUPT },
    { "dims product over the cap", "{" T ("a", "[1000000,1000000]", 0, 8) "}", 2, 0,
      ATL_CHECKPOINT_ERROR_CORRUPT },
    { "dim past gint64", "{" T ("a", "[9223372036854775808]", 0, 8) "}", 2, 0,
      ATL_CHECKPOINT_ERROR_CORRUPT },
    { "dim that json-glib wraps to 1", "{" T ("a", "[-99999999999999999999,2]", 0, 8) "}",
      2, 0, ATL_CHECKPOINT_ERROR_CORRUPT },

    /* Names. */
    { "duplicate tensor", "{" T ("a", "[2]", 0, 8) "," T ("a", "[2]", 8, 16) "}", 4, 0,
      ATL_CHECKPOINT_ERROR_CORRUPT },
    { "duplicate member in an entry",
      "{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
      2, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "duplicate metadata key", "{\"__metadata__\":{\"k\":\"v\",\"k\":\"w\"}}", 0, 0,
      ATL_CHECKPOINT_ERROR_CORRUPT },
    { "empty name", "{" T ("", "[2]", 0, 8) "}", 2, 0, ATL_CHECKPOINT_ERROR_CORRUPT },

    /* Not a JSON object. */
    { "array", "[1,2]", 0, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "string", "\"{}\"", 0, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "number", "42", 0, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "null", "null", 0, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "leading space", " {}", 0, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "unterminated", "{", 0, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "unterminated string", "{\"a", 0, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "member without value", "{\"a\":}", 0, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "trailing comma", "{\"__metadata__\":{},}", 0, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "trailing garbage", "{}}", 0, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "comment", "{/* x */}", 0, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "single quotes", "{'__metadata__':{}}", 0, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "bare word", "{__metadata__:{}}", 0, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "control character in a string", "{\"__metadata__\":{\"k\":\"a\tb\"}}", 0, 0,
      ATL_CHECKPOINT_ERROR_CORRUPT },
    { "not UTF-8", "{\"__metadata__\":{\"k\":\"\xc3\x28\"}}", 0, 0,
      ATL_CHECKPOINT_ERROR_CORRUPT },
    { "entry not an object", "{\"a\":[0,8]}", 2, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "entry a string", "{\"a\":\"F32\"}", 2, 0, ATL_CHECKPOINT_ERROR_CORRUPT },

    /* Metadata. */
    { "metadata number", "{\"__metadata__\":{\"k\":1}}", 0, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "metadata null", "{\"__metadata__\":{\"k\":null}}", 0, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "metadata bool", "{\"__metadata__\":{\"k\":true}}", 0, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
    { "metadata object", "{\"__metadata__\":{\"k\":{\"x\":\"y\"}}}", 0, 0,
      ATL_CHECKPOINT_ERROR_CORRUPT },
    { "metadata list", "{\"__metadata__\":{\"k\":[\"v\"]}}", 0, 0,
      ATL_CHECKPOINT_ERROR_CORRUPT },
    { "metadata not an object", "{\"__metadata__\":\"x\"}", 0, 0,
      ATL_CHECKPOINT_ERROR_CORRUPT },
    { "metadata a list", "{\"__metadata__\":[]}", 0, 0, ATL_CHECKPOINT_ERROR_CORRUPT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree guint8 *data = NULL;
      gsize length;

      data = build_file (cases[i].header, strlen (cases[i].header), cases[i].floats,
                         cases[i].extra, &length);
      if (cases[i].code == OK)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(AtlCheckpoint) cp = atl_checkpoint_load_from_data (data, length,
                                                                       DAMAGED_NAME, &error);
          if (error != NULL)
            g_error ("case “%s” should load: %s", cases[i].label, error->message);
        }
      else
        assert_load_fails (data, length, cases[i].code, cases[i].label);
    }

  /* json-glib recurses per nesting level: a deep header must be refused, not overflow
   * the stack. */
  {
    const gsize depth = 1000000;
    g_autofree char *header = g_malloc (depth + 8);
    g_autofree guint8 *data = NULL;
    gsize length;

    memcpy (header, "{\"a\":", 5);
    memset (header + 5, '[', depth);
    memcpy (header + 5 + depth, "}", 2);
    data = build_file (header, strlen (header), 0, 0, &length);
    assert_load_fails (data, length, ATL_CHECKPOINT_ERROR_CORRUPT, "nested a million deep");
  }

  /* A NUL inside the header would end a C string early; the length must rule. */
  {
    static const char header[] = "{\"__metadata__\":{\"k\":\"a\0b\"}}";
    g_autofree guint8 *data = NULL;
    gsize length;

    data = build_file (header, sizeof header - 1, 0, 0, &length);
    assert_load_fails (data, length, ATL_CHECKPOINT_ERROR_CORRUPT, "NUL in the header");
  }
}

/* NaN and Inf in the data are refused, naming the tensor. */
static void
test_non_finite (void)
{
  static const char header[] = "{" T ("ok", "[2]", 0, 8) "," T ("bad.weight", "[3]", 8, 20) "}";
  const guint32 patterns[] = {
    0x7fc00000u,  /* quiet NaN */
    0xffc00001u,  /* negative NaN with payload */
    0x7f800001u,  /* signalling NaN */
    0x7f800000u,  /* +Inf */
    0xff800000u,  /* -Inf */
  };

  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AtlCheckpoint) cp = NULL;
      g_autofree guint8 *data = NULL;
      guint32 le = GUINT32_TO_LE (patterns[i]);
      gsize length;

      data = build_file (header, strlen (header), 5, 0, &length);
      memcpy (data + length - 4, &le, 4);  /* the last element of bad.weight */
      cp = atl_checkpoint_load_from_data (data, length, DAMAGED_NAME, &error);
      g_assert_null (cp);
      g_assert_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, "bad.weight"));
      g_assert_nonnull (strstr (error->message, "element 2"));
    }
}

static void
test_sha256 (void)
{
  g_autoptr(AtlCheckpoint) cp = make_sample ();
  g_autoptr(AtlCheckpoint) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "model.safetensors", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.safetensors", NULL);
  g_autofree char *sha = NULL;
  g_autofree char *upper = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *expected = NULL;
  gsize length;

  atl_checkpoint_save (cp, path, &error);
  g_assert_no_error (error);
  sha = atl_file_sha256 (path, &error);
  g_assert_no_error (error);
  g_file_get_contents (path, &contents, &length, NULL);
  expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guint8 *) contents, length);
  g_assert_cmpstr (sha, ==, expected);

  loaded = atl_checkpoint_load_verified (path, sha, &error);
  g_assert_no_error (error);
  g_clear_pointer (&loaded, atl_checkpoint_free);

  upper = g_ascii_strup (sha, -1);
  loaded = atl_checkpoint_load_verified (path, upper, &error);
  g_assert_no_error (error);
  g_clear_pointer (&loaded, atl_checkpoint_free);

  /* A file that still parses but is not the one the store recorded. */
  contents[length - 1] ^= 0x01;  /* a mantissa bit of the last weight */
  write_bytes (path, (const guint8 *) contents, length);
  loaded = atl_checkpoint_load (path, &error);
  g_assert_no_error (error);
  g_clear_pointer (&loaded, atl_checkpoint_free);
  loaded = atl_checkpoint_load_verified (path, sha, &error);
  g_assert_null (loaded);
  g_assert_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "model.safetensors"));
  g_clear_error (&error);

  loaded = atl_checkpoint_load_verified (path, "not a hash", &error);
  g_assert_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_MISMATCH);
  g_clear_error (&error);

  g_assert_null (atl_file_sha256 (missing, &error));
  g_assert_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_IO);
  g_clear_error (&error);
  g_assert_null (atl_checkpoint_load (missing, &error));
  g_assert_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_IO);
  g_clear_error (&error);
  g_assert_null (atl_checkpoint_load (dir, &error));  /* a folder, not a file */
  g_assert_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_IO);
  g_clear_error (&error);

  rm_dir (dir);
}

/* A checkpoint of n floats, all different, so an old and a new file cannot be confused. */
static AtlCheckpoint *
make_big (guint n)
{
  AtlCheckpoint *cp = atl_checkpoint_new ();
  g_autofree float *data = g_new (float, n);
  gint64 shape[] = { n };

  for (guint i = 0; i < n; i++)
    data[i] = (float) i;
  g_assert_true (atl_checkpoint_add_tensor (cp, "big", 1, shape, data, NULL));
  atl_checkpoint_set_meta (cp, "note", "new");
  return cp;
}

/* The disk "fills up" at limit bytes: in a child, so the limit and the ignored SIGXFSZ
 * do not outlive the test. The child reports through its exit code. */
static int
save_with_file_size_limit (const char *path,
                           rlim_t      limit)
{
  g_autoptr(AtlCheckpoint) cp = make_big (100000);
  g_autoptr(GError) error = NULL;
  struct rlimit rl = { limit, limit };

  /* Without this the kernel kills the process at the limit instead of failing write(). */
  signal (SIGXFSZ, SIG_IGN);
  if (setrlimit (RLIMIT_FSIZE, &rl) != 0)
    return 20;

  if (atl_checkpoint_save (cp, path, &error))
    return 10;
  if (!g_error_matches (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_IO))
    return 11;
  if (strstr (error->message, "model.safetensors") == NULL
      || strstr (error->message, g_strerror (EFBIG)) == NULL)
    return 12;
  return 0;
}

static void
test_atomic_disk_full (void)
{
  g_autoptr(AtlCheckpoint) old = make_sample ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "model.safetensors", NULL);
  g_autofree char *old_sha = NULL;
  /* Before the header, inside it, at a chunk edge, inside the data, one byte short. */
  const rlim_t limits[] = { 0, 5, 100, 4096, 65537, 400000 + 64 };

  atl_checkpoint_save (old, path, &error);
  g_assert_no_error (error);
  old_sha = atl_file_sha256 (path, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (limits); i++)
    {
      g_autoptr(AtlCheckpoint) back = NULL;
      g_autofree char *sha = NULL;
      int status;
      pid_t pid;

      fflush (stdout);
      fflush (stderr);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        _exit (save_with_file_size_limit (path, limits[i]));

      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFEXITED (status));
      if (WEXITSTATUS (status) != 0)
        g_error ("limit %lu: child exited with %d", (gulong) limits[i], WEXITSTATUS (status));

      /* The old file is untouched and still loads; no temp file is left beside it. */
      sha = atl_file_sha256 (path, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (sha, ==, old_sha);
      back = atl_checkpoint_load_verified (path, old_sha, &error);
      g_assert_no_error (error);
      assert_same_checkpoint (old, back);
      g_assert_cmpuint (count_files (dir), ==, 1);
    }

  /* With room to spare the same save succeeds and replaces the old file. */
  {
    g_autoptr(AtlCheckpoint) big = make_big (100000);
    g_autoptr(AtlCheckpoint) back = NULL;

    atl_checkpoint_save (big, path, &error);
    g_assert_no_error (error);
    back = atl_checkpoint_load (path, &error);
    g_assert_no_error (error);
    assert_same_checkpoint (big, back);
    g_assert_cmpuint (count_files (dir), ==, 1);
  }

  rm_dir (dir);
}

static void
test_save_errors (void)
{
  g_autoptr(AtlCheckpoint) cp = make_sample ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_dir ();
  g_autofree char *nowhere = g_build_filename (dir, "no", "such", "model.safetensors", NULL);
  g_autofree char *onto_dir = g_build_filename (dir, "taken", NULL);

  g_assert_false (atl_checkpoint_save (cp, nowhere, &error));
  g_assert_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "model.safetensors"));
  g_clear_error (&error);

  /* The rename itself fails (the target is a folder): the temp file must go. */
  g_assert_cmpint (g_mkdir (onto_dir, 0700), ==, 0);
  g_assert_false (atl_checkpoint_save (cp, onto_dir, &error));
  g_assert_error (error, ATL_CHECKPOINT_ERROR, ATL_CHECKPOINT_ERROR_IO);
  g_clear_error (&error);
  g_assert_cmpuint (count_files (dir), ==, 1);

  g_rmdir (onto_dir);
  rm_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/checkpoint/round-trip", test_round_trip);
  g_test_add_func ("/app/checkpoint/round-trip-empty", test_empty_round_trip);
  g_test_add_func ("/app/checkpoint/lookup", test_lookup);
  g_test_add_func ("/app/checkpoint/add-refuses", test_add_refuses);
  g_test_add_func ("/app/checkpoint/reference-fixture", test_reference_fixture);
  g_test_add_func ("/app/checkpoint/damaged/truncated", test_truncated);
  g_test_add_func ("/app/checkpoint/damaged/bit-flips", test_bit_flips);
  g_test_add_func ("/app/checkpoint/damaged/header-length", test_header_length);
  g_test_add_func ("/app/checkpoint/damaged/forged-headers", test_forged_headers);
  g_test_add_func ("/app/checkpoint/damaged/non-finite", test_non_finite);
  g_test_add_func ("/app/checkpoint/sha256", test_sha256);
  g_test_add_func ("/app/checkpoint/atomic/disk-full", test_atomic_disk_full);
  g_test_add_func ("/app/checkpoint/atomic/save-errors", test_save_errors);

  return g_test_run ();
}
