/*
 * The product's one CSV reader (the agents import): RFC 4180 with what
 * spreadsheets actually save. A UTF-8 byte order mark is skipped; rows end
 * with CRLF or LF; a cell in double quotes may hold the delimiter, CR, LF
 * and doubled quotes; the delimiter is ',' or ';' (Excel in locales with a
 * decimal comma saves ';'), whichever the first line (the header) holds
 * more of outside quotes. Blank lines are skipped. Every row must have the
 * header's number of cells.
 *
 * Why not Debian's libcsv (libcsv3): it is a callback tokenizer that takes
 * the delimiter up front and knows nothing of encodings; the BOM, the
 * delimiter detection, the UTF-8 check, the row and column caps and the
 * ragged-row check would all still be written around it, and what is left
 * (quote handling) is the smaller part of this file. One dependency less,
 * and fuzz/csv.c covers the whole of it.
 *
 * The whole input is checked before anything is returned: on failure
 * nothing is allocated and *ret_error says what and where.
 */
#ifndef AGENTDESK_UTIL_CSV_PARSE_H
#define AGENTDESK_UTIL_CSV_PARSE_H

#include <stddef.h>

#include "util/result.h"

enum csv_parse_error {
        CSV_PARSE_OK = 0,
        CSV_PARSE_EMPTY,                 /* no header line */
        CSV_PARSE_ENCODING,              /* not UTF-8, or a NUL byte */
        CSV_PARSE_QUOTE,                 /* a quote left open, or text after a closing quote */
        CSV_PARSE_TOO_MANY_COLUMNS,      /* a row wider than max_cols */
        CSV_PARSE_TOO_MANY_ROWS,         /* more than max_rows rows after the header */
        CSV_PARSE_WIDTH,                 /* a row with another number of cells than the header */
        CSV_PARSE_NOMEM,                 /* (internal: csv_parse answers RESULT_NOMEM) */
};

struct csv_parsed {
        char delimiter;                  /* ',' or ';' */
        size_t n_cols;                   /* the header's cells */
        size_t n_rows;                   /* data rows, the header not counted */
        char **cells;                    /* (n_rows + 1) * n_cols, row-major; row 0 is the header */
        size_t *lines;                   /* n_rows + 1: the line each row starts on (1-based) */
        char *storage;                   /* the cells' text */
};

/* Where and what a failed parse found. */
struct csv_parse_failure {
        enum csv_parse_error error;
        size_t line;                     /* 1-based line of the input; 0 for the whole input */
};

/* Parses data (len bytes, need not be NUL-terminated). RESULT_INVALID with
 * *ret_failure filled on bad input, RESULT_NOMEM; *ret is untouched then.
 * On success free *ret with csv_parse_free(). */
enum result csv_parse(const char *data, size_t len, size_t max_rows, size_t max_cols,
                      struct csv_parsed *ret, struct csv_parse_failure *ret_failure);

/* The cell of data row r (1-based; 0 is the header) and column c. */
const char *csv_parse_cell(const struct csv_parsed *p, size_t r, size_t c);

/* A stable lower_snake word for an error ("unbalanced_quotes"…). */
const char *csv_parse_error_name(enum csv_parse_error error);

/* Frees what csv_parse() returned; accepts a zeroed struct. */
void csv_parse_free(struct csv_parsed *p);

#endif
