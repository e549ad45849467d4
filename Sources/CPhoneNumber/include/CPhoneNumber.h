// A C face on libphonenumber (Google's library for parsing, validating and formatting telephone numbers; Debian
// `libphonenumber-dev`, C++). Swift calls this function; the C++ stays in this target.
#ifndef CPHONENUMBER_H
#define CPHONENUMBER_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Writes into `out` (NUL-terminated, at most `capacity` bytes) the E.164 number `e164` ("+33698765432") grouped the
/// way its country writes it: in international form ("+33 6 98 76 54 32") or, when `national` is not 0, in its
/// country's national form ("06 98 76 54 32"). Returns the length written, or 0 when libphonenumber does not know it
/// as a valid number of its country (the caller then shows it as stored).
size_t switchboard_phone_format(const char *e164, int national, char *out, size_t capacity);

#ifdef __cplusplus
}
#endif

#endif
