/* atl-ring-buffer.h: a lock-free single-producer/single-consumer ring of fixed-size
 * elements, the shape of PortAudio's pa_ringbuffer on C11 atomics.
 *
 * One thread writes, one thread reads, neither ever blocks or allocates: the audio
 * callback reads PCM frames the player's feeder thread wrote. The indices grow without
 * wrapping (masked on use); the writer publishes with a release store after copying, the
 * reader acquires before copying, so a reader never sees an index ahead of the data.
 */
#pragma once

#include <stdatomic.h>
#include <stddef.h>

typedef struct
{
  size_t        n_elements;     /* a power of two */
  size_t        element_size;   /* bytes */
  size_t        mask;
  atomic_size_t write_index;
  atomic_size_t read_index;
  char         *data;           /* (n_elements, element_size) */
} AtlRingBuffer;

/* Room for at least n_elements (rounded up to a power of two); NULL if out of memory. */
AtlRingBuffer *atl_ring_buffer_new             (size_t         element_size,
                                                size_t         n_elements);
void           atl_ring_buffer_free            (AtlRingBuffer *ring);

/* Producer side. */
size_t         atl_ring_buffer_write_available (AtlRingBuffer *ring);
size_t         atl_ring_buffer_write           (AtlRingBuffer *ring,
                                                const void    *elements,
                                                size_t         n);
/* Consumer side. */
size_t         atl_ring_buffer_read_available  (AtlRingBuffer *ring);
size_t         atl_ring_buffer_read            (AtlRingBuffer *ring,
                                                void          *elements,
                                                size_t         n);
