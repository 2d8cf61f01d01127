/* CSV import and export of agents (issue 21): POST /v1/admin/agents/import,
 * GET /v1/admin/imports/:id and its result.csv, GET /v1/admin/agents.csv.
 * The rules are domain/identity/imports.h's; the CSV written goes through
 * util/csv.c (formula cells neutralised). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/common.h"
#include "domain/identity/imports.h"
#include "util/csv.h"
#include "util/text.h"

#define AGENTS_CSV_MAX (64u * 1024 * 1024)

static bool is_csv(const char *content_type)
{
        size_t n = strlen("text/csv");

        return content_type && !strncasecmp(content_type, "text/csv", n) &&
               (content_type[n] == '\0' || content_type[n] == ';' || content_type[n] == ' ');
}

static void import(struct http_request *req, struct api_call *call)
{
        const char *dry = http_request_query(req, "dry_run");
        struct import_outcome o;
        struct actor actor;
        enum result result;
        const char *data;
        size_t len;

        if (!is_csv(http_request_header(req, "Content-Type"))) {
                http_respond_error(req, 415, "unsupported_media_type",
                                   "send the file as text/csv", NULL);
                return;
        }
        if (dry && strcmp(dry, "true") && strcmp(dry, "false")) {
                http_respond_error(req, 400, "validation_failed", "dry_run is true or false",
                                   "dry_run");
                return;
        }
        data = http_request_body(req, &len);
        actor = api_actor(req, &call->session);
        result = import_agents(call->ctx->app, &actor, call->tenant_id, data, len,
                               dry && !strcmp(dry, "true"), &o);
        if (result == RESULT_INVALID && o.csv_error) {
                json_t *e = json_pack("{sssssI}", "code", csv_parse_error_name(o.csv_error),
                                      "message", "the file is not a CSV file this import reads",
                                      "line", (json_int_t)o.csv_line);
                http_respond_json(req, 400, json_pack("{sbso}", "success", 0, "error", e));
        } else if (result == RESULT_INVALID && o.header_code) {
                http_respond_error(req, 400, o.header_code,
                                   !strcmp(o.header_code, "no_rows")
                                           ? "the file has no row after its header"
                                           : "the header's columns must be first_name, last_name, "
                                             "email, role, extensions_count, voicemail_enabled, "
                                             "send_invite",
                                   !strcmp(o.header_code, "no_rows") ? NULL : o.header_field);
        } else if (result == RESULT_INVALID) {
                json_t *e = json_pack("{sssssO}", "code", "invalid_rows", "message",
                                      "some rows are not valid: nothing was imported", "rows",
                                      o.errors);
                http_respond_json(req, 400, json_pack("{sbso}", "success", 0, "error", e));
        } else if (result == RESULT_CONFLICT) {
                http_respond_error(req, 409, "import_running",
                                   "an import of this tenant is running", NULL);
        } else if (result) {
                api_fail(req, result, NULL);
        } else if (!o.import) {
                http_respond_json(req, 200, json_pack("{sbsbsIsIsO}", "success", 1, "dry_run", 1,
                                                      "rows", (json_int_t)o.rows, "valid_rows",
                                                      (json_int_t)(o.rows - json_array_size(o.errors)),
                                                      "errors", o.errors));
        } else {
                http_respond_json(req, o.running ? 202 : 201,
                                  json_pack("{sbsO}", "success", 1, "import", o.import));
        }
        import_outcome_free(&o);
}

static void get(struct http_request *req, struct api_call *call)
{
        enum result result;
        json_t *o = NULL;

        result = import_get(call->ctx->app, call->tenant_id, call->id, &o);
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        http_respond_json(req, 200, json_pack("{sbso}", "success", 1, "import", o));
}

static void result_csv(struct http_request *req, struct api_call *call)
{
        enum result result;
        char *csv = NULL;
        size_t len = 0;

        result = import_take_passwords(call->ctx->app, call->tenant_id, call->id, &csv, &len);
        if (result == RESULT_CONFLICT) {
                http_respond_error(req, 410, "result_gone",
                                   "the temporary passwords were downloaded already, or there "
                                   "were none", NULL);
                return;
        }
        if (result) {
                api_fail(req, result, NULL);
                return;
        }
        http_response_header(req, "Cache-Control", "no-store");
        http_response_header(req, "Content-Disposition",
                             "attachment; filename=\"import-passwords.csv\"");
        http_respond_secret(req, 200, "text/csv; charset=utf-8", csv);
}

static void export(struct http_request *req, struct api_call *call)
{
        static const char *const header[] = { "first_name", "last_name", "email", "role",
                                              "extensions_count", "voicemail_enabled",
                                              "send_invite", "extensions", "status",
                                              "last_login_at" };
        struct store_user_filter filter = { .tenant_id = call->tenant_id };
        struct store_page page = { .limit = 500, .offset = 0 };
        enum result result = RESULT_OK;
        struct buf out;
        struct csv csv;

        buf_init(&out, AGENTS_CSV_MAX);
        csv_init(&csv, &out);
        for (size_t i = 0; i < sizeof(header) / sizeof(header[0]); i++)
                csv_text(&csv, header[i]);
        csv_end_row(&csv);
        do {
                struct store_agent_page items = { 0 };

                result = agent_list(call->ctx->app, &filter, &page, &items);
                for (size_t i = 0; !result && i < items.n_agents; i++) {
                        const struct store_agent_row *a = &items.agents[i];
                        char numbers[STORE_MAX_EXTENSIONS_PER_USER * 24] = "", when[40] = "";
                        bool voicemail = false;
                        size_t n = 0;

                        for (size_t k = 0; k < a->n_extensions; k++) {
                                const struct store_agent_extension *e =
                                        &items.extensions[a->first_extension + k];
                                n += (size_t)snprintf(numbers + n, sizeof(numbers) - n, "%s%s",
                                                      k ? " " : "", e->extension);
                                voicemail = voicemail || e->voicemail_enabled;
                                if (n >= sizeof(numbers))
                                        break;
                        }
                        if (a->last_login_at)
                                text_time_iso(a->last_login_at, when, sizeof(when));
                        csv_text(&csv, a->first_name);
                        csv_text(&csv, a->last_name);
                        csv_text(&csv, a->email);
                        csv_text(&csv, user_role_name(a->role));
                        csv_int(&csv, (int64_t)a->n_extensions);
                        csv_text(&csv, voicemail ? "true" : "false");
                        csv_text(&csv, "false");
                        csv_text(&csv, numbers);
                        csv_text(&csv, user_status_name(a->status));
                        csv_text(&csv, when);
                        csv_end_row(&csv);
                }
                store_agent_page_free(&items);
                page.offset += page.limit;
        } while (!result && page.offset < page.total);
        api_respond_csv(req, result ? result : csv_result(&csv), &out, "agents.csv");
}

enum result api_imports_register(struct http_server *srv, struct api_context *ctx)
{
        static const struct api_route routes[] = {
                { "POST", "/v1/admin/agents/import", API_WRITERS, API_TENANT, import },
                { "GET", "/v1/admin/agents.csv", API_READERS, API_TENANT, export },
                { "GET", "/v1/admin/imports/:id", API_WRITERS, API_TENANT, get },
                { "GET", "/v1/admin/imports/:id/result.csv", API_WRITERS, API_TENANT, result_csv },
        };
        enum result result = API_ROUTES_REGISTER(srv, ctx, routes);

        if (!result && ctx->app)
                result = http_server_body_limit(srv, "POST", "/v1/admin/agents/import",
                                                (size_t)ctx->app->settings.import_max_bytes);
        return result;
}
