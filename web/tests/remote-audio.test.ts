// RemoteAudio (src/views/desk/remoteAudio.ts): the call's remote audio in
// the desk's <audio>, with one 'track' listener per peer connection however
// often the call's state changes, none left once the call ends.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { RemoteAudio } from '../src/views/desk/remoteAudio'

class FakeStream { constructor(readonly tracks: unknown[]) {} }
;(globalThis as { MediaStream?: unknown }).MediaStream = FakeStream

/** A peer connection as far as RemoteAudio uses one, counting its 'track' listeners. */
class FakePc extends EventTarget {
  tracks: string[] = ['audio-1']
  listeners = 0
  getReceivers() { return this.tracks.map((track) => ({ track })) }
  override addEventListener(type: string, fn: EventListenerOrEventListenerObject | null) {
    if (type === 'track') this.listeners++
    super.addEventListener(type, fn)
  }
  override removeEventListener(type: string, fn: EventListenerOrEventListenerObject | null) {
    if (type === 'track') this.listeners--
    super.removeEventListener(type, fn)
  }
}

const asPc = (pc: FakePc) => pc as unknown as RTCPeerConnection
const tracksOf = (el: { srcObject: unknown }) => (el.srcObject as FakeStream).tracks

test('one track listener per call, whatever its state changes; none after it ends', () => {
  const audio = new RemoteAudio()
  const el = { srcObject: null } as unknown as HTMLMediaElement
  const pc = new FakePc()
  // answering, in_call, held, in_call: the desk follows the peer on each.
  for (let i = 0; i < 4; i++) audio.follow(asPc(pc), el)
  assert.equal(pc.listeners, 1)
  assert.deepEqual(tracksOf(el), ['audio-1'])
  // A track added later (a renegotiation) is played too.
  pc.tracks.push('audio-2')
  pc.dispatchEvent(new Event('track'))
  assert.deepEqual(tracksOf(el), ['audio-1', 'audio-2'])
  audio.stop()
  assert.equal(pc.listeners, 0)
  // The next call's connection: the old one is not listened to any more.
  const next = new FakePc()
  audio.follow(asPc(next), el)
  audio.follow(asPc(next), el)
  assert.equal(next.listeners, 1)
  pc.tracks = ['stale']
  pc.dispatchEvent(new Event('track'))
  assert.deepEqual(tracksOf(el), ['audio-1'])
  const other = new FakePc()
  audio.follow(asPc(other), el)
  assert.equal(next.listeners, 0, 'a call replaced without idle in between lets go of the old connection')
  assert.equal(other.listeners, 1)
  // Joined into a three-way call: the element plays the mix, no connection is followed.
  const mix = new FakeStream(['mix'])
  audio.play(mix as unknown as MediaStream, el)
  assert.equal(other.listeners, 0)
  assert.equal(el.srcObject, mix)
  other.dispatchEvent(new Event('track'))
  assert.equal(el.srcObject, mix)
  // Back to one call: its connection again.
  audio.follow(asPc(other), el)
  assert.equal(other.listeners, 1)
  assert.notEqual(el.srcObject, mix)
})
