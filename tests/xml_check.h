/* A small well-formedness check for the XML and XHTML-style HTML that
 * romsim writes: every element closed in order, attributes quoted, entities
 * known, nothing but text outside markup. Enough to catch a broken writer;
 * not a validating parser. */
#ifndef ROMSIM_XML_CHECK_H
#define ROMSIM_XML_CHECK_H

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Returns 0 when text is well formed, else -1 with a reason in why. HTML
 * mode allows a doctype and the void element meta written as <meta .../>.*/
static inline int xml_check(const char *text, char *why, size_t n) {
  char stack[64][32];
  int depth = 0, roots = 0;
  const char *p = text;
  if (strncmp(p, "<?xml", 5) == 0) p = strstr(p, "?>") + 2;
  while (*p) {
    if (*p != '<') {
      if (*p == '&') {
        const char *e = strchr(p, ';');
        if (!e || (strncmp(p, "&amp;", 5) && strncmp(p, "&lt;", 4) && strncmp(p, "&gt;", 4) &&
                   strncmp(p, "&quot;", 6) && strncmp(p, "&#", 2))) {
          snprintf(why, n, "bad entity at offset %ld", (long)(p - text));
          return -1;
        }
      } else if (!isspace((unsigned char)*p) && depth == 0) {
        snprintf(why, n, "text outside the root at offset %ld", (long)(p - text));
        return -1;
      }
      p++;
      continue;
    }
    if (strncmp(p, "<!DOCTYPE", 9) == 0 || strncmp(p, "<!--", 4) == 0) {
      const char *e = strncmp(p, "<!--", 4) == 0 ? strstr(p, "-->") : strchr(p, '>');
      if (!e) return snprintf(why, n, "unclosed declaration"), -1;
      p = e + 1;
      continue;
    }
    bool closing = p[1] == '/';
    const char *name = p + (closing ? 2 : 1), *q = name;
    while (isalnum((unsigned char)*q) || *q == '-' || *q == ':') q++;
    size_t len = (size_t)(q - name);
    if (len == 0 || len >= 32) return snprintf(why, n, "bad tag at offset %ld", (long)(p - text)), -1;
    /* Attributes: name="value" pairs. */
    while (*q && *q != '>' && !(*q == '/' && q[1] == '>')) {
      if (isspace((unsigned char)*q)) {
        q++;
        continue;
      }
      while (isalnum((unsigned char)*q) || *q == '-' || *q == ':') q++;
      if (*q != '=' || (q[1] != '"' && q[1] != '\''))
        return snprintf(why, n, "unquoted attribute at offset %ld", (long)(q - text)), -1;
      char quote = q[1];
      const char *e = strchr(q + 2, quote);
      if (!e) return snprintf(why, n, "unclosed attribute"), -1;
      for (const char *c = q + 2; c < e; c++)
        if (*c == '<') return snprintf(why, n, "'<' in an attribute at offset %ld", (long)(c - text)), -1;
      q = e + 1;
    }
    if (!*q) return snprintf(why, n, "unclosed tag"), -1;
    bool self = *q == '/';
    if (closing) {
      if (depth == 0 || strlen(stack[depth - 1]) != len || strncmp(stack[depth - 1], name, len) != 0)
        return snprintf(why, n, "</%.*s> closes <%s> at offset %ld", (int)len, name, depth ? stack[depth - 1] : "",
                        (long)(p - text)),
               -1;
      depth--;
    } else if (!self) {
      if (depth == 0) roots++;
      if (depth == 64) return snprintf(why, n, "too deep"), -1;
      memcpy(stack[depth], name, len);
      stack[depth++][len] = '\0';
    } else if (depth == 0) {
      roots++;
    }
    p = q + (self ? 2 : 1);
    /* The text of style elements is CSS: skip to its end. */
    if (!closing && !self && len == 5 && strncmp(name, "style", 5) == 0) {
      const char *e = strstr(p, "</style>");
      if (!e) return snprintf(why, n, "unclosed style"), -1;
      p = e;
    }
  }
  if (depth) return snprintf(why, n, "<%s> is never closed", stack[depth - 1]), -1;
  if (roots != 1) return snprintf(why, n, "%d root elements", roots), -1;
  return 0;
}

#endif
