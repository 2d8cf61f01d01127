// The live events client (src/live/): one stream per browser through a
// BroadcastChannel leader, reconnects with a fresh ticket and the last
// event id, and dispatch to the views — over fake channels, EventSource
// and clock (live-fakes.ts).
import { beforeEach, test } from 'node:test'
import assert from 'node:assert/strict'
import { LiveHub, CLAIM_MS, LEADER_TIMEOUT_MS } from '../src/live/hub'
import { EventStream, backoff, BACKOFF_MAX_MS } from '../src/live/stream'
import { Dispatcher } from '../src/live/dispatch'
import type { LiveKind, LiveMessage, LiveStatus } from '../src/live/types'
import { Bus, FakeClock, FakeEventSource, registration, settle } from './live-fakes'

let clock: FakeClock
let bus: Bus
let tickets: number
let ticketFails: unknown[]

beforeEach(() => {
  clock = new FakeClock()
  bus = new Bus()
  tickets = 0
  ticketFails = []
  FakeEventSource.made = []
})

class Forbidden extends Error {}

function stream(onMessage: (m: LiveMessage) => void, onStatus: (s: LiveStatus) => void, kind: LiveKind = 'admin') {
  return new EventStream({
    kind, clock, onMessage, onStatus,
    EventSource: FakeEventSource,
    ticket: async () => {
      const f = ticketFails.shift()
      if (f) throw f
      return `t${++tickets}`
    },
    fatal: (e) => e instanceof Forbidden,
  })
}

interface TestTab { hub: LiveHub; got: LiveMessage[] }

function tab(id: string): TestTab {
  const got: LiveMessage[] = []
  const hub = new LiveHub({ id, channel: bus.channel(), clock, makeStream: stream, deliver: (m) => got.push(m) })
  hub.start()
  return { hub, got }
}

/** The EventSources not closed. */
function openStreams(): FakeEventSource[] {
  return FakeEventSource.made.filter((e) => !e.closed)
}

function ids(t: TestTab): number[] {
  return t.got.flatMap((m) => (m.kind === 'event' ? [m.event.id] : []))
}

test('one tab leads and holds the only stream; the others get its events', async () => {
  const a = tab('a')
  await clock.advance(CLAIM_MS + 10)
  assert.equal(a.hub.role, 'leader')
  const b = tab('b')
  const c = tab('c')
  await clock.advance(CLAIM_MS + 10)
  assert.equal(b.hub.role, 'follower')
  assert.equal(c.hub.role, 'follower')
  assert.equal(openStreams().length, 1, 'one EventSource for the browser')
  const es = openStreams()[0]
  assert.equal(es.url, '/v1/admin/events?ticket=t1', 'a ticket, no last_event_id on a first connect, nothing else')
  es.open()
  await settle()
  for (const t of [a, b, c]) assert.deepEqual(t.got, [{ kind: 'reload' }], 'opened with no resume point: every tab loads again')
  es.emit('registration.changed', registration(41, 3, true), '41')
  await settle()
  for (const t of [a, b, c]) assert.deepEqual(ids(t), [41])
  // Followers stay followers while the leader beats.
  await clock.advance(LEADER_TIMEOUT_MS * 3)
  assert.deepEqual([a.hub.role, b.hub.role, c.hub.role], ['leader', 'follower', 'follower'])
  assert.equal(openStreams().length, 1)
  assert.equal(b.hub.status, 'open', 'a follower knows the stream is open')
})

test('tabs that start together elect one leader, the smallest id', async () => {
  const ts = ['m', 'c', 'x', 'k'].map(tab)
  await clock.advance(CLAIM_MS * 3)
  assert.deepEqual(ts.map((t) => t.hub.role), ['follower', 'leader', 'follower', 'follower'])
  assert.equal(openStreams().length, 1)
})

test('the leader\'s tab closes: another leads at once and resumes from the last event id', async () => {
  const a = tab('a')
  await clock.advance(CLAIM_MS + 10)
  const b = tab('b')
  const c = tab('c')
  await clock.advance(CLAIM_MS + 10)
  const first = openStreams()[0]
  first.open()
  first.emit('registration.changed', registration(7, 1, true), '7')
  first.emit('registration.changed', registration(9, 1, false), '9')
  await settle()
  a.hub.stop()
  assert.ok(first.closed, 'the old leader closed its stream')
  await clock.advance(CLAIM_MS + 10)
  assert.equal(b.hub.role, 'leader', 'the smallest remaining id leads')
  assert.equal(c.hub.role, 'follower')
  assert.equal(openStreams().length, 1)
  const second = openStreams()[0]
  assert.equal(second.params.get('ticket'), 't2', 'a fresh ticket')
  assert.equal(second.params.get('last_event_id'), '9', 'resumes after the last event the browser saw')
  second.open()
  second.emit('registration.changed', registration(10, 1, true), '10')
  await settle()
  assert.ok(!b.got.slice(1).some((m) => m.kind === 'reload'), 'a resumed stream needs no reload')
  assert.deepEqual(ids(b), [7, 9, 10])
  assert.deepEqual(ids(c), [7, 9, 10])
})

test('a leader that vanishes without a word is replaced after the timeout', async () => {
  const a = tab('a')
  await clock.advance(CLAIM_MS + 10)
  const b = tab('b')
  await clock.advance(CLAIM_MS + 10)
  openStreams()[0].emit('registration.changed', registration(5, 1, true), '5')
  await settle()
  // The tab froze or crashed: no bye, no heartbeat (its channel is gone).
  ;(a.hub as unknown as { o: { channel: { close(): void } } }).o.channel.close()
  ;(a.hub as unknown as { o: { channel: { postMessage(m: unknown): void } } }).o.channel.postMessage = () => {}
  await clock.advance(LEADER_TIMEOUT_MS - 500)
  assert.equal(b.hub.role, 'follower', 'not before the timeout')
  await clock.advance(500 + CLAIM_MS + 1000)
  assert.equal(b.hub.role, 'leader')
  const mine = FakeEventSource.made.at(-1)!
  assert.equal(mine.params.get('last_event_id'), '5')
})

test('two leaders (a race) meet in their heartbeats: the larger id steps down', async () => {
  const a = tab('a')
  const b = tab('b')
  // Force both to lead, as if neither heard the other's claim.
  for (const t of [a, b]) (t.hub as unknown as { lead(): void }).lead()
  await clock.advance(1500)
  assert.equal(a.hub.role, 'leader')
  assert.equal(b.hub.role, 'follower')
  assert.equal(openStreams().length, 1)
  assert.equal(openStreams()[0].params.get('ticket'), 't1')
})

test('an error: the stream closes the EventSource and reconnects itself with a fresh ticket, the last id, and backoff', async () => {
  const got: LiveMessage[] = []
  const statuses: LiveStatus[] = []
  const s = stream((m) => got.push(m), (st) => statuses.push(st))
  s.start(null)
  await settle()
  const es1 = FakeEventSource.made[0]
  es1.open()
  es1.emit('registration.changed', registration(100, 1, true), '100')
  es1.fail()
  assert.ok(es1.closed, 'EventSource\'s own reconnect (same URL, spent ticket) is not used')
  await clock.advance(backoff(0, clock.rnd) - 1)
  assert.equal(FakeEventSource.made.length, 1, 'waits the backoff')
  await clock.advance(1)
  const es2 = FakeEventSource.made[1]
  assert.equal(es2.url, '/v1/admin/events?ticket=t2&last_event_id=100')
  // Failing again before it opens: a longer wait.
  es2.fail()
  await clock.advance(backoff(1, clock.rnd) - 1)
  assert.equal(FakeEventSource.made.length, 2)
  await clock.advance(1)
  const es3 = FakeEventSource.made[2]
  assert.equal(es3.params.get('ticket'), 't3')
  es3.open()
  // Opened: the next failure waits the first step again.
  es3.fail()
  await clock.advance(backoff(0, clock.rnd))
  assert.equal(FakeEventSource.made.length, 4)
  assert.deepEqual(statuses.slice(0, 4), ['connecting', 'open', 'retrying', 'retrying'])
  // Events a resume replays that were seen already are dropped.
  const es4 = FakeEventSource.made[3]
  es4.emit('registration.changed', registration(100, 1, true), '100')
  es4.emit('registration.changed', registration(101, 1, false), '101')
  assert.deepEqual(got.map((m) => (m.kind === 'event' ? m.event.id : m.kind)), [100, 101])
  s.stop()
  assert.ok(es4.closed)
  await clock.advance(BACKOFF_MAX_MS * 2)
  assert.equal(FakeEventSource.made.length, 4, 'stopped: no reconnect')
})

test('backoff doubles to its cap, with jitter', () => {
  assert.equal(backoff(0, 0.5), 1000)
  assert.equal(backoff(1, 0.5), 2000)
  assert.equal(backoff(3, 0.5), 8000)
  assert.equal(backoff(10, 0.5), BACKOFF_MAX_MS)
  assert.equal(backoff(0, 0), 800)
  assert.equal(backoff(0, 0.999999), 1200)
})

test('a ticket refused for a while is asked again with backoff; forbidden stops', async () => {
  const statuses: LiveStatus[] = []
  ticketFails = [new Error('network'), new Error('store unavailable')]
  const s = stream(() => {}, (st) => statuses.push(st))
  s.start(12)
  await settle()
  assert.equal(FakeEventSource.made.length, 0)
  await clock.advance(backoff(0, clock.rnd) + backoff(1, clock.rnd))
  assert.equal(FakeEventSource.made.length, 1)
  assert.equal(FakeEventSource.made[0].url, '/v1/admin/events?ticket=t1&last_event_id=12')
  s.stop()

  ticketFails = [new Forbidden()]
  FakeEventSource.made = []
  const s2 = stream(() => {}, (st) => statuses.push(st))
  s2.start(null)
  await clock.advance(BACKOFF_MAX_MS * 2)
  assert.equal(FakeEventSource.made.length, 0)
  assert.equal(s2.active, false)
  assert.equal(statuses.at(-1), 'off')
})

test('end: session_ended stops the stream and tells the tab; shutdown reconnects', async () => {
  const got: LiveMessage[] = []
  const s = stream((m) => got.push(m), () => {})
  s.start(null)
  await settle()
  FakeEventSource.made[0].open()
  FakeEventSource.made[0].emit('end', { reason: 'shutdown' })
  assert.ok(FakeEventSource.made[0].closed)
  await clock.advance(backoff(0, clock.rnd))
  assert.equal(FakeEventSource.made.length, 2, 'a server that stops: connect again')
  FakeEventSource.made[1].emit('end', { reason: 'session_ended' })
  assert.ok(FakeEventSource.made[1].closed)
  assert.deepEqual(got, [{ kind: 'end' }])
  await clock.advance(BACKOFF_MAX_MS * 2)
  assert.equal(FakeEventSource.made.length, 2, 'the session is over: no reconnect')
})

test('the leader\'s session ends: it stops leading, another tab leads with its own ticket', async () => {
  const a = tab('a')
  await clock.advance(CLAIM_MS + 10)
  const b = tab('b')
  await clock.advance(CLAIM_MS + 10)
  FakeEventSource.made[0].emit('registration.changed', registration(3, 1, true), '3')
  FakeEventSource.made[0].emit('end', { reason: 'session_ended' })
  await settle()
  assert.deepEqual(a.got.at(-1), { kind: 'end' })
  assert.ok(!b.got.some((m) => m.kind === 'end'), 'another tab\'s session is its own')
  assert.equal(a.hub.role, 'idle')
  await clock.advance(CLAIM_MS + 10)
  assert.equal(b.hub.role, 'leader')
  assert.equal(openStreams().length, 1)
  assert.equal(openStreams()[0].url, '/v1/admin/events?ticket=t2&last_event_id=3')
})

test('reload reaches every tab; malformed or mistyped events are dropped', async () => {
  const a = tab('a')
  await clock.advance(CLAIM_MS + 10)
  const b = tab('b')
  await clock.advance(CLAIM_MS + 10)
  const es = openStreams()[0]
  es.emit('reload', { reason: 'gap' }, '50')
  es.emit('registration.changed', 'not json{')
  es.emit('registration.changed', { ...registration(51, 1, true), type: 'agent.deleted' })
  es.emit('registration.changed', { id: 'x', type: 'registration.changed', data: {} })
  es.emit('agent.deleted', { id: 52, type: 'agent.deleted', at: '2026-12-06T23:00:00Z', tenant_id: 1, data: { agent_id: 9 } }, '52')
  await settle()
  for (const t of [a, b]) assert.deepEqual(t.got.map((m) => (m.kind === 'event' ? m.event.type : m.kind)), ['reload', 'agent.deleted'])
  assert.equal(b.hub.lastId, 52)
})

test('the agents\' stream is /v1/me/events', async () => {
  const s = stream(() => {}, () => {}, 'me')
  s.start(4)
  await settle()
  assert.equal(FakeEventSource.made[0].url, '/v1/me/events?ticket=t1&last_event_id=4')
  s.stop()
})

test('dispatch: each handler gets its types, reload and end; a throwing one does not stop the others', () => {
  const d = new Dispatcher()
  const seen: string[] = []
  const origWarn = console.warn
  console.warn = () => {}
  try {
    d.on({ 'registration.changed': () => { throw new Error('boom') } })
    const off = d.on({
      'registration.changed': (e) => seen.push(`reg ${e.data.extension_id} ${e.data.registered}`),
      'call.started': (e) => seen.push(`call ${e.data.call_uuid}`),
      reload: () => seen.push('reload'),
      end: () => seen.push('end'),
    })
    d.dispatch({ kind: 'event', event: registration(1, 4, true) as never })
    d.dispatch({ kind: 'event', event: { id: 2, type: 'agent.deleted', at: '', tenant_id: 1, data: { agent_id: 3 } } })
    d.dispatch({ kind: 'reload' })
    d.dispatch({ kind: 'end' })
    off()
    d.dispatch({ kind: 'reload' })
    assert.deepEqual(seen, ['reg 4 true', 'reload', 'end'])
    assert.equal(d.size, 1)
  } finally {
    console.warn = origWarn
  }
})
