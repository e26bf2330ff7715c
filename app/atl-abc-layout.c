/* atl-abc-layout.c: from written ABC measures to a tune in played order on the grid.
 *
 * Played order. Within a part, `|: … :|` plays twice, a `:|` with no `|:` repeats from the
 * start of the part or the last `||`, and measures marked with ending n (`[1`, `|2`, `:|2`)
 * are played only on pass n. Parts (P:) are played in the Y: order (the Nottingham dialect;
 * the header P: of standard ABC is read the same way), measures before any P: first.
 *
 * Grid. Measures are laid end to end in ticks. A first measure shorter than a bar is a
 * pickup and is right-aligned in its bar; a short measure that the next one completes (the
 * half bars around a repeat sign) shares a bar with it; any other misfit is padded with rest
 * to the bar line, so bar lines of the grid stay bar lines of the music. Notes are then
 * rounded to sixteenths (triplets snap to the nearest step; a note that rounds to nothing is
 * dropped) and tied notes of one pitch merge.
 */
#include "atl-abc-private.h"

#include "atl-music-error.h"

/* Longest played tune, in measures and in sixteenths: far above any real tune, small enough
 * that a forged file cannot make the layout allocate without bound. */
#define MAX_PLAYED_MEASURES 4096
#define MAX_STEPS           (1 << 20)

void
_atl_abc_measure_free (gpointer data)
{
  AtlAbcMeasure *measure = data;

  g_array_unref (measure->events);
  g_free (measure);
}

gint64
_atl_abc_measure_ticks (const AtlAbcMeasure *measure)
{
  gint64 sum = 0;

  for (guint i = 0; i < measure->events->len; i++)
    sum += g_array_index (measure->events, AtlAbcEvent, i).dur;
  return sum;
}

/* played ← the indices of part `part`'s measures in played order. */
static gboolean
expand_part (GPtrArray *measures,
             char       part,
             GArray    *played,
             GError   **error)
{
  g_autoptr(GArray) idx = g_array_new (FALSE, FALSE, sizeof (guint));
  guint n, i = 0, rep_start = 0;
  int pass = 1;

  for (guint k = 0; k < measures->len; k++)
    if (((AtlAbcMeasure *) g_ptr_array_index (measures, k))->part == part)
      g_array_append_val (idx, k);
  n = idx->len;

  /* Every jump back goes to rep_start, which only moves forward, and only on pass 1: the
   * walk ends after at most 2n steps. */
  while (i < n)
    {
      guint k = g_array_index (idx, guint, i);
      AtlAbcMeasure *m = g_ptr_array_index (measures, k);
      gboolean last_of_ending;

      if (m->start_repeat && pass == 1)
        rep_start = i;
      if (m->ending != 0 && m->ending != pass)
        {
          i++;
          continue;
        }
      if (played->len >= MAX_PLAYED_MEASURES)
        {
          g_set_error (error, ATL_MUSIC_ERROR, ATL_MUSIC_ERROR_RANGE,
                       "%d: more than %d measures in played order", m->line,
                       MAX_PLAYED_MEASURES);
          return FALSE;
        }
      g_array_append_val (played, k);

      last_of_ending = m->ending != 0
                       && (i + 1 >= n
                           || ((AtlAbcMeasure *) g_ptr_array_index (
                                 measures, g_array_index (idx, guint, i + 1)))->ending == 0);
      if (m->end_repeat && pass == 1)
        {
          pass = 2;
          i = rep_start;
          continue;
        }
      if ((m->end_repeat || last_of_ending) && pass == 2)
        {
          pass = 1;
          rep_start = i + 1;
        }
      else if (m->section_end && pass == 1)
        rep_start = i + 1;
      i++;
    }
  return TRUE;
}

/* The parts to play: measures before any P: first, then the order string's letters (a
 * digit repeats the letter or parenthesised group before it), or the written order. */
static GString *
part_order (GPtrArray  *measures,
            const char *order)
{
  GString *parts = g_string_new (NULL);
  gboolean has_part[256] = { FALSE };
  gsize group = 0;

  for (guint k = 0; k < measures->len; k++)
    {
      char p = ((AtlAbcMeasure *) g_ptr_array_index (measures, k))->part;

      if (!has_part[(guchar) p])
        {
          has_part[(guchar) p] = TRUE;
          if (order == NULL || p == 0)
            g_string_append_c (parts, p);
        }
    }
  if (order == NULL)
    return parts;

  for (const char *c = order; *c != '\0' && parts->len < 256; c++)
    {
      if (g_ascii_isalpha (*c) && has_part[(guchar) *c])
        {
          group = parts->len;
          g_string_append_c (parts, *c);
        }
      else if (*c == '(')
        group = parts->len;
      else if (g_ascii_isdigit (*c) && *c > '1' && group < parts->len)
        {
          g_autofree char *copy = g_strndup (parts->str + group, parts->len - group);

          for (int r = 1; r < *c - '0' && parts->len < 256; r++)
            g_string_append (parts, copy);
        }
    }
  /* An order naming no part that exists falls back to the written order. */
  if (parts->len == 0 || (parts->len == 1 && parts->str[0] == 0))
    {
      g_string_free (parts, TRUE);
      return part_order (measures, NULL);
    }
  return parts;
}

typedef struct
{
  AtlTune *tune;
  gboolean open;      /* a note is pending */
  int      pitch;
  gint64   start, end;
  gboolean tie;
} Pending;

static void
flush (Pending *p)
{
  int s, e;

  if (!p->open)
    return;
  s = (int) ((p->start + ATL_ABC_TICKS_SIXTEENTH / 2) / ATL_ABC_TICKS_SIXTEENTH);
  e = (int) ((p->end + ATL_ABC_TICKS_SIXTEENTH / 2) / ATL_ABC_TICKS_SIXTEENTH);
  if (e > s)
    atl_tune_add_note (p->tune, p->pitch, s, e - s);
  p->open = FALSE;
}

static void
place (Pending           *p,
       const AtlAbcEvent *ev,
       gint64             pos)
{
  if (ev->pitch >= 0 && p->open && p->tie && p->pitch == ev->pitch && p->end == pos)
    {
      p->end = pos + ev->dur;
      p->tie = ev->tie;
      return;
    }
  flush (p);
  if (ev->pitch < 0 || ev->dur <= 0)
    return;
  p->open = TRUE;
  p->pitch = ev->pitch;
  p->start = pos;
  p->end = pos + ev->dur;
  p->tie = ev->tie;
}

gboolean
_atl_abc_layout (AtlTune    *tune,
                 GPtrArray  *measures,
                 const char *order,
                 GError    **error)
{
  g_autoptr(GArray) played = g_array_new (FALSE, FALSE, sizeof (guint));
  GString *parts = part_order (measures, order);
  Pending pending = { tune, FALSE, 0, 0, 0, FALSE };
  const AtlAbcMeasure *bar_m = NULL;   /* the measure that opened the current grid bar */
  gint64 pos = 0, bar_start = 0, bar_len = 0;
  gboolean placed_any = FALSE;

  for (gsize p = 0; p < parts->len; p++)
    if (!expand_part (measures, parts->str[p], played, error))
      {
        g_string_free (parts, TRUE);
        return FALSE;
      }
  g_string_free (parts, TRUE);

  for (guint j = 0; j < played->len; j++)
    {
      const AtlAbcMeasure *m = g_ptr_array_index (measures, g_array_index (played, guint, j));
      gint64 len = _atl_abc_measure_ticks (m);
      gint64 bl = (gint64) atl_metre_steps_per_bar (m->metre) * ATL_ABC_TICKS_SIXTEENTH;

      if (len <= 0)
        continue;
      /* A bar left open must be closed by a measure of its metre that fills it exactly. */
      if (bar_m != NULL && pos > bar_start
          && (m->metre != bar_m->metre || len != bar_start + bar_len - pos))
        {
          flush (&pending);
          atl_tune_add_bar (tune, bar_m->metre, bar_m->tonic, bar_m->mode);
          bar_start += bar_len;
          pos = bar_start;
        }
      if (pos == bar_start)
        {
          bar_m = m;
          bar_len = bl;
          if (!placed_any && len < bl)
            pos += bl - len;   /* the pickup */
        }
      placed_any = TRUE;

      for (guint e = 0; e < m->events->len; e++)
        {
          const AtlAbcEvent *ev = &g_array_index (m->events, AtlAbcEvent, e);

          place (&pending, ev, pos);
          pos += ev->dur;
          /* Checked per event: a measure of many long notes must not carry pos past
           * what the grid's int steps hold before the measure ends. */
          if (pos / ATL_ABC_TICKS_SIXTEENTH > MAX_STEPS)
            break;
        }
      if (pos / ATL_ABC_TICKS_SIXTEENTH > MAX_STEPS)
        {
          g_set_error (error, ATL_MUSIC_ERROR, ATL_MUSIC_ERROR_RANGE,
                       "%d: the tune is longer than %d sixteenths", m->line, MAX_STEPS);
          return FALSE;
        }
      while (pos - bar_start >= bar_len)
        {
          atl_tune_add_bar (tune, bar_m->metre, bar_m->tonic, bar_m->mode);
          bar_start += bar_len;
        }
    }
  if (bar_m != NULL && pos > bar_start)
    atl_tune_add_bar (tune, bar_m->metre, bar_m->tonic, bar_m->mode);
  flush (&pending);
  return TRUE;
}
