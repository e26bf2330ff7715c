/* atl-sampler.c: incremental decoding with a per-layer key/value cache.
 *
 * A step feeds one token per active sequence, each at its own position, through the
 * policy's blocks as a small batch (the linear layers' products have one row per
 * sequence), appends each layer's k and v to the sequence's cache slot, and attends over
 * its cached positions. Finished sequences drop out of the batch: the rows are compacted,
 * and `active`, `slot` and `pos` give each row's sequence, cache slot and position.
 *
 * A step's products have one row per sequence: too small for sgemm, whose packing of the
 * weight panel on every call cost more than the arithmetic (27% of a music run's
 * instructions). A run transposes the weights once (they may change between runs) and the
 * steps use the small-N kernel of atl-nn-small.c. The key cache's rows are padded to a
 * multiple of 16 positions so the scores are computed sixteen positions at a time in
 * registers.
 *
 * With a random generator per row nothing a row computes depends on the other rows, so a
 * run splits the cache's slots into lanes of consecutive slots, up to the engine's thread
 * budget (atl_nn_set_threads), each decoding on its own thread from start to end: one
 * join per run, and the very same numbers as one lane. A lane works in its own rows of
 * the batch-sized buffers and its own per-row scratch. A run may hold more sequences than
 * slots: when a sequence ends, its slot takes the next waiting one (from a counter the
 * lanes share), which starts at its own position 0 while the others go on. A lane thus
 * decodes a few long works alone only at the very end of a run, not at the end of every
 * batch of max_batch, and a lane that runs short of work takes the waiting sequences the
 * other would have had.
 *
 * Dimension legend: B batch, T time, C d_model, V vocab, L layers, NH heads, hs = C / NH,
 * nb the number of active sequences in a step, ctx the policy's maximum T.
 */
#include "atl-sampler.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "atl-nn-private.h"
#include "atl-nn-small.h"
#include "atl-nn.h"
#include "atl-policy-private.h"

typedef struct
{
  int   token;
  float prob;
} Candidate;

typedef float v8sf __attribute__ ((vector_size (32), aligned (4)));

enum { POS_BLOCK = 16, MAX_LANES = 4, LANE_ROWS = 4 };

struct _AtlSampler
{
  AtlPolicy     *policy;     /* borrowed */
  int            max_batch;
  int            ctxp;       /* ctx rounded up to POS_BLOCK */
  float         *kcache;     /* (L, max_batch, NH, hs, ctxp) keys, transposed per head */
  float         *vcache;     /* (L, max_batch, NH, ctxp, hs) values */
  float         *qkvwt;      /* (L, C, 3C) the policy's weights transposed for this run */
  float         *projwt;     /* (L, C, C) */
  float         *fcwt;       /* (L, C, 4C) */
  float         *fcprojwt;   /* (L, 4C, C) */
  float         *wtet;       /* (C, V) the tied head */
  float         *x;          /* (max_batch, C) residual stream */
  float         *xn;         /* (max_batch, C) LayerNorm output */
  float         *mean;       /* (max_batch) */
  float         *rstd;       /* (max_batch) */
  float         *qkv;        /* (max_batch, 3C) */
  float         *atty;       /* (max_batch, C) */
  float         *fch;        /* (max_batch, 4C) */
  float         *fch_gelu;   /* (max_batch, 4C) */
  float         *logits;     /* (max_batch, V) */
  float         *scores;     /* (MAX_LANES, NH, ctxp) attention scores of a row's heads */
  float         *inv;        /* (MAX_LANES, NH) their softmax's 1 / Σ */
  Candidate     *cand;       /* (MAX_LANES, V) */
  unsigned char *allowed;    /* (MAX_LANES, V) */
  int           *active;     /* (max_batch) sequence of each row */
  int           *slot;       /* (max_batch) cache slot of each row */
  int           *pos;        /* (max_batch) position of each row's input token */
  int           *row_tokens; /* (max_batch) input token of each row */
};

/* One thread's part of a run: sequences lo … hi − 1, the batch-sized buffers' views from
 * row lo on (a lane's rows are compacted within them), its own scratch. */
typedef struct
{
  AtlSampler             *s;
  AtlRng                 *rng;
  const AtlSampleOptions *o;
  const int              *prompt_lens;
  int                    *tokens;
  int                    *out_lens;
  float                  *out_logp;
  int                     lo, hi;     /* the lane's cache slots */
  int                     B;          /* sequences in the run */
  atomic_int             *next;       /* the next sequence waiting for a slot */
  float                  *x, *xn, *mean, *rstd, *qkv, *atty, *fch, *fch_gelu, *logits;
  float                  *scores, *inv;
  Candidate              *cand;
  unsigned char          *allowed;
  int                    *active, *slot, *pos, *row_tokens;
  AtlStatus               status;
  AtlMsg                  msg;
} Lane;

/* The transposed weights start on a cache line: the small-N kernel's 32-byte loads then
 * never straddle two lines (every matrix but the head has rows a multiple of 64 bytes
 * long). Unaligned, from malloc's 16 bytes, a row alone took 50% longer. */
static float *
aligned_floats (size_t n)
{
  size_t bytes = (n * sizeof (float) + 63) / 64 * 64;

  return aligned_alloc (64, bytes);
}

AtlStatus
atl_sampler_new (AtlPolicy   *policy,
                 int          max_batch,
                 AtlSampler **out_sampler,
                 AtlMsg      *msg)
{
  const AtlPolicyConfig *c = &policy->config;
  size_t C = c->d_model, V = c->vocab, Bm = max_batch, L = c->n_layer;
  size_t ctxp = ((size_t) c->ctx + POS_BLOCK - 1) / POS_BLOCK * POS_BLOCK;
  size_t cache = L * Bm * ctxp * C;
  AtlSampler *s;

  *out_sampler = NULL;
  if (max_batch < 1 || max_batch > 1 << 16)
    return atl_fail (msg, ATL_ERR_RANGE, "sampler batch %d is out of range", max_batch);
  s = calloc (1, sizeof *s);
  if (s == NULL)
    return atl_fail (msg, ATL_ERR_NOMEM, "cannot allocate the sampler");
  s->policy = policy;
  s->max_batch = max_batch;
  s->ctxp = (int) ctxp;
  /* Zeroed: a block of scores reads the padding past the last cached position. */
  s->kcache = calloc (cache, sizeof (float));
  s->vcache = calloc (cache, sizeof (float));
  s->qkvwt = aligned_floats (L * C * 3 * C);
  s->projwt = aligned_floats (L * C * C);
  s->fcwt = aligned_floats (L * C * 4 * C);
  s->fcprojwt = aligned_floats (L * 4 * C * C);
  s->wtet = aligned_floats (C * V);
  s->x = malloc (Bm * C * sizeof (float));
  s->xn = malloc (Bm * C * sizeof (float));
  s->mean = malloc (Bm * sizeof (float));
  s->rstd = malloc (Bm * sizeof (float));
  s->qkv = malloc (Bm * 3 * C * sizeof (float));
  s->atty = malloc (Bm * C * sizeof (float));
  s->fch = malloc (Bm * 4 * C * sizeof (float));
  s->fch_gelu = malloc (Bm * 4 * C * sizeof (float));
  s->logits = malloc (Bm * V * sizeof (float));
  s->scores = malloc (MAX_LANES * c->n_head * ctxp * sizeof (float));
  s->inv = malloc (MAX_LANES * c->n_head * sizeof (float));
  s->cand = malloc (MAX_LANES * V * sizeof (Candidate));
  s->allowed = malloc (MAX_LANES * V);
  s->active = malloc (Bm * sizeof (int));
  s->slot = malloc (Bm * sizeof (int));
  s->pos = malloc (Bm * sizeof (int));
  s->row_tokens = malloc (Bm * sizeof (int));
  if (s->kcache == NULL || s->vcache == NULL || s->x == NULL || s->xn == NULL
      || s->mean == NULL || s->rstd == NULL || s->qkv == NULL || s->atty == NULL
      || s->fch == NULL || s->fch_gelu == NULL || s->logits == NULL || s->scores == NULL
      || s->inv == NULL || s->cand == NULL || s->allowed == NULL || s->active == NULL
      || s->slot == NULL || s->pos == NULL || s->row_tokens == NULL || s->qkvwt == NULL
      || s->projwt == NULL || s->fcwt == NULL || s->fcprojwt == NULL || s->wtet == NULL)
    {
      atl_sampler_free (s);
      return atl_fail (msg, ATL_ERR_NOMEM, "cannot allocate a sampler for %d sequences",
                       max_batch);
    }
  *out_sampler = s;
  return ATL_OK;
}

void
atl_sampler_free (AtlSampler *s)
{
  if (s == NULL)
    return;
  free (s->kcache);
  free (s->vcache);
  free (s->qkvwt);
  free (s->projwt);
  free (s->fcwt);
  free (s->fcprojwt);
  free (s->wtet);
  free (s->x);
  free (s->xn);
  free (s->mean);
  free (s->rstd);
  free (s->qkv);
  free (s->atty);
  free (s->fch);
  free (s->fch_gelu);
  free (s->logits);
  free (s->scores);
  free (s->inv);
  free (s->cand);
  free (s->allowed);
  free (s->active);
  free (s->slot);
  free (s->pos);
  free (s->row_tokens);
  free (s);
}

/* Offset of one (layer, sequence, head) block in either cache; both hold hs·ctx floats. */
static size_t
cache_block (const AtlSampler *s,
             int               layer,
             int               seq,
             int               h)
{
  const AtlPolicyConfig *c = &s->policy->config;
  size_t hs = c->d_model / c->n_head;

  return (((size_t) layer * s->max_batch + seq) * c->n_head + h) * hs * s->ctxp;
}

/* Appends each row's keys and values at its position to its slot's caches. Keys are
 * stored transposed, so the scores of all cached positions are hs contiguous axpys. */
static void
cache_append (Lane *ln,
              int   layer,
              int   nb)
{
  AtlSampler *s = ln->s;
  const AtlPolicyConfig *c = &s->policy->config;
  int C = c->d_model, NH = c->n_head, hs = C / NH, ctx = s->ctxp;

  for (int r = 0; r < nb; r++)
    for (int h = 0; h < NH; h++)
      {
        const float *k = ln->qkv + (size_t) r * 3 * C + C + h * hs;
        const float *v = k + C;
        size_t block = cache_block (s, layer, ln->slot[r], h);
        int t = ln->pos[r];

        for (int i = 0; i < hs; i++)
          s->kcache[block + (size_t) i * ctx + t] = k[i];
        memcpy (s->vcache + block + (size_t) t * hs, v, hs * sizeof (float));
      }
}

/* Scores of positions 16·jb … 16·jb + 63 of one head's query q over its transposed keys
 * kt, in eight registers: eight independent sums, so the FMAs' latency overlaps. Each
 * score sums over the head's channels in order, as score_block's do. */
static inline __attribute__ ((always_inline)) void
score_4_blocks (float       *scores,
                const float *q,
                const float *kt,
                int          hs,
                int          ctx,
                float        scale,
                int          jb)
{
  v8sf a0 = { 0 }, a1 = { 0 }, a2 = { 0 }, a3 = { 0 };
  v8sf a4 = { 0 }, a5 = { 0 }, a6 = { 0 }, a7 = { 0 };
  v8sf *out = (v8sf *) (scores + jb * POS_BLOCK);

  for (int i = 0; i < hs; i++)
    {
      const v8sf *k = (const v8sf *) (kt + (size_t) i * ctx + jb * POS_BLOCK);
      float qi = q[i] * scale;

      a0 += qi * k[0];
      a1 += qi * k[1];
      a2 += qi * k[2];
      a3 += qi * k[3];
      a4 += qi * k[4];
      a5 += qi * k[5];
      a6 += qi * k[6];
      a7 += qi * k[7];
    }
  out[0] = a0;
  out[1] = a1;
  out[2] = a2;
  out[3] = a3;
  out[4] = a4;
  out[5] = a5;
  out[6] = a6;
  out[7] = a7;
}

/* The same for the sixteen positions of block jb alone. */
static inline __attribute__ ((always_inline)) void
score_block (float       *scores,
             const float *q,
             const float *kt,
             int          hs,
             int          ctx,
             float        scale,
             int          jb)
{
  v8sf a0 = { 0 }, a1 = { 0 };

  for (int i = 0; i < hs; i++)
    {
      const v8sf *k = (const v8sf *) (kt + (size_t) i * ctx + jb * POS_BLOCK);
      float qi = q[i] * scale;

      a0 += qi * k[0];
      a1 += qi * k[1];
    }
  ((v8sf *) (scores + jb * POS_BLOCK))[0] = a0;
  ((v8sf *) (scores + jb * POS_BLOCK))[1] = a1;
}

/* Attention of each row's new position t over its cached positions 0 … t. A row's heads
 * are scored first, so that the weighted sums of the values can run two heads at a time
 * (eight independent sums for the usual head size). */
ATL_NN_HOT static void
attend (Lane *ln,
        int   layer,
        int   nb)
{
  AtlSampler *s = ln->s;
  const AtlPolicyConfig *c = &s->policy->config;
  int C = c->d_model, NH = c->n_head, hs = C / NH, ctx = s->ctxp;
  float scale = 1.0f / sqrtf ((float) hs), max;
  float *inv = ln->inv;

  /* r indexes rows, h heads, i head channels, j cached positions (in blocks of 16, four
   * blocks at a time, whose sums stay in registers while i runs over the head's
   * channels). */
  for (int r = 0; r < nb; r++)
    {
      const float *q = ln->qkv + (size_t) r * 3 * C;
      float *y = ln->atty + (size_t) r * C;
      int t = ln->pos[r], n_blocks = (t + POS_BLOCK) / POS_BLOCK;
      int h;

      for (h = 0; h < NH; h++)
        {
          size_t block = cache_block (s, layer, ln->slot[r], h);
          float *scores = ln->scores + (size_t) h * ctx;
          int jb = 0;

          for (; jb + 4 <= n_blocks; jb += 4)
            score_4_blocks (scores, q + h * hs, s->kcache + block, hs, ctx, scale, jb);
          for (; jb < n_blocks; jb++)
            score_block (scores, q + h * hs, s->kcache + block, hs, ctx, scale, jb);
          max = atl_max (scores, t + 1);
          for (int j = 0; j <= t; j++)
            scores[j] = atl_fast_expf (scores[j] - max);
          inv[h] = 1.0f / atl_sum (scores, t + 1);
        }
      h = 0;
      if (hs == 32)
        for (; h + 2 <= NH; h += 2)
          {
            /* The usual head size: two heads' outputs stay in eight registers over j. */
            const float *va = s->vcache + cache_block (s, layer, ln->slot[r], h);
            const float *vb = s->vcache + cache_block (s, layer, ln->slot[r], h + 1);
            const float *sa = ln->scores + (size_t) h * ctx, *sb = sa + ctx;
            v8sf y0 = { 0 }, y1 = { 0 }, y2 = { 0 }, y3 = { 0 };
            v8sf z0 = { 0 }, z1 = { 0 }, z2 = { 0 }, z3 = { 0 };

            for (int j = 0; j <= t; j++)
              {
                const v8sf *v = (const v8sf *) (va + (size_t) j * hs);
                const v8sf *w = (const v8sf *) (vb + (size_t) j * hs);
                float a = sa[j] * inv[h], b = sb[j] * inv[h + 1];

                y0 += a * v[0];
                y1 += a * v[1];
                y2 += a * v[2];
                y3 += a * v[3];
                z0 += b * w[0];
                z1 += b * w[1];
                z2 += b * w[2];
                z3 += b * w[3];
              }
            ((v8sf *) (y + h * hs))[0] = y0;
            ((v8sf *) (y + h * hs))[1] = y1;
            ((v8sf *) (y + h * hs))[2] = y2;
            ((v8sf *) (y + h * hs))[3] = y3;
            ((v8sf *) (y + (h + 1) * hs))[0] = z0;
            ((v8sf *) (y + (h + 1) * hs))[1] = z1;
            ((v8sf *) (y + (h + 1) * hs))[2] = z2;
            ((v8sf *) (y + (h + 1) * hs))[3] = z3;
          }
      for (; h < NH; h++)
        {
          const float *vh = s->vcache + cache_block (s, layer, ln->slot[r], h);
          const float *scores = ln->scores + (size_t) h * ctx;
          float *yh = y + h * hs;

          memset (yh, 0, (size_t) hs * sizeof (float));
          for (int j = 0; j <= t; j++)
            {
              const float *v = vh + (size_t) j * hs;
              float a = scores[j] * inv[h];

              for (int i = 0; i < hs; i++)
                yh[i] += a * v[i];
            }
        }
    }
}

/* Runs each of the lane's nb active rows' input token at its position; leaves logits
 * (nb, V). */
static void
step (Lane *ln,
      int   nb)
{
  AtlSampler *s = ln->s;
  const AtlPolicy *p = s->policy;
  const AtlPolicyConfig *c = &p->config;
  int C = c->d_model, V = c->vocab;

  for (int r = 0; r < nb; r++)
    atl_nn_embedding_forward (ln->x + (size_t) r * C, &ln->row_tokens[r], p->w.wte,
                              p->w.wpe + (size_t) ln->pos[r] * C, 1, 1, C);
  for (int l = 0; l < c->n_layer; l++)
    {
      const AtlBlockWeights *h = &p->w.h[l];
      size_t CC = (size_t) C * C;

      atl_nn_layernorm_forward (ln->xn, ln->mean, ln->rstd, ln->x, h->ln1w, h->ln1b, nb, C);
      atl_nn_small_linear_forward (ln->qkv, ln->xn, s->qkvwt + l * 3 * CC, h->qkvb, nb, C,
                                   3 * C, 0);
      cache_append (ln, l, nb);
      attend (ln, l, nb);
      atl_nn_small_linear_forward (ln->x, ln->atty, s->projwt + l * CC, h->projb, nb, C, C,
                                   1);
      atl_nn_layernorm_forward (ln->xn, ln->mean, ln->rstd, ln->x, h->ln2w, h->ln2b, nb, C);
      atl_nn_small_linear_forward (ln->fch, ln->xn, s->fcwt + l * 4 * CC, h->fcb, nb, C,
                                   4 * C, 0);
      atl_nn_gelu_forward (ln->fch_gelu, NULL, ln->fch, (size_t) nb * 4 * C);
      atl_nn_small_linear_forward (ln->x, ln->fch_gelu, s->fcprojwt + l * 4 * CC,
                                   h->fcprojb, nb, 4 * C, C, 1);
    }
  atl_nn_layernorm_forward (ln->xn, ln->mean, ln->rstd, ln->x, p->w.lnfw, p->w.lnfb, nb, C);
  atl_nn_small_linear_forward (ln->logits, ln->xn, s->wtet, NULL, nb, C, V, 0);
  ATL_NN_ASSERT_FINITE (ln->logits, (size_t) nb * V);
}

static int
compare_candidates (const void *a,
                    const void *b)
{
  const Candidate *x = a, *y = b;

  /* Descending probability; ties by token so the order (and the draw) is deterministic. */
  if (x->prob != y->prob)
    return x->prob < y->prob ? 1 : -1;
  return x->token - y->token;
}

/* Draws the next token from one row of logits; returns −1 when the grammar allows none. */
static int
choose (Lane                   *ln,
        AtlRng                 *rng,
        const AtlSampleOptions *o,
        const float            *logits,
        const unsigned char    *allowed)
{
  int V = ln->s->policy->config.vocab;
  Candidate *cand = ln->cand;
  int n = 0, best = -1;
  float max = -INFINITY, sum = 0.0f, u, acc;

  for (int v = 0; v < V; v++)
    if (allowed[v] && logits[v] > max)
      {
        max = logits[v];
        best = v;
      }
  if (best < 0 || o->temperature <= 0.0f)
    return best;

  for (int v = 0; v < V; v++)
    if (allowed[v])
      {
        float e = atl_fast_expf ((logits[v] - max) / o->temperature);

        cand[n++] = (Candidate) { v, e };
        sum += e;
      }
  if (o->top_p < 1.0f && n > 1)
    {
      /* Only tokens above (1 − p)/(n − 1) of the mass can be in the nucleus (llama2.c),
       * so the sort sees a handful of candidates. */
      float cutoff = (1.0f - o->top_p) / (n - 1) * sum;
      int m = 0;

      for (int i = 0; i < n; i++)
        if (cand[i].prob >= cutoff)
          cand[m++] = cand[i];
      qsort (cand, m, sizeof (Candidate), compare_candidates);
      acc = 0.0f;
      for (n = 0; n < m; )
        {
          acc += cand[n++].prob;
          if (acc >= o->top_p * sum)
            break;
        }
      sum = acc;
    }
  u = atl_rng_uniform (rng) * sum;
  acc = 0.0f;
  for (int i = 0; i < n; i++)
    {
      acc += cand[i].prob;
      if (u < acc)
        return cand[i].token;
    }
  return cand[n - 1].token;  /* u rounded up to the full sum */
}

static float
log_softmax_at (const float *logits,
                int          V,
                int          token)
{
  float max = logits[0], sum = 0.0f;

  for (int v = 1; v < V; v++)
    max = logits[v] > max ? logits[v] : max;
  for (int v = 0; v < V; v++)
    sum += atl_fast_expf (logits[v] - max);
  return logits[token] - max - logf (sum);
}

/* Draws sequence b's token at position t + 1 from row r's logits, under the grammar; −1
 * (the lane's status set) when the grammar allows none. */
static int
draw (Lane *ln,
      int   r,
      int   b,
      int   t)
{
  const AtlSampleOptions *o = ln->o;
  int V = ln->s->policy->config.vocab, T = o->max_len;
  int *seq = ln->tokens + (size_t) b * T;
  const float *logits = ln->logits + (size_t) r * V;
  int token;

  memset (ln->allowed, 1, V);
  if (o->grammar != NULL)
    o->grammar (o->grammar_user, b, seq, t + 1, ln->allowed);
  token = choose (ln, o->row_rngs != NULL ? &o->row_rngs[b] : ln->rng, o, logits,
                  ln->allowed);
  if (token < 0)
    {
      ln->status = atl_fail (&ln->msg, ATL_ERR_INVALID,
                             "the grammar allows no token for sequence %d at %d", b, t + 1);
      return -1;
    }
  seq[t + 1] = token;
  ln->out_lens[b] = t + 2;
  if (ln->out_logp != NULL)
    ln->out_logp[(size_t) b * T + t + 1] = log_softmax_at (logits, V, token);
  return token;
}

/* The next waiting sequence that has room to sample, or −1 when none is left. */
static int
take_next (Lane *ln)
{
  for (;;)
    {
      int b = atomic_fetch_add (ln->next, 1);

      if (b >= ln->B)
        return -1;
      if (ln->prompt_lens[b] < ln->o->max_len)
        return b;
    }
}

/* Decodes sequences in the lane's slots until none is left: first the slots' own
 * sequences (slot i starts with sequence i), then whichever the counter hands out. */
static void *
run_lane (void *data)
{
  Lane *ln = data;
  const AtlSampleOptions *o = ln->o;
  int T = o->max_len, nb = 0;

  ln->status = ATL_OK;
  for (int i = ln->lo; i < ln->hi; i++)
    {
      int b = ln->prompt_lens[i] < T ? i : take_next (ln);

      if (b < 0)
        continue;
      ln->active[nb] = b;
      ln->slot[nb] = i;
      ln->pos[nb++] = 0;
    }

  /* Row r's token at pos[r] goes in; the logits predict position pos[r] + 1. Rows are
   * compacted in place as they end (kept ≤ r). */
  while (nb > 0)
    {
      int kept = 0;

      for (int r = 0; r < nb; r++)
        ln->row_tokens[r] = ln->tokens[(size_t) ln->active[r] * T + ln->pos[r]];
      step (ln, nb);

      for (int r = 0; r < nb; r++)
        {
          int b = ln->active[r], t = ln->pos[r];

          /* A row past its prompt draws a token. It goes on at the next position, unless
           * it ended: then its slot takes the next waiting sequence from position 0. The
           * slot's cache past the new sequence's positions holds the old one's keys: a
           * block of scores reads them, and the softmax never does. */
          if (t + 1 >= ln->prompt_lens[b])
            {
              int token = draw (ln, r, b, t);

              if (token < 0)
                return NULL;
              /* Also the case of a grammar that allows only the end token. */
              if ((o->end_token >= 0 && token == o->end_token) || t + 2 >= T)
                {
                  b = take_next (ln);
                  t = -1;
                }
            }
          if (b < 0)
            continue;
          ln->active[kept] = b;
          ln->slot[kept] = ln->slot[r];
          ln->pos[kept++] = t + 1;
        }
      nb = kept;
    }
  return NULL;
}

static AtlStatus
sample (AtlSampler             *s,
        AtlRng                 *rng,
        const AtlSampleOptions *o,
        int                     B,
        const int              *prompt_lens,
        int                    *tokens,
        int                    *out_lens,
        float                  *out_logp,
        AtlMsg                 *msg)
{
  const AtlPolicyConfig *c = &s->policy->config;
  size_t C = c->d_model;
  int V = c->vocab, T = o->max_len, n_lanes, started = 1;
  int slots = B < s->max_batch ? B : s->max_batch;
  atomic_int next = slots;
  Lane lanes[MAX_LANES];
  pthread_t threads[MAX_LANES];

  /* Rows drawing from one shared generator take turns in a fixed order only if they all
   * start at once. */
  if (B < 1 || (B > s->max_batch && o->row_rngs == NULL))
    return atl_fail (msg, ATL_ERR_RANGE, "batch %d exceeds the sampler's %d", B, s->max_batch);
  if (T < 1 || T > c->ctx)
    return atl_fail (msg, ATL_ERR_RANGE, "max_len %d is outside 1 … %d", T, c->ctx);
  if (o->top_p <= 0.0f || o->top_p > 1.0f || !(o->temperature >= 0.0f))
    return atl_fail (msg, ATL_ERR_INVALID, "top_p must be in (0, 1], temperature ≥ 0");
  for (int b = 0; b < B; b++)
    {
      if (prompt_lens[b] < 1 || prompt_lens[b] > T)
        return atl_fail (msg, ATL_ERR_RANGE, "prompt %d has length %d, not 1 … %d",
                         b, prompt_lens[b], T);
      for (int t = 0; t < prompt_lens[b]; t++)
        if (tokens[b * T + t] < 0 || tokens[b * T + t] >= V)
          return atl_fail (msg, ATL_ERR_RANGE, "prompt %d has token %d outside the vocabulary",
                           b, tokens[b * T + t]);
    }

  for (int b = 0; b < B; b++)
    {
      out_lens[b] = prompt_lens[b];
      if (out_logp != NULL)
        memset (out_logp + (size_t) b * T, 0, (size_t) T * sizeof (float));
    }

  /* Rows drawing from one shared generator depend on each other's draws: one lane. A lane
   * gets at least a block of the small-N kernel's rows. */
  n_lanes = o->row_rngs == NULL ? 1 : slots / LANE_ROWS;
  n_lanes = n_lanes < 1 ? 1 : n_lanes;
  n_lanes = n_lanes < atl_nn_get_threads () ? n_lanes : atl_nn_get_threads ();
  n_lanes = n_lanes < MAX_LANES ? n_lanes : MAX_LANES;
  for (int i = 0; i < n_lanes; i++)
    {
      Lane *ln = &lanes[i];
      size_t lo = (size_t) slots * i / n_lanes;

      *ln = (Lane) {
        .s = s, .rng = rng, .o = o, .prompt_lens = prompt_lens, .tokens = tokens,
        .out_lens = out_lens, .out_logp = out_logp,
        .lo = (int) lo, .hi = (int) ((size_t) slots * (i + 1) / n_lanes),
        .B = B, .next = &next,
        .x = s->x + lo * C, .xn = s->xn + lo * C, .mean = s->mean + lo,
        .rstd = s->rstd + lo, .qkv = s->qkv + lo * 3 * C, .atty = s->atty + lo * C,
        .fch = s->fch + lo * 4 * C, .fch_gelu = s->fch_gelu + lo * 4 * C,
        .logits = s->logits + lo * V, .scores = s->scores + (size_t) i * c->n_head * s->ctxp,
        .inv = s->inv + (size_t) i * c->n_head,
        .cand = s->cand + (size_t) i * V, .allowed = s->allowed + (size_t) i * V,
        .active = s->active + lo, .slot = s->slot + lo, .pos = s->pos + lo,
        .row_tokens = s->row_tokens + lo,
      };
    }
  /* Lane 0 runs here; a lane whose thread cannot start runs here too, after it. */
  for (int i = 1; i < n_lanes; i++)
    if (pthread_create (&threads[i], NULL, run_lane, &lanes[i]) == 0)
      started |= 1 << i;
  run_lane (&lanes[0]);
  for (int i = 1; i < n_lanes; i++)
    if (started & 1 << i)
      pthread_join (threads[i], NULL);
    else
      run_lane (&lanes[i]);
  for (int i = 0; i < n_lanes; i++)
    if (lanes[i].status != ATL_OK)
      {
        if (msg != NULL)
          *msg = lanes[i].msg;
        return lanes[i].status;
      }
  return ATL_OK;
}

/* The weights may have changed since the last run (the tuner steps between runs). */
static void
transpose_weights (AtlSampler *s)
{
  const AtlPolicy *p = s->policy;
  const AtlPolicyConfig *c = &p->config;
  int C = c->d_model;
  size_t CC = (size_t) C * C;

  for (int l = 0; l < c->n_layer; l++)
    {
      const AtlBlockWeights *h = &p->w.h[l];

      atl_nn_small_transpose (s->qkvwt + l * 3 * CC, h->qkvw, 3 * C, C);
      atl_nn_small_transpose (s->projwt + l * CC, h->projw, C, C);
      atl_nn_small_transpose (s->fcwt + l * 4 * CC, h->fcw, 4 * C, C);
      atl_nn_small_transpose (s->fcprojwt + l * 4 * CC, h->fcprojw, C, 4 * C);
    }
  atl_nn_small_transpose (s->wtet, p->w.wte, c->vocab, C);
}

AtlStatus
atl_sampler_run (AtlSampler             *s,
                 AtlRng                 *rng,
                 const AtlSampleOptions *options,
                 int                     B,
                 const int              *prompt_lens,
                 int                    *tokens,
                 int                    *out_lens,
                 float                  *out_logp,
                 AtlMsg                 *msg)
{
  transpose_weights (s);
  return sample (s, rng, options, B, prompt_lens, tokens, out_lens, out_logp, msg);
}
