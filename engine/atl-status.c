/* atl-status.c: status names and the one-line failure helper. */
#include "atl-status.h"

#include <stdarg.h>
#include <stdio.h>

const char *
atl_status_name (AtlStatus status)
{
  switch (status)
    {
    case ATL_OK: return "ok";
    case ATL_ERR_INVALID: return "invalid input";
    case ATL_ERR_NOMEM: return "out of memory";
    case ATL_ERR_RANGE: return "out of range";
    case ATL_ERR_NUMERIC: return "not a finite number";
    case ATL_ERR_IO: return "input/output error";
    default: return "unknown status";
    }
}

AtlStatus
atl_fail (AtlMsg *msg, AtlStatus status, const char *format, ...)
{
  if (msg != NULL)
    {
      va_list args;

      va_start (args, format);
      vsnprintf (msg->text, sizeof msg->text, format, args);
      va_end (args);
    }
  return status;
}
