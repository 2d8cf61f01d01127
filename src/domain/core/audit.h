/* The audit log: who did what to whom, when, from where. Never a secret. */
#ifndef AGENTDESK_DOMAIN_AUDIT_H
#define AGENTDESK_DOMAIN_AUDIT_H

#include "domain/core/app.h"

/*
 * In the caller's transaction: records action by actor on target in
 * tenant_id. The variable part is NULL-terminated pairs of const char *
 * key, const char *value, rendered as the entry's JSON details; pass only
 * names, emails, roles, statuses, numbers — never a password or secret.
 * The entry also keeps the actor's email and a label of the target (a
 * user's "First Last <email>", an extension's number, a tenant's or
 * cluster's "name" detail, a node's "cluster/name"), read now, so that
 * the log still names them after they change or go.
 */
enum result audit_record(struct store_conn *conn, const struct actor *actor, int64_t tenant_id,
                         const char *action, const char *target_type, int64_t target_id, ...);

/* A page of a tenant's entries, newest first. */
enum result audit_list(struct app *app, int64_t tenant_id, struct store_page *page,
                       struct store_audit **ret_items, size_t *ret_n);

#endif
