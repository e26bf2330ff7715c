/* atl-ring-buffer.c: see the header; the memory orders are the whole design. */
#include "atl-ring-buffer.h"

#include <stdlib.h>
#include <string.h>

AtlRingBuffer *
atl_ring_buffer_new (size_t element_size, size_t n_elements)
{
  AtlRingBuffer *ring;
  size_t n = 1;

  while (n < n_elements)
    n <<= 1;
  ring = calloc (1, sizeof *ring);
  if (ring == NULL)
    return NULL;
  ring->data = calloc (n, element_size);
  if (ring->data == NULL)
    {
      free (ring);
      return NULL;
    }
  ring->n_elements = n;
  ring->element_size = element_size;
  ring->mask = n - 1;
  atomic_init (&ring->write_index, 0);
  atomic_init (&ring->read_index, 0);
  return ring;
}

void
atl_ring_buffer_free (AtlRingBuffer *ring)
{
  if (ring == NULL)
    return;
  free (ring->data);
  free (ring);
}

size_t
atl_ring_buffer_write_available (AtlRingBuffer *ring)
{
  size_t w = atomic_load_explicit (&ring->write_index, memory_order_relaxed);
  size_t r = atomic_load_explicit (&ring->read_index, memory_order_acquire);

  return ring->n_elements - (w - r);
}

size_t
atl_ring_buffer_read_available (AtlRingBuffer *ring)
{
  size_t r = atomic_load_explicit (&ring->read_index, memory_order_relaxed);
  size_t w = atomic_load_explicit (&ring->write_index, memory_order_acquire);

  return w - r;
}

/* Copies n elements between the ring at logical index `at` and flat memory, in at most
 * two pieces around the end of the storage. */
static void
copy_in (AtlRingBuffer *ring, size_t at, const char *src, size_t n)
{
  size_t start = at & ring->mask;
  size_t first = n < ring->n_elements - start ? n : ring->n_elements - start;

  memcpy (ring->data + start * ring->element_size, src, first * ring->element_size);
  memcpy (ring->data, src + first * ring->element_size, (n - first) * ring->element_size);
}

static void
copy_out (AtlRingBuffer *ring, size_t at, char *dst, size_t n)
{
  size_t start = at & ring->mask;
  size_t first = n < ring->n_elements - start ? n : ring->n_elements - start;

  memcpy (dst, ring->data + start * ring->element_size, first * ring->element_size);
  memcpy (dst + first * ring->element_size, ring->data, (n - first) * ring->element_size);
}

size_t
atl_ring_buffer_write (AtlRingBuffer *ring, const void *elements, size_t n)
{
  size_t w = atomic_load_explicit (&ring->write_index, memory_order_relaxed);
  size_t r = atomic_load_explicit (&ring->read_index, memory_order_acquire);
  size_t room = ring->n_elements - (w - r);

  if (n > room)
    n = room;
  copy_in (ring, w, elements, n);
  /* Publish: the reader that sees the new index also sees the data. */
  atomic_store_explicit (&ring->write_index, w + n, memory_order_release);
  return n;
}

size_t
atl_ring_buffer_read (AtlRingBuffer *ring, void *elements, size_t n)
{
  size_t r = atomic_load_explicit (&ring->read_index, memory_order_relaxed);
  size_t w = atomic_load_explicit (&ring->write_index, memory_order_acquire);
  size_t have = w - r;

  if (n > have)
    n = have;
  copy_out (ring, r, elements, n);
  /* Hand the slots back only after the copy is done. */
  atomic_store_explicit (&ring->read_index, r + n, memory_order_release);
  return n;
}
