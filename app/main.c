/* main.c: the one entry point. A subcommand runs headless; otherwise the studio opens. */
#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <signal.h>

#include "atl-application.h"
#include "atl-cli.h"
#include "atl-config.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(AtlApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* A file-size limit (a full quota) must fail a write with EFBIG, which every writer
   * reports and cleans up after, rather than end the studio in the middle of a save. */
  signal (SIGXFSZ, SIG_IGN);
  /* The .ui templates and _() both read the default text domain. */
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (atl_cli_wants (argc, argv))
    return atl_cli_run (argc, argv);

  app = atl_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
