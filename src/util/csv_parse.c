/* The CSV reader; see csv_parse.h (RFC 4180, with a BOM, LF endings and
 * ';' as spreadsheets save them). */
#include "util/csv_parse.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Whether s (len bytes) is UTF-8 (RFC 3629: shortest forms, no surrogates,
 * nothing past U+10FFFF) without a NUL byte. Control characters are the
 * import's business, not the reader's (CR and LF end rows). */
static bool utf8_clean(const unsigned char *s, size_t len)
{
        size_t i = 0;

        while (i < len) {
                unsigned char c = s[i];
                size_t need;
                unsigned cp;

                if (c == 0)
                        return false;
                if (c < 0x80) {
                        i++;
                        continue;
                }
                if (c >= 0xc2 && c <= 0xdf)
                        need = 1, cp = c & 0x1fu;
                else if (c >= 0xe0 && c <= 0xef)
                        need = 2, cp = c & 0x0fu;
                else if (c >= 0xf0 && c <= 0xf4)
                        need = 3, cp = c & 0x07u;
                else
                        return false;
                if (len - i - 1 < need)
                        return false;
                for (size_t k = 1; k <= need; k++) {
                        if ((s[i + k] & 0xc0) != 0x80)
                                return false;
                        cp = cp << 6 | (s[i + k] & 0x3fu);
                }
                if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
                    (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
                        return false;
                i += need + 1;
        }
        return true;
}

/* ',' or ';': whichever the first line holds more of outside quotes
 * (',' on a tie, as RFC 4180 says). */
static char detect_delimiter(const char *s, size_t len)
{
        size_t commas = 0, semicolons = 0;
        bool quoted = false;

        for (size_t i = 0; i < len; i++) {
                if (s[i] == '"')
                        quoted = !quoted;   /* a doubled quote toggles twice */
                else if (!quoted && s[i] == '\n')
                        break;
                else if (!quoted && s[i] == ',')
                        commas++;
                else if (!quoted && s[i] == ';')
                        semicolons++;
        }
        return semicolons > commas ? ';' : ',';
}

/* Growing arrays of the parse; freed on failure. */
struct parse {
        const char *s;
        size_t len, i, line;
        size_t row_line;                 /* where the row being read starts */
        char *out;                       /* the next byte of storage */
        char **cells;
        size_t n_cells, cap_cells;
        size_t *lines;
        size_t n_lines, cap_lines;
};

static bool push_cell(struct parse *p, char *cell)
{
        if (p->n_cells == p->cap_cells) {
                size_t cap = p->cap_cells ? 2 * p->cap_cells : 64;
                char **grown = realloc(p->cells, cap * sizeof(*grown));
                if (!grown)
                        return false;
                p->cells = grown;
                p->cap_cells = cap;
        }
        p->cells[p->n_cells++] = cell;
        return true;
}

static bool push_line(struct parse *p, size_t line)
{
        if (p->n_lines == p->cap_lines) {
                size_t cap = p->cap_lines ? 2 * p->cap_lines : 64;
                size_t *grown = realloc(p->lines, cap * sizeof(*grown));
                if (!grown)
                        return false;
                p->lines = grown;
                p->cap_lines = cap;
        }
        p->lines[p->n_lines++] = line;
        return true;
}

/* Whether the input at p->i ends a row (LF, CRLF or the end): consumed. */
static bool at_row_end(struct parse *p)
{
        if (p->i >= p->len)
                return true;
        if (p->s[p->i] == '\n') {
                p->i++;
                p->line++;
                return true;
        }
        if (p->s[p->i] == '\r' && p->i + 1 < p->len && p->s[p->i + 1] == '\n') {
                p->i += 2;
                p->line++;
                return true;
        }
        return false;
}

/* One cell into storage; CSV_PARSE_QUOTE when a quoted cell is left open
 * or followed by anything but a delimiter or a row end (not consumed). */
static enum csv_parse_error read_cell(struct parse *p, char delimiter)
{
        const char *s = p->s;

        if (p->i < p->len && s[p->i] == '"') {
                p->i++;
                for (;;) {
                        if (p->i >= p->len)
                                return CSV_PARSE_QUOTE;
                        if (s[p->i] == '"') {
                                if (p->i + 1 < p->len && s[p->i + 1] == '"') {
                                        *p->out++ = '"';
                                        p->i += 2;
                                        continue;
                                }
                                p->i++;
                                break;
                        }
                        if (s[p->i] == '\n')
                                p->line++;
                        *p->out++ = s[p->i++];
                }
                if (p->i < p->len && s[p->i] != delimiter && s[p->i] != '\n' &&
                    !(s[p->i] == '\r' && p->i + 1 < p->len && s[p->i + 1] == '\n'))
                        return CSV_PARSE_QUOTE;
        } else {
                while (p->i < p->len && s[p->i] != delimiter && s[p->i] != '\n' &&
                       !(s[p->i] == '\r' && p->i + 1 < p->len && s[p->i + 1] == '\n'))
                        *p->out++ = s[p->i++];
        }
        *p->out++ = '\0';
        return CSV_PARSE_OK;
}

/* The rows, header first; p->lines gets each row's first line. */
static enum csv_parse_error read_rows(struct parse *p, char delimiter, size_t max_rows,
                                      size_t max_cols, size_t *ret_cols, size_t *ret_rows)
{
        size_t n_cols = 0, n_rows = 0;

        while (p->i < p->len) {
                size_t in_row = 0, first_line = p->line;

                p->row_line = first_line;

                if (at_row_end(p))
                        continue;        /* a blank line */
                if (n_cols && n_rows == max_rows)
                        return CSV_PARSE_TOO_MANY_ROWS;
                for (;;) {
                        enum csv_parse_error error;
                        char *cell = p->out;

                        if (in_row == max_cols)
                                return CSV_PARSE_TOO_MANY_COLUMNS;
                        error = read_cell(p, delimiter);
                        if (error)
                                return error;
                        if (!push_cell(p, cell))
                                return CSV_PARSE_NOMEM;
                        in_row++;
                        if (at_row_end(p))
                                break;
                        p->i++;          /* the delimiter: another cell follows, even at the end */
                }
                if (!push_line(p, first_line))
                        return CSV_PARSE_NOMEM;
                if (!n_cols)
                        n_cols = in_row;
                else if (in_row != n_cols)
                        return CSV_PARSE_WIDTH;
                else
                        n_rows++;
        }
        if (!n_cols)
                return CSV_PARSE_EMPTY;
        *ret_cols = n_cols;
        *ret_rows = n_rows;
        return CSV_PARSE_OK;
}

enum result csv_parse(const char *data, size_t len, size_t max_rows, size_t max_cols,
                      struct csv_parsed *ret, struct csv_parse_failure *ret_failure)
{
        struct parse p = { .s = data, .len = len, .line = 1 };
        enum csv_parse_error error;
        size_t n_cols = 0, n_rows = 0;
        char *storage;

        if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
                p.s += 3;
                p.len -= 3;
        }
        if (!utf8_clean((const unsigned char *)p.s, p.len)) {
                *ret_failure = (struct csv_parse_failure){ .error = CSV_PARSE_ENCODING };
                return RESULT_INVALID;
        }
        /* Unquoting only shrinks; each cell's NUL takes the place of the
         * delimiter or row end after it, but the last one's. */
        storage = malloc(p.len + 1);
        if (!storage)
                return RESULT_NOMEM;
        p.out = storage;
        error = read_rows(&p, detect_delimiter(p.s, p.len), max_rows, max_cols, &n_cols, &n_rows);
        if (error) {
                free(storage);
                free(p.cells);
                free(p.lines);
                if (error == CSV_PARSE_NOMEM)
                        return RESULT_NOMEM;
                *ret_failure = (struct csv_parse_failure){
                        .error = error, .line = error == CSV_PARSE_EMPTY ? 0 : p.row_line };
                return RESULT_INVALID;
        }
        *ret = (struct csv_parsed){ .delimiter = detect_delimiter(p.s, p.len), .n_cols = n_cols,
                                    .n_rows = n_rows, .cells = p.cells, .lines = p.lines,
                                    .storage = storage };
        return RESULT_OK;
}

const char *csv_parse_cell(const struct csv_parsed *p, size_t r, size_t c)
{
        return p->cells[r * p->n_cols + c];
}

const char *csv_parse_error_name(enum csv_parse_error error)
{
        switch (error) {
        case CSV_PARSE_OK:
                return "ok";
        case CSV_PARSE_EMPTY:
                return "csv_empty";
        case CSV_PARSE_ENCODING:
                return "csv_encoding";
        case CSV_PARSE_QUOTE:
                return "csv_unbalanced_quotes";
        case CSV_PARSE_TOO_MANY_COLUMNS:
                return "csv_too_many_columns";
        case CSV_PARSE_TOO_MANY_ROWS:
                return "csv_too_many_rows";
        case CSV_PARSE_WIDTH:
                return "csv_row_width";
        case CSV_PARSE_NOMEM:
                return "out_of_memory";
        }
        return "csv_invalid";
}

void csv_parse_free(struct csv_parsed *p)
{
        free(p->cells);
        free(p->lines);
        free(p->storage);
        *p = (struct csv_parsed){ 0 };
}
