// The one translation unit that compiles toml++'s implementation (the rest include it with
// TOML_HEADER_ONLY=0), which keeps builds fast on small machines.
#define TOML_IMPLEMENTATION
#include <toml++/toml.h>
