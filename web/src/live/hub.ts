// One live stream per browser, shared by its tabs: the tabs of one user
// and scope talk over a BroadcastChannel; one of them, the leader, holds
// the EventStream and posts every message it gets to the others. A tab
// that opens claims the lead; a leader answers with a heartbeat and the
// tab follows. The leader beats every HEARTBEAT_MS; a follower that hears
// nothing for LEADER_TIMEOUT_MS (the leader's tab crashed or froze), or
// hears "bye" (it closed), claims. Among tabs that claim at once the
// smallest id wins; two leaders (a race) meet in their heartbeats and the
// larger id steps down. Every tab keeps the newest event id it has seen,
// so a new leader resumes the stream where the old one stopped; a stream
// opened with no event seen yet (nothing to resume from) tells every tab
// to reload, since what came before it is in no stream.
//
//   idle --start--> claiming --(CLAIM_MS, no answer)--> leader
//   claiming --alive, or a smaller claim--> follower --bye, or silence--> claiming
//   leader --alive of a smaller id--> follower
import type { Channel } from '../sip/deskLock'
import type { Clock } from './stream'
import type { LiveMessage, LiveStatus } from './types'

export const CLAIM_MS = 200
export const HEARTBEAT_MS = 1000
export const LEADER_TIMEOUT_MS = 3500

type Msg =
  | { t: 'claim'; from: string }
  | { t: 'alive'; from: string; lastId: number | null; status: LiveStatus }
  | { t: 'bye'; from: string; lastId: number | null }
  | { t: 'msg'; from: string; m: LiveMessage }

/** What the hub needs of the leader's stream (EventStream). */
export interface Stream {
  lastId: number | null
  start(lastId: number | null): void
  stop(): void
}

export type Role = 'idle' | 'claiming' | 'leader' | 'follower'

export interface HubOptions {
  channel: Channel
  clock: Clock
  /** The stream this tab holds while it leads; it reports through the two callbacks given. */
  makeStream: (onMessage: (m: LiveMessage) => void, onStatus: (s: LiveStatus) => void) => Stream
  /** Every message this tab's views must see, once. */
  deliver: (m: LiveMessage) => void
  /** The stream's state (the leader's, in every tab). */
  onStatus?: (s: LiveStatus) => void
  /** Ids compare as strings: the smallest leads. */
  id?: string
}

export class LiveHub {
  role: Role = 'idle'
  readonly id: string
  lastId: number | null = null
  status: LiveStatus = 'off'
  private readonly o: HubOptions
  private stream: Stream | null = null
  private claimTimer: unknown = null
  private watchdog: unknown = null
  private beat: unknown = null

  constructor(o: HubOptions) {
    this.o = o
    this.id = o.id ?? `${Date.now().toString(36).padStart(9, '0')}-${o.clock.random().toString(36).slice(2, 10)}`
    o.channel.onmessage = (e) => this.receive(e.data as Msg)
  }

  start(): void {
    if (this.role === 'idle') this.claim()
  }

  /** Leaves: a leader stops its stream and says bye, so that another tab leads at once. */
  stop(): void {
    if (this.role === 'leader') {
      this.resign()
      this.post({ t: 'bye', from: this.id, lastId: this.lastId })
    }
    this.clearTimers()
    this.role = 'idle'
    this.setStatus('off')
    this.o.channel.onmessage = null
    this.o.channel.close()
  }

  private post(m: Msg) {
    try { this.o.channel.postMessage(m) } catch { /* the channel is closed: the tab is leaving */ }
  }

  private clearTimers() {
    const c = this.o.clock
    if (this.claimTimer !== null) c.clearTimeout(this.claimTimer)
    if (this.watchdog !== null) c.clearTimeout(this.watchdog)
    if (this.beat !== null) c.clearTimeout(this.beat)
    this.claimTimer = this.watchdog = this.beat = null
  }

  private claim() {
    this.clearTimers()
    this.role = 'claiming'
    this.post({ t: 'claim', from: this.id })
    this.claimTimer = this.o.clock.setTimeout(() => {
      this.claimTimer = null
      if (this.role === 'claiming') this.lead()
    }, CLAIM_MS)
  }

  private follow() {
    this.clearTimers()
    this.role = 'follower'
    this.watch()
  }

  /** Restarts the follower's wait for the leader's next sign of life. */
  private watch() {
    if (this.watchdog !== null) this.o.clock.clearTimeout(this.watchdog)
    this.watchdog = this.o.clock.setTimeout(() => {
      this.watchdog = null
      if (this.role === 'follower') this.claim()
    }, LEADER_TIMEOUT_MS)
  }

  private lead() {
    this.clearTimers()
    this.role = 'leader'
    this.stream = this.o.makeStream((m) => this.fromStream(m), (s) => {
      this.setStatus(s)
      this.alive()
      // Opened without a resume point (no event seen yet): what happened
      // before this moment is in no stream, and the views may have loaded
      // before it. They load again, once the stream will tell what follows.
      if (s === 'open' && this.lastId === null && (this.stream?.lastId ?? null) === null) this.fromStream({ kind: 'reload' })
    })
    this.alive()
    this.stream.start(this.lastId)
    this.heartbeat()
  }

  private heartbeat() {
    this.beat = this.o.clock.setTimeout(() => {
      this.beat = null
      if (this.role !== 'leader') return
      this.alive()
      this.heartbeat()
    }, HEARTBEAT_MS)
  }

  private alive() {
    this.post({ t: 'alive', from: this.id, lastId: this.lastId, status: this.status })
  }

  /** Stops leading (the stream too); the caller says what comes next. */
  private resign() {
    const s = this.stream
    this.stream = null
    if (s) { this.seen(s.lastId); s.stop() }
  }

  private fromStream(m: LiveMessage) {
    if (this.role !== 'leader') return
    if (this.stream) this.seen(this.stream.lastId)
    if (m.kind === 'end') {
      // This tab's session ended. The others may have sessions of their
      // own: one of them leads now, with its own ticket (refused if its
      // session ended too, which ends it the usual way).
      this.resign()
      this.post({ t: 'bye', from: this.id, lastId: this.lastId })
      this.clearTimers()
      this.role = 'idle'
      this.setStatus('off')
      this.o.deliver(m)
      return
    }
    this.post({ t: 'msg', from: this.id, m })
    this.o.deliver(m)
  }

  private seen(id: number | null | undefined) {
    if (typeof id === 'number' && (this.lastId === null || id > this.lastId)) this.lastId = id
  }

  private setStatus(s: LiveStatus) {
    if (this.status === s) return
    this.status = s
    this.o.onStatus?.(s)
  }

  private receive(m: Msg) {
    if (!m || typeof m !== 'object' || typeof m.from !== 'string' || m.from === this.id || this.role === 'idle') return
    switch (m.t) {
      case 'claim':
        if (this.role === 'leader') this.alive()
        else if (this.role === 'claiming') {
          if (m.from < this.id) this.follow()
          else this.post({ t: 'claim', from: this.id })
        }
        break
      case 'alive':
        this.seen(m.lastId)
        if (this.role === 'leader') {
          if (m.from < this.id) { this.resign(); this.follow(); this.setStatus(m.status) } else this.alive()
        } else {
          if (this.role === 'claiming') this.follow()
          else this.watch()
          this.setStatus(m.status)
        }
        break
      case 'bye':
        this.seen(m.lastId)
        if (this.role === 'follower') this.claim()
        break
      case 'msg':
        if (this.role === 'leader') break
        if (m.m.kind === 'event') this.seen(m.m.event.id)
        if (this.role === 'follower') this.watch()
        if (m.m.kind !== 'end') this.o.deliver(m.m)
        break
    }
  }
}
