/* bench-nn.c: the nn benchmark as a meson benchmark(); the same code as
 * `atelier bench nn` (app/atl-bench-nn.c). Pass --json for one JSON object, --no-pytorch
 * to skip the peer. */
#include <glib.h>
#include <stdio.h>

#include "atl-bench-nn.h"

int
main (int    argc,
      char **argv)
{
  AtlBenchNnOptions options;
  AtlBenchNnResult result;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean json = FALSE;

  atl_bench_nn_options_init (&options);
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--json"))
        json = TRUE;
      else if (g_str_equal (argv[i], "--no-pytorch"))
        options.pytorch = FALSE;
    }
  if (!atl_bench_nn_run (&options, &result, &error))
    {
      fprintf (stderr, "bench-nn: %s\n", error->message);
      return 1;
    }
  text = atl_bench_nn_format (&result, json);
  printf ("%s\n", text);
  return 0;
}
