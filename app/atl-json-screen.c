/* atl-json-screen.c: see atl-json-screen.h. One pass, no allocation: it runs on every
 * line of a preference file and on every checkpoint header before anything else. */
#include "atl-json-screen.h"

#include <string.h>

const char *
atl_json_screen (const char *text,
                 gsize       length,
                 guint       max_depth)
{
  gboolean in_string = FALSE;
  guint digits = 0, depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (in_string)
        {
          if (c == '\\')
            i++;  /* the escaped character cannot end the string */
          else if (c == '"')
            in_string = FALSE;
          else if ((guchar) c < 0x20)
            return "a control character inside a string";
          continue;
        }

      if (g_ascii_isdigit (c))
        {
          if (++digits > ATL_JSON_MAX_INT_DIGITS)
            return "a number too long to be exact";
          continue;
        }
      digits = 0;

      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > max_depth)
            return "lists or objects nested too deep";
        }
      else if (c == '}' || c == ']')
        depth = depth > 0 ? depth - 1 : 0;  /* unbalanced: the parser will say so */
      else if (c == '\0' || strchr (" \t\r\n{}[]:,+-.eEtruefalsn", c) == NULL)
        return "a character that is not JSON";
    }

  return in_string ? "an unterminated string" : NULL;
}
