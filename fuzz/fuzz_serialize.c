/* fuzz/fuzz_serialize.c: libFuzzer target for the Nx.deserialize reader: the term decoder
 * and the rebuilding of containers (fuzz_reader.h says what every input must give). */
#include "fuzz_reader.h"

static void read_input(const uint8_t *data, size_t size)
{
    nx_term_free(nx_deserialize(data, size));
}
