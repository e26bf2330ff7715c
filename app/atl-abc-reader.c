/* atl-abc-reader.c: the ABC text parser, tune by tune, into measures as written.
 *
 * A tune runs from its X: line to the next blank line, X: line or the end of the text. The
 * header ends at K:. The body is read character by character; every branch consumes at
 * least one character, and every count and length read from the text is bounded before it
 * is used, so hostile text costs time linear in its length and never a crash. What the
 * measures become in played order is atl-abc-layout.c's job.
 */
#include "atl-abc-reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atl-abc-private.h"
#include "atl-music-error.h"

#define NO_ACC 127          /* baracc[] entry: no accidental written in this bar */
#define MAX_LEN_FACTOR 4096 /* a note at most 4096 units (or 1/4096 of one) long */
/* Longest note or rest, in ticks: 64 whole notes, far beyond any window (8 bars of 12/8),
 * and small enough that a duration times any factor a length can carry stays in 64 bits. */
#define MAX_NOTE_TICKS ((gint64) ATL_ABC_TICKS_WHOLE * 64)

typedef struct
{
  const char    *name;
  int            line;
  int            l_num, l_den;          /* the unit note length L: */
  gboolean       l_set;
  AtlMetre       metre;
  double         metre_value;           /* 6/8 → 0.75, for the default L: */
  int            tonic;
  AtlMode        mode;
  int            keyacc[7];             /* semitones per letter C D E F G A B */
  signed char    baracc[128];           /* per natural MIDI pitch, this bar */
  GPtrArray     *measures;              /* AtlAbcMeasure */
  AtlAbcMeasure *cur;
  gboolean       next_start_repeat;
  int            ending;
  char           part;
  int            broken_num, broken_den; /* the next note's broken-rhythm factor */
  int            tup_left, tup_num, tup_den;
  int            n_notes;
} Parser;

static gboolean
fail (GError    **error,
      Parser     *p,
      int         code,
      const char *format,
      ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail (GError    **error,
      Parser     *p,
      int         code,
      const char *format,
      ...)
{
  g_autofree char *text = NULL;
  va_list ap;

  va_start (ap, format);
  text = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error (error, ATL_MUSIC_ERROR, code, "%s:%d: %s", p->name, p->line, text);
  return FALSE;
}

/* ---- fields ---------------------------------------------------------------------------- */

static gboolean
parse_metre (Parser     *p,
             const char *value,
             GError    **error)
{
  static const struct { int num, den; AtlMetre metre; } table[] = {
    { 2, 4, ATL_METRE_2_4 }, { 3, 4, ATL_METRE_3_4 }, { 4, 4, ATL_METRE_4_4 },
    { 2, 2, ATL_METRE_4_4 }, { 6, 8, ATL_METRE_6_8 }, { 9, 8, ATL_METRE_9_8 },
    { 12, 8, ATL_METRE_12_8 },
  };
  g_autofree char *v = g_strstrip (g_strdup (value));
  int num = 0, den = 0;

  if (g_str_equal (v, "C") || g_str_equal (v, "C|"))
    {
      p->metre = ATL_METRE_4_4;
      p->metre_value = 1.0;
      return TRUE;
    }
  if (sscanf (v, "%3d/%3d", &num, &den) == 2)
    for (gsize i = 0; i < G_N_ELEMENTS (table); i++)
      if (table[i].num == num && table[i].den == den)
        {
          p->metre = table[i].metre;
          p->metre_value = (double) num / den;
          return TRUE;
        }
  return fail (error, p, ATL_MUSIC_ERROR_UNSUPPORTED,
               "metre “%s” is not one of 2/4 3/4 4/4 C C| 2/2 6/8 9/8 12/8", v);
}

static gboolean
parse_unit (Parser     *p,
            const char *value,
            GError    **error)
{
  int num = 0, den = 0;

  if (sscanf (value, " %3d/%4d", &num, &den) != 2 || num < 1 || num > 64 || den < 1
      || den > 256)
    return fail (error, p, ATL_MUSIC_ERROR_PARSE, "unit length “%s” is not n/d", value);
  p->l_num = num;
  p->l_den = den;
  p->l_set = TRUE;
  return TRUE;
}

static gboolean
parse_key (Parser     *p,
           const char *value,
           GError    **error)
{
  /* Letter → (pitch class, fifths of its major key); C D E F G A B. */
  static const int letter_pc[7] = { 0, 2, 4, 5, 7, 9, 11 };
  static const int letter_fifths[7] = { 0, 2, 4, -1, 1, 3, 5 };
  static const int sharp_order[7] = { 3, 0, 4, 1, 5, 2, 6 };   /* F C G D A E B */
  static const struct { const char *word; AtlMode mode; int shift; } modes[] = {
    { "maj", ATL_MODE_MAJOR, 0 }, { "ion", ATL_MODE_MAJOR, 0 },
    { "lyd", ATL_MODE_MAJOR, 1 }, { "mix", ATL_MODE_MIXOLYDIAN, -1 },
    { "dor", ATL_MODE_DORIAN, -2 }, { "min", ATL_MODE_MINOR, -3 },
    { "aeo", ATL_MODE_MINOR, -3 }, { "phr", ATL_MODE_MINOR, -4 },
    { "loc", ATL_MODE_MINOR, -5 }, { "m", ATL_MODE_MINOR, -3 },
  };
  const char *c = value, *word;
  int letter, fifths, pc, shift = 0;
  AtlMode mode = ATL_MODE_MAJOR;
  gsize word_len = 0;

  while (*c == ' ' || *c == '\t')
    c++;
  if (*c < 'A' || *c > 'G')
    return fail (error, p, ATL_MUSIC_ERROR_UNSUPPORTED,
                 "key “%s” has no tonic A–G", value);
  letter = (*c - 'A' + 5) % 7;   /* A → 5 … G → 4 in C D E F G A B order */
  pc = letter_pc[letter];
  fifths = letter_fifths[letter];
  c++;
  if (*c == '#' || *c == 'b')
    {
      pc += *c == '#' ? 1 : -1;
      fifths += *c == '#' ? 7 : -7;
      c++;
    }
  while (*c == ' ')
    c++;
  word = c;
  while (g_ascii_isalpha (word[word_len]))
    word_len++;
  if (word_len > 0 && word[word_len] != '=')
    {
      gboolean known = FALSE;

      for (gsize i = 0; i < G_N_ELEMENTS (modes) && !known; i++)
        {
          gsize n = strlen (modes[i].word);

          if ((n == 1 && word_len == 1 && g_ascii_tolower (word[0]) == 'm')
              || (n == 3 && word_len >= 3 && g_ascii_strncasecmp (word, modes[i].word, 3) == 0))
            {
              mode = modes[i].mode;
              shift = modes[i].shift;
              known = TRUE;
            }
        }
      if (!known && !(word_len >= 4 && g_ascii_strncasecmp (word, "clef", 4) == 0))
        return fail (error, p, ATL_MUSIC_ERROR_UNSUPPORTED, "key “%.*s” has an unknown mode",
                     (int) (word - value + word_len), value);
    }
  fifths += shift;
  if (fifths < -7 || fifths > 7)
    return fail (error, p, ATL_MUSIC_ERROR_UNSUPPORTED,
                 "key “%s” needs more than 7 sharps or flats", value);

  memset (p->keyacc, 0, sizeof p->keyacc);
  for (int k = 0; k < (fifths < 0 ? -fifths : fifths); k++)
    {
      if (fifths > 0)
        p->keyacc[sharp_order[k]] = 1;
      else
        p->keyacc[sharp_order[6 - k]] = -1;
    }
  p->tonic = (pc + 12) % 12;
  p->mode = mode;
  memset (p->baracc, NO_ACC, sizeof p->baracc);
  return TRUE;
}

/* ---- measures -------------------------------------------------------------------------- */

static AtlAbcMeasure *
open_measure (Parser *p)
{
  if (p->cur == NULL)
    {
      p->cur = g_new0 (AtlAbcMeasure, 1);
      p->cur->events = g_array_new (FALSE, FALSE, sizeof (AtlAbcEvent));
      p->cur->metre = p->metre;
      p->cur->tonic = p->tonic;
      p->cur->mode = p->mode;
      p->cur->ending = p->ending;
      p->cur->start_repeat = p->next_start_repeat;
      p->cur->part = p->part;
      p->cur->line = p->line;
      p->next_start_repeat = FALSE;
    }
  return p->cur;
}

/* Closes the current measure; returns the measure that a bar line's marks belong to (the
 * one just closed, or the last one when the current was empty), or NULL. */
static AtlAbcMeasure *
close_measure (Parser *p)
{
  if (p->cur != NULL && p->cur->events->len > 0)
    {
      g_ptr_array_add (p->measures, p->cur);
      p->cur = NULL;
    }
  else if (p->cur != NULL)
    {
      p->next_start_repeat |= p->cur->start_repeat;
      _atl_abc_measure_free (p->cur);
      p->cur = NULL;
      return NULL;
    }
  memset (p->baracc, NO_ACC, sizeof p->baracc);
  return p->measures->len > 0
         ? g_ptr_array_index (p->measures, p->measures->len - 1) : NULL;
}

static gboolean
emit (Parser  *p,
      int      pitch,
      gint64   num,
      gint64   den,
      GError **error)
{
  AtlAbcEvent ev = { pitch, 0, FALSE };
  gint64 n = (gint64) ATL_ABC_TICKS_WHOLE * p->l_num * num * p->broken_num;
  gint64 d = (gint64) p->l_den * den * p->broken_den;

  if (p->tup_left > 0)
    {
      n *= p->tup_num;
      d *= p->tup_den;
      p->tup_left--;
    }
  p->broken_num = p->broken_den = 1;
  ev.dur = n / d;
  if (ev.dur <= 0)
    return fail (error, p, ATL_MUSIC_ERROR_RANGE, "a note shorter than 1/5760");
  if (ev.dur > MAX_NOTE_TICKS)
    return fail (error, p, ATL_MUSIC_ERROR_RANGE, "a note or rest longer than 64 whole notes");
  g_array_append_val (open_measure (p)->events, ev);
  if (pitch >= 0)
    p->n_notes++;
  return TRUE;
}

/* A length after a note or chord: "3", "/", "//", "/4", "3/2". */
static gboolean
parse_length (Parser     *p,
              const char *s,
              gsize      *i,
              gint64     *num,
              gint64     *den,
              GError    **error)
{
  *num = 0;
  *den = 1;
  while (g_ascii_isdigit (s[*i]) && *num <= MAX_LEN_FACTOR)
    *num = *num * 10 + (s[(*i)++] - '0');
  if (*num == 0)
    *num = 1;
  while (s[*i] == '/' && *den <= MAX_LEN_FACTOR)
    {
      gint64 d = 0;

      (*i)++;
      while (g_ascii_isdigit (s[*i]) && d <= MAX_LEN_FACTOR)
        d = d * 10 + (s[(*i)++] - '0');
      *den *= d > 0 ? d : 2;
    }
  if (*num > MAX_LEN_FACTOR || *den > MAX_LEN_FACTOR || g_ascii_isdigit (s[*i]))
    return fail (error, p, ATL_MUSIC_ERROR_RANGE, "note length out of range");
  return TRUE;
}

/* A note or rest at s[*i]: accidentals, letter, octave marks, length. pitch −1 = rest. */
static gboolean
parse_note (Parser     *p,
            const char *s,
            gsize      *i,
            int        *pitch,
            gint64     *num,
            gint64     *den,
            GError    **error)
{
  static const int natural[7] = { 0, 2, 4, 5, 7, 9, 11 };
  int acc = 0, explicit_acc = 0, letter, nat;
  char c;

  if (s[*i] == 'z' || s[*i] == 'x')
    {
      (*i)++;
      *pitch = -1;
      return parse_length (p, s, i, num, den, error);
    }
  for (; s[*i] == '^' || s[*i] == '_' || s[*i] == '='; (*i)++)
    {
      explicit_acc = 1;
      acc += s[*i] == '^' ? 1 : s[*i] == '_' ? -1 : 0;
      if (acc < -2 || acc > 2)
        return fail (error, p, ATL_MUSIC_ERROR_PARSE, "more than a double accidental");
    }
  c = s[*i];
  if (!((c >= 'A' && c <= 'G') || (c >= 'a' && c <= 'g')))
    return fail (error, p, ATL_MUSIC_ERROR_PARSE, "an accidental without a note");
  (*i)++;
  letter = (g_ascii_toupper (c) - 'A' + 5) % 7;
  nat = 60 + natural[letter] + (c >= 'a' ? 12 : 0);
  for (; s[*i] == '\'' || s[*i] == ','; (*i)++)
    {
      nat += s[*i] == '\'' ? 12 : -12;
      if (nat < 0 || nat > 127)
        return fail (error, p, ATL_MUSIC_ERROR_RANGE, "note outside the MIDI range");
    }
  if (explicit_acc)
    p->baracc[nat] = (signed char) acc;
  else
    acc = p->baracc[nat] != NO_ACC ? p->baracc[nat] : p->keyacc[letter];
  *pitch = nat + acc;
  if (*pitch < 0 || *pitch > 127)
    return fail (error, p, ATL_MUSIC_ERROR_RANGE, "note outside the MIDI range");
  return parse_length (p, s, i, num, den, error);
}

static gboolean
is_note_start (char c)
{
  return (c >= 'A' && c <= 'G') || (c >= 'a' && c <= 'g') || c == 'z' || c == 'x'
         || c == '^' || c == '_' || c == '=';
}

/* A chord [CEG]: the highest note, for the first note's length times the chord's own. */
static gboolean
parse_chord (Parser     *p,
             const char *s,
             gsize      *i,
             GError    **error)
{
  int top = -1;
  gint64 num = 1, den = 1, cnum, cden;
  gboolean first = TRUE, tie = FALSE;

  (*i)++;   /* '[' */
  while (s[*i] != ']')
    {
      int pitch;
      gint64 n, d;

      if (s[*i] == '\0')
        return fail (error, p, ATL_MUSIC_ERROR_PARSE, "a chord “[” is not closed on its line");
      if (!is_note_start (s[*i]))
        {
          tie |= s[*i] == '-';
          (*i)++;
          continue;
        }
      if (!parse_note (p, s, i, &pitch, &n, &d, error))
        return FALSE;
      if (first)
        {
          num = n;
          den = d;
          first = FALSE;
        }
      top = MAX (top, pitch);
    }
  (*i)++;   /* ']' */
  if (!parse_length (p, s, i, &cnum, &cden, error))
    return FALSE;
  if (!emit (p, top, num * cnum, den * cden, error))
    return FALSE;
  if (tie)
    g_array_index (p->cur->events, AtlAbcEvent, p->cur->events->len - 1).tie = TRUE;
  return TRUE;
}

static gboolean
apply_field (Parser     *p,
             char        field,
             const char *value,
             GError    **error)
{
  switch (field)
    {
    case 'K':
      return parse_key (p, value, error);
    case 'M':
      return parse_metre (p, value, error);
    case 'L':
      return parse_unit (p, value, error);
    case 'P':
      close_measure (p);
      while (*value == ' ')
        value++;
      p->part = g_ascii_isalpha (*value) ? *value : 0;
      p->ending = 0;
      return TRUE;
    default:
      return TRUE;   /* T W w N R S Q … carry nothing the codec uses */
    }
}

/* A bar line at s[*i]: | || |] [| |: :| :: and an ending number after it. */
static void
parse_bar (Parser     *p,
           const char *s,
           gsize      *i)
{
  gsize j = *i, bars = 0, lead = 0, trail = 0;
  gboolean thick = FALSE;
  AtlAbcMeasure *closed;

  if (s[j] == '[')
    {
      thick = TRUE;
      j++;
    }
  for (; s[j] == '|' || s[j] == ':' || (s[j] == ']' && j > *i && s[j - 1] == '|'); j++)
    {
      if (s[j] == '|')
        bars++;
      else if (s[j] == ']')
        thick = TRUE;
      else if (bars == 0)
        lead++;
      else
        trail++;
    }
  /* "::" has no | at all: an end and a start of repeat. */
  if (bars == 0)
    trail = lead > 1 ? 1 : 0;

  closed = close_measure (p);
  if (closed != NULL)
    {
      closed->end_repeat |= lead > 0;
      closed->section_end |= bars >= 2 || thick;
    }
  if (lead > 0 || trail > 0 || bars >= 2 || thick)
    p->ending = 0;
  if (trail > 0)
    p->next_start_repeat = TRUE;
  /* |1 :|2 |[1 */
  if (s[j] == '[' && g_ascii_isdigit (s[j + 1]))
    j++;
  if (g_ascii_isdigit (s[j]))
    {
      p->ending = s[j] - '0';
      while (g_ascii_isdigit (s[j]) || s[j] == ',' || s[j] == '-')
        j++;
    }
  *i = j;
}

/* One line of body music (comment already stripped). */
static gboolean
parse_music (Parser     *p,
             const char *s,
             GError    **error)
{
  gsize i = 0;

  while (s[i] != '\0')
    {
      char c = s[i];

      if (c == '"' || c == '!' || c == '+' || c == '{')
        {
          const char *end = strchr (s + i + 1, c == '{' ? '}' : c);

          if (end == NULL && c == '{')
            return fail (error, p, ATL_MUSIC_ERROR_PARSE, "grace notes “{” are not closed");
          i = end != NULL ? (gsize) (end - s) + 1 : i + 1;
        }
      else if (c == '[' && g_ascii_isalpha (s[i + 1]) && s[i + 2] == ':')
        {
          const char *end = strchr (s + i, ']');
          g_autofree char *value = NULL;

          if (end == NULL)
            return fail (error, p, ATL_MUSIC_ERROR_PARSE, "inline field “[%c:” is not closed",
                         s[i + 1]);
          value = g_strndup (s + i + 3, (gsize) (end - s) - i - 3);
          if (!apply_field (p, s[i + 1], value, error))
            return FALSE;
          i = (gsize) (end - s) + 1;
        }
      else if (c == '[' && g_ascii_isdigit (s[i + 1]))
        {
          p->ending = s[i + 1] - '0';
          if (p->cur != NULL && p->cur->events->len == 0)
            p->cur->ending = p->ending;
          for (i += 1; g_ascii_isdigit (s[i]) || s[i] == ',' || s[i] == '-'; i++)
            ;
        }
      else if (c == '|' || (c == ':' && (s[i + 1] == '|' || s[i + 1] == ':'))
               || (c == '[' && s[i + 1] == '|'))
        parse_bar (p, s, &i);
      else if (c == '[' && is_note_start (s[i + 1]))
        {
          if (!parse_chord (p, s, &i, error))
            return FALSE;
        }
      else if (is_note_start (c))
        {
          int pitch;
          gint64 num, den;

          if (!parse_note (p, s, &i, &pitch, &num, &den, error)
              || !emit (p, pitch, num, den, error))
            return FALSE;
        }
      else if (c == 'Z')
        {
          gint64 num, den;

          i++;
          if (!parse_length (p, s, &i, &num, &den, error))
            return FALSE;
          /* Whole bars of rest: num bars of the metre, in units of L. */
          if (!emit (p, -1, num * atl_metre_steps_per_bar (p->metre) * p->l_den,
                     16 * (gint64) p->l_num * den, error))
            return FALSE;
        }
      else if (c == '(' && g_ascii_isdigit (s[i + 1]))
        {
          int n = s[i + 1] - '0', q = 0, r = 0;

          i += 2;
          if (s[i] == ':' && g_ascii_isdigit (s[i + 1]))
            q = s[i + 1] - '0', i += 2;
          else if (s[i] == ':')
            i++;
          if (s[i] == ':' && g_ascii_isdigit (s[i + 1]))
            r = s[i + 1] - '0', i += 2;
          if (q == 0)
            q = n == 3 || n == 6 ? 2 : n == 2 || n == 4 || n == 8 ? 3
                : p->metre >= ATL_METRE_6_8 ? 3 : 2;
          if (n >= 2)
            {
              p->tup_left = r > 0 ? r : n;
              p->tup_num = q;
              p->tup_den = n;
            }
        }
      else if (c == '>' || c == '<')
        {
          int k = 0, pow2;

          for (; s[i] == c && k < 3; i++)
            k++;
          pow2 = 1 << k;
          if (p->cur != NULL && p->cur->events->len > 0)
            {
              AtlAbcEvent *last = &g_array_index (p->cur->events, AtlAbcEvent,
                                                  p->cur->events->len - 1);

              /* Each run of up to three marks dots the note again: "C>>>>>>" grows it
               * geometrically, so the bound is checked every time. */
              last->dur = c == '>' ? last->dur * (2 * pow2 - 1) / pow2 : last->dur / pow2;
              if (last->dur > MAX_NOTE_TICKS)
                return fail (error, p, ATL_MUSIC_ERROR_RANGE,
                             "a note or rest longer than 64 whole notes");
              if (last->dur <= 0)
                return fail (error, p, ATL_MUSIC_ERROR_RANGE, "a note shorter than 1/5760");
            }
          p->broken_num = c == '>' ? 1 : 2 * pow2 - 1;
          p->broken_den = pow2;
        }
      else if (c == '-')
        {
          if (p->cur != NULL && p->cur->events->len > 0)
            g_array_index (p->cur->events, AtlAbcEvent, p->cur->events->len - 1).tie = TRUE;
          i++;
        }
      else
        i++;   /* spaces, slurs, single-letter decorations, `\`, y, stray marks */
    }
  return TRUE;
}

/* ---- tunes ----------------------------------------------------------------------------- */

static gboolean
is_field_line (const char *s)
{
  return g_ascii_isalpha (s[0]) && s[1] == ':';
}

/* A title as UTF-8. ABC 2.1 text is UTF-8, but older files are often Latin-1 (ABC 1.6's
 * default), and every byte string is valid Latin-1; invalid text would otherwise reach the
 * store and the studio's labels as is. */
static char *
title_text (const char *value)
{
  char *text;

  if (g_utf8_validate (value, -1, NULL))
    return g_strdup (value);
  text = g_convert (value, -1, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
  return text != NULL ? text : g_utf8_make_valid (value, -1);
}

/* Reads the tune whose X: is lines[*at]; leaves *at on the line after it. */
static AtlTune *
read_tune (const char *name,
           char      **lines,
           guint      *at,
           GError    **error)
{
  g_autoptr(GPtrArray) measures = g_ptr_array_new_with_free_func (_atl_abc_measure_free);
  g_autoptr(AtlTune) tune = atl_tune_new (name, (int) *at + 1);
  g_autofree char *order = NULL;
  Parser p = { 0 };
  gboolean in_body = FALSE, ok = TRUE, title_set = FALSE;
  guint k;

  p.name = name;
  p.measures = measures;
  p.metre = ATL_METRE_4_4;
  p.metre_value = 1.0;
  p.l_num = 1;
  p.l_den = 8;
  p.broken_num = p.broken_den = 1;
  memset (p.baracc, NO_ACC, sizeof p.baracc);
  tune->number = atoi (lines[*at] + 2);

  for (k = *at + 1; lines[k] != NULL && ok; k++)
    {
      g_autofree char *line = g_strdup (lines[k]);
      char *comment = strchr (line, '%');

      p.line = (int) k + 1;
      if (g_str_has_prefix (line, "X:"))
        break;
      if (comment != NULL)
        *comment = '\0';
      g_strchomp (line);
      if (line[0] == '\0')
        {
          if (comment == NULL)
            break;   /* a blank line ends the tune; a comment line does not */
          continue;
        }
      if (!in_body)
        {
          const char *value = line + 2;

          if (!is_field_line (line))
            ok = fail (error, &p, ATL_MUSIC_ERROR_PARSE, "music before the K: line");
          else if (line[0] == 'T' && !title_set)
            {
              g_free (tune->title);
              tune->title = g_strstrip (title_text (value));
              title_set = TRUE;
            }
          else if (line[0] == 'Y' || (line[0] == 'P' && order == NULL))
            {
              g_free (order);
              order = g_strstrip (g_strdup (value));
            }
          else if (line[0] == 'M')
            ok = parse_metre (&p, value, error);
          else if (line[0] == 'L')
            ok = parse_unit (&p, value, error);
          else if (line[0] == 'K')
            {
              ok = parse_key (&p, value, error);
              in_body = TRUE;
              /* The default unit: 1/16 below a metre of 3/4, else 1/8. */
              if (!p.l_set && p.metre_value < 0.75)
                p.l_den = 16;
            }
          continue;
        }
      if (is_field_line (line) && !is_note_start (line[0]))
        ok = apply_field (&p, line[0], line + 2, error);
      else
        ok = parse_music (&p, line, error);
    }
  /* Skip what is left of a tune abandoned on an error. */
  while (lines[k] != NULL && !g_str_has_prefix (lines[k], "X:"))
    k++;
  *at = k;
  if (p.cur != NULL)
    close_measure (&p);
  if (!ok)
    return NULL;
  if (!in_body)
    {
      g_set_error (error, ATL_MUSIC_ERROR, ATL_MUSIC_ERROR_PARSE, "%s:%d: tune %d has no K: line",
                   name, tune->line, tune->number);
      return NULL;
    }
  if (p.n_notes == 0)
    {
      g_set_error (error, ATL_MUSIC_ERROR, ATL_MUSIC_ERROR_EMPTY, "%s:%d: tune %d has no notes",
                   name, tune->line, tune->number);
      return NULL;
    }
  if (!_atl_abc_layout (tune, measures, order, error))
    {
      g_prefix_error (error, "%s:", name);
      return NULL;
    }
  if (tune->bars->len == 0 || tune->notes->len == 0)
    {
      g_set_error (error, ATL_MUSIC_ERROR, ATL_MUSIC_ERROR_EMPTY,
                   "%s:%d: tune %d has no notes on the grid", name, tune->line, tune->number);
      return NULL;
    }
  {
    const AtlTuneBar *first = &g_array_index (tune->bars, AtlTuneBar, 0);

    tune->metre = first->metre;
    tune->tonic = first->tonic;
    tune->mode = first->mode;
  }
  tune->type = atl_tune_type_guess (name, tune->title, tune->metre);
  return g_steal_pointer (&tune);
}

GPtrArray *
atl_abc_read_string (const char  *name,
                     const char  *text,
                     gsize        length,
                     GPtrArray   *skipped,
                     GError     **error)
{
  g_autoptr(GPtrArray) tunes = g_ptr_array_new_with_free_func ((GDestroyNotify) atl_tune_free);
  g_autofree char *copy = g_strndup (text, length);   /* stops at an embedded NUL */
  g_auto(GStrv) lines = NULL;
  guint i = 0, n_tunes = 0;

  /* CR LF and CR line ends read as LF. */
  for (char *c = copy; *c != '\0'; c++)
    if (*c == '\r')
      *c = c[1] == '\n' ? ' ' : '\n';
  lines = g_strsplit (copy, "\n", -1);

  while (lines[i] != NULL)
    {
      g_autoptr(GError) local = NULL;
      AtlTune *tune;

      if (!g_str_has_prefix (lines[i], "X:"))
        {
          i++;
          continue;
        }
      n_tunes++;
      tune = read_tune (name, lines, &i, &local);
      if (tune != NULL)
        g_ptr_array_add (tunes, tune);
      else if (skipped != NULL)
        g_ptr_array_add (skipped, g_steal_pointer (&local));
    }
  if (n_tunes == 0)
    {
      g_set_error (error, ATL_MUSIC_ERROR, ATL_MUSIC_ERROR_EMPTY,
                   "%s: no tune (no line starts with X:)", name);
      return NULL;
    }
  return g_steal_pointer (&tunes);
}

GPtrArray *
atl_abc_read_file (const char  *path,
                   GPtrArray   *skipped,
                   GError     **error)
{
  g_autofree char *text = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &text, &length, error))
    return NULL;
  return atl_abc_read_string (path, text, length, skipped, error);
}
