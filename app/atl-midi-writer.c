/* atl-midi-writer.c: the SMF bytes for a melody (see the header for the layout).
 *
 * Events are collected per track as (tick, order, bytes) and sorted, so that at one tick
 * a note-off always precedes the next note-on and meta events precede both; then each
 * track is serialized with variable-length delta times.
 */
#include "atl-midi-writer.h"

#include <math.h>
#include <string.h>

#include "atl-export-temp.h"

G_DEFINE_QUARK (atl-midi-writer-error-quark, atl_midi_writer_error)

typedef struct
{
  gint64 tick;
  int    order;      /* 0 meta, 1 note-off, 2 program/note-on */
  guint8 data[8];
  int    len;
} MidiEvent;

int
atl_midi_program_for_timbre (AtlTimbre timbre)
{
  switch (timbre)
    {
    case ATL_TIMBRE_PIANO:
      return 0;     /* Acoustic Grand Piano */
    case ATL_TIMBRE_FLUTE:
      return 73;    /* Flute */
    case ATL_TIMBRE_BELL:
      return 14;    /* Tubular Bells */
    case ATL_TIMBRE_PLUCK:
    default:
      return 25;    /* Acoustic Guitar (steel) */
    }
}

void
atl_midi_key_signature (int tonic, AtlMode mode, int *sharps, gboolean *minor)
{
  /* Sharps of the major key on each pitch class, the spelling with fewer accidentals
   * (F♯ rather than G♭ at the tie). */
  static const int major_sf[12] = { 0, -5, 2, -3, 4, -1, 6, 1, -4, 3, -2, 5 };
  /* Semitones from the tonic up to the parent major scale's tonic. */
  static const int to_parent[ATL_N_MODES] = { 0, 3, 10, 5 };
  int m = mode >= 0 && mode < ATL_N_MODES ? mode : 0;

  *sharps = major_sf[((tonic + to_parent[m]) % 12 + 12) % 12];
  *minor = mode == ATL_MODE_MINOR || mode == ATL_MODE_DORIAN;
}

static void
add_event (GArray *events, gint64 tick, int order, int len, ...)
{
  MidiEvent ev = { tick, order, { 0 }, len };
  va_list ap;

  va_start (ap, len);
  for (int i = 0; i < len; i++)
    ev.data[i] = (guint8) va_arg (ap, int);
  va_end (ap);
  g_array_append_val (events, ev);
}

static int
compare_events (gconstpointer a, gconstpointer b)
{
  const MidiEvent *x = a, *y = b;

  if (x->tick != y->tick)
    return x->tick < y->tick ? -1 : 1;
  return x->order - y->order;
}

static void
put_vlq (GByteArray *out, guint32 value)
{
  guint8 bytes[5];
  int n = 0;

  bytes[n++] = value & 0x7f;
  while ((value >>= 7) > 0)
    bytes[n++] = 0x80 | (value & 0x7f);
  while (n > 0)
    g_byte_array_append (out, &bytes[--n], 1);
}

static void
put_be32 (GByteArray *out, guint32 v)
{
  guint8 b[4] = { v >> 24, v >> 16, v >> 8, v };

  g_byte_array_append (out, b, 4);
}

static void
put_meta_text (GByteArray *track, guint8 type, const char *text)
{
  guint8 head[2] = { 0xff, type };
  gsize len = strlen (text);

  put_vlq (track, 0);
  g_byte_array_append (track, head, 2);
  put_vlq (track, (guint32) len);
  g_byte_array_append (track, (const guint8 *) text, (guint) len);
}

/* Serializes a sorted event list (after an optional track name) as an MTrk chunk. */
static void
put_track (GByteArray *out, GArray *events, const char *name, gint64 end)
{
  g_autoptr(GByteArray) track = g_byte_array_new ();
  static const guint8 eot[3] = { 0xff, 0x2f, 0x00 };
  gint64 last = 0;

  if (name != NULL)
    put_meta_text (track, 0x03, name);
  g_array_sort (events, compare_events);
  for (guint i = 0; i < events->len; i++)
    {
      const MidiEvent *ev = &g_array_index (events, MidiEvent, i);

      put_vlq (track, (guint32) (ev->tick - last));
      g_byte_array_append (track, ev->data, (guint) ev->len);
      last = ev->tick;
    }
  put_vlq (track, (guint32) MAX (end - last, 0));
  g_byte_array_append (track, eot, 3);

  g_byte_array_append (out, (const guint8 *) "MTrk", 4);
  put_be32 (out, track->len);
  g_byte_array_append (out, track->data, track->len);
}

static gint64
step_tick (const AtlMelody *melody, const AtlSynthParams *params, int step)
{
  double quarters = atl_synth_step_seconds (melody, params, step) * params->tempo / 60.0;

  return llround (quarters * ATL_MIDI_TICKS_PER_QUARTER);
}

GBytes *
atl_midi_writer_build (const AtlMelody      *melody,
                       const AtlSynthParams *params,
                       const char           *title,
                       GError              **error)
{
  static const int numerators[ATL_N_METRES] = { 2, 3, 4, 6, 9, 12 };
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GArray) conductor = g_array_new (FALSE, FALSE, sizeof (MidiEvent));
  g_autoptr(GArray) notes = g_array_new (FALSE, FALSE, sizeof (MidiEvent));
  static const guint8 header[14] = { 'M', 'T', 'h', 'd', 0, 0, 0, 6, 0, 1, 0, 2,
                                     ATL_MIDI_TICKS_PER_QUARTER >> 8,
                                     ATL_MIDI_TICKS_PER_QUARTER & 0xff };
  AtlMsg msg = { { 0 } };
  guint32 usec;
  gboolean minor, compound;
  int sharps;
  gint64 end;

  if (atl_synth_check_melody (melody, &msg) != ATL_OK
      || atl_synth_check_params (params, &msg) != ATL_OK)
    {
      g_set_error (error, ATL_MIDI_WRITER_ERROR, ATL_MIDI_WRITER_ERROR_INVALID,
                   "Cannot make a MIDI file: %s", msg.text);
      return NULL;
    }

  compound = melody->metre >= ATL_METRE_6_8;
  usec = (guint32) llround (60e6 / params->tempo);
  atl_midi_key_signature (params->tonic, melody->mode, &sharps, &minor);
  end = step_tick (melody, params, melody->n_bars * atl_metre_steps_per_bar (melody->metre));

  add_event (conductor, 0, 0, 6, 0xff, 0x51, 3, (usec >> 16) & 0xff, (usec >> 8) & 0xff,
             usec & 0xff);
  add_event (conductor, 0, 0, 7, 0xff, 0x58, 4, numerators[melody->metre],
             compound ? 3 : 2, compound ? 36 : 24, 8);
  add_event (conductor, 0, 0, 5, 0xff, 0x59, 2, sharps & 0xff, minor ? 1 : 0);

  add_event (notes, 0, 0, 2, 0xc0, atl_midi_program_for_timbre (params->timbre));
  for (int i = 0; i < melody->n_notes; i++)
    {
      const AtlNote *n = &melody->notes[i];
      int key = params->tonic + n->pitch;

      add_event (notes, step_tick (melody, params, n->start), 2, 3, 0x90, key, n->velocity);
      add_event (notes, step_tick (melody, params, n->start + n->length), 1, 3, 0x80, key,
                 64);
    }

  g_byte_array_append (out, header, sizeof header);
  put_track (out, conductor, "Atelier", end);
  put_track (out, notes, title != NULL ? title : "Melody", end);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

gboolean
atl_midi_writer_write (const char           *path,
                       const AtlMelody      *melody,
                       const AtlSynthParams *params,
                       const char           *title,
                       GError              **error)
{
  g_autoptr(GBytes) bytes = atl_midi_writer_build (melody, params, title, error);
  gsize len;
  const char *data;

  if (bytes == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &len);
  /* Temp file in the same folder, fsync, rename: a crash leaves the old file or the new. */
  return atl_export_temp_set_contents (path, data, len, error);
}
