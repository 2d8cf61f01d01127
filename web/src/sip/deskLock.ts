// One desk per agent per browser: the tabs of one agent talk over a
// BroadcastChannel named after the user, so that only one of them
// registers. A tab that opens asks "anyone holding?"; the holder answers.
// No answer within CLAIM_MS: this tab holds the desk. "Move it here" asks
// the holder to let go; it stops its softphone and answers "released".
//
//   idle --claim--> asking --(no answer)--> holding
//                   asking --held-->        elsewhere --take--> asking(forced)
//   holding --take (from another tab)-->    elsewhere
export const CLAIM_MS = 150
/** How long "move it here" waits for the holder to unregister and answer. */
export const TAKE_MS = 3000

type Msg =
  | { t: 'who'; from: string }
  | { t: 'held'; from: string }
  | { t: 'take'; from: string }
  | { t: 'released'; from: string }

export interface Channel {
  postMessage(m: unknown): void
  onmessage: ((e: { data: unknown }) => void) | null
  close(): void
}

export type LockState = 'idle' | 'asking' | 'holding' | 'elsewhere'

export class DeskLock {
  state: LockState = 'idle'
  private readonly id = Math.random().toString(36).slice(2)
  private readonly ch: Channel
  private timer: ReturnType<typeof setTimeout> | null = null
  /** May return a promise: "released" is sent once it settles (the holder has unregistered). */
  private readonly onChange: (s: LockState) => void | Promise<void>

  constructor(ch: Channel, onChange: (s: LockState) => void | Promise<void>) {
    this.ch = ch
    this.onChange = onChange
    ch.onmessage = (e) => this.receive(e.data as Msg)
  }

  /** Hold the desk unless another tab does. */
  claim(): void {
    this.set('asking')
    this.ch.postMessage({ t: 'who', from: this.id })
    this.wait()
  }

  /** Ask the holding tab to let go, then hold. */
  take(): void {
    this.set('asking')
    this.ch.postMessage({ t: 'take', from: this.id })
    this.wait(TAKE_MS)
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer)
    this.ch.onmessage = null
    this.ch.close()
  }

  private wait(ms = CLAIM_MS) {
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = null
      if (this.state === 'asking') this.set('holding')
    }, ms)
  }

  private set(s: LockState): Promise<void> {
    if (this.state === s) return Promise.resolve()
    this.state = s
    return Promise.resolve(this.onChange(s)).catch(() => {})
  }

  private receive(m: Msg) {
    if (!m || m.from === this.id) return
    switch (m.t) {
      case 'who':
        if (this.state === 'holding') this.ch.postMessage({ t: 'held', from: this.id })
        break
      case 'held':
        if (this.state === 'asking') {
          if (this.timer) clearTimeout(this.timer)
          this.timer = null
          this.set('elsewhere')
        }
        break
      case 'take':
        if (this.state === 'holding' || this.state === 'asking') {
          if (this.timer) clearTimeout(this.timer)
          this.timer = null
          // Two registrations of one user must not overlap: FreeSWITCH may
          // drop every contact of the user on the first one's unregister.
          void this.set('elsewhere').then(() => this.ch.postMessage({ t: 'released', from: this.id }))
        }
        break
      case 'released':
        if (this.state === 'asking') {
          if (this.timer) clearTimeout(this.timer)
          this.timer = null
          this.set('holding')
        }
        break
    }
  }
}

export function deskChannel(userId: number): Channel | null {
  return typeof BroadcastChannel === 'undefined'
    ? null : new BroadcastChannel(`agentdesk.desk.${userId}`) as unknown as Channel
}
