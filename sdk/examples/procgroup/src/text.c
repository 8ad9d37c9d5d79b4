#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *pg_vformat(const char *format, va_list args) {
  va_list measure;
  va_copy(measure, args);
  int size = vsnprintf(NULL, 0, format, measure);
  va_end(measure);
  if (size < 0) return NULL;
  char *text = malloc((size_t)size + 1);
  if (text != NULL) vsnprintf(text, (size_t)size + 1, format, args);
  return text;
}

char *pg_format(const char *format, ...) {
  va_list args;
  va_start(args, format);
  char *text = pg_vformat(format, args);
  va_end(args);
  return text;
}

bool pg_writef(const dlaunch_text_sink *out, const char *format, ...) {
  va_list args;
  va_start(args, format);
  char *text = pg_vformat(format, args);
  va_end(args);
  bool wanted = text != NULL && out->write(out->context, text, strlen(text));
  free(text);
  return wanted;
}

char *pg_shell_quote(const char *word) {
  static const char safe[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-";
  if (*word != '\0' && strspn(word, safe) == strlen(word)) return pg_format("%s", word);
  /* Inside single quotes only the quote itself needs care: close, escape it, reopen. */
  size_t quotes = 0;
  for (const char *c = word; *c != '\0'; ++c) quotes += *c == '\'';
  char *quoted = malloc(strlen(word) + quotes * 3 + 3);
  if (quoted == NULL) return NULL;
  char *end = quoted;
  *end++ = '\'';
  for (const char *c = word; *c != '\0'; ++c) {
    if (*c == '\'') {
      memcpy(end, "'\\''", 4);
      end += 4;
    } else {
      *end++ = *c;
    }
  }
  *end++ = '\'';
  *end = '\0';
  return quoted;
}
