/* Unit tests of the one CSV writer (util/csv.c): RFC 4180 quoting, the
 * neutralisation of formula cells, numbers left alone, the buffer's cap;
 * and of the reader (util/csv_parse.c): quotes, line endings, the BOM,
 * the delimiter, the caps and each refusal with its line. */
#include <string.h>

#include "check.h"
#include "util/csv.h"
#include "util/csv_parse.h"

/* Writes one row of text cells and returns the buffer's text. */
static const char *row(struct buf *b, const char *const *cells, size_t n)
{
        struct csv c;

        buf_free(b);
        csv_init(&c, b);
        for (size_t i = 0; i < n; i++)
                csv_text(&c, cells[i]);
        csv_end_row(&c);
        CHECK_INT_EQ(csv_result(&c), RESULT_OK);
        return b->data ? b->data : "";
}

static void test_quoting(void)
{
        struct buf b;
        const char *plain[] = { "a", "b c", "", NULL };
        const char *special[] = { "x,y", "say \"hi\"", "two\nlines", "cr\rhere", "\"" };

        buf_init(&b, 4096);
        CHECK_STR_EQ(row(&b, plain, 4), "a,b c,,\r\n");
        CHECK_STR_EQ(row(&b, special, 5),
                     "\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\",\"\"\"\"\r\n");
        buf_free(&b);
}

static void test_formulas(void)
{
        struct buf b;
        const char *formulas[] = { "=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx" };
        const char *harmless[] = { "a=1", "1-2", "x@y", " =1" };
        const char *quoted[] = { "=HYPERLINK(\"http://x\",\"y\")", "-a,b" };

        buf_init(&b, 4096);
        CHECK_STR_EQ(row(&b, formulas, 6), "'=1+2,'+1,'-1,'@SUM(A1),'\tx,\"'\rx\"\r\n");
        CHECK_STR_EQ(row(&b, harmless, 4), "a=1,1-2,x@y, =1\r\n");
        /* The prefix goes inside the quotes: the cell's text starts with it. */
        CHECK_STR_EQ(row(&b, quoted, 2),
                     "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",\"'-a,b\"\r\n");
        buf_free(&b);
}

static void test_numbers(void)
{
        struct buf b;
        struct csv c;

        buf_init(&b, 4096);
        csv_init(&c, &b);
        csv_text(&c, "day");
        csv_int(&c, -5);
        csv_int(&c, 0);
        csv_int(&c, 9007199254740993LL);
        csv_end_row(&c);
        csv_int(&c, 1);
        csv_end_row(&c);
        CHECK_INT_EQ(csv_result(&c), RESULT_OK);
        /* A number column is never prefixed, a negative one included. */
        CHECK_STR_EQ(b.data, "day,-5,0,9007199254740993\r\n1\r\n");
        buf_free(&b);
}

static void test_cap(void)
{
        struct buf b;
        struct csv c;

        buf_init(&b, 8);
        csv_init(&c, &b);
        csv_text(&c, "abcdef");
        csv_text(&c, "ghijkl");
        csv_end_row(&c);
        CHECK_INT_EQ(csv_result(&c), RESULT_TOO_BIG);
        /* Nothing past the failure: the text ends at the last whole write. */
        CHECK_STR_EQ(b.data, "abcdef,");
        buf_free(&b);
}

/* Parses text (NUL-terminated) expecting success. */
static void parse_ok(const char *text, struct csv_parsed *p)
{
        struct csv_parse_failure f = { 0 };

        CHECK_INT_EQ(csv_parse(text, strlen(text), 10, 8, p, &f), RESULT_OK);
        CHECK_INT_EQ(f.error, CSV_PARSE_OK);
}

static void parse_bad(const char *text, size_t len, enum csv_parse_error error, size_t line)
{
        struct csv_parsed p = { 0 };
        struct csv_parse_failure f = { 0 };

        CHECK_INT_EQ(csv_parse(text, len, 2, 8, &p, &f), RESULT_INVALID);
        CHECK_INT_EQ(f.error, error);
        CHECK_INT_EQ(f.line, line);
        CHECK(p.cells == NULL);
}

static void test_parse(void)
{
        struct csv_parsed p;

        /* Quotes hold the delimiter, doubled quotes and a line break; CRLF
         * and LF both end rows; the last line needs no ending. */
        parse_ok("a,b,c\r\n\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"\n,,\n1,2,3", &p);
        CHECK_INT_EQ(p.delimiter, ',');
        CHECK_INT_EQ(p.n_cols, 3);
        CHECK_INT_EQ(p.n_rows, 3);
        CHECK_STR_EQ(csv_parse_cell(&p, 0, 2), "c");
        CHECK_STR_EQ(csv_parse_cell(&p, 1, 0), "x,1");
        CHECK_STR_EQ(csv_parse_cell(&p, 1, 1), "say \"hi\"");
        CHECK_STR_EQ(csv_parse_cell(&p, 1, 2), "two\nlines");
        CHECK_STR_EQ(csv_parse_cell(&p, 2, 1), "");
        CHECK_STR_EQ(csv_parse_cell(&p, 3, 2), "3");
        CHECK_INT_EQ(p.lines[3], 5);     /* the quoted line break counts */
        csv_parse_free(&p);
        /* A BOM is skipped, ';' detected from the header (its commas are
         * text then), blank lines skipped. */
        parse_ok("\xef\xbb\xbfname;note\r\n\r\nAnn;1,5\n\n", &p);
        CHECK_INT_EQ(p.delimiter, ';');
        CHECK_STR_EQ(csv_parse_cell(&p, 0, 0), "name");
        CHECK_STR_EQ(csv_parse_cell(&p, 1, 1), "1,5");
        CHECK_INT_EQ(p.n_rows, 1);
        CHECK_INT_EQ(p.lines[1], 3);
        csv_parse_free(&p);
        /* A trailing delimiter is an empty last cell. */
        parse_ok("a,b\n1,", &p);
        CHECK_STR_EQ(csv_parse_cell(&p, 1, 1), "");
        csv_parse_free(&p);
        csv_parse_free(&p);              /* a zeroed struct is fine */

        parse_bad("", 0, CSV_PARSE_EMPTY, 0);
        parse_bad("\n\r\n", 3, CSV_PARSE_EMPTY, 0);
        parse_bad("a,b\n\"open,1\n2,3\n", 16, CSV_PARSE_QUOTE, 2);
        parse_bad("a\n\"x\"y\n", 7, CSV_PARSE_QUOTE, 2);
        parse_bad("a,b\n1,2,3\n", 10, CSV_PARSE_WIDTH, 2);
        parse_bad("a,b\n1\n", 6, CSV_PARSE_WIDTH, 2);
        parse_bad("a\n1\n2\n3\n", 8, CSV_PARSE_TOO_MANY_ROWS, 4);
        parse_bad("1,2,3,4,5,6,7,8,9\n", 18, CSV_PARSE_TOO_MANY_COLUMNS, 1);
        parse_bad("a\n\xe9t\xe9\n", 7, CSV_PARSE_ENCODING, 0);      /* Latin-1 */
        parse_bad("a\n\xed\xa0\x80\n", 6, CSV_PARSE_ENCODING, 0);  /* a surrogate */
        parse_bad("a\n\xc0\xaf\n", 5, CSV_PARSE_ENCODING, 0);      /* overlong */
        parse_bad("a\nx\0y\n", 6, CSV_PARSE_ENCODING, 0);
        CHECK_STR_EQ(csv_parse_error_name(CSV_PARSE_QUOTE), "csv_unbalanced_quotes");
}

int main(void)
{
        test_parse();
        test_quoting();
        test_formulas();
        test_numbers();
        test_cap();
        return CHECK_DONE();
}
