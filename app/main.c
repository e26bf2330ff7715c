/* main.c: the one entry point. A subcommand runs headless; otherwise the studio opens. */
#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "atl-application.h"
#include "atl-cli.h"
#include "atl-config.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(AtlApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* The .ui templates and _() both read the default text domain. */
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (atl_cli_wants (argc, argv))
    return atl_cli_run (argc, argv);

  app = atl_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
