/* Small string helpers: formatting into new strings, writing to a host text sink, shell quoting. */
#ifndef PROCGROUP_TEXT_H_
#define PROCGROUP_TEXT_H_

#include <dlaunch/plugin.h>

#include <stdarg.h>
#include <stdbool.h>

/* A newly allocated formatted string (free it), or NULL when memory runs out. */
char *pg_format(const char *format, ...) __attribute__((format(printf, 1, 2)));
char *pg_vformat(const char *format, va_list args);

/* Formats and writes to `out`. False when memory runs out or the host wants no more output. */
bool pg_writef(const dlaunch_text_sink *out, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* `word` as one shell word: unchanged when it holds only safe characters, else single-quoted (free it). */
char *pg_shell_quote(const char *word);

#endif /* PROCGROUP_TEXT_H_ */
