/*
 * SQLite schema migrations, in order. Never edit a released migration; add
 * the next one. The meaning of every table and column is the same as in
 * store/postgres/migrations.h (see store/store.h for the contract).
 * Included by store/sqlite/driver.c only.
 */
#ifndef AGENTDESK_STORE_SQLITE_MIGRATIONS_H
#define AGENTDESK_STORE_SQLITE_MIGRATIONS_H

#include "store/driver.h"

/* The body of migration 8's triggers. */
#define BUMP_DIRECTORY_CHANGES " UPDATE directory_changes SET n = n + 1 WHERE id = 1; END;"

static const struct store_migration sqlite_migrations[] = {
        { 1, "initial schema",
          "CREATE TABLE freeswitch_clusters ("
          " id INTEGER PRIMARY KEY AUTOINCREMENT,"
          " name TEXT NOT NULL UNIQUE,"
          " region TEXT NOT NULL DEFAULT '',"
          " mode TEXT NOT NULL DEFAULT 'xml_curl' CHECK (mode IN ('xml_curl','files','ssh')),"
          " sip_domain TEXT NOT NULL DEFAULT '',"
          " websocket_url TEXT NOT NULL DEFAULT '',"
          " status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','disabled')),"
          " created_at INTEGER NOT NULL,"
          " updated_at INTEGER NOT NULL);"

          "CREATE TABLE freeswitch_nodes ("
          " id INTEGER PRIMARY KEY AUTOINCREMENT,"
          " cluster_id INTEGER NOT NULL REFERENCES freeswitch_clusters(id) ON DELETE CASCADE,"
          " name TEXT NOT NULL,"
          " esl_host TEXT NOT NULL DEFAULT '127.0.0.1',"
          " esl_port INTEGER NOT NULL DEFAULT 8021,"
          " esl_password TEXT NOT NULL DEFAULT '',"
          " sofia_profile TEXT NOT NULL DEFAULT 'internal',"
          " ssh_target TEXT NOT NULL DEFAULT '',"
          " conf_dir TEXT NOT NULL DEFAULT '',"
          " status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','disabled')),"
          " created_at INTEGER NOT NULL,"
          " updated_at INTEGER NOT NULL,"
          " UNIQUE (cluster_id, name));"

          "CREATE TABLE tenants ("
          " id INTEGER PRIMARY KEY AUTOINCREMENT,"
          " name TEXT NOT NULL,"
          " slug TEXT NOT NULL UNIQUE,"
          " status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','suspended')),"
          " sip_domain TEXT NOT NULL DEFAULT '',"
          " pool_base INTEGER NOT NULL DEFAULT 0 CHECK (pool_base >= 0),"
          " pool_size INTEGER NOT NULL DEFAULT 0 CHECK (pool_size >= 0),"
          " cluster_id INTEGER REFERENCES freeswitch_clusters(id),"
          " created_at INTEGER NOT NULL,"
          " updated_at INTEGER NOT NULL);"

          "CREATE TABLE users ("
          " id INTEGER PRIMARY KEY AUTOINCREMENT,"
          " tenant_id INTEGER REFERENCES tenants(id),"
          " email TEXT NOT NULL,"
          " first_name TEXT NOT NULL DEFAULT '',"
          " last_name TEXT NOT NULL DEFAULT '',"
          " role TEXT NOT NULL CHECK (role IN ('superadmin','admin','supervisor','agent')),"
          " status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','suspended','deleted')),"
          " password_hash TEXT NOT NULL,"
          " must_change_password INTEGER NOT NULL DEFAULT 0,"
          " token_version INTEGER NOT NULL DEFAULT 1,"
          " created_at INTEGER NOT NULL,"
          " updated_at INTEGER NOT NULL,"
          " deleted_at INTEGER,"
          " last_login_at INTEGER,"
          " CHECK (tenant_id IS NOT NULL OR role = 'superadmin'));"
          "CREATE UNIQUE INDEX users_email_live ON users(email) WHERE status <> 'deleted';"
          "CREATE INDEX users_tenant ON users(tenant_id, status);"

          "CREATE TABLE sessions ("
          " id INTEGER PRIMARY KEY AUTOINCREMENT,"
          " token_hash TEXT NOT NULL UNIQUE,"
          " user_id INTEGER NOT NULL REFERENCES users(id),"
          " token_version INTEGER NOT NULL,"
          " restricted INTEGER NOT NULL DEFAULT 0,"
          " created_at INTEGER NOT NULL,"
          " expires_at INTEGER NOT NULL,"
          " revoked_at INTEGER);"
          "CREATE INDEX sessions_user ON sessions(user_id);"

          "CREATE TABLE agent_extensions ("
          " id INTEGER PRIMARY KEY AUTOINCREMENT,"
          " tenant_id INTEGER NOT NULL REFERENCES tenants(id),"
          " user_id INTEGER REFERENCES users(id),"
          " extension TEXT NOT NULL UNIQUE"
          "  CHECK (extension <> '' AND extension NOT GLOB '*[^0-9]*'),"
          " sip_secret TEXT NOT NULL,"
          " vm_pin TEXT NOT NULL,"
          " status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','suspended')),"
          " voicemail_enabled INTEGER NOT NULL DEFAULT 0,"
          " provisioning TEXT NOT NULL DEFAULT 'provisioned'"
          "  CHECK (provisioning IN ('pending','provisioned','failed')),"
          " provisioning_attempts INTEGER NOT NULL DEFAULT 0,"
          " provisioning_error TEXT NOT NULL DEFAULT '',"
          " assigned_at INTEGER,"
          " last_login_at INTEGER,"
          " created_at INTEGER NOT NULL,"
          " updated_at INTEGER NOT NULL);"
          "CREATE INDEX agent_extensions_tenant ON agent_extensions(tenant_id, user_id);"
          "CREATE INDEX agent_extensions_user ON agent_extensions(user_id);"

          "CREATE TABLE provisioning_jobs ("
          " id INTEGER PRIMARY KEY AUTOINCREMENT,"
          " tenant_id INTEGER REFERENCES tenants(id),"
          " cluster_id INTEGER REFERENCES freeswitch_clusters(id),"
          " kind TEXT NOT NULL,"
          " extension_id INTEGER REFERENCES agent_extensions(id),"
          " status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','done','failed')),"
          " attempts INTEGER NOT NULL DEFAULT 0,"
          " next_attempt_at INTEGER NOT NULL DEFAULT 0,"
          " last_error TEXT NOT NULL DEFAULT '',"
          " created_at INTEGER NOT NULL,"
          " updated_at INTEGER NOT NULL);"
          "CREATE INDEX provisioning_jobs_due ON provisioning_jobs(status, next_attempt_at);"

          "CREATE TABLE audit_log ("
          " id INTEGER PRIMARY KEY AUTOINCREMENT,"
          " tenant_id INTEGER REFERENCES tenants(id),"
          " actor_user_id INTEGER REFERENCES users(id),"
          " action TEXT NOT NULL,"
          " target_type TEXT NOT NULL DEFAULT '',"
          " target_id INTEGER,"
          " details TEXT NOT NULL DEFAULT '{}',"
          " client_ip TEXT NOT NULL DEFAULT '',"
          " request_id TEXT NOT NULL DEFAULT '',"
          " created_at INTEGER NOT NULL);"
          "CREATE INDEX audit_log_tenant ON audit_log(tenant_id, id);"

          "CREATE TABLE login_throttle ("
          " key TEXT PRIMARY KEY,"
          " failures INTEGER NOT NULL DEFAULT 0,"
          " window_start INTEGER NOT NULL);" },
        /* Who acted and on whom, as they were named when the entry was
         * written (entries from before stay ''). */
        { 2, "audit actor email and target label",
          "ALTER TABLE audit_log ADD COLUMN actor_email TEXT NOT NULL DEFAULT '';"
          "ALTER TABLE audit_log ADD COLUMN target_label TEXT NOT NULL DEFAULT '';" },
        /* POST /v1/auth/refresh renews a session up to an absolute limit
         * counted from the password login, carried from token to token. */
        { 3, "session login time",
          "ALTER TABLE sessions ADD COLUMN login_at INTEGER NOT NULL DEFAULT 0;"
          "UPDATE sessions SET login_at = created_at;" },
        /* Onboarding by email (issue 12): link tokens (only their keyed
         * hash) and the mail outbox, written in the transaction of the
         * change that causes a message and drained by domain/mail/sender.c.
         * secret holds a link's token sealed with the key until the
         * message is sent or given up, then ''. */
        { 4, "mail outbox and link tokens",
          "CREATE TABLE link_tokens ("
          " id INTEGER PRIMARY KEY AUTOINCREMENT,"
          " user_id INTEGER NOT NULL REFERENCES users(id),"
          " purpose TEXT NOT NULL CHECK (purpose IN ('invitation','reset')),"
          " token_hash TEXT NOT NULL UNIQUE,"
          " expires_at INTEGER NOT NULL,"
          " used_at INTEGER,"
          " revoked_at INTEGER,"
          " created_at INTEGER NOT NULL);"
          "CREATE INDEX link_tokens_user ON link_tokens(user_id, purpose);"

          "CREATE TABLE mail_outbox ("
          " id INTEGER PRIMARY KEY AUTOINCREMENT,"
          " tenant_id INTEGER REFERENCES tenants(id),"
          " user_id INTEGER REFERENCES users(id),"
          " template TEXT NOT NULL"
          "  CHECK (template IN ('invitation','password_reset','password_changed')),"
          " recipient TEXT NOT NULL,"
          " link_id INTEGER REFERENCES link_tokens(id),"
          " secret TEXT NOT NULL DEFAULT '',"
          " status TEXT NOT NULL DEFAULT 'queued'"
          "  CHECK (status IN ('queued','sent','failed','dropped')),"
          " attempts INTEGER NOT NULL DEFAULT 0,"
          " next_attempt_at INTEGER NOT NULL DEFAULT 0,"
          " last_reply TEXT NOT NULL DEFAULT '',"
          " created_at INTEGER NOT NULL,"
          " updated_at INTEGER NOT NULL,"
          " sent_at INTEGER);"
          "CREATE INDEX mail_outbox_due ON mail_outbox(status, next_attempt_at);"
          "CREATE INDEX mail_outbox_link ON mail_outbox(link_id);" },
        /* The live event catalogue's log (issue 18, domain/events/events.h):
         * every event the streams deliver, appended in the transaction of
         * its change; ids in commit order; purged after a while. */
        { 5, "live events",
          "CREATE TABLE live_events ("
          " id INTEGER PRIMARY KEY AUTOINCREMENT,"
          " tenant_id INTEGER,"
          " type TEXT NOT NULL CHECK (type IN ('agent.created','agent.updated','agent.deleted','extension.provisioning','registration.changed','call.started','call.answered','call.ended')),"
          " user_id INTEGER,"
          " data TEXT NOT NULL,"
          " created_at INTEGER NOT NULL);"
          "CREATE INDEX live_events_created ON live_events(created_at);"
          /* The single-use tickets that open a stream (EventSource sends
           * no header): only their keyed hash, bound to the session and
           * the stream's scope (tenant_id NULL: every tenant's). */
          "CREATE TABLE event_tickets ("
          " id INTEGER PRIMARY KEY AUTOINCREMENT,"
          " token_hash TEXT NOT NULL UNIQUE,"
          " session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
          " stream TEXT NOT NULL CHECK (stream IN ('admin','me')),"
          " tenant_id INTEGER REFERENCES tenants(id),"
          " expires_at INTEGER NOT NULL,"
          " used_at INTEGER,"
          " created_at INTEGER NOT NULL);"
          "CREATE INDEX event_tickets_expires ON event_tickets(expires_at);" },
        /* The live registration state (issue 18, domain/live/): each
         * node's registrations as its event stream says (a row per
         * binding: its call-id), and each node's stream, written by the
         * one listener that holds it, with a heartbeat, so that every
         * agentdesk process knows whether a cluster's stream is connected
         * (cluster_id 0: the default cluster of the settings; node:
         * host:port). No foreign keys: a cluster's rows outlive it until
         * its listener stops, and the default cluster has no row. */
        { 6, "live registrations",
          "CREATE TABLE live_registrations ("
          " cluster_id INTEGER NOT NULL,"
          " node TEXT NOT NULL,"
          " extension TEXT NOT NULL,"
          " call_id TEXT NOT NULL,"
          " realm TEXT NOT NULL,"
          " contact TEXT NOT NULL,"
          " network_ip TEXT NOT NULL,"
          " network_port INTEGER NOT NULL,"
          " user_agent TEXT NOT NULL,"
          " expires_at INTEGER NOT NULL,"
          " updated_at INTEGER NOT NULL,"
          " PRIMARY KEY (extension, cluster_id, node, call_id));"
          "CREATE INDEX live_registrations_node ON live_registrations(cluster_id, node);"
          "CREATE TABLE live_streams ("
          " cluster_id INTEGER NOT NULL,"
          " node TEXT NOT NULL,"
          " connected INTEGER NOT NULL,"
          " heartbeat_at INTEGER NOT NULL,"
          " PRIMARY KEY (cluster_id, node));" },
        /* Call records and daily usage (issue 18, domain/calls/): one row
         * per agent leg (leg_uuid, FreeSWITCH's Unique-ID, written once
         * whatever repeats), purged after AGENTDESK_CALL_RETENTION_DAYS;
         * call_usage per extension, agent and UTC day (day: days since the
         * epoch), kept as calls end so analytics outlive the records.
         * placed: the agent dialled the leg (FreeSWITCH received it). */
        { 7, "call records",
          "CREATE TABLE call_records ("
          " id INTEGER PRIMARY KEY AUTOINCREMENT,"
          " tenant_id INTEGER NOT NULL REFERENCES tenants(id),"
          " user_id INTEGER NOT NULL REFERENCES users(id),"
          " extension TEXT NOT NULL,"
          " leg_uuid TEXT NOT NULL UNIQUE,"
          " call_uuid TEXT NOT NULL,"
          " direction TEXT NOT NULL CHECK (direction IN ('inbound','outbound','internal')),"
          " placed INTEGER NOT NULL CHECK (placed IN (0, 1)),"
          " caller TEXT NOT NULL DEFAULT '',"
          " callee TEXT NOT NULL DEFAULT '',"
          " cluster_id INTEGER NOT NULL DEFAULT 0,"
          " node TEXT NOT NULL,"
          " started_at INTEGER NOT NULL,"
          " answered_at INTEGER,"
          " ended_at INTEGER,"
          " talk_seconds INTEGER NOT NULL DEFAULT 0,"
          " end_cause TEXT,"
          " codec TEXT,"
          " mos_centi INTEGER);"
          "CREATE INDEX call_records_tenant ON call_records(tenant_id, started_at);"
          "CREATE INDEX call_records_started ON call_records(started_at);"
          "CREATE INDEX call_records_open ON call_records(cluster_id, node) WHERE ended_at IS NULL;"

          "CREATE TABLE call_usage ("
          " tenant_id INTEGER NOT NULL REFERENCES tenants(id),"
          " day INTEGER NOT NULL,"
          " extension TEXT NOT NULL,"
          " user_id INTEGER NOT NULL REFERENCES users(id),"
          " calls_placed INTEGER NOT NULL DEFAULT 0,"
          " calls_received INTEGER NOT NULL DEFAULT 0,"
          " answered INTEGER NOT NULL DEFAULT 0,"
          " missed INTEGER NOT NULL DEFAULT 0,"
          " talk_seconds INTEGER NOT NULL DEFAULT 0,"
          " PRIMARY KEY (tenant_id, day, extension, user_id));" },
        /* The changes the directory reads, counted for the watcher of
         * every process (store.c: store_watch_start), as PostgreSQL's
         * triggers notify them (migrations 2 and 9): inserts and deletes
         * of its tables, and the updates of the columns it reads (store.c's
         * directory_tables). PRAGMA data_version moves on any commit of any
         * other connection, this process's sessions and job outcomes
         * included; this count moves only on these. Issue 18: taken after
         * the numbers given to the live (6) and calls (7) migrations. */
        { 8, "directory changes",
          "CREATE TABLE directory_changes (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);"
          "INSERT INTO directory_changes (id, n) VALUES (1, 0);"
          "CREATE TRIGGER tenants_insert AFTER INSERT ON tenants BEGIN" BUMP_DIRECTORY_CHANGES
          "CREATE TRIGGER tenants_update AFTER UPDATE ON tenants BEGIN" BUMP_DIRECTORY_CHANGES
          "CREATE TRIGGER tenants_delete AFTER DELETE ON tenants BEGIN" BUMP_DIRECTORY_CHANGES
          "CREATE TRIGGER freeswitch_clusters_insert AFTER INSERT ON freeswitch_clusters BEGIN" BUMP_DIRECTORY_CHANGES
          "CREATE TRIGGER freeswitch_clusters_update AFTER UPDATE ON freeswitch_clusters BEGIN" BUMP_DIRECTORY_CHANGES
          "CREATE TRIGGER freeswitch_clusters_delete AFTER DELETE ON freeswitch_clusters BEGIN" BUMP_DIRECTORY_CHANGES
          "CREATE TRIGGER users_insert AFTER INSERT ON users BEGIN" BUMP_DIRECTORY_CHANGES
          "CREATE TRIGGER users_delete AFTER DELETE ON users BEGIN" BUMP_DIRECTORY_CHANGES
          "CREATE TRIGGER users_update AFTER UPDATE OF tenant_id, first_name, last_name, status ON users BEGIN"
          BUMP_DIRECTORY_CHANGES
          "CREATE TRIGGER agent_extensions_insert AFTER INSERT ON agent_extensions BEGIN" BUMP_DIRECTORY_CHANGES
          "CREATE TRIGGER agent_extensions_delete AFTER DELETE ON agent_extensions BEGIN" BUMP_DIRECTORY_CHANGES
          "CREATE TRIGGER agent_extensions_update AFTER UPDATE OF tenant_id, user_id, extension, sip_secret, vm_pin, status ON agent_extensions BEGIN"
          BUMP_DIRECTORY_CHANGES },
        /* Queues (issue 19, domain/queues/): a tenant's queues (mod_callcenter
         * queue q<id>) and their members (its tiers), each agent's status
         * for queue calls and settings (no row: logged out, the tenant's
         * defaults; who set it, the missed offers of a change FreeSWITCH
         * made, "Ready"'s ready_requested: store/queue_agents.c), the tenant's break reasons (no rows: the defaults) and
         * its inbound numbers (E.164, unique across tenants). Queue and
         * agent jobs name their queue or user (no foreign key: a job
         * outlives what it removes). live_events loses its CHECK of the
         * type: the store decodes types with the vocabulary, and every new
         * event would otherwise rebuild the table. queues and
         * inbound_numbers are read by the dialplan: counted as directory
         * changes. */
        { 9, "queues",
          "CREATE TABLE queues ("
          " id INTEGER PRIMARY KEY AUTOINCREMENT,"
          " tenant_id INTEGER NOT NULL REFERENCES tenants(id),"
          " name TEXT NOT NULL,"
          " number TEXT NOT NULL,"
          " strategy TEXT NOT NULL,"
          " moh_sound TEXT NOT NULL DEFAULT '',"
          " max_wait_s INTEGER NOT NULL DEFAULT 0,"
          " no_agent_max_wait_s INTEGER NOT NULL DEFAULT 0,"
          " timeout_action TEXT NOT NULL DEFAULT 'hangup' CHECK (timeout_action IN ('hangup','queue','voicemail')),"
          " timeout_queue_id INTEGER REFERENCES queues(id),"
          " timeout_extension TEXT NOT NULL DEFAULT '',"
          " tier_rules_apply INTEGER NOT NULL DEFAULT 0,"
          " tier_rule_wait_s INTEGER NOT NULL DEFAULT 300,"
          " tier_rule_wait_multiply_level INTEGER NOT NULL DEFAULT 1,"
          " tier_rule_no_agent_no_wait INTEGER NOT NULL DEFAULT 0,"
          " announce_sound TEXT NOT NULL DEFAULT '',"
          " announce_frequency_s INTEGER NOT NULL DEFAULT 0,"
          " provisioning TEXT NOT NULL DEFAULT 'pending' CHECK (provisioning IN ('pending','provisioned','failed')),"
          " provisioning_attempts INTEGER NOT NULL DEFAULT 0,"
          " provisioning_error TEXT NOT NULL DEFAULT '',"
          " created_at INTEGER NOT NULL,"
          " updated_at INTEGER NOT NULL);"
          "CREATE UNIQUE INDEX queues_tenant_name ON queues(tenant_id, name);"
          "CREATE UNIQUE INDEX queues_tenant_number ON queues(tenant_id, number);"
          "CREATE TABLE queue_members ("
          " queue_id INTEGER NOT NULL REFERENCES queues(id) ON DELETE CASCADE,"
          " user_id INTEGER NOT NULL REFERENCES users(id),"
          " level INTEGER NOT NULL DEFAULT 1,"
          " position INTEGER NOT NULL DEFAULT 1,"
          " PRIMARY KEY (queue_id, user_id));"
          "CREATE INDEX queue_members_user ON queue_members(user_id);"
          "CREATE TABLE queue_agents ("
          " user_id INTEGER PRIMARY KEY REFERENCES users(id),"
          " tenant_id INTEGER NOT NULL REFERENCES tenants(id),"
          " status TEXT NOT NULL DEFAULT 'logged_out' CHECK (status IN ('logged_out','available','on_break')),"
          " reason TEXT NOT NULL DEFAULT '',"
          " status_since INTEGER NOT NULL,"
          " changed_by TEXT NOT NULL DEFAULT 'agent'"
          " CHECK (changed_by IN ('agent','supervisor','admin','superadmin','freeswitch','system')),"
          " changed_by_user_id INTEGER,"
          " missed_offers INTEGER,"
          " wrap_up_s INTEGER,"
          " max_no_answer INTEGER,"
          " ready_requested INTEGER NOT NULL DEFAULT 0,"
          " provisioning TEXT NOT NULL DEFAULT 'pending' CHECK (provisioning IN ('pending','provisioned','failed')),"
          " provisioning_attempts INTEGER NOT NULL DEFAULT 0,"
          " provisioning_error TEXT NOT NULL DEFAULT '',"
          " updated_at INTEGER NOT NULL);"
          "CREATE INDEX queue_agents_tenant ON queue_agents(tenant_id);"
          "CREATE TABLE break_reasons ("
          " tenant_id INTEGER NOT NULL REFERENCES tenants(id),"
          " position INTEGER NOT NULL,"
          " name TEXT NOT NULL,"
          " PRIMARY KEY (tenant_id, position));"
          "CREATE TABLE inbound_numbers ("
          " id INTEGER PRIMARY KEY AUTOINCREMENT,"
          " tenant_id INTEGER NOT NULL REFERENCES tenants(id),"
          " number TEXT NOT NULL UNIQUE,"
          " queue_id INTEGER REFERENCES queues(id),"
          " extension TEXT NOT NULL DEFAULT '',"
          " created_at INTEGER NOT NULL);"
          "CREATE INDEX inbound_numbers_tenant ON inbound_numbers(tenant_id);"
          "ALTER TABLE tenants ADD COLUMN queue_wrap_up_s INTEGER NOT NULL DEFAULT 10;"
          "ALTER TABLE tenants ADD COLUMN queue_max_no_answer INTEGER NOT NULL DEFAULT 3;"
          "ALTER TABLE provisioning_jobs ADD COLUMN queue_id INTEGER;"
          "ALTER TABLE provisioning_jobs ADD COLUMN user_id INTEGER;"
          "CREATE TABLE live_events_new ("
          " id INTEGER PRIMARY KEY AUTOINCREMENT,"
          " tenant_id INTEGER,"
          " type TEXT NOT NULL,"
          " user_id INTEGER,"
          " data TEXT NOT NULL,"
          " created_at INTEGER NOT NULL);"
          "INSERT INTO live_events_new SELECT id, tenant_id, type, user_id, data, created_at FROM live_events;"
          /* ids are never reused, even after a purge emptied the log: the
           * sequence goes along */
          "INSERT INTO sqlite_sequence (name, seq) SELECT 'live_events_new', seq FROM sqlite_sequence"
          " WHERE name = 'live_events' AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'live_events_new');"
          "UPDATE sqlite_sequence SET seq = (SELECT MAX(seq) FROM sqlite_sequence"
          " WHERE name IN ('live_events', 'live_events_new')) WHERE name = 'live_events_new';"
          "DROP TABLE live_events;"
          "ALTER TABLE live_events_new RENAME TO live_events;"
          "CREATE INDEX live_events_created ON live_events(created_at);"
          "CREATE TRIGGER queues_insert AFTER INSERT ON queues BEGIN" BUMP_DIRECTORY_CHANGES
          "CREATE TRIGGER queues_update AFTER UPDATE ON queues BEGIN" BUMP_DIRECTORY_CHANGES
          "CREATE TRIGGER queues_delete AFTER DELETE ON queues BEGIN" BUMP_DIRECTORY_CHANGES
          "CREATE TRIGGER inbound_numbers_insert AFTER INSERT ON inbound_numbers BEGIN" BUMP_DIRECTORY_CHANGES
          "CREATE TRIGGER inbound_numbers_update AFTER UPDATE ON inbound_numbers BEGIN" BUMP_DIRECTORY_CHANGES
          "CREATE TRIGGER inbound_numbers_delete AFTER DELETE ON inbound_numbers BEGIN" BUMP_DIRECTORY_CHANGES },
        /* Queue live (issue 19, domain/board/): what mod_callcenter says
         * as it happens, kept by the listener's holder so that every
         * process answers the board: the callers in each queue now (keyed
         * by mod_callcenter's member uuid; the node that holds them, so a
         * re-read replaces that node's), each agent's activity (its state,
         * since when, the end of its wrap-up, the queue of its last
         * offer), and each queue's counts per UTC day (day: epoch
         * seconds / 86400; wait_s: the total wait of the answered). */
        { 10, "queue live",
          "CREATE TABLE queue_callers ("
          " member_uuid TEXT PRIMARY KEY,"
          " queue_id INTEGER NOT NULL REFERENCES queues(id) ON DELETE CASCADE,"
          " tenant_id INTEGER NOT NULL REFERENCES tenants(id),"
          " session_uuid TEXT NOT NULL DEFAULT '',"
          " caller_number TEXT NOT NULL DEFAULT '',"
          " caller_name TEXT NOT NULL DEFAULT '',"
          " joined_at INTEGER NOT NULL,"
          " state TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting','trying','answered')),"
          " agent_user_id INTEGER,"
          " agent_uuid TEXT NOT NULL DEFAULT '',"
          " cluster_id INTEGER NOT NULL DEFAULT 0,"
          " node TEXT NOT NULL DEFAULT '');"
          "CREATE INDEX queue_callers_queue ON queue_callers(queue_id, joined_at);"
          "CREATE INDEX queue_callers_node ON queue_callers(cluster_id, node);"
          "CREATE TABLE queue_activity ("
          " user_id INTEGER PRIMARY KEY REFERENCES users(id),"
          " tenant_id INTEGER NOT NULL REFERENCES tenants(id),"
          " state TEXT NOT NULL CHECK (state IN ('idle','waiting','receiving','in_queue_call','wrap_up')),"
          " since INTEGER NOT NULL,"
          " wrap_up_ends_at INTEGER,"
          " queue_id INTEGER);"
          "CREATE INDEX queue_activity_tenant ON queue_activity(tenant_id);"
          "CREATE TABLE queue_day_counts ("
          " queue_id INTEGER NOT NULL REFERENCES queues(id) ON DELETE CASCADE,"
          " day INTEGER NOT NULL,"
          " offered INTEGER NOT NULL DEFAULT 0,"
          " answered INTEGER NOT NULL DEFAULT 0,"
          " abandoned INTEGER NOT NULL DEFAULT 0,"
          " wait_s INTEGER NOT NULL DEFAULT 0,"
          " PRIMARY KEY (queue_id, day));" },
        /* Voicemail (issue 20): each extension's ring time before an
         * unanswered call goes to its voicebox (seconds, the domain keeps
         * it within 5..120); the directory now reads voicemail_enabled and
         * ring_s (the user's variables the dialplan asks with user_data),
         * so migration 8's update trigger counts them too. */
        { 11, "voicemail ring time",
          "ALTER TABLE agent_extensions ADD COLUMN ring_s INTEGER NOT NULL DEFAULT 20;"
          "DROP TRIGGER agent_extensions_update;"
          "CREATE TRIGGER agent_extensions_update AFTER UPDATE OF tenant_id, user_id, extension, sip_secret, vm_pin, status, voicemail_enabled, ring_s ON agent_extensions BEGIN"
          BUMP_DIRECTORY_CHANGES },
        /* Call history and presence (issue 20, domain/calls/,
         * domain/events/presence.c): the other party's agent when it is one
         * of the tenant's (so a deleted one still shows as a deleted
         * agent), the caller's name as FreeSWITCH gave it, when the agent
         * saw a missed call (records older than this migration count as
         * seen), and each agent's last published presence (an event goes
         * out only when it moves). */
        { 12, "call history and presence",
          "ALTER TABLE call_records ADD COLUMN party_user_id INTEGER;"
          "ALTER TABLE call_records ADD COLUMN party_name TEXT NOT NULL DEFAULT '';"
          "ALTER TABLE call_records ADD COLUMN seen_at INTEGER;"
          "UPDATE call_records SET seen_at = started_at;"
          "CREATE INDEX call_records_user ON call_records(user_id, started_at);"
          "CREATE INDEX call_records_unseen ON call_records(user_id)"
          " WHERE placed = 0 AND answered_at IS NULL AND ended_at IS NOT NULL AND seen_at IS NULL;"
          "CREATE TABLE agent_presence ("
          " user_id INTEGER PRIMARY KEY REFERENCES users(id),"
          " tenant_id INTEGER NOT NULL REFERENCES tenants(id),"
          " presence TEXT NOT NULL CHECK (presence IN ('offline','available','on_break','on_call')),"
          " since INTEGER NOT NULL);" },
        /* Agent imports (issue 21, domain/identity/imports.c): one row per
         * real import, its progress and JSON answer, and its temporary
         * passwords sealed (credentials_seal_text) until their one download
         * erases them. At most one running import per tenant (the partial
         * unique index: a second one is a conflict, whichever node runs it), and
         * an index of the free extensions in allocation order. */
        { 13, "agent imports",
          "CREATE TABLE agent_imports ("
          " id INTEGER PRIMARY KEY,"
          " tenant_id INTEGER NOT NULL REFERENCES tenants(id),"
          " status TEXT NOT NULL CHECK (status IN ('running','done','failed')),"
          " total INTEGER NOT NULL,"
          " done INTEGER NOT NULL DEFAULT 0,"
          " result TEXT,"
          " passwords TEXT,"
          " created_by INTEGER,"
          " created_at INTEGER NOT NULL,"
          " updated_at INTEGER NOT NULL);"
          "CREATE UNIQUE INDEX agent_imports_running ON agent_imports(tenant_id)"
          " WHERE status = 'running';"
          /* store_pool_allocate's lowest free number, found by the index
           * instead of sorting the tenant's free numbers on every
           * allocation (10,000 rows of an import took 12 s on SQLite and
           * 37 s on PostgreSQL, growing as the square of the pool). */
          "CREATE INDEX agent_extensions_free ON agent_extensions"
          "(tenant_id, length(extension), extension) WHERE user_id IS NULL;" },
        /* SCIM 2.0 (issue 21, domain/identity/scim.c): a tenant's SCIM
         * bearer tokens (kept as their keyed hash, as sessions are; never
         * usable on /v1), the identity provider's externalId of each user
         * it provisioned, and the tenant's role mapping (which SCIM
         * attribute names the role, and which value gives which role). */
        { 14, "scim",
          "CREATE TABLE scim_tokens ("
          " id INTEGER PRIMARY KEY AUTOINCREMENT,"
          " tenant_id INTEGER NOT NULL REFERENCES tenants(id),"
          " token_hash TEXT NOT NULL UNIQUE,"
          " name TEXT NOT NULL DEFAULT '',"
          " created_by INTEGER REFERENCES users(id),"
          " created_at INTEGER NOT NULL,"
          " last_used_at INTEGER,"
          " revoked_at INTEGER);"
          "CREATE INDEX scim_tokens_tenant ON scim_tokens(tenant_id);"
          "CREATE TABLE scim_users ("
          " user_id INTEGER PRIMARY KEY REFERENCES users(id),"
          " tenant_id INTEGER NOT NULL REFERENCES tenants(id),"
          " external_id TEXT NOT NULL DEFAULT '');"
          "CREATE INDEX scim_users_external ON scim_users(tenant_id, external_id);"
          "CREATE TABLE scim_settings ("
          " tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id),"
          " role_attribute TEXT NOT NULL DEFAULT '',"
          " role_map TEXT NOT NULL DEFAULT '{}');" },
        /* Webhooks (issue 21, domain/webhooks/): a tenant's endpoints (the
         * secret sealed as SIP secrets are: it must be used to sign; events
         * the types it takes, ",a,b,", so one LIKE finds the subscribers)
         * and the delivery outbox, one row per event and endpoint, written
         * in the transaction of the event (store/events.c) and kept as the
         * delivery log (last status, latency, attempts). No foreign key on
         * endpoint_id: the append under the live events' lock never waits
         * for an endpoint's row; deleting an endpoint deletes its rows. */
        { 15, "webhooks",
          "CREATE TABLE webhook_endpoints ("
          " id INTEGER PRIMARY KEY,"
          " tenant_id INTEGER NOT NULL REFERENCES tenants(id),"
          " url TEXT NOT NULL,"
          " description TEXT NOT NULL DEFAULT '',"
          " secret TEXT NOT NULL,"
          " events TEXT NOT NULL,"
          " enabled INTEGER NOT NULL DEFAULT 1,"
          " created_at INTEGER NOT NULL,"
          " updated_at INTEGER NOT NULL);"
          "CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints(tenant_id);"
          "CREATE TABLE webhook_deliveries ("
          " id INTEGER PRIMARY KEY,"
          " endpoint_id INTEGER NOT NULL,"
          " tenant_id INTEGER NOT NULL,"
          " event_id INTEGER NOT NULL,"
          " type TEXT NOT NULL,"
          " data TEXT NOT NULL,"
          " event_at INTEGER NOT NULL,"
          " state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','delivered','failed','cancelled')),"
          " attempts INTEGER NOT NULL DEFAULT 0,"
          " next_attempt_ms INTEGER NOT NULL,"
          " last_status INTEGER NOT NULL DEFAULT 0,"
          " last_latency_ms INTEGER NOT NULL DEFAULT 0,"
          " last_error TEXT NOT NULL DEFAULT '',"
          " created_at INTEGER NOT NULL,"
          " updated_at INTEGER NOT NULL);"
          "CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_ms) WHERE state = 'pending';"
          "CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id, id);" },
        /* Idempotency-Key (issue 22): the first answer to a create, per
         * tenant, user, route and key, kept 24 h so that a client retrying
         * after a lost answer (a node died) gets it again. The body may
         * hold a temporary password: it is sealed with the key. */
        { 16, "idempotency keys",
          "CREATE TABLE idempotency_keys ("
          " id INTEGER PRIMARY KEY AUTOINCREMENT,"
          " tenant_id INTEGER NOT NULL,"
          " user_id INTEGER NOT NULL REFERENCES users(id),"
          " route TEXT NOT NULL,"
          " idem_key TEXT NOT NULL,"
          " request_digest TEXT NOT NULL,"
          " status INTEGER NOT NULL,"
          " body TEXT NOT NULL,"
          " created_at INTEGER NOT NULL,"
          " expires_at INTEGER NOT NULL,"
          " UNIQUE (tenant_id, user_id, route, idem_key));"
          "CREATE INDEX idempotency_keys_expires ON idempotency_keys(expires_at);" },
        /* Single sign-on (issue 21, domain/identity/sso.c): a tenant's
         * OpenID provider (the client secret sealed as SIP secrets are),
         * the email domains whose users it signs in (one tenant per
         * domain: the login page finds the provider by the email's
         * domain), the (issuer, subject) pairs linked to users, the flows
         * under way (keyed hashes of the state, of the browser's binding
         * cookie and of the nonce; the PKCE verifier sealed) and the
         * one-time codes the callback hands to the login page (keyed
         * hashes). */
        { 17, "single sign-on",
          "CREATE TABLE tenant_sso ("
          " tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id),"
          " issuer TEXT NOT NULL,"
          " client_id TEXT NOT NULL,"
          " client_secret TEXT NOT NULL,"
          " display_name TEXT NOT NULL,"
          " password_login INTEGER NOT NULL DEFAULT 1,"
          " jit_accounts INTEGER NOT NULL DEFAULT 0,"
          " updated_at INTEGER NOT NULL);"
          "CREATE TABLE sso_domains ("
          " domain TEXT PRIMARY KEY,"
          " tenant_id INTEGER NOT NULL REFERENCES tenants(id));"
          "CREATE INDEX sso_domains_tenant ON sso_domains(tenant_id);"
          "CREATE TABLE user_identities ("
          " issuer TEXT NOT NULL,"
          " subject TEXT NOT NULL,"
          " user_id INTEGER NOT NULL REFERENCES users(id),"
          " created_at INTEGER NOT NULL,"
          " PRIMARY KEY (issuer, subject));"
          "CREATE INDEX user_identities_user ON user_identities(user_id);"
          "CREATE TABLE oidc_flows ("
          " state_hash TEXT PRIMARY KEY,"
          " tenant_id INTEGER NOT NULL REFERENCES tenants(id),"
          " binding_hash TEXT NOT NULL,"
          " nonce_hash TEXT NOT NULL,"
          " verifier TEXT NOT NULL,"
          " expires_at INTEGER NOT NULL);"
          "CREATE TABLE oidc_codes ("
          " code_hash TEXT PRIMARY KEY,"
          " user_id INTEGER NOT NULL REFERENCES users(id),"
          " expires_at INTEGER NOT NULL);" },
};



#endif
