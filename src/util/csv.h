/*
 * The product's one CSV writer (every CSV download goes through it:
 * usage.csv, agents.csv). RFC 4180: cells separated by ',', rows ended
 * by CRLF, a cell quoted when it holds ',', '"', CR or LF, a quote inside
 * doubled. Against formula injection (OWASP "CSV Injection"): a text cell
 * that starts with '=', '+', '-', '@', TAB or CR is written with a
 * leading '\'' so a spreadsheet shows it as text; number cells
 * (csv_int) are written as numbers, never prefixed.
 *
 * Errors are sticky: the first failure of the buffer (its cap, memory)
 * stops the writing and csv_result() reports it, so a caller checks once.
 */
#ifndef AGENTDESK_UTIL_CSV_H
#define AGENTDESK_UTIL_CSV_H

#include <stdbool.h>
#include <stdint.h>

#include "util/buf.h"

struct csv {
        struct buf *out;                 /* borrowed */
        bool mid_row;                    /* a cell was written on this row */
        enum result result;
};

/* Writes into out (borrowed, capped by its creator). */
void csv_init(struct csv *c, struct buf *out);

/* A text cell (NULL: empty), neutralised and quoted as needed. */
void csv_text(struct csv *c, const char *s);

/* A number cell. */
void csv_int(struct csv *c, int64_t v);

/* Ends the row (CRLF). */
void csv_end_row(struct csv *c);

/* RESULT_OK, or the first failure of the buffer. */
enum result csv_result(const struct csv *c);

#endif
