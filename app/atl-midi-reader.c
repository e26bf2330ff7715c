/* atl-midi-reader.c: SMF bytes → notes per track and channel → one monophonic tune.
 *
 * A cursor over the bytes (Reader) checks every read against what is left; tracks are read
 * inside their chunk's bounds only. Notes are collected with absolute ticks, the melody
 * line is chosen, and the line is rendered onto a per-sixteenth "top pitch" array, from
 * which the monophonic notes are read back.
 */
#include "atl-midi-reader.h"

#include <string.h>

#include "atl-music-error.h"

#define MAX_STEPS (1 << 20)   /* longest melody in sixteenths we agree to lay out */

typedef struct
{
  const char   *name;
  const guint8 *data;
  gsize         len;    /* end of what this reader may read */
  gsize         pos;
} Reader;

typedef struct
{
  int    track, channel, pitch;
  gint64 start, end;    /* ticks */
} RawNote;

typedef struct
{
  GArray  *notes;        /* RawNote */
  int      time_num, time_den;   /* 0 until a time signature is seen */
  gboolean has_key;
  int      key_sf, key_minor;
  char    *title;
} Song;

static gboolean
need (Reader     *r,
      gsize       n,
      const char *what,
      GError    **error)
{
  if (r->len - r->pos >= n)
    return TRUE;
  g_set_error (error, ATL_MUSIC_ERROR, ATL_MUSIC_ERROR_TRUNCATED,
               "%s: byte %" G_GSIZE_FORMAT ": %s needs %" G_GSIZE_FORMAT " bytes, only %"
               G_GSIZE_FORMAT " left", r->name, r->pos, what, n, r->len - r->pos);
  return FALSE;
}

static guint32
be (const guint8 *p,
    int           n)
{
  guint32 v = 0;

  for (int i = 0; i < n; i++)
    v = (v << 8) | p[i];
  return v;
}

/* A variable-length quantity: at most 4 bytes, 28 bits. */
static gboolean
read_vlq (Reader  *r,
          guint32 *value,
          GError **error)
{
  *value = 0;
  for (int i = 0; i < 4; i++)
    {
      guint8 b;

      if (!need (r, 1, "a variable-length number", error))
        return FALSE;
      b = r->data[r->pos++];
      *value = (*value << 7) | (b & 0x7f);
      if ((b & 0x80) == 0)
        return TRUE;
    }
  g_set_error (error, ATL_MUSIC_ERROR, ATL_MUSIC_ERROR_PARSE,
               "%s: byte %" G_GSIZE_FORMAT ": variable-length number longer than 4 bytes",
               r->name, r->pos);
  return FALSE;
}

static void
end_note (Song   *song,
          gint64  on[16][128],
          int     track,
          int     channel,
          int     pitch,
          gint64  tick)
{
  if (on[channel][pitch] < 0)
    return;   /* an off without an on: ignored */
  if (tick > on[channel][pitch])
    {
      RawNote n = { track, channel, pitch, on[channel][pitch], tick };

      g_array_append_val (song->notes, n);
    }
  on[channel][pitch] = -1;
}

static gboolean
read_track (Reader  *r,
            int      track,
            Song    *song,
            GError **error)
{
  gint64 on[16][128];
  gint64 tick = 0;
  int status = 0;

  for (int c = 0; c < 16; c++)
    for (int p = 0; p < 128; p++)
      on[c][p] = -1;

  while (r->pos < r->len)
    {
      guint32 delta, length;
      int data[2] = { 0, 0 }, n_data, type;

      if (!read_vlq (r, &delta, error))
        return FALSE;
      tick += delta;
      if (!need (r, 1, "an event", error))
        return FALSE;
      if (r->data[r->pos] & 0x80)
        status = r->data[r->pos++];
      else if (status == 0)
        {
          g_set_error (error, ATL_MUSIC_ERROR, ATL_MUSIC_ERROR_PARSE,
                       "%s: byte %" G_GSIZE_FORMAT ": running status with no status before it",
                       r->name, r->pos);
          return FALSE;
        }

      if (status == 0xff)
        {
          status = 0;   /* meta and SysEx events cancel running status */
          if (!need (r, 1, "a meta event type", error))
            return FALSE;
          type = r->data[r->pos++];
          if (!read_vlq (r, &length, error) || !need (r, length, "a meta event", error))
            return FALSE;
          if (type == 0x2f)
            break;   /* end of track */
          if (type == 0x58 && length >= 2 && song->time_num == 0)
            {
              song->time_num = r->data[r->pos];
              song->time_den = r->data[r->pos + 1] < 8 ? 1 << r->data[r->pos + 1] : 0;
            }
          else if (type == 0x59 && length >= 2 && !song->has_key)
            {
              song->has_key = TRUE;
              song->key_sf = (gint8) r->data[r->pos];
              song->key_minor = r->data[r->pos + 1] != 0;
            }
          else if (type == 0x03 && song->title == NULL && length > 0)
            song->title = g_utf8_make_valid ((const char *) r->data + r->pos, length);
          r->pos += length;
          continue;
        }
      if (status == 0xf0 || status == 0xf7)
        {
          status = 0;
          if (!read_vlq (r, &length, error) || !need (r, length, "a SysEx event", error))
            return FALSE;
          r->pos += length;
          continue;
        }
      if (status >= 0xf0)
        {
          g_set_error (error, ATL_MUSIC_ERROR, ATL_MUSIC_ERROR_PARSE,
                       "%s: byte %" G_GSIZE_FORMAT ": system message 0x%02x inside a track",
                       r->name, r->pos, status);
          return FALSE;
        }

      n_data = (status & 0xf0) == 0xc0 || (status & 0xf0) == 0xd0 ? 1 : 2;
      if (!need (r, (gsize) n_data, "a channel message", error))
        return FALSE;
      for (int i = 0; i < n_data; i++)
        {
          data[i] = r->data[r->pos++];
          if (data[i] & 0x80)
            {
              g_set_error (error, ATL_MUSIC_ERROR, ATL_MUSIC_ERROR_PARSE,
                           "%s: byte %" G_GSIZE_FORMAT ": data byte 0x%02x has its top bit set",
                           r->name, r->pos - 1, data[i]);
              return FALSE;
            }
        }
      if ((status & 0xf0) == 0x90 && data[1] > 0)
        {
          end_note (song, on, track, status & 0x0f, data[0], tick);
          on[status & 0x0f][data[0]] = tick;
        }
      else if ((status & 0xf0) == 0x80 || (status & 0xf0) == 0x90)
        end_note (song, on, track, status & 0x0f, data[0], tick);
    }
  /* Notes still on at the end of the track end there. */
  for (int c = 0; c < 16; c++)
    for (int p = 0; p < 128; p++)
      end_note (song, on, track, c, p, tick);
  return TRUE;
}

static gboolean
metre_of (int       num,
          int       den,
          AtlMetre *metre)
{
  static const struct { int num, den; AtlMetre metre; } table[] = {
    { 2, 4, ATL_METRE_2_4 }, { 3, 4, ATL_METRE_3_4 }, { 4, 4, ATL_METRE_4_4 },
    { 2, 2, ATL_METRE_4_4 }, { 6, 8, ATL_METRE_6_8 }, { 9, 8, ATL_METRE_9_8 },
    { 12, 8, ATL_METRE_12_8 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (table); i++)
    if (table[i].num == num && table[i].den == den)
      {
        *metre = table[i].metre;
        return TRUE;
      }
  return FALSE;
}

/* The major or minor key whose scale holds the most sixteenths of the line. */
static void
guess_key (const int *top,
           int        n_steps,
           int        last_pitch,
           int       *tonic,
           AtlMode   *mode)
{
  double weight[12] = { 0 }, best = -1.0;

  for (int s = 0; s < n_steps; s++)
    if (top[s] >= 0)
      weight[top[s] % 12] += 1.0;
  for (int m = 0; m < 2; m++)
    for (int t = 0; t < 12; t++)
      {
        const int *scale = atl_mode_scale (m == 0 ? ATL_MODE_MAJOR : ATL_MODE_MINOR);
        double score = (t == last_pitch % 12) ? 0.5 : 0.0;

        for (int d = 0; d < 7; d++)
          score += weight[(t + scale[d]) % 12];
        if (score > best)
          {
            best = score;
            *tonic = t;
            *mode = m == 0 ? ATL_MODE_MAJOR : ATL_MODE_MINOR;
          }
      }
}

static AtlTune *
build_tune (const char *name,
            Song       *song,
            int         division,
            GError    **error)
{
  g_autoptr(AtlTune) tune = atl_tune_new (name, 0);
  g_autofree int *top = NULL;
  g_autofree guint8 *onset = NULL;
  /* Notes per track (the first 64 tracks) and channel, and their pitch sums. */
  int counts[64][16] = { { 0 } }, best_track = -1, best_channel = -1, n_steps = 0;
  double sums[64][16] = { { 0 } }, best_mean = 0.0;
  AtlMetre metre = ATL_METRE_4_4;
  int spb, tonic = 0, last_pitch = 0;
  AtlMode mode = ATL_MODE_MAJOR;

  for (guint i = 0; i < song->notes->len; i++)
    {
      RawNote *n = &g_array_index (song->notes, RawNote, i);

      if (n->channel == 9 || n->track >= 64)
        continue;
      counts[n->track][n->channel]++;
      sums[n->track][n->channel] += n->pitch;
    }
  for (int t = 0; t < 64; t++)
    for (int c = 0; c < 16; c++)
      {
        double mean = counts[t][c] > 0 ? sums[t][c] / counts[t][c] : 0.0;

        if (counts[t][c] == 0)
          continue;
        if (best_track < 0 || counts[t][c] > counts[best_track][best_channel]
            || (counts[t][c] == counts[best_track][best_channel] && mean > best_mean))
          {
            best_track = t;
            best_channel = c;
            best_mean = mean;
          }
      }
  if (best_track < 0)
    {
      g_set_error (error, ATL_MUSIC_ERROR, ATL_MUSIC_ERROR_EMPTY,
                   "%s: no notes outside the drum channel", name);
      return NULL;
    }
  if (song->time_num != 0 && !metre_of (song->time_num, song->time_den, &metre))
    {
      g_set_error (error, ATL_MUSIC_ERROR, ATL_MUSIC_ERROR_UNSUPPORTED,
                   "%s: time signature %d/%d is not one of 2/4 3/4 4/4 2/2 6/8 9/8 12/8",
                   name, song->time_num, song->time_den);
      return NULL;
    }
  spb = atl_metre_steps_per_bar (metre);

  /* Sixteenth s covers ticks [s·division/4, (s+1)·division/4); onsets and ends round to
   * the nearest step, and a note keeps at least one step. */
  for (guint i = 0; i < song->notes->len; i++)
    {
      RawNote *n = &g_array_index (song->notes, RawNote, i);
      gint64 end = (n->end * 4 + division / 2) / division;

      if (n->track == best_track && n->channel == best_channel)
        n_steps = (int) MIN ((gint64) MAX_STEPS + 1, MAX ((gint64) n_steps, end + 1));
    }
  if (n_steps > MAX_STEPS)
    {
      g_set_error (error, ATL_MUSIC_ERROR, ATL_MUSIC_ERROR_RANGE,
                   "%s: the melody is longer than %d sixteenths", name, MAX_STEPS);
      return NULL;
    }
  n_steps = (n_steps + spb - 1) / spb * spb;
  top = g_new (int, n_steps);
  onset = g_new0 (guint8, n_steps);
  for (int s = 0; s < n_steps; s++)
    top[s] = -1;
  for (guint i = 0; i < song->notes->len; i++)
    {
      RawNote *n = &g_array_index (song->notes, RawNote, i);
      int s0 = (int) ((n->start * 4 + division / 2) / division);
      int s1 = (int) ((n->end * 4 + division / 2) / division);

      if (n->track != best_track || n->channel != best_channel)
        continue;
      s1 = MIN (MAX (s1, s0 + 1), n_steps);
      for (int s = s0; s < s1; s++)
        {
          if (n->pitch > top[s])
            {
              top[s] = n->pitch;
              onset[s] = s == s0;
            }
          else if (n->pitch == top[s] && s == s0)
            onset[s] = 1;
        }
    }

  /* Read the top line back as notes: a new note where the pitch changes or re-attacks. */
  for (int s = 0; s < n_steps;)
    {
      int e = s + 1;

      if (top[s] < 0)
        {
          s++;
          continue;
        }
      while (e < n_steps && top[e] == top[s] && !onset[e])
        e++;
      atl_tune_add_note (tune, top[s], s, e - s);
      last_pitch = top[s];
      s = e;
    }
  if (song->has_key && song->key_sf >= -7 && song->key_sf <= 7)
    {
      tonic = ((song->key_sf * 7) % 12 + 12 + (song->key_minor ? 9 : 0)) % 12;
      mode = song->key_minor ? ATL_MODE_MINOR : ATL_MODE_MAJOR;
    }
  else
    guess_key (top, n_steps, last_pitch, &tonic, &mode);

  for (int b = 0; b < n_steps / spb; b++)
    atl_tune_add_bar (tune, metre, tonic, mode);
  tune->metre = metre;
  tune->tonic = tonic;
  tune->mode = mode;
  tune->number = best_track;
  g_free (tune->title);
  tune->title = song->title != NULL ? g_strdup (song->title) : g_path_get_basename (name);
  tune->type = atl_tune_type_guess (name, tune->title, metre);
  return g_steal_pointer (&tune);
}

AtlTune *
atl_midi_read_bytes (const char    *name,
                     const guint8  *data,
                     gsize          length,
                     GError       **error)
{
  Reader r = { name, data, length, 0 };
  Song song = { 0 };
  AtlTune *tune = NULL;
  int format, n_tracks, division, track = 0;
  guint32 header_len;

  if (!need (&r, 14, "the MThd header", error))
    return NULL;
  if (memcmp (data, "MThd", 4) != 0)
    {
      g_set_error (error, ATL_MUSIC_ERROR, ATL_MUSIC_ERROR_PARSE,
                   "%s: not a standard MIDI file (no MThd)", name);
      return NULL;
    }
  header_len = be (data + 4, 4);
  format = (int) be (data + 8, 2);
  n_tracks = (int) be (data + 10, 2);
  division = (int) be (data + 12, 2);
  r.pos = 8;
  if (header_len < 6 || !need (&r, header_len, "the MThd header", error))
    {
      if (header_len < 6)
        g_set_error (error, ATL_MUSIC_ERROR, ATL_MUSIC_ERROR_PARSE,
                     "%s: MThd length %u is below 6", name, header_len);
      return NULL;
    }
  r.pos += header_len;
  if (format > 1)
    {
      g_set_error (error, ATL_MUSIC_ERROR, ATL_MUSIC_ERROR_UNSUPPORTED,
                   "%s: MIDI format %d (only 0 and 1 are read)", name, format);
      return NULL;
    }
  if (division == 0 || (division & 0x8000))
    {
      g_set_error (error, ATL_MUSIC_ERROR, ATL_MUSIC_ERROR_UNSUPPORTED,
                   "%s: time division 0x%04x (only ticks per quarter note are read)", name,
                   division);
      return NULL;
    }

  song.notes = g_array_new (FALSE, FALSE, sizeof (RawNote));
  while (r.pos < r.len && track < n_tracks)
    {
      guint32 chunk_len;
      Reader sub;

      if (!need (&r, 8, "a chunk header", error))
        goto out;
      chunk_len = be (data + r.pos + 4, 4);
      if (memcmp (data + r.pos, "MTrk", 4) != 0)
        {
          /* Unknown chunks are skipped, within bounds. */
          r.pos += 8;
          if (!need (&r, chunk_len, "an unknown chunk", error))
            goto out;
          r.pos += chunk_len;
          continue;
        }
      r.pos += 8;
      if (!need (&r, chunk_len, "a track chunk", error))
        goto out;
      sub = (Reader) { name, data, r.pos + chunk_len, r.pos };
      if (!read_track (&sub, track, &song, error))
        goto out;
      r.pos += chunk_len;
      track++;
    }
  if (track < n_tracks)
    {
      g_set_error (error, ATL_MUSIC_ERROR, ATL_MUSIC_ERROR_TRUNCATED,
                   "%s: the header promises %d tracks, the file holds %d", name, n_tracks,
                   track);
      goto out;
    }
  tune = build_tune (name, &song, division, error);

out:
  g_array_unref (song.notes);
  g_free (song.title);
  return tune;
}

AtlTune *
atl_midi_read_file (const char  *path,
                    GError     **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &data, &length, error))
    return NULL;
  return atl_midi_read_bytes (path, (const guint8 *) data, length, error);
}
