// Fakes for the live client's tests: a clock whose timers run when the test
// advances it, BroadcastChannels of one browser (a bus), and an EventSource
// the test opens, feeds and breaks.
import type { Channel } from '../src/sip/deskLock'
import type { Clock, EventSourceLike } from '../src/live/stream'

/** Lets messages, promises and callbacks queued so far run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
}

export class FakeClock implements Clock {
  now = 0
  private seq = 0
  private timers = new Map<number, { at: number; f: () => void }>()
  rnd = 0.5

  setTimeout(f: () => void, ms: number): unknown {
    const id = ++this.seq
    this.timers.set(id, { at: this.now + ms, f })
    return id
  }

  clearTimeout(h: unknown): void { this.timers.delete(h as number) }
  random(): number { return this.rnd }

  /** Moves time on by ms, running each timer due, in order, with what it queues. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms
    await settle()
    for (;;) {
      let next: [number, { at: number; f: () => void }] | null = null
      for (const e of this.timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e
      if (!next) break
      this.timers.delete(next[0])
      this.now = next[1].at
      next[1].f()
      await settle()
    }
    this.now = end
  }
}

/** The BroadcastChannels of one browser, one name: a message reaches every other open channel, later. */
export class Bus {
  private open = new Set<Channel>()
  posted: unknown[] = []

  channel(): Channel {
    const bus = this
    const ch: Channel = {
      onmessage: null,
      postMessage(m: unknown) {
        if (!bus.open.has(ch)) throw new Error('InvalidStateError: the channel is closed')
        bus.posted.push(m)
        const data = structuredClone(m)
        for (const other of bus.open) if (other !== ch) setImmediate(() => { if (bus.open.has(other)) other.onmessage?.({ data }) })
      },
      close() { bus.open.delete(ch) },
    }
    this.open.add(ch)
    return ch
  }
}

export class FakeEventSource implements EventSourceLike {
  static made: FakeEventSource[] = []
  onopen: ((e: Event) => void) | null = null
  onerror: ((e: Event) => void) | null = null
  closed = false
  private listeners = new Map<string, ((e: MessageEvent) => void)[]>()

  constructor(readonly url: string) { FakeEventSource.made.push(this) }

  addEventListener(type: string, l: (e: MessageEvent) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), l])
  }

  close(): void { this.closed = true }

  open(): void { this.onopen?.(new Event('open')) }
  fail(): void { this.onerror?.(new Event('error')) }

  /** A server-sent event: `event: type`, `id: id`, `data: data`. */
  emit(type: string, data: unknown, id = ''): void {
    const e = { type, data: typeof data === 'string' ? data : JSON.stringify(data), lastEventId: id } as MessageEvent
    for (const l of this.listeners.get(type) ?? []) l(e)
  }

  get params(): URLSearchParams { return new URL(this.url, 'http://x').searchParams }
}

/** A catalogue event of the stream, as the server frames it. */
export function registration(id: number, extensionId: number, registered: boolean) {
  return {
    id, type: 'registration.changed', at: '2026-12-06T23:00:00Z', tenant_id: 1,
    data: { extension_id: extensionId, extension: String(1000 + extensionId), agent_id: 7, registered },
  }
}
