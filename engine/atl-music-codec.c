/* atl-music-codec.c: the music codec — grammar, encode, decode, token names.
 *
 * The grammar is one scanner (scan) that walks a token prefix and keeps the little state
 * the next token depends on: the metre, the bar count, the sixteenth within the bar, and
 * whether a note is sounding (so HOLD may follow). `allowed` and `validate` both use it, so
 * the mask and the checker can never disagree. Layout and token ids: see the header.
 */
#include "atl-music-codec.h"

#include <stdio.h>
#include <string.h>
#include <threads.h>

#include "atl-music-features.h"

/* Density: notes per bar of the corpus windows; the quartile boundaries measured with
 * `atelier corpus --domain music` on the Nottingham tunes (822 tunes, 7,448 windows, before
 * octave placements) are 4.00, 4.88 and 5.75 notes per bar. A value on a cut goes up. */
static const double density_cuts[ATL_MUSIC_N_DENSITY - 1] = { 4.0, 4.88, 5.75 };
/* Register: mean pitch (semitones above the tonic) of the encoded sequences (every octave
 * placement), tertiles measured the same way: 2.83 and 11.32. */
static const double register_cuts[ATL_MUSIC_N_REGISTER - 1] = { 2.83, 11.32 };

typedef struct
{
  AtlMetre metre;
  int      spb;       /* sixteenths per bar of that metre */
  int      bars;      /* BAR tokens seen */
  int      step;      /* events in the current bar */
  int      sounding;  /* the last event was NOTE or HOLD */
  int      ended;     /* EOS seen */
} Scan;

static int
in_group (int token, int first, int n)
{
  return token >= first && token < first + n;
}

static int
is_note (int token)
{
  return in_group (token, ATL_MUSIC_TOK_NOTE, ATL_MUSIC_VOCAB - ATL_MUSIC_TOK_NOTE);
}

/* Consumes tokens[0 … len−1] into *s; fails at the first token the grammar forbids. */
static AtlStatus
scan (const int *tokens,
      int        len,
      Scan      *s,
      AtlMsg    *msg)
{
  static const struct { int first, n; const char *what; } groups[ATL_MUSIC_PREFIX_LEN] = {
    { ATL_MUSIC_TOK_METRE, ATL_N_METRES, "a metre" },
    { ATL_MUSIC_TOK_MODE, ATL_N_MODES, "a mode" },
    { ATL_MUSIC_TOK_DENSITY, ATL_MUSIC_N_DENSITY, "a density bucket" },
    { ATL_MUSIC_TOK_REGISTER, ATL_MUSIC_N_REGISTER, "a register bucket" },
    { ATL_MUSIC_TOK_TYPE, ATL_N_TUNE_TYPES, "a tune type" },
  };

  memset (s, 0, sizeof *s);
  for (int t = 0; t < len; t++)
    {
      int tok = tokens[t];

      if (tok < 0 || tok >= ATL_MUSIC_VOCAB)
        return atl_fail (msg, ATL_ERR_RANGE, "token %d at %d is outside the vocabulary", tok, t);
      if (s->ended)
        {
          if (tok != ATL_TOKEN_PAD)
            return atl_fail (msg, ATL_ERR_INVALID, "token %d at %d follows EOS", tok, t);
          continue;
        }
      if (t == 0)
        {
          if (tok != ATL_TOKEN_BOS)
            return atl_fail (msg, ATL_ERR_INVALID, "the sequence does not open with BOS");
          continue;
        }
      if (t <= ATL_MUSIC_PREFIX_LEN)
        {
          if (!in_group (tok, groups[t - 1].first, groups[t - 1].n))
            return atl_fail (msg, ATL_ERR_INVALID, "token %d at %d is not %s", tok, t,
                             groups[t - 1].what);
          if (t == 1)
            {
              s->metre = (AtlMetre) (tok - ATL_MUSIC_TOK_METRE);
              s->spb = atl_metre_steps_per_bar (s->metre);
            }
          continue;
        }
      if (tok == ATL_MUSIC_TOK_BAR)
        {
          if (s->bars > 0 && s->step != s->spb)
            return atl_fail (msg, ATL_ERR_INVALID, "BAR at %d after %d of %d steps", t,
                             s->step, s->spb);
          if (s->bars >= ATL_MUSIC_MAX_BARS)
            return atl_fail (msg, ATL_ERR_RANGE, "more than %d bars", ATL_MUSIC_MAX_BARS);
          s->bars++;
          s->step = 0;
        }
      else if (tok == ATL_MUSIC_TOK_HOLD || tok == ATL_MUSIC_TOK_REST || is_note (tok))
        {
          if (s->bars == 0 || s->step >= s->spb)
            return atl_fail (msg, ATL_ERR_INVALID, "event at %d outside a bar", t);
          if (tok == ATL_MUSIC_TOK_HOLD && !s->sounding)
            return atl_fail (msg, ATL_ERR_INVALID, "HOLD at %d with no note sounding", t);
          s->sounding = tok != ATL_MUSIC_TOK_REST;
          s->step++;
        }
      else if (tok == ATL_TOKEN_EOS)
        {
          if (s->bars == 0 || s->step != s->spb)
            return atl_fail (msg, ATL_ERR_INVALID, "EOS at %d inside a bar", t);
          s->ended = 1;
        }
      else
        return atl_fail (msg, ATL_ERR_INVALID, "token %d at %d is not allowed in the body",
                         tok, t);
    }
  return ATL_OK;
}

static void
music_allowed (const AtlCodec *codec,
               const int      *tokens,
               int             len,
               unsigned char  *allowed)
{
  static const int group_first[ATL_MUSIC_PREFIX_LEN + 1] = {
    ATL_MUSIC_TOK_METRE, ATL_MUSIC_TOK_MODE, ATL_MUSIC_TOK_DENSITY, ATL_MUSIC_TOK_REGISTER,
    ATL_MUSIC_TOK_TYPE, ATL_MUSIC_TOK_BAR,
  };
  Scan s;

  memset (allowed, 0, ATL_MUSIC_VOCAB);
  if (len <= 0)
    {
      allowed[ATL_TOKEN_BOS] = 1;
      return;
    }
  /* A history the grammar rejects, or a finished one, can only be padded. */
  if (scan (tokens, len, &s, NULL) != ATL_OK || s.ended || len >= ATL_MUSIC_MAX_LEN)
    {
      allowed[ATL_TOKEN_PAD] = 1;
      return;
    }
  if (len <= ATL_MUSIC_PREFIX_LEN)
    {
      for (int tok = group_first[len - 1]; tok < group_first[len]; tok++)
        allowed[tok] = 1;
      return;
    }
  if (s.bars == 0 || s.step == s.spb)
    {
      if (s.bars < ATL_MUSIC_MAX_BARS)
        allowed[ATL_MUSIC_TOK_BAR] = 1;
      if (s.bars > 0)
        allowed[ATL_TOKEN_EOS] = 1;
      return;
    }
  for (int tok = ATL_MUSIC_TOK_NOTE; tok < ATL_MUSIC_VOCAB; tok++)
    allowed[tok] = 1;
  allowed[ATL_MUSIC_TOK_REST] = 1;
  allowed[ATL_MUSIC_TOK_HOLD] = s.sounding ? 1 : 0;
}

static AtlStatus
music_validate (const AtlCodec *codec,
                const int      *tokens,
                int             len,
                AtlMsg         *msg)
{
  Scan s;
  AtlStatus status;

  if (tokens == NULL || len < 1)
    return atl_fail (msg, ATL_ERR_INVALID, "empty sequence");
  status = scan (tokens, len, &s, msg);
  if (status != ATL_OK)
    return status;
  if (!s.ended)
    return atl_fail (msg, ATL_ERR_INVALID, "the sequence has no EOS (%d tokens, %d bars)", len,
                     s.bars);
  return ATL_OK;
}

static char token_names[ATL_MUSIC_VOCAB][24];

/* Fills token_names once (call_once), so any thread may ask for a name first. */
static void
fill_token_names (void)
{
  char (*names)[24] = token_names;

  for (int t = 0; t < ATL_MUSIC_VOCAB; t++)
    {
      if (t == ATL_TOKEN_PAD)
        snprintf (names[t], sizeof names[t], "PAD");
      else if (t == ATL_TOKEN_BOS)
        snprintf (names[t], sizeof names[t], "BOS");
      else if (t == ATL_TOKEN_EOS)
        snprintf (names[t], sizeof names[t], "EOS");
      else if (t < ATL_MUSIC_TOK_MODE)
        snprintf (names[t], sizeof names[t], "metre:%s",
                  atl_metre_name ((AtlMetre) (t - ATL_MUSIC_TOK_METRE)));
      else if (t < ATL_MUSIC_TOK_DENSITY)
        snprintf (names[t], sizeof names[t], "mode:%s",
                  atl_mode_name ((AtlMode) (t - ATL_MUSIC_TOK_MODE)));
      else if (t < ATL_MUSIC_TOK_REGISTER)
        snprintf (names[t], sizeof names[t], "density:%d", t - ATL_MUSIC_TOK_DENSITY);
      else if (t < ATL_MUSIC_TOK_TYPE)
        snprintf (names[t], sizeof names[t], "register:%d", t - ATL_MUSIC_TOK_REGISTER);
      else if (t < ATL_MUSIC_TOK_BAR)
        snprintf (names[t], sizeof names[t], "type:%s",
                  atl_tune_type_name ((AtlTuneType) (t - ATL_MUSIC_TOK_TYPE)));
      else if (t == ATL_MUSIC_TOK_BAR)
        snprintf (names[t], sizeof names[t], "BAR");
      else if (t == ATL_MUSIC_TOK_HOLD)
        snprintf (names[t], sizeof names[t], "HOLD");
      else if (t == ATL_MUSIC_TOK_REST)
        snprintf (names[t], sizeof names[t], "REST");
      else
        snprintf (names[t], sizeof names[t], "NOTE%+d",
                  t - ATL_MUSIC_TOK_NOTE + ATL_MUSIC_PITCH_MIN);
    }
}

static const char *
music_token_name (const AtlCodec *codec,
                  int             token)
{
  static once_flag once = ONCE_FLAG_INIT;

  call_once (&once, fill_token_names);
  return token >= 0 && token < ATL_MUSIC_VOCAB ? token_names[token] : "?";
}

static AtlStatus
music_features (const AtlCodec *codec,
                const int      *tokens,
                int             len,
                float          *out,
                AtlMsg         *msg)
{
  AtlMelody melody;
  AtlStatus status = atl_music_decode (tokens, len, &melody, NULL, msg);

  if (status != ATL_OK)
    return status;
  atl_music_features (&melody, out);
  return ATL_OK;
}

static const char *
music_feature_name (const AtlCodec *codec,
                    int             feature)
{
  return atl_music_feature_name (feature);
}

const AtlCodec *
atl_music_codec (void)
{
  static const AtlCodec codec = {
    .name = "music",
    .version = 1,
    .vocab_size = ATL_MUSIC_VOCAB,
    .max_len = ATL_MUSIC_MAX_LEN,
    .prefix_len = ATL_MUSIC_PREFIX_LEN,
    .n_features = ATL_MUSIC_N_FEATURES,
    .token_name = music_token_name,
    .allowed = music_allowed,
    .validate = music_validate,
    .features = music_features,
    .feature_name = music_feature_name,
    .priv = NULL,
  };

  return &codec;
}

const char *
atl_tune_type_name (AtlTuneType type)
{
  static const char *names[ATL_N_TUNE_TYPES] = {
    "jig", "reel", "hornpipe", "waltz", "slip-jig", "polka", "other",
  };

  return type >= 0 && type < ATL_N_TUNE_TYPES ? names[type] : "?";
}

int
atl_music_density_bucket (double notes_per_bar)
{
  int b = 0;

  while (b < ATL_MUSIC_N_DENSITY - 1 && notes_per_bar >= density_cuts[b])
    b++;
  return b;
}

int
atl_music_register_bucket (double mean_pitch)
{
  int b = 0;

  while (b < ATL_MUSIC_N_REGISTER - 1 && mean_pitch >= register_cuts[b])
    b++;
  return b;
}

void
atl_music_prefix_of (const AtlMelody *melody,
                     AtlTuneType      type,
                     AtlMusicPrefix  *prefix)
{
  double sum = 0.0;

  for (int i = 0; i < melody->n_notes; i++)
    sum += melody->notes[i].pitch;
  prefix->metre = melody->metre;
  prefix->mode = melody->mode;
  prefix->density = atl_music_density_bucket (melody->n_bars > 0
                                              ? (double) melody->n_notes / melody->n_bars
                                              : 0.0);
  prefix->register_ = atl_music_register_bucket (melody->n_notes > 0
                                                 ? sum / melody->n_notes : 0.0);
  prefix->type = type;
}

AtlStatus
atl_music_encode (const AtlMelody      *melody,
                  const AtlMusicPrefix *prefix,
                  int                  *tokens,
                  int                   cap,
                  int                  *len,
                  AtlMsg               *msg)
{
  int events[ATL_MUSIC_MAX_BARS * 24];   /* one token per sixteenth of the melody */
  int spb, n_steps, end = 0, n = 0;

  if (melody->metre < 0 || melody->metre >= ATL_N_METRES || melody->mode < 0
      || melody->mode >= ATL_N_MODES)
    return atl_fail (msg, ATL_ERR_INVALID, "melody has no valid metre or mode");
  if (melody->n_bars < 1 || melody->n_bars > ATL_MUSIC_MAX_BARS)
    return atl_fail (msg, ATL_ERR_RANGE, "melody has %d bars (1 … %d)", melody->n_bars,
                     ATL_MUSIC_MAX_BARS);
  if (prefix->metre != melody->metre || prefix->mode != melody->mode
      || prefix->density < 0 || prefix->density >= ATL_MUSIC_N_DENSITY
      || prefix->register_ < 0 || prefix->register_ >= ATL_MUSIC_N_REGISTER
      || prefix->type < 0 || prefix->type >= ATL_N_TUNE_TYPES)
    return atl_fail (msg, ATL_ERR_INVALID, "prefix does not match the melody or is out of range");
  if (melody->n_notes < 0 || melody->n_notes > ATL_MELODY_MAX_NOTES)
    return atl_fail (msg, ATL_ERR_RANGE, "melody has %d notes", melody->n_notes);

  spb = atl_metre_steps_per_bar (melody->metre);
  n_steps = melody->n_bars * spb;
  for (int i = 0; i < n_steps; i++)
    events[i] = ATL_MUSIC_TOK_REST;
  for (int i = 0; i < melody->n_notes; i++)
    {
      const AtlNote *note = &melody->notes[i];

      if (note->pitch < ATL_MUSIC_PITCH_MIN || note->pitch > ATL_MUSIC_PITCH_MAX)
        return atl_fail (msg, ATL_ERR_RANGE, "note %d: pitch %d outside %d … %d", i,
                         note->pitch, ATL_MUSIC_PITCH_MIN, ATL_MUSIC_PITCH_MAX);
      if (note->start < end || note->length < 1 || note->start + note->length > n_steps)
        return atl_fail (msg, ATL_ERR_INVALID, "note %d (start %d, length %d) overlaps or "
                         "leaves the %d steps", i, note->start, note->length, n_steps);
      events[note->start] = ATL_MUSIC_TOK_NOTE + note->pitch - ATL_MUSIC_PITCH_MIN;
      for (int k = 1; k < note->length; k++)
        events[note->start + k] = ATL_MUSIC_TOK_HOLD;
      end = note->start + note->length;
    }

  if (cap < 1 + ATL_MUSIC_PREFIX_LEN + melody->n_bars * (spb + 1) + 1)
    return atl_fail (msg, ATL_ERR_RANGE, "token buffer of %d is too short", cap);
  tokens[n++] = ATL_TOKEN_BOS;
  tokens[n++] = ATL_MUSIC_TOK_METRE + (int) prefix->metre;
  tokens[n++] = ATL_MUSIC_TOK_MODE + (int) prefix->mode;
  tokens[n++] = ATL_MUSIC_TOK_DENSITY + prefix->density;
  tokens[n++] = ATL_MUSIC_TOK_REGISTER + prefix->register_;
  tokens[n++] = ATL_MUSIC_TOK_TYPE + (int) prefix->type;
  for (int b = 0; b < melody->n_bars; b++)
    {
      tokens[n++] = ATL_MUSIC_TOK_BAR;
      for (int k = 0; k < spb; k++)
        tokens[n++] = events[b * spb + k];
    }
  tokens[n++] = ATL_TOKEN_EOS;
  *len = n;
  return ATL_OK;
}

AtlStatus
atl_music_decode (const int      *tokens,
                  int             len,
                  AtlMelody      *melody,
                  AtlMusicPrefix *prefix,
                  AtlMsg         *msg)
{
  AtlStatus status = music_validate (NULL, tokens, len, msg);
  int step = 0;
  AtlNote *current = NULL;

  if (status != ATL_OK)
    return status;

  memset (melody, 0, sizeof *melody);
  melody->metre = (AtlMetre) (tokens[1] - ATL_MUSIC_TOK_METRE);
  melody->mode = (AtlMode) (tokens[2] - ATL_MUSIC_TOK_MODE);
  if (prefix != NULL)
    {
      prefix->metre = melody->metre;
      prefix->mode = melody->mode;
      prefix->density = tokens[3] - ATL_MUSIC_TOK_DENSITY;
      prefix->register_ = tokens[4] - ATL_MUSIC_TOK_REGISTER;
      prefix->type = (AtlTuneType) (tokens[5] - ATL_MUSIC_TOK_TYPE);
    }
  for (int t = 1 + ATL_MUSIC_PREFIX_LEN; t < len && tokens[t] != ATL_TOKEN_EOS; t++)
    {
      int tok = tokens[t];

      if (tok == ATL_MUSIC_TOK_BAR)
        melody->n_bars++;
      else if (tok == ATL_MUSIC_TOK_HOLD)
        {
          current->length++;   /* validate guarantees a sounding note */
          step++;
        }
      else if (tok == ATL_MUSIC_TOK_REST)
        {
          current = NULL;
          step++;
        }
      else
        {
          /* At most 8 × 24 notes, well under ATL_MELODY_MAX_NOTES. */
          current = &melody->notes[melody->n_notes++];
          current->pitch = (int8_t) (tok - ATL_MUSIC_TOK_NOTE + ATL_MUSIC_PITCH_MIN);
          current->velocity = ATL_MUSIC_VELOCITY;
          current->start = (int16_t) step;
          current->length = 1;
          step++;
        }
    }
  return ATL_OK;
}
