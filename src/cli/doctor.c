/* agentdesk doctor: checks every setting and really connects: the store,
 * the key file, and every cluster (domain/health/doctor.h). One line per
 * check; non-zero exit when one failed. Changes nothing. */
#include <inttypes.h>
#include <stdio.h>

#include "cli/cli.h"
#include "domain/core/credentials.h"
#include "domain/health/doctor.h"
#include "domain/provisioning/keys.h"

/* One line of the report; returns 1 for a failure. */
static int check_line(bool ok, const char *check, const char *detail)
{
        printf("%-5s %s: %s\n", ok ? "ok" : "FAIL", check, detail);
        return !ok;
}

static int print_rows(struct doctor_rows *rows)
{
        int failed = 0;

        for (size_t i = 0; i < rows->n; i++)
                failed += check_line(rows->rows[i].ok, rows->rows[i].check, rows->rows[i].detail);
        doctor_rows_free(rows);
        return failed;
}

/* Whether the key file opens every sealed value (keys.h). */
static int check_sealed(struct app *app)
{
        struct keys_report r;
        int64_t total = 0, unopened = 0, older = 0;
        char detail[400];

        if (keys_check(app, &r) != RESULT_OK)
                return check_line(false, "sealed secrets", "cannot be read");
        for (int c = 0; c < STORE_SEALED__MAX; c++) {
                total += r.total[c];
                unopened += r.unopened[c];
                older += r.older[c];
        }
        if (unopened) {
                snprintf(detail, sizeof(detail),
                         "%" PRId64 " of %" PRId64 " cannot be opened with the key file (%" PRId64
                         " SIP secrets): a lost or wrong key? Put the right key file back, or run "
                         "agentdesk rekey (new SIP passwords for those extensions)",
                         unopened, total, r.unopened[STORE_SEALED_SIP_SECRET]);
                return check_line(false, "sealed secrets", detail);
        }
        snprintf(detail, sizeof(detail), "all %" PRId64 " open with the key file (current key %d)%s",
                 total, credentials_key_id(),
                 older ? "; some still under an older key: run agentdesk key rotate again" : "");
        return check_line(true, "sealed secrets", detail);
}

static int run(const struct cli_args *args, const struct settings *cfg)
{
        struct app app = { .settings = *cfg };
        struct doctor_rows rows = { 0 };
        int failed = 0;
        bool up = false, keyed = false;

        (void)args;
        setvbuf(stdout, NULL, _IOLBF, 0);  /* in order with the reasons on stderr */
        /* Invalid settings never get here: cli_run() printed them. */
        failed += check_line(true, "settings", "every setting is valid");
        if (cli_open_store(cfg, false, &app.store) < 0) {
                failed += check_line(false, "store", "cannot open (see above)");
        } else {
                (void)doctor_store(&app, &rows, &up);
                failed += print_rows(&rows);
                keyed = cli_open_key(cfg, app.store, false) == 0;
                failed += check_line(keyed, "secret key",
                                     keyed ? "loaded" : "missing or unreadable (see above)");
                if (keyed && up)
                        failed += check_sealed(&app);
        }
        failed += check_line(cfg->xmlcurl_password[0] != '\0', "mod_xml_curl credentials",
                             cfg->xmlcurl_password[0] ? "AGENTDESK_XMLCURL_PASSWORD is set"
                                                      : "AGENTDESK_XMLCURL_PASSWORD is not set: every "
                                                        "lookup is refused");
        if (doctor_mail(&app, up, &rows) != RESULT_OK ||
            doctor_clusters(&app, up && keyed, &rows) != RESULT_OK)
                failed += check_line(false, "doctor", "out of memory");
        failed += print_rows(&rows);
        if (app.store)
                store_close(app.store);
        return failed ? 1 : 0;
}

const struct cli_command cli_doctor = {
        "doctor",
        "doctor [--db URL] [--config FILE]\n"
        "    Check every setting and really connect: the store, the key file, and for\n"
        "    every cluster its conf dirs (push modes) and each node's Event Socket\n"
        "    (login, status, sofia profile). One line per check; exits non-zero when\n"
        "    one fails.",
        NULL, run, false,
};
