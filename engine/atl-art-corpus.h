/* atl-art-corpus.h: the procedural corpus the art policy is pretrained on.
 *
 * A seeded generator of compositions in nine style families; every sample is tagged with
 * its family, palette, background and complexity (the codec's prefix), so the pretrained
 * policy learns what each prefix token means. Each family is meant to look good on its
 * own (check build-art/contact-sheet.png, written by tests/engine/test-art-render.c):
 *
 * - constructivist: El Lissitzky / Rodchenko — a dominant disc, long bars and thin rules
 *   on one diagonal axis, a few small accents, on paper.
 * - orbital: concentric discs and rings around a centre with small planets and open arcs
 *   on their orbits, by day or on a night sky.
 * - op-art: Riley / Vasarely — high-contrast stripes, fans of lines, repeated waves,
 *   alternating rings, or a grid of discs swelling toward a focus.
 * - pointillist: Seurat by way of generative art — large overlapping dot fields (grids,
 *   rings, phyllotaxis spirals) in two or three colours, with scattered single dots.
 * - ink: sumi-e — chains of flowing brush strokes in one dark ink on paper, a few thin
 *   echoes, an occasional ensō and a red seal.
 * - memphis: Sottsass — an evenly scattered confetti of triangles, squiggles, rings, dot
 *   patches and half-discs in bright flat colours.
 * - hard-edge: Rothko, Albers, Kelly, Mondrian — a few large flat colour fields: stacked
 *   bands, nested squares, one bold cut-off shape, or a ruled grid with coloured cells.
 * - organic: Matisse cut-outs — clusters of overlapping translucent ellipses and discs
 *   forming blobs and fronds.
 * - bauhaus-tiles: a 2×2 or 4×4 grid of square tiles, each with a quarter-disc,
 *   half-disc or disc motif, as in Bauhaus pattern studies.
 *
 * One sample takes a few microseconds; a seed fully determines it.
 */
#pragma once

#include "atl-artwork.h"
#include "atl-rng.h"

/* out ← one composition of the family, palette chosen by the family's taste (mostly its
 * preferred palettes, sometimes any). */
void atl_art_corpus_sample     (AtlRng       *rng,
                                AtlArtFamily  family,
                                AtlArtwork   *out);
/* The same with a given palette (0 … ATL_N_PALETTES − 1). */
void atl_art_corpus_sample_in  (AtlRng       *rng,
                                AtlArtFamily  family,
                                int           palette,
                                AtlArtwork   *out);
/* A family drawn uniformly, then as atl_art_corpus_sample. */
void atl_art_corpus_sample_any (AtlRng       *rng,
                                AtlArtwork   *out);
