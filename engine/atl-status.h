/* atl-status.h: how the engine reports failure.
 *
 * The engine has no GLib, so it cannot raise a GError. Every fallible call returns an
 * AtlStatus and, when given one, fills a caller-owned message buffer; the app layer turns
 * that into a GError. The engine never prints and never exits.
 */
#pragma once

#include <stddef.h>

typedef enum
{
  ATL_OK = 0,
  ATL_ERR_INVALID,   /* an argument or an input is malformed */
  ATL_ERR_NOMEM,     /* an allocation failed */
  ATL_ERR_RANGE,     /* a size or index is out of its allowed range */
  ATL_ERR_NUMERIC,   /* a NaN or an infinity where a finite number is required */
  ATL_ERR_IO,        /* a read or write failed */
} AtlStatus;

#define ATL_MSG_LEN 256

/* A caller-owned message; msg may be NULL when the caller does not want one. */
typedef struct
{
  char text[ATL_MSG_LEN];
} AtlMsg;

const char *atl_status_name (AtlStatus status);

/* Formats into msg (if not NULL) and returns status, so a failure is one line:
 *   return atl_fail (msg, ATL_ERR_RANGE, "context %d exceeds %d", t, max);
 */
AtlStatus atl_fail (AtlMsg *msg, AtlStatus status, const char *format, ...)
  __attribute__ ((format (printf, 3, 4)));
