/* Unit tests of the one CSV writer (util/csv.c): RFC 4180 quoting, the
 * neutralisation of formula cells, numbers left alone, the buffer's cap. */
#include <string.h>

#include "check.h"
#include "util/csv.h"

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

int main(void)
{
        test_quoting();
        test_formulas();
        test_numbers();
        test_cap();
        return CHECK_DONE();
}
