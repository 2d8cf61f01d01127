// The app's live events. The portal's frame (and any page that wants the
// user's own stream) calls useLiveConnection(kind): one LiveHub per tab for
// the signed-in user and scope, restarted when either changes, stopped when
// the frame goes or the tab is hidden for good (pagehide: another tab takes
// the lead at once). Views call useLiveEvents({ 'registration.changed': … })
// for the messages they want while they are mounted. `end` (this tab's
// session was revoked or expired) ends the session the way a 401 does,
// with the 401's reason.
//
// Nothing of this is stored: no localStorage, IndexedDB or cookie; the
// BroadcastChannel's name holds the user's id and scope, never a token.
import { onBeforeUnmount, ref, watch } from 'vue'
import { api, ApiError } from '../api/client'
import { useSessionStore } from '../stores/session'
import { useScopeStore } from '../stores/scope'
import type { Channel } from '../sip/deskLock'
import { Dispatcher, type LiveHandlers } from './dispatch'
import { LiveHub } from './hub'
import { EventStream, realClock } from './stream'
import type { LiveKind, LiveStatus } from './types'

export type { LiveHandlers } from './dispatch'

/** The stream's state as this tab knows it (the leader's). */
export const liveStatus = ref<LiveStatus>('off')

const dispatcher = new Dispatcher()
let hub: LiveHub | null = null

/** Tabs without BroadcastChannel lead alone. */
function channel(name: string): Channel {
  if (typeof BroadcastChannel !== 'undefined') return new BroadcastChannel(name) as unknown as Channel
  return { postMessage() {}, onmessage: null, close() {} }
}

async function ticket(kind: LiveKind): Promise<string> {
  const r = kind === 'admin'
    ? await api.post('/v1/admin/events/ticket', undefined)
    : await api.post('/v1/me/events/ticket', undefined)
  return r.ticket
}

/** The stream says that the session ended, not why: one request asks, and
 *  its 401 ends the session with the words for its reason (an account
 *  suspended or removed is not "log in again"). */
async function sessionEnded() {
  const session = useSessionStore()
  const token = session.token
  if (!token || session.leaving) return
  try { await api.get('/v1/auth/me') } catch { /* its 401 expired the session */ }
  if (session.token === token) session.expire()
}

/** Forbidden, the session over, or no such tenant or stream: asking again brings no ticket. */
function fatal(e: unknown): boolean {
  return e instanceof ApiError && (e.status === 401 || e.status === 403 || e.status === 404)
}

function stopHub() {
  hub?.stop()
  hub = null
  liveStatus.value = 'off'
}

function startHub(kind: LiveKind, name: string) {
  stopHub()
  const h = new LiveHub({
    channel: channel(name),
    clock: realClock,
    makeStream: (onMessage, onStatus) => new EventStream({
      kind, ticket: () => ticket(kind), fatal, EventSource: EventSource, clock: realClock, onMessage, onStatus,
    }),
    deliver: (m) => {
      if (m.kind === 'end') void sessionEnded()
      dispatcher.dispatch(m)
    },
    onStatus: (s) => { if (hub === h) liveStatus.value = s },
  })
  hub = h
  h.start()
}

/** Keeps this tab in its browser's one stream while the calling component is mounted. */
export function useLiveConnection(kind: LiveKind): void {
  const session = useSessionStore()
  const scope = useScopeStore()
  const name = (): string | null => {
    if (!session.token || !session.user) return null
    // The superadmin's stream follows the tenant in view (all tenants without one).
    const scoped = kind === 'admin' && session.isSuperadmin ? `.${scope.tenantId ?? 'all'}` : ''
    return `agentdesk.live.${kind}.${session.user.id}${scoped}`
  }
  const stop = watch(name, (n) => { if (n) startHub(kind, n); else stopHub() }, { immediate: true })
  const leave = () => stopHub()
  const back = (e: PageTransitionEvent) => { const n = name(); if (e.persisted && n) startHub(kind, n) }
  addEventListener('pagehide', leave)
  addEventListener('pageshow', back)
  onBeforeUnmount(() => {
    stop()
    removeEventListener('pagehide', leave)
    removeEventListener('pageshow', back)
    stopHub()
  })
}

/** Calls the handlers with this tab's live messages while the calling component is mounted. */
export function useLiveEvents(h: LiveHandlers): void {
  onBeforeUnmount(dispatcher.on(h))
}

/**
 * A function that runs `f` once, LATER_MS after the last of a burst of
 * calls (a hundred agents made at once reload the list once); dropped
 * when the calling component unmounts.
 */
export function useLater(f: () => void, ms = LATER_MS): () => void {
  let t: ReturnType<typeof setTimeout> | undefined
  onBeforeUnmount(() => clearTimeout(t))
  return () => { clearTimeout(t); t = setTimeout(f, ms) }
}
export const LATER_MS = 300
