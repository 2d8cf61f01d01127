/*
 * libFuzzer driver: the CSV reader of util/csv_parse.c (the agents
 * import's files), fed any bytes.
 *
 * Besides what ASan/UBSan catch, it checks the reader's contract: a failed
 * parse allocates nothing and names an error and, but for the whole-input
 * ones, a line inside the input; a good one has a header, every row the
 * header's width within the caps, each cell NUL-terminated inside the
 * storage, and rows starting on increasing lines.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/csv_parse.h"

#define MAX_ROWS 64
#define MAX_COLS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct csv_parsed p = { 0 };
        struct csv_parse_failure f = { 0 };
        size_t newlines = 1;
        enum result result;

        for (size_t i = 0; i < size; i++)
                newlines += data[i] == '\n';
        result = csv_parse((const char *)data, size, MAX_ROWS, MAX_COLS, &p, &f);
        if (result == RESULT_INVALID) {
                if (p.cells || p.storage || f.error == CSV_PARSE_OK || f.line > newlines)
                        abort();
                if ((f.error == CSV_PARSE_EMPTY || f.error == CSV_PARSE_ENCODING) != (f.line == 0))
                        abort();
                return 0;
        }
        if (result != RESULT_OK)
                return 0;        /* out of memory */
        if (p.n_cols == 0 || p.n_cols > MAX_COLS || p.n_rows > MAX_ROWS ||
            (p.delimiter != ',' && p.delimiter != ';'))
                abort();
        for (size_t r = 0; r <= p.n_rows; r++) {
                if (r && p.lines[r] <= p.lines[r - 1])
                        abort();
                if (p.lines[r] > newlines)
                        abort();
                for (size_t c = 0; c < p.n_cols; c++) {
                        const char *cell = csv_parse_cell(&p, r, c);
                        if (cell < p.storage || cell + strlen(cell) >= p.storage + size + 1)
                                abort();
                }
        }
        csv_parse_free(&p);
        return 0;
}
