/*
 * The purge of rows past their use (see store_purge in store.h), each
 * table in batches by primary key so that no statement holds the write
 * lock long. Messages go before the links they refer to.
 */
#include "store/driver.h"
#include "store/store.h"

/* "… ended before ?": expired, used or revoked. */
#define LINK_DEAD "(l.expires_at < ? OR l.used_at < ? OR l.revoked_at < ?)"

enum result store_purge(struct store_conn *conn, int64_t before, int64_t throttle_before,
                        int64_t limit, struct store_purged *ret)
{
        struct store_param outbox[] = { SP_INT(before), SP_INT(before), SP_INT(before),
                                        SP_INT(before), SP_INT(limit) };
        struct store_param links[] = { SP_INT(before), SP_INT(before), SP_INT(before),
                                       SP_INT(limit) };
        struct store_param sessions[] = { SP_INT(before), SP_INT(before), SP_INT(limit) };
        struct store_param tickets[] = { SP_INT(before), SP_INT(limit) };
        struct store_param throttle[] = { SP_INT(throttle_before), SP_INT(limit) };
        struct store_param hooks[] = { SP_INT(before), SP_INT(limit) };
        struct store_purged n = { 0 };
        enum result result;

        result = store_exec(conn,
                            "DELETE FROM mail_outbox WHERE id IN (SELECT o.id FROM mail_outbox o "
                            "WHERE o.status <> 'queued' AND o.updated_at < ? AND (o.link_id IS NULL "
                            "OR EXISTS (SELECT 1 FROM link_tokens l WHERE l.id = o.link_id AND "
                            LINK_DEAD ")) ORDER BY o.id LIMIT ?)",
                            outbox, STORE_NPARAMS(outbox), NULL, &n.mail_outbox);
        if (!result)
                result = store_exec(conn,
                                    "DELETE FROM link_tokens WHERE id IN (SELECT l.id FROM "
                                    "link_tokens l WHERE " LINK_DEAD " AND NOT EXISTS (SELECT 1 "
                                    "FROM mail_outbox o WHERE o.link_id = l.id) ORDER BY l.id "
                                    "LIMIT ?)",
                                    links, STORE_NPARAMS(links), NULL, &n.link_tokens);
        /* Stream tickets live 30 s and serve once: gone once expired
         * (a used one expires too). Before the sessions they name. */
        if (!result)
                result = store_exec(conn,
                                    "DELETE FROM event_tickets WHERE id IN (SELECT id FROM "
                                    "event_tickets WHERE expires_at < ? ORDER BY id LIMIT ?)",
                                    tickets, STORE_NPARAMS(tickets), NULL, &n.event_tickets);
        if (!result)
                result = store_exec(conn,
                                    "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions "
                                    "WHERE expires_at < ? OR revoked_at < ? ORDER BY id LIMIT ?)",
                                    sessions, STORE_NPARAMS(sessions), NULL, &n.sessions);
        if (!result)
                result = store_exec(conn,
                                    "DELETE FROM login_throttle WHERE key IN (SELECT key FROM "
                                    "login_throttle WHERE window_start < ? ORDER BY key LIMIT ?)",
                                    throttle, STORE_NPARAMS(throttle), NULL, &n.login_throttle);
        if (!result)
                result = store_exec(conn,
                                    "DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM "
                                    "webhook_deliveries WHERE state <> 'pending' AND updated_at < ? "
                                    "ORDER BY id LIMIT ?)",
                                    hooks, STORE_NPARAMS(hooks), NULL, &n.webhook_deliveries);
        if (!result)
                result = store_exec(conn,
                                    "DELETE FROM idempotency_keys WHERE id IN (SELECT id FROM "
                                    "idempotency_keys WHERE expires_at < ? ORDER BY id LIMIT ?)",
                                    tickets, STORE_NPARAMS(tickets), NULL, &n.idempotency_keys);
        if (!result)
                *ret = n;
        return result;
}
