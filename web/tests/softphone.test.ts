// Unit tests of the softphone's state machine (src/sip/) over a fake SIP
// transport and a fake clock; the real thing is tested in Chromium against
// FreeSWITCH (tests/browser/desk). Run: npm run test:unit (node's runner).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { REG_TRANSITIONS, CALL_TRANSITIONS, LINE_TRANSITIONS, nextReg } from '../src/sip/machine'
import { retryDelay } from '../src/sip/reconnect'
import { Softphone, initialView, type Clock } from '../src/sip/softphone'
import { DeskLock, TAKE_MS, type Channel, type LockState } from '../src/sip/deskLock'
import type { CallEvent, SipCall, SipCredentials, SipUa, UaEvent } from '../src/sip/ua'
import type { QueueOffer } from '../src/sip/queueOffer'
import type { Mixer } from '../src/sip/mixer'

const CRED: SipCredentials = { extension: '2000', password: 'first-secret', realm: 'sip.example',
                               wsUrl: 'ws://127.0.0.1:5066', displayName: 'Ann Agent' }

class FakeCall implements SipCall {
  onEvent: (e: CallEvent) => void = () => {}
  log: string[] = []
  constructor(readonly remoteName: string, readonly remoteNumber: string, readonly queue: QueueOffer | null = null) {}
  answer() { this.log.push('answer') }
  hangup(status?: number) { this.log.push(`hangup${status ? ` ${status}` : ''}`) }
  mute(on: boolean) { this.log.push(`mute ${on}`) }
  hold(on: boolean) { this.log.push(`hold ${on}`) }
  sendDtmf(t: string) { this.log.push(`dtmf ${t}`) }
  transfer(t: string) { this.log.push(`transfer ${t}`) }
  transferReplacing(o: SipCall) { this.log.push(`transfer replacing ${o.remoteNumber}`) }
  peer() { return null }
  sendAudio(t: MediaStreamTrack | null) { this.log.push(t ? 'send mix' : 'send mic') }
}

/** The mixer as the softphone uses it: what was joined, muted, split (mixer.ts itself: mixer.test.ts). */
class FakeMixer implements Mixer {
  log: string[] = []
  ear: MediaStream | null = null
  refuse = false
  join(a: SipCall, b: SipCall, muted: boolean) {
    if (this.refuse) return false
    this.log.push(`join ${a.remoteNumber}+${b.remoteNumber}${muted ? ' muted' : ''}`)
    this.ear = {} as MediaStream
    return true
  }
  mute(on: boolean) { this.log.push(`mute ${on}`) }
  split() { this.log.push('split'); this.ear = null }
}

class FakeUa implements SipUa {
  log: string[] = []
  calls: FakeCall[] = []
  constructor(readonly cred: SipCredentials, readonly emit: (e: UaEvent) => void) {}
  start() { this.log.push('start') }
  register() { this.log.push('register') }
  unregister() { this.log.push('unregister') }
  stop() { this.log.push('stop') }
  call(target: string) { const c = new FakeCall('', target); this.calls.push(c); return c }
}

class FakeClock implements Clock {
  t = 1_000_000
  timers: { at: number; fn: () => void; id: number }[] = []
  private n = 0
  now() { return this.t }
  setTimeout(fn: () => void, ms: number) { const id = ++this.n; this.timers.push({ at: this.t + ms, fn, id }); return id }
  clearTimeout(id: unknown) { this.timers = this.timers.filter((x) => x.id !== id) }
  /** Runs every timer due within ms, in order. */
  advance(ms: number) {
    const end = this.t + ms
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at)
      const next = this.timers[0]
      if (!next || next.at > end) break
      this.timers.shift()
      this.t = next.at
      next.fn()
    }
    this.t = end
  }
}

/** Every transition any test below took: the last test checks that each edge of the tables was. */
const taken = new Set<string>()

function rig(fetch: () => Promise<SipCredentials | null> = async () => null) {
  const uas: FakeUa[] = []
  const clock = new FakeClock()
  const transitions: string[] = []
  const view = initialView()
  const mixer = new FakeMixer()
  const phone = new Softphone(view, {
    factory: (cred, emit) => { const ua = new FakeUa(cred, emit); uas.push(ua); return ua },
    fetchCredentials: fetch,
    mixer,
    clock,
    onTransition: (m, from, ev, to) => {
      transitions.push(`${m}:${from}-${ev}->${to}`)
      taken.add(`${m}:${from}-${ev}->${to}`)
    },
  })
  return { uas, clock, view, phone, transitions, mixer, last: () => uas[uas.length - 1] }
}

function connect(r: ReturnType<typeof rig>) {
  r.last().emit({ type: 'connected' })
  r.last().emit({ type: 'registered' })
}

const flush = () => new Promise((res) => setImmediate(res))

test('the tables name only known states', () => {
  for (const table of [REG_TRANSITIONS, CALL_TRANSITIONS, LINE_TRANSITIONS] as Record<string, Record<string, string>>[])
    for (const [from, edges] of Object.entries(table))
      for (const [ev, to] of Object.entries(edges))
        assert.ok(to in table, `${from} --${ev}--> ${to}`)
  assert.equal(nextReg('stopped', 'registered'), null)
})

test('reconnect schedule: 1, 2, 4, 5, 5… for two minutes, then backing off to 30 s', () => {
  const seq: number[] = []
  let prev = 0
  let t = 0
  for (let i = 0; i < 40; i++) {
    const d = retryDelay(i, t * 1000, prev)
    seq.push(d)
    prev = d
    t += d
  }
  assert.deepEqual(seq.slice(0, 6), [1, 2, 4, 5, 5, 5])
  const firstSlow = seq.findIndex((d, i) => i > 0 && d > 5)
  const elapsed = seq.slice(0, firstSlow).reduce((a, b) => a + b, 0)
  assert.ok(elapsed >= 120 && elapsed < 126, `slow after ${elapsed} s`)
  assert.deepEqual(seq.slice(firstSlow, firstSlow + 3), [10, 20, 30])
  assert.equal(seq[seq.length - 1], 30)
})

test('start registers and connects; a dropped socket retries on schedule with new UAs', () => {
  const r = rig()
  r.phone.start(CRED)
  assert.equal(r.view.reg, 'connecting')
  assert.deepEqual(r.last().log, ['start'])
  connect(r)
  assert.equal(r.view.reg, 'connected')
  assert.deepEqual(r.last().log, ['start', 'register'])
  const delays: number[] = []
  for (let i = 0; i < 5; i++) {
    r.last().emit({ type: 'disconnected' })
    assert.equal(r.view.reg, 'disconnected')
    assert.ok(r.last().log.includes('stop'), 'the dead UA is stopped')
    const d = ((r.view.retryAt as number) - r.clock.now()) / 1000
    delays.push(d)
    const before = r.uas.length
    r.clock.advance(d * 1000 - 1)
    assert.equal(r.uas.length, before, 'not before the delay')
    r.clock.advance(1)
    assert.equal(r.uas.length, before + 1)
    assert.equal(r.view.reg, 'connecting')
  }
  assert.deepEqual(delays, [1, 2, 4, 5, 5])
  connect(r)
  assert.equal(r.view.reg, 'connected')
  // A new outage starts the schedule over.
  r.last().emit({ type: 'disconnected' })
  assert.equal(((r.view.retryAt as number) - r.clock.now()) / 1000, 1)
  // Events of a stopped UA change nothing.
  r.uas[0].emit({ type: 'registered' })
  assert.equal(r.view.reg, 'disconnected')
})

test('check-sync NOTIFY registers again at once', () => {
  const r = rig()
  r.phone.start(CRED)
  connect(r)
  r.last().emit({ type: 'check_sync' })
  assert.equal(r.view.reg, 'registering')
  assert.deepEqual(r.last().log, ['start', 'register', 'register'])
  r.last().emit({ type: 'registered' })
  assert.equal(r.view.reg, 'connected')
})

test('401/403 fetches /v1/auth/me once and registers with the new password', async () => {
  let fetches = 0
  const r = rig(async () => { fetches++; return { ...CRED, password: 'rotated-secret' } })
  r.phone.start(CRED)
  connect(r)
  r.last().emit({ type: 'check_sync' })
  r.last().emit({ type: 'registration_failed', status: 403, cause: 'Rejected' })
  assert.equal(r.view.reg, 'reauth')
  await flush()
  assert.equal(fetches, 1)
  assert.equal(r.uas.length, 2)
  assert.equal(r.last().cred.password, 'rotated-secret')
  assert.equal(r.view.reg, 'connecting_fresh')
  connect(r)
  assert.equal(r.view.reg, 'connected')
  // A later rotation: one more fetch; refused again with what it gave: refused.
  r.last().emit({ type: 'registration_failed', status: 401, cause: 'Rejected' })
  assert.equal(r.view.reg, 'reauth')
  await flush()
  assert.equal(r.view.reg, 'connecting_fresh')
  r.last().emit({ type: 'connected' })
  r.last().emit({ type: 'registration_failed', status: 401, cause: 'Rejected' })
  assert.equal(r.view.reg, 'refused')
  await flush()
  assert.equal(fetches, 2, 'one fetch per refusal of a working registration')
})

test('refused when /me has nothing to offer; a check-sync registers again from there', async () => {
  const r = rig(async () => null)
  r.phone.start(CRED)
  r.last().emit({ type: 'connected' })
  r.last().emit({ type: 'registration_failed', status: 403, cause: 'Rejected' })
  await flush()
  assert.equal(r.view.reg, 'refused')
  r.last().emit({ type: 'check_sync' })
  assert.equal(r.view.reg, 'registering')
  assert.deepEqual(r.last().log, ['start', 'register', 'register'])
  r.last().emit({ type: 'registered' })
  assert.equal(r.view.reg, 'connected')
})

/** A started softphone brought to reg state `to` the way the user agent would. */
async function reach(to: string) {
  const fetched: ((c: SipCredentials | null) => void)[] = []
  const r = rig(() => new Promise((res) => fetched.push(res)))
  if (to === 'stopped') return r
  r.phone.start(CRED)
  if (to === 'connecting') return r
  r.last().emit({ type: 'connected' })
  if (to === 'registering') return r
  r.last().emit({ type: 'registered' })
  if (to === 'connected') return r
  if (to === 'disconnected') {
    r.last().emit({ type: 'disconnected' })
    return r
  }
  r.last().emit({ type: 'registration_failed', status: 401, cause: 'Rejected' })
  if (to === 'reauth') return r
  if (to === 'refused') {
    fetched[0](null)
    await flush()
    return r
  }
  fetched[0]({ ...CRED, password: 'rotated' })
  await flush()
  if (to === 'connecting_fresh') return r
  r.last().emit({ type: 'connected' })
  return r // registering_fresh
}

const LIVE = ['connecting', 'connecting_fresh', 'registering', 'registering_fresh', 'connected', 'reauth', 'refused']

test('every live state: a dropped socket, another tab or stop leaves it', async () => {
  for (const from of LIVE) {
    const down = await reach(from)
    assert.equal(down.view.reg, from)
    down.last().emit({ type: 'disconnected' })
    assert.equal(down.view.reg, 'disconnected', `${from} --transport_down-->`)
    assert.ok(down.last().log.includes('stop'))

    const gone = await reach(from)
    const ua = gone.last()
    const done = gone.phone.elsewhere()
    // FreeSWITCH may hold a registration here: the tab lets go once it confirmed the unregister.
    if (ua.log.at(-1) === 'unregister') ua.emit({ type: 'unregistered' })
    await done
    assert.equal(gone.view.reg, 'elsewhere', `${from} --elsewhere-->`)
    assert.equal(ua.log.at(-1), 'stop')

    const stopped = await reach(from)
    stopped.phone.stop()
    assert.equal(stopped.view.reg, 'stopped', `${from} --stop-->`)
  }
  // Not connected: another tab, stop; and a stopped desk seen elsewhere.
  for (const [make, act, want] of [
    ['disconnected', (r: Awaited<ReturnType<typeof reach>>) => r.phone.elsewhere(), 'elsewhere'],
    ['disconnected', (r: Awaited<ReturnType<typeof reach>>) => r.phone.stop(), 'stopped'],
    ['stopped', (r: Awaited<ReturnType<typeof reach>>) => r.phone.elsewhere(), 'elsewhere'],
  ] as const) {
    const r = await reach(make)
    await act(r)
    assert.equal(r.view.reg, want, `${make} -> ${want}`)
    assert.equal(r.view.retryAt, null, 'no retry pending')
    r.clock.advance(60_000)
    assert.equal(r.view.reg, want, 'the retry timer was cleared')
  }
  // A desk seen elsewhere stops for good (logout in the other tab's wake).
  const r = await reach('connected')
  const done = r.phone.elsewhere()
  r.last().emit({ type: 'unregistered' })
  await done
  r.phone.stop()
  assert.equal(r.view.reg, 'stopped')
})

test('an incoming call rings, is answered, held, muted, ends', () => {
  const r = rig()
  r.phone.start(CRED)
  connect(r)
  const call = new FakeCall('Bob Agent', '2001')
  r.last().emit({ type: 'incoming', call })
  assert.equal(r.view.call, 'ringing')
  assert.equal(r.view.remoteName, 'Bob Agent')
  r.phone.answer()
  assert.equal(r.view.call, 'answering')
  call.onEvent({ type: 'confirmed' })
  assert.equal(r.view.call, 'in_call')
  assert.equal(r.view.callStartedAt, r.clock.now())
  r.phone.mute(true)
  assert.equal(r.view.muted, true)
  r.phone.hold(true)
  assert.equal(r.view.call, 'held')
  r.phone.dtmf('5') // not while held
  r.phone.hold(false)
  r.phone.dtmf('5')
  r.phone.dtmf('x') // not a key
  // A second call rings beside it; declined, it is answered busy.
  const second = new FakeCall('C', '2002')
  r.last().emit({ type: 'incoming', call: second })
  assert.equal(r.view.other?.state, 'ringing')
  r.phone.endOther()
  assert.deepEqual(second.log, ['hangup 486'])
  second.onEvent({ type: 'ended', cause: 'Rejected', status: 486 })
  r.phone.hangup()
  call.onEvent({ type: 'ended', cause: 'Terminated', status: null })
  assert.equal(r.view.call, 'idle')
  assert.equal(r.view.callMessage, null)
  assert.equal(r.view.muted, false)
  assert.deepEqual(call.log, ['answer', 'mute true', 'hold true', 'hold false', 'dtmf 5', 'hangup'])
})

test('dialing: validation, failure said for people, decline', () => {
  const r = rig()
  r.phone.start(CRED)
  assert.match(r.phone.dial('9196') ?? '', /not connected/)
  connect(r)
  assert.match(r.phone.dial('12; DROP') ?? '', /Enter a number/)
  assert.equal(r.phone.dial(' 9196 '), null)
  assert.equal(r.view.call, 'calling')
  assert.equal(r.last().calls[0].remoteNumber, '9196')
  r.last().calls[0].onEvent({ type: 'ended', cause: 'ice_timeout', status: null })
  assert.equal(r.view.call, 'idle')
  assert.match(r.view.callMessage ?? '', /ICE gathering timed out/)
  r.phone.dial('30001')
  r.last().calls[1].onEvent({ type: 'ended', cause: 'Not Found', status: 404 })
  assert.match(r.view.callMessage ?? '', /cannot be reached/)
  const call = new FakeCall('X', '2009')
  r.last().emit({ type: 'incoming', call })
  r.phone.decline()
  assert.deepEqual(call.log, ['hangup 486'])
})

test('a refused desk declines a stray INVITE with 480; one offered during a check-sync re-REGISTER rings', async () => {
  const r = await reach('refused')
  const call = new FakeCall('X', '2009')
  r.last().emit({ type: 'incoming', call })
  assert.deepEqual(call.log, ['hangup 480'])
  assert.equal(r.view.call, 'idle')
  const r2 = await reach('connected')
  r2.last().emit({ type: 'check_sync' })
  const offered = new FakeCall('Y', '2010')
  r2.last().emit({ type: 'incoming', call: offered })
  assert.equal(r2.view.call, 'ringing')
})

test('a call ends from any state: the caller gone while the answer goes out, or while held', async () => {
  const r = await reach('connected')
  const call = new FakeCall('B', '2001')
  r.last().emit({ type: 'incoming', call })
  r.phone.answer()
  assert.equal(r.view.call, 'answering')
  call.onEvent({ type: 'ended', cause: 'Canceled', status: null })
  assert.deepEqual([r.view.call, r.view.callMessage], ['idle', null])
  const held = new FakeCall('C', '2002')
  r.last().emit({ type: 'incoming', call: held })
  r.phone.answer()
  held.onEvent({ type: 'confirmed' })
  r.phone.hold(true)
  r.phone.mute(true)
  held.onEvent({ type: 'ended', cause: 'Terminated', status: null })
  assert.deepEqual([r.view.call, r.view.muted, r.view.callStartedAt], ['idle', false, null])
})

test('stop hangs up and unregisters; elsewhere (after the unregister) and take over', async () => {
  const r = rig()
  r.phone.start(CRED)
  connect(r)
  const call = new FakeCall('B', '2001')
  r.last().emit({ type: 'incoming', call })
  r.phone.stop()
  assert.equal(r.view.reg, 'stopped')
  assert.equal(r.view.call, 'idle')
  assert.deepEqual(call.log, ['hangup'])
  assert.equal(r.last().log.at(-1), 'stop')
  r.phone.start(CRED)
  connect(r)
  const gone = r.phone.elsewhere()
  assert.equal(r.last().log.at(-1), 'unregister', 'unregisters first')
  assert.equal(r.view.reg, 'connected')
  r.last().emit({ type: 'unregistered' })
  await gone
  assert.equal(r.view.reg, 'elsewhere')
  assert.equal(r.last().log.at(-1), 'stop')
  r.phone.takeOver()
  assert.equal(r.view.reg, 'connecting')
})

test('a changed password from /me restarts the UA; the same one changes nothing', () => {
  const r = rig()
  r.phone.start(CRED)
  connect(r)
  r.phone.update({ ...CRED })
  assert.equal(r.uas.length, 1)
  r.phone.update({ ...CRED, password: 'new' })
  assert.equal(r.uas.length, 2)
  assert.equal(r.view.reg, 'connecting')
})

class Bus {
  members: FakeChannel[] = []
}
class FakeChannel implements Channel {
  onmessage: ((e: { data: unknown }) => void) | null = null
  constructor(readonly bus: Bus) { bus.members.push(this) }
  postMessage(m: unknown) {
    for (const o of this.bus.members) if (o !== this) queueMicrotask(() => o.onmessage?.({ data: m }))
  }
  close() { this.bus.members = this.bus.members.filter((x) => x !== this) }
}

/** Resolves once cond() holds, polling; fails naming what after ms. */
async function until(cond: () => boolean, what: string, ms = 5000) {
  const end = Date.now() + ms
  while (!cond()) {
    assert.ok(Date.now() < end, `timed out waiting for ${what}`)
    await new Promise((res) => setTimeout(res, 5))
  }
}

test('one desk per agent: the second tab sees it elsewhere and can take it', async () => {
  const bus = new Bus()
  const s1: LockState[] = []
  const s2: LockState[] = []
  const a = new DeskLock(new FakeChannel(bus), (s) => s1.push(s))
  a.claim()
  await until(() => a.state === 'holding', 'the first tab to hold the desk (no answer in CLAIM_MS)')
  const b = new DeskLock(new FakeChannel(bus), (s) => s2.push(s))
  b.claim()
  await until(() => b.state === 'elsewhere', 'the second tab to hear that the desk is held')
  b.take()
  // Before TAKE_MS: the holder's "released" answer, not the timer, gave it.
  await until(() => b.state === 'holding', 'the holder to answer "released"', TAKE_MS / 2)
  assert.equal(a.state, 'elsewhere')
  a.close()
  b.close()
  assert.deepEqual(s1, ['asking', 'holding', 'elsewhere'])
  assert.deepEqual(s2, ['asking', 'elsewhere', 'asking', 'holding'])
})

test('a queue call carries its queue and wait while it lasts; answered, its end starts after-call work', () => {
  const r = rig()
  r.phone.start(CRED)
  connect(r)
  const call = new FakeCall('', '+15550001111', { queueId: 7, waitedS: 42 })
  r.last().emit({ type: 'incoming', call })
  assert.equal(r.view.call, 'ringing')
  assert.equal(r.view.queueId, 7)
  assert.equal(r.view.queueWaitedS, 42)
  assert.equal(r.view.remoteNumber, '+15550001111')
  r.phone.answer()
  call.onEvent({ type: 'confirmed' })
  r.clock.advance(30_000)
  call.onEvent({ type: 'ended', cause: 'Terminated', status: null })
  assert.equal(r.view.call, 'idle')
  assert.equal(r.view.queueId, null, 'the queue goes with the call')
  assert.equal(r.view.queueWaitedS, null)
  assert.equal(r.view.queueEndedAt, r.clock.now())

  // An offer let ring out is no call: no after-call work, and a direct call after it has no queue.
  const before = r.view.queueEndedAt
  r.clock.advance(5_000)
  const missed = new FakeCall('', '+15550002222', { queueId: 7, waitedS: 3 })
  r.last().emit({ type: 'incoming', call: missed })
  missed.onEvent({ type: 'ended', cause: 'Canceled', status: null })
  assert.equal(r.view.queueEndedAt, before)
  const direct = new FakeCall('Bob', '2001')
  r.last().emit({ type: 'incoming', call: direct })
  assert.equal(r.view.queueId, null)
  r.phone.answer()
  direct.onEvent({ type: 'confirmed' })
  direct.onEvent({ type: 'ended', cause: 'Terminated', status: null })
  assert.equal(r.view.queueEndedAt, before, 'a direct call leaves no after-call work')
})

test('blind transfer: REFER from a live call only; refused, it is back; taken, the desk hangs up its leg', () => {
  const r = rig()
  r.phone.start(CRED)
  connect(r)
  const call = new FakeCall('Bob Agent', '2001')
  r.last().emit({ type: 'incoming', call })
  assert.match(r.phone.transfer('2002') ?? '', /Only a call in progress/) // still ringing
  r.phone.answer()
  call.onEvent({ type: 'confirmed' })
  assert.match(r.phone.transfer('20 02; x') ?? '', /Enter a number/)
  r.phone.hold(true)
  assert.match(r.phone.transfer('2002') ?? '', /Only a call in progress/) // resume first
  r.phone.hold(false)
  assert.equal(r.phone.transfer(' 2002 '), null)
  assert.equal(r.view.call, 'transferring')
  r.phone.hold(true) // nothing to hold while the REFER is out
  r.phone.dtmf('1')
  call.onEvent({ type: 'transfer', ok: false, status: 403 })
  assert.equal(r.view.call, 'in_call')
  assert.match(r.view.callMessage ?? '', /transfer failed \(403\); the caller is still with you/)
  assert.equal(r.phone.transfer('2003'), null)
  call.onEvent({ type: 'transfer', ok: true, status: 200 })
  call.onEvent({ type: 'ended', cause: 'Terminated', status: null })
  assert.equal(r.view.call, 'idle')
  assert.equal(r.view.callMessage, null)
  assert.deepEqual(call.log, ['answer', 'hold true', 'hold false', 'transfer 2002', 'transfer 2003', 'hangup'])
  assert.deepEqual(r.transitions.filter((t) => t.startsWith('call:')).slice(-5),
                   ['call:held-resume->in_call', 'call:in_call-transfer->transferring',
                    'call:transferring-transfer_failed->in_call', 'call:in_call-transfer->transferring',
                    'call:transferring-ended->idle'])
})

function inCall(r: ReturnType<typeof rig>, number = '2001') {
  r.phone.start(CRED)
  connect(r)
  const call = new FakeCall('Bob Agent', number)
  r.last().emit({ type: 'incoming', call })
  r.phone.answer()
  call.onEvent({ type: 'confirmed' })
  return call
}

test('second call: rings with who; answered, the first is held; swap; end either; a third is busy', () => {
  const r = rig()
  const first = inCall(r)
  const second = new FakeCall('Cat Caller', '2002')
  r.last().emit({ type: 'incoming', call: second })
  assert.equal(r.view.line, 'waiting')
  assert.deepEqual([r.view.other?.state, r.view.other?.remoteName], ['ringing', 'Cat Caller'])
  assert.equal(r.view.call, 'in_call') // the first call goes on while the second rings
  const third = new FakeCall('D', '2003')
  r.last().emit({ type: 'incoming', call: third })
  assert.deepEqual(third.log, ['hangup 486'])
  r.phone.answerSecond()
  assert.equal(r.view.line, 'two')
  assert.deepEqual([r.view.call, r.view.remoteNumber], ['answering', '2002'])
  assert.deepEqual([r.view.other?.state, r.view.other?.remoteNumber], ['held', '2001'])
  second.onEvent({ type: 'confirmed' })
  assert.equal(r.view.call, 'in_call')
  r.phone.swap()
  assert.deepEqual([r.view.call, r.view.remoteNumber, r.view.other?.state, r.view.other?.remoteNumber],
                   ['in_call', '2001', 'held', '2002'])
  r.phone.swap()
  assert.equal(r.view.remoteNumber, '2002')
  // The held one (2001) hangs up: the current call goes on alone.
  r.phone.endOther()
  first.onEvent({ type: 'ended', cause: 'Terminated', status: null })
  assert.deepEqual([r.view.line, r.view.other, r.view.call, r.view.remoteNumber], ['single', null, 'in_call', '2002'])
  r.phone.hangup()
  second.onEvent({ type: 'ended', cause: 'Terminated', status: null })
  assert.equal(r.view.call, 'idle')
  assert.deepEqual(first.log, ['answer', 'hold true', 'hold false', 'hold true', 'hangup'])
  assert.deepEqual(second.log, ['answer', 'hold true', 'hold false', 'hangup'])
})

test('second call: declined while it rings; the current call ending leaves the ringing one current', () => {
  const r = rig()
  const first = inCall(r)
  const second = new FakeCall('Cat', '2002')
  r.last().emit({ type: 'incoming', call: second })
  r.phone.endOther()
  assert.deepEqual(second.log, ['hangup 486'])
  second.onEvent({ type: 'ended', cause: 'Rejected', status: 486 })
  assert.deepEqual([r.view.line, r.view.other, r.view.callMessage], ['single', null, null])
  const again = new FakeCall('Cat', '2002')
  r.last().emit({ type: 'incoming', call: again })
  first.onEvent({ type: 'ended', cause: 'Terminated', status: null })
  assert.deepEqual([r.view.line, r.view.call, r.view.remoteNumber], ['single', 'ringing', '2002'])
  r.phone.answer()
  assert.deepEqual(again.log, ['answer'])
})

test('attended transfer: consult, complete (REFER with Replaces); refused, both stay', () => {
  const r = rig()
  const caller = inCall(r)
  assert.match(r.phone.consult('x') ?? '', /Enter a number/)
  assert.equal(r.phone.consult('2005'), null)
  const target = r.last().calls[0]
  assert.deepEqual([r.view.line, r.view.call, r.view.remoteNumber, r.view.other?.state], ['two', 'calling', '2005', 'held'])
  assert.match(r.phone.completeTransfer() ?? '', /held caller and the target/) // not answered yet
  target.onEvent({ type: 'confirmed' })
  assert.equal(r.phone.completeTransfer(), null)
  assert.equal(r.view.line, 'completing')
  caller.onEvent({ type: 'transfer', ok: false, status: 603 })
  assert.equal(r.view.line, 'two')
  assert.match(r.view.callMessage ?? '', /transfer failed \(603\); the caller is still on hold/)
  assert.equal(r.phone.completeTransfer(), null)
  caller.onEvent({ type: 'transfer', ok: true, status: 200 })
  assert.deepEqual(caller.log, ['answer', 'hold true', 'transfer replacing 2005', 'transfer replacing 2005', 'hangup'])
  assert.deepEqual(target.log, ['hangup'])
  caller.onEvent({ type: 'ended', cause: 'Terminated', status: null })
  target.onEvent({ type: 'ended', cause: 'Terminated', status: null })
  assert.deepEqual([r.view.line, r.view.call, r.view.other], ['single', 'idle', null])
})

test('attended transfer abandoned: back to the caller hangs up the target and resumes the caller', () => {
  const r = rig()
  const caller = inCall(r)
  r.phone.consult('2005')
  const target = r.last().calls[0]
  target.onEvent({ type: 'confirmed' })
  r.phone.backToCaller()
  target.onEvent({ type: 'ended', cause: 'Terminated', status: null })
  assert.deepEqual([r.view.line, r.view.call, r.view.remoteNumber, r.view.other], ['single', 'in_call', '2001', null])
  assert.deepEqual(caller.log, ['answer', 'hold true', 'hold false'])
  // A consultation that fails (busy) leaves the caller held, said why.
  r.phone.consult('2006')
  r.last().calls[1].onEvent({ type: 'ended', cause: 'Busy', status: 486 })
  assert.deepEqual([r.view.call, r.view.remoteNumber], ['held', '2001'])
  assert.match(r.view.callMessage ?? '', /busy/)
  // stop() hangs up both calls.
  r.phone.consult('2007')
  r.phone.stop()
  assert.deepEqual(r.last().calls[2].log.slice(-1), ['hangup'])
  assert.deepEqual(caller.log.slice(-1), ['hangup'])
})

/** In a call with 2001, a second call from 2002 answered: 2001 held, 2002 current. */
function twoCalls(r: ReturnType<typeof rig>) {
  const first = inCall(r)
  const second = new FakeCall('Cat Caller', '2002')
  r.last().emit({ type: 'incoming', call: second })
  r.phone.answerSecond()
  second.onEvent({ type: 'confirmed' })
  return { first, second }
}

test('three-way: join resumes the held call and mixes both; mute is towards both; split holds it again', () => {
  const r = rig()
  const { first, second } = twoCalls(r)
  r.phone.mute(true) // muted before the join: stays muted in the mix, towards both
  assert.equal(r.phone.ear(), null)
  assert.equal(r.phone.join(), null)
  assert.equal(r.view.line, 'joined')
  assert.deepEqual([r.view.call, r.view.other?.state, r.view.muted, r.view.other?.muted], ['in_call', 'in_call', true, true])
  assert.deepEqual(r.mixer.log, ['join 2002+2001 muted'])
  assert.ok(r.phone.ear(), 'the agent hears the mix of both')
  assert.deepEqual(first.log.slice(-2), ['mute true', 'hold false'])
  // Neither can be held, swapped, transferred or joined again while joined.
  r.phone.hold(true)
  r.phone.swap()
  assert.match(r.phone.transfer('2005') ?? '', /Only a call in progress/)
  assert.match(r.phone.consult('2005') ?? '', /Only a call in progress/)
  assert.match(r.phone.completeTransfer() ?? '', /held caller/)
  assert.match(r.phone.join() ?? '', /Join needs/)
  assert.deepEqual([r.view.line, r.view.call, r.view.remoteNumber], ['joined', 'in_call', '2002'])
  r.phone.mute(false)
  assert.deepEqual(r.mixer.log.slice(-1), ['mute false'])
  assert.deepEqual([r.view.muted, r.view.other?.muted], [false, false])
  assert.deepEqual([first.log.at(-1), second.log.at(-1)], ['mute false', 'mute false'])
  r.phone.split()
  assert.deepEqual([r.view.line, r.view.call, r.view.other?.state], ['two', 'in_call', 'held'])
  assert.deepEqual(r.mixer.log.slice(-1), ['split'])
  assert.equal(first.log.at(-1), 'hold true')
  assert.equal(r.phone.ear(), null)
  // Joined again, then the agent hangs up: both calls end, the mix with the first.
  assert.equal(r.phone.join(), null)
  r.phone.hangup()
  assert.deepEqual([first.log.at(-1), second.log.at(-1)], ['hangup', 'hangup'])
  first.onEvent({ type: 'ended', cause: 'Terminated', status: null })
  assert.deepEqual([r.view.line, r.view.other, r.mixer.log.at(-1)], ['single', null, 'split'])
  second.onEvent({ type: 'ended', cause: 'Terminated', status: null })
  assert.deepEqual([r.view.call, r.view.line], ['idle', 'single'])
  assert.deepEqual(r.transitions.filter((t) => t.startsWith('line:')).slice(-4),
                   ['line:two-join->joined', 'line:joined-split->two', 'line:two-join->joined', 'line:joined-one_ended->single'])
})

test('three-way: either party leaving leaves a normal call with the other, still muted if the agent was', () => {
  // The current call's party hangs up: the other (live, not held) becomes the current call.
  const r = rig()
  const { first, second } = twoCalls(r)
  r.phone.join()
  r.phone.mute(true)
  second.onEvent({ type: 'ended', cause: 'Terminated', status: null })
  assert.deepEqual([r.view.line, r.view.other, r.view.call, r.view.remoteNumber, r.view.muted],
                   ['single', null, 'in_call', '2001', true])
  assert.deepEqual(r.mixer.log.slice(-1), ['split'])
  r.phone.hold(true) // a normal call again
  assert.equal(r.view.call, 'held')
  assert.equal(first.log.at(-1), 'hold true')
  // The agent drops the other party (the held one in a three-way call is none: it is live).
  const r2 = rig()
  const two = twoCalls(r2)
  r2.phone.join()
  r2.phone.endOther()
  assert.equal(two.first.log.at(-1), 'hangup')
  two.first.onEvent({ type: 'ended', cause: 'Terminated', status: null })
  assert.deepEqual([r2.view.line, r2.view.call, r2.view.remoteNumber, r2.mixer.log.at(-1)], ['single', 'in_call', '2002', 'split'])
  // Dropping the current party alone: the other goes on.
  const r3 = rig()
  const three = twoCalls(r3)
  r3.phone.join()
  r3.phone.endCurrent()
  assert.deepEqual([three.second.log.at(-1), three.first.log.at(-1)], ['hangup', 'hold false'])
  // stop() ends a three-way call, mix and both calls.
  const r4 = rig()
  const four = twoCalls(r4)
  r4.phone.join()
  r4.phone.stop()
  assert.deepEqual([r4.view.line, r4.view.call, r4.mixer.log.at(-1), four.first.log.at(-1), four.second.log.at(-1)],
                   ['single', 'idle', 'split', 'hangup', 'hangup'])
})

test('three-way: not before the held call has audio to mix; the line stays two', () => {
  const r = rig()
  twoCalls(r)
  r.mixer.refuse = true
  assert.match(r.phone.join() ?? '', /cannot be joined yet/)
  assert.deepEqual([r.view.line, r.view.other?.state], ['two', 'held'])
})

test('swap keeps each call\'s mute: the call muted before the swap is muted when it is back', () => {
  const r = rig()
  const { first } = twoCalls(r)
  r.phone.swap()
  r.phone.mute(true)
  r.phone.swap()
  assert.equal(r.view.muted, false)
  r.phone.swap()
  assert.deepEqual([r.view.remoteNumber, r.view.muted], ['2001', true])
  assert.equal(first.log.filter((l) => l.startsWith('mute')).at(-1), 'mute true')
})

test('every transition of the three tables was taken by a test above', () => {
  const missing: string[] = []
  for (const [m, table] of [['reg', REG_TRANSITIONS], ['call', CALL_TRANSITIONS], ['line', LINE_TRANSITIONS]] as const)
    for (const [from, edges] of Object.entries(table as Record<string, Record<string, string>>))
      for (const [ev, to] of Object.entries(edges))
        if (!taken.has(`${m}:${from}-${ev}->${to}`)) missing.push(`${m}:${from}-${ev}->${to}`)
  assert.deepEqual(missing, [])
})
