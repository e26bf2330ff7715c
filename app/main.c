/* main.c: the one entry point. A subcommand runs headless; otherwise the studio opens. */
#include <adwaita.h>
#include <locale.h>

#include "atl-application.h"
#include "atl-cli.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(AtlApplication) app = NULL;

  setlocale (LC_ALL, "");

  if (atl_cli_wants (argc, argv))
    return atl_cli_run (argc, argv);

  app = atl_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
