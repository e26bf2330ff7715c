/* asan-full-unwind.h: included once by each test program whose third-party libraries
 * allocate process-lifetime memory in places a fast unwind cannot name.
 *
 * Under AddressSanitizer, malloc stacks are normally unwound by frame pointers, which
 * stop at the first library built without them. ALSA loads plugin modules with
 * snd_dlopen while PortAudio scans the devices; their dependencies' constructors
 * (libgomp, pixman behind the a52 plugin) allocate process-lifetime tables, and
 * Pa_Terminate unloads the modules again, so LeakSanitizer reports those tables from an
 * "unknown module" with a two-frame stack that no suppression can name. Unwinding fully
 * (slower, but these tests allocate little) shows snd_dlopen in the stack, which
 * tests/lsan.supp suppresses, and nothing else. The environment's ASAN_OPTIONS still
 * apply on top of this default.
 *
 * The UI test needs it for the same reason: GLib allocates tables in its library
 * constructor (under _dl_init) that it keeps for the life of the process, and only a full
 * unwind shows _dl_init in the stack for tests/lsan.supp to match.
 */
#pragma once

const char *__asan_default_options (void);

const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}
