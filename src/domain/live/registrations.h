/*
 * One node's registrations in memory (the listener's truth), changed by
 * its events and re-reads, and written to the store in the applier's
 * batches: the node's rows of each extension an event touched, the
 * extension's last_login_at, a registration.changed event when it
 * registered, unregistered or moved to another contact (not on every
 * refresh), and the refusal of a registration that must not be (the
 * extension is suspended, free in the pool, unknown, of another cluster or
 * in another realm): it is not kept, and refuse() is asked to flush it.
 *
 * Used by one node's applier thread only (domain/live/listener.c).
 */
#ifndef AGENTDESK_DOMAIN_LIVE_REGISTRATIONS_H
#define AGENTDESK_DOMAIN_LIVE_REGISTRATIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/core/app.h"
#include "freeswitch/events.h"

struct live_regs;

struct live_regs *live_regs_new(void);
void live_regs_free(struct live_regs *r);

/* A sofia::register, ::unregister or ::expire of the node (other kinds
 * are ignored), at now (epoch seconds). */
void live_regs_event(struct live_regs *r, const struct fs_event *ev, int64_t now);

/* The node's whole listing, read after a (re)connect, a drop or on the
 * re-read interval: it replaces what memory held. With rewrite (memory and
 * the store may differ: a new holder, a failed batch), the next flush
 * writes every row of the node again; else only the extensions whose
 * bindings changed. */
void live_regs_snapshot(struct live_regs *r, const struct fs_registration *regs, size_t n,
                        int64_t now, bool rewrite);

/* One row of what the node's last holder wrote (store/registrations.c),
 * into memory as it is: a new holder starts from it, so that what did
 * not change while the stream moved is not published again. */
void live_regs_load(struct live_regs *r, const struct store_live_registration *row);

/* Whether live_regs_flush has anything to write. */
bool live_regs_pending(const struct live_regs *r);

struct live_flush {
        struct app *app;
        struct store_conn *conn;         /* in the batch's open transaction */
        int64_t cluster_id;
        const char *node;                /* host:port */
        /* A registration to flush from the node (user@realm). */
        void (*refuse)(void *userdata, const char *user, const char *realm);
        void *userdata;
        uint64_t refused;                /* out: refusals of this flush */
};

/* Writes what the events since the last flush changed, within f->conn's
 * transaction. On failure the caller rolls back and re-reads the node
 * (memory already moved on): live_regs_snapshot then rewrites every row. */
enum result live_regs_flush(struct live_regs *r, struct live_flush *f);

/* How many extensions are registered on the node, in memory. */
size_t live_regs_count(const struct live_regs *r);

#endif
