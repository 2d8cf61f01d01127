// The three-way call's mix (src/sip/mixer.ts) over a fake AudioContext:
// who hears whom (each party the agent and the other, the agent both),
// mute towards both, and nothing left once it ends (every node
// disconnected, every track it made stopped, its context closed). That
// the audio really flows is tested in Chromium against FreeSWITCH
// (tests/browser/desk_phone.ts, the three-way case).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { WebAudioMixer, type MixContext, type Pull } from '../src/sip/mixer'
import type { SipCall } from '../src/sip/ua'

class FakeTrack {
  enabled = true
  stopped = false
  constructor(readonly id: string, readonly kind = 'audio') {}
  clone() {
    const t = new FakeTrack(`${this.id}'`, this.kind)
    t.enabled = this.enabled
    return t
  }
  stop() { this.stopped = true }
}

class FakeStream {
  constructor(readonly tracks: FakeTrack[]) {}
  getAudioTracks() { return this.tracks.filter((t) => t.kind === 'audio') }
}
;(globalThis as { MediaStream?: unknown }).MediaStream = FakeStream

class FakeNode {
  ins: FakeNode[] = []
  outs: FakeNode[] = []
  gain = { value: 1 }
  constructor(readonly stream: FakeStream | null = null) {}
  connect(n: FakeNode) {
    this.outs.push(n)
    n.ins.push(this)
  }
  disconnect() {
    for (const o of this.outs) o.ins = o.ins.filter((x) => x !== this)
    this.outs = []
  }
}

class FakeContext {
  closed = false
  sources: FakeNode[] = []
  dests: FakeNode[] = []
  gains: FakeNode[] = []
  private n = 0
  createMediaStreamSource(s: FakeStream) { const x = new FakeNode(s); this.sources.push(x); return x }
  createMediaStreamDestination() {
    const x = new FakeNode(new FakeStream([new FakeTrack(`mix${++this.n}`)]))
    this.dests.push(x)
    return x
  }
  createGain() { const x = new FakeNode(); this.gains.push(x); return x }
  async resume() {}
  async close() { this.closed = true }
}

/** A call as the mixer uses one: its peer connection's microphone and remote track, what it was told to send. */
function call(name: string, remote = true) {
  const mic = new FakeTrack(`mic-${name}`)
  const pc = {
    getSenders: () => [{ track: mic }],
    getReceivers: () => (remote ? [{ track: new FakeTrack(`from-${name}`) }] : []),
  }
  const sent: (string | null)[] = []
  const c = {
    remoteNumber: name,
    peer: () => pc as unknown as RTCPeerConnection,
    sendAudio: (t: MediaStreamTrack | null) => { sent.push(t ? (t as unknown as FakeTrack).id : null) },
  } as unknown as SipCall
  return { c, mic, sent }
}

/** Streams kept pulled (Chromium's remote audio into WebAudio), by their tracks; let go of, they leave. */
function puller() {
  const pulled = new Set<string>()
  const pull: Pull = (s) => {
    const id = (s as unknown as FakeStream).tracks.map((t) => t.id).join()
    pulled.add(id)
    return () => { pulled.delete(id) }
  }
  return { pulled, pull }
}

/** The tracks whose audio reaches the destination that made `track`. */
function heard(ctx: FakeContext, trackId: string | null): string[] {
  const d = ctx.dests.find((x) => x.stream?.tracks[0].id === trackId)
  assert.ok(d, `a mix made ${trackId}`)
  const out: string[] = []
  const walk = (n: FakeNode) => {
    if (n.stream && n !== d) out.push(...n.stream.tracks.map((t) => t.id))
    for (const i of n.ins) walk(i)
  }
  walk(d)
  return out.sort()
}

test('each party hears the agent and the other, the agent hears both; mute is towards both; split leaves nothing', () => {
  const contexts: FakeContext[] = []
  const { pulled, pull } = puller()
  const mixer = new WebAudioMixer(() => { const x = new FakeContext(); contexts.push(x); return x as unknown as MixContext }, pull)
  const a = call('a')
  const b = call('b')
  a.mic.enabled = false // JsSIP had the call muted: the mix's own copy of the microphone is live, the gain mutes
  assert.equal(mixer.join(a.c, b.c, true), true)
  const ctx = contexts[0]
  assert.equal(contexts.length, 1)
  assert.deepEqual(heard(ctx, a.sent[0]), ["from-b", "mic-a'"])
  assert.deepEqual(heard(ctx, b.sent[0]), ["from-a", "mic-a'"])
  const ear = (mixer.ear as unknown as FakeStream).tracks[0].id
  assert.deepEqual(heard(ctx, ear), ['from-a', 'from-b'])
  assert.deepEqual([...pulled].sort(), ['from-a', 'from-b'], 'both parties\' streams kept pulled')
  const clone = ctx.sources[0].stream!.tracks[0]
  assert.equal(clone.enabled, true)
  const gain = ctx.gains[0]
  assert.equal(gain.gain.value, 0, 'joined muted')
  mixer.mute(false)
  assert.equal(gain.gain.value, 1)
  mixer.mute(true)
  assert.equal(gain.gain.value, 0)

  mixer.split()
  assert.deepEqual([a.sent.at(-1), b.sent.at(-1)], [null, null], 'both back to the microphone')
  for (const n of [...ctx.sources, ...ctx.gains, ...ctx.dests]) assert.deepEqual([n.ins.length, n.outs.length], [0, 0])
  assert.ok(clone.stopped)
  assert.ok(ctx.dests.every((d) => d.stream!.tracks[0].stopped))
  assert.equal(a.mic.stopped, false, 'the call\'s own microphone is the call\'s')
  assert.equal(ctx.closed, true)
  assert.equal(mixer.ear, null)
  assert.equal(pulled.size, 0)
  mixer.mute(false) // nothing left to mute
  mixer.split() // twice is harmless
  assert.deepEqual(a.sent, ['mix1', null])

  // A join after that: a context of its own, closed again; a join over a join ends the first.
  assert.equal(mixer.join(a.c, b.c, false), true)
  assert.equal(mixer.join(b.c, a.c, false), true)
  assert.deepEqual(contexts.map((x) => x.closed), [true, true, false])
  mixer.split()
  assert.ok(contexts.every((x) => x.closed))
  assert.equal(pulled.size, 0)
})

test('a call with no remote audio yet cannot be joined: nothing made, nothing sent', () => {
  const contexts: FakeContext[] = []
  const mixer = new WebAudioMixer(() => { const x = new FakeContext(); contexts.push(x); return x as unknown as MixContext })
  const a = call('a')
  const b = call('b', false)
  assert.equal(mixer.join(a.c, b.c, false), false)
  assert.deepEqual([contexts.length, a.sent, b.sent, mixer.ear], [0, [], [], null])
})
