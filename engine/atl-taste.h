/* atl-taste.h: simulated artists — taste functions over decoded works, and picks made
 * with Bradley–Terry noise.
 *
 * The loop bench and `atelier demo` need an artist who answers like a person: someone
 * with a consistent taste who still picks inconsistently when two works are close. A taste
 * is a utility u(work) computed from what the work is (the decoded melody, the rendered
 * artwork's measurements); a pick from a grid draws each work's perceived utility as
 * u/τ + Gumbel noise and takes the best — the Plackett–Luce choice, so any two works are
 * ordered with P(a ≻ b) = σ((u_a − u_b)/τ), Bradley–Terry with temperature τ.
 *
 * Four tastes per domain, different in kind:
 *   music  contour      arching lines: the middle third of the onsets sits above the ends
 *          syncopation  notes that start off the beat and sound across it
 *          register     a high register, around an octave above the tonic
 *          consonance   in-key notes, steps and thirds, few wide leaps or stuck repeats
 *   art    warm         warm hues over cool ones, yellow-red over blue
 *          symmetry     left-right and top-bottom mirror symmetry
 *          density      many elements and busy edges
 *          curvy        circles, ellipses, curves and arcs over rectangles, polygons, lines
 */
#pragma once

#include "atl-codec.h"
#include "atl-rng.h"
#include "atl-status.h"

#define ATL_TASTE_PER_DOMAIN 4

/* The i-th taste of the codec's domain (0 … ATL_TASTE_PER_DOMAIN − 1), by name; −1 when
 * the codec has no taste of that name. */
const char *atl_taste_name   (const AtlCodec *codec,
                              int             taste);
int         atl_taste_lookup (const AtlCodec *codec,
                              const char     *name);

/* u of a valid sequence (BOS … EOS). */
AtlStatus   atl_taste_utility (const AtlCodec *codec,
                               int             taste,
                               const int      *tokens,
                               int             len,
                               float          *out_utility,
                               AtlMsg         *msg);

/* Picks n_pick favourites among n utilities (Gumbel-max without replacement at τ);
 * out_index (n_pick) gets their indices, best first. τ ≤ 0 picks the true best. */
void        atl_taste_pick    (const float    *utilities,
                               int             n,
                               float           tau,
                               int             n_pick,
                               AtlRng         *rng,
                               int            *out_index);
