/* test-ring-buffer.c: the player's lock-free SPSC ring, alone and under two threads.
 *
 * The two-thread case is the contract the audio callback relies on: a producer and a
 * consumer thread move ten million stereo frames through a small ring in chunks of
 * varying size (each thread draws its own sizes, so writes and reads never line up with
 * each other or with the wrap), and every frame arrives once, in order, intact. A frame
 * carries a counter in its left word and the counter's complement mixed with a constant
 * in its right, so a torn or stale copy, a lost frame and a duplicated one all show.
 * Run it under ThreadSanitizer (a -Db_sanitize=thread build) to check the memory orders.
 */
#include <glib.h>
#include <stdint.h>

#include "atl-ring-buffer.h"

#define N_FRAMES  10000000u
#define RING      1024
#define MAX_CHUNK 700
#define MIX       0xA5A5A5A5u

typedef struct
{
  uint32_t left;
  uint32_t right;
} Frame;

typedef struct
{
  AtlRingBuffer *ring;
  guint64        stalls;      /* times the thread found nothing to do */
  guint64        mismatches;  /* consumer: frames that were not the expected one */
  guint32        first_bad;   /* consumer: the index of the first mismatch */
} Side;

static uint32_t
next_chunk (uint32_t *state)
{
  /* xorshift32: cheap, and each side has its own stream. */
  *state ^= *state << 13;
  *state ^= *state >> 17;
  *state ^= *state << 5;
  return 1 + *state % MAX_CHUNK;
}

static gpointer
producer_worker (gpointer data)
{
  Side *side = data;
  Frame chunk[MAX_CHUNK];
  uint32_t state = 0x12345678u, sent = 0;

  while (sent < N_FRAMES)
    {
      uint32_t n = MIN (next_chunk (&state), N_FRAMES - sent), done = 0;

      for (uint32_t i = 0; i < n; i++)
        chunk[i] = (Frame) { sent + i, ~(sent + i) ^ MIX };
      while (done < n)
        {
          size_t w = atl_ring_buffer_write (side->ring, chunk + done, n - done);

          if (w == 0)
            {
              side->stalls++;
              g_thread_yield ();
            }
          done += (uint32_t) w;
        }
      sent += n;
    }
  return NULL;
}

static gpointer
consumer_worker (gpointer data)
{
  Side *side = data;
  Frame chunk[MAX_CHUNK];
  uint32_t state = 0x9e3779b9u, expected = 0;

  while (expected < N_FRAMES)
    {
      size_t got = atl_ring_buffer_read (side->ring, chunk, next_chunk (&state));

      if (got == 0)
        {
          side->stalls++;
          g_thread_yield ();
          continue;
        }
      for (size_t i = 0; i < got; i++, expected++)
        if (chunk[i].left != expected || chunk[i].right != (~expected ^ MIX))
          {
            if (side->mismatches++ == 0)
              side->first_bad = expected;
          }
    }
  return NULL;
}

static void
test_two_threads (void)
{
  AtlRingBuffer *ring = atl_ring_buffer_new (sizeof (Frame), RING);
  Side producer = { ring, 0, 0, 0 }, consumer = { ring, 0, 0, 0 };
  GThread *threads[2];
  Frame extra;

  g_assert_nonnull (ring);
  threads[0] = g_thread_new ("consumer", consumer_worker, &consumer);
  threads[1] = g_thread_new ("producer", producer_worker, &producer);
  g_thread_join (threads[1]);
  g_thread_join (threads[0]);

  g_assert_cmpuint (consumer.mismatches, ==, 0);
  /* Exactly N_FRAMES went through: nothing is left over, nothing more can be read. */
  g_assert_cmpuint (atl_ring_buffer_read_available (ring), ==, 0);
  g_assert_cmpuint (atl_ring_buffer_read (ring, &extra, 1), ==, 0);
  g_assert_cmpuint (atl_ring_buffer_write_available (ring), ==, RING);
  g_test_message ("%u frames; producer stalled %" G_GUINT64_FORMAT " times, consumer %"
                  G_GUINT64_FORMAT, N_FRAMES, producer.stalls, consumer.stalls);
  atl_ring_buffer_free (ring);
}

/* One thread: capacity rounding, partial writes when full, partial reads when short, and
 * the wrap of the storage in the middle of a chunk. */
static void
test_single_thread (void)
{
  AtlRingBuffer *ring = atl_ring_buffer_new (sizeof (Frame), 5);
  Frame in[16], out[16];

  g_assert_nonnull (ring);
  g_assert_cmpuint (ring->n_elements, ==, 8);
  for (uint32_t i = 0; i < 16; i++)
    in[i] = (Frame) { i, ~i ^ MIX };
  g_assert_cmpuint (atl_ring_buffer_write (ring, in, 6), ==, 6);
  g_assert_cmpuint (atl_ring_buffer_read (ring, out, 4), ==, 4);
  /* 2 left, 6 free; the next write wraps after 2 elements and is cut at 6. */
  g_assert_cmpuint (atl_ring_buffer_write_available (ring), ==, 6);
  g_assert_cmpuint (atl_ring_buffer_write (ring, in + 6, 10), ==, 6);
  g_assert_cmpuint (atl_ring_buffer_write (ring, in + 12, 1), ==, 0);
  g_assert_cmpuint (atl_ring_buffer_read_available (ring), ==, 8);
  g_assert_cmpuint (atl_ring_buffer_read (ring, out + 4, 16), ==, 8);
  for (uint32_t i = 0; i < 12; i++)
    {
      g_assert_cmpuint (out[i].left, ==, i);
      g_assert_cmpuint (out[i].right, ==, ~i ^ MIX);
    }
  g_assert_cmpuint (atl_ring_buffer_read (ring, out, 1), ==, 0);
  atl_ring_buffer_free (ring);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/ring-buffer/single-thread", test_single_thread);
  g_test_add_func ("/app/ring-buffer/two-threads", test_two_threads);
  return g_test_run ();
}
