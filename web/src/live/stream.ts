// One live event stream (the leader tab's): a single-use ticket, then an
// EventSource on /v1/admin/events (or /v1/me/events) with the ticket and
// the last event id seen. EventSource's own reconnect would reuse the URL,
// whose ticket the server refuses the second time, so on any error the
// stream closes it and connects again itself: a fresh ticket, the newest
// last_event_id, after a backoff (1 s doubling to 30 s, ±20 %). `end`
// with reason session_ended stops it for good; any other end (shutdown)
// is an error like a dropped connection. The bearer token never goes in
// the URL: only the ticket does.
import { LIVE_TYPES, type LiveKind, type LiveMessage, type LiveStatus, type LiveType, type TypedLiveEvent } from './types'

export interface Clock {
  setTimeout(f: () => void, ms: number): unknown
  clearTimeout(h: unknown): void
  /** [0, 1): the backoff's jitter. */
  random(): number
}

export const realClock: Clock = {
  setTimeout: (f, ms) => setTimeout(f, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  random: () => Math.random(),
}

/** What the stream uses of the browser's EventSource. */
export interface EventSourceLike {
  onopen: ((e: Event) => void) | null
  onerror: ((e: Event) => void) | null
  addEventListener(type: string, listener: (e: MessageEvent) => void): void
  close(): void
}
export type EventSourceCtor = new (url: string) => EventSourceLike

export interface StreamOptions {
  kind: LiveKind
  /** POST …/events/ticket: the ticket. Throws when it cannot. */
  ticket: () => Promise<string>
  /** A ticket error after which trying again is pointless (forbidden, or the session ended). */
  fatal: (e: unknown) => boolean
  EventSource: EventSourceCtor
  clock: Clock
  onMessage: (m: LiveMessage) => void
  onStatus: (s: LiveStatus) => void
}

export const BACKOFF_FIRST_MS = 1000
export const BACKOFF_MAX_MS = 30_000

/** The wait before reconnect number `attempt` (0 first): doubling, capped, ±20 % so tabs of many browsers spread out. */
export function backoff(attempt: number, random: number): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.min(attempt, 16))
  return Math.round(base * (0.8 + 0.4 * random))
}

export function streamPath(kind: LiveKind): string {
  return kind === 'admin' ? '/v1/admin/events' : '/v1/me/events'
}

export class EventStream {
  /** The newest event id seen: where a reconnect resumes. */
  lastId: number | null = null
  private es: EventSourceLike | null = null
  private timer: unknown = null
  private attempt = 0
  private running = false
  /** Bumped by every connect and stop: a ticket that comes back late is dropped. */
  private gen = 0

  constructor(private readonly o: StreamOptions) {}

  get active(): boolean { return this.running }

  start(lastId: number | null): void {
    if (this.running) return
    this.running = true
    this.lastId = lastId
    this.attempt = 0
    void this.connect()
  }

  stop(): void {
    if (!this.running) return
    this.running = false
    this.gen++
    this.close()
    if (this.timer !== null) this.o.clock.clearTimeout(this.timer)
    this.timer = null
    this.o.onStatus('off')
  }

  private close() {
    const es = this.es
    this.es = null
    if (es) { es.onopen = null; es.onerror = null; es.close() }
  }

  private async connect(): Promise<void> {
    this.timer = null
    const gen = ++this.gen
    this.o.onStatus(this.attempt === 0 ? 'connecting' : 'retrying')
    let ticket: string
    try {
      ticket = await this.o.ticket()
    } catch (e) {
      if (gen !== this.gen) return
      if (this.o.fatal(e)) this.stop()
      else this.retry()
      return
    }
    if (gen !== this.gen) return
    let url = `${streamPath(this.o.kind)}?ticket=${encodeURIComponent(ticket)}`
    if (this.lastId !== null) url += `&last_event_id=${this.lastId}`
    const es = new this.o.EventSource(url)
    this.es = es
    es.onopen = () => {
      if (this.es !== es) return
      this.attempt = 0
      this.o.onStatus('open')
    }
    // EventSource would reconnect to the same URL, which the spent ticket no longer opens.
    es.onerror = () => {
      if (this.es !== es) return
      this.close()
      this.retry()
    }
    for (const type of LIVE_TYPES) es.addEventListener(type, (e) => { if (this.es === es) this.event(type, e) })
    es.addEventListener('reload', (e) => {
      if (this.es !== es) return
      this.seen(e)
      this.o.onMessage({ kind: 'reload' })
    })
    es.addEventListener('end', (e) => {
      if (this.es !== es) return
      this.close()
      if (reason(e) === 'session_ended') {
        this.stop()
        this.o.onMessage({ kind: 'end' })
      } else {
        this.retry()
      }
    })
  }

  private retry() {
    this.o.onStatus('retrying')
    this.timer = this.o.clock.setTimeout(() => void this.connect(), backoff(this.attempt++, this.o.clock.random()))
  }

  /** The SSE `id:` of a control event moves the resume point too. */
  private seen(e: MessageEvent) {
    const id = Number(e.lastEventId)
    if (e.lastEventId && Number.isSafeInteger(id) && (this.lastId === null || id > this.lastId)) this.lastId = id
  }

  private event(type: LiveType, e: MessageEvent) {
    let ev: TypedLiveEvent
    try {
      ev = JSON.parse(String(e.data)) as TypedLiveEvent
    } catch {
      return
    }
    if (!ev || typeof ev !== 'object' || ev.type !== type || !Number.isSafeInteger(ev.id) || typeof ev.data !== 'object' || ev.data === null) return
    // Replayed after a resume that overlapped what was already delivered.
    if (this.lastId !== null && ev.id <= this.lastId) return
    this.lastId = ev.id
    this.o.onMessage({ kind: 'event', event: ev })
  }
}

function reason(e: MessageEvent): string | null {
  try {
    const d = JSON.parse(String(e.data)) as { reason?: unknown }
    return typeof d.reason === 'string' ? d.reason : null
  } catch {
    return null
  }
}
