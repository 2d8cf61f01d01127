// The three-way call, mixed in the desk with WebAudio (this FreeSWITCH
// build has no mod_conference): with two calls joined, each party hears
// the agent and the other party, and the agent hears both. Per call, the
// sender's microphone track is replaced (RTCRtpSender.replaceTrack, through
// SipCall.sendAudio) with a MediaStreamAudioDestinationNode's track fed by
// the microphone and the other call's remote audio; a third destination,
// the `ear`, mixes both remote parties for the desk's <audio> element (so
// the chosen speaker plays it). The microphone goes through one gain node:
// mute sets it to 0, so the agent is muted towards both while the parties
// still hear each other.
//
// Chromium feeds a remote WebRTC stream into WebAudio only while a media
// element also pulls it (a MediaStreamAudioSourceNode of a stream nothing
// plays gives silence): each party's stream also goes to a muted <audio>
// of its own, not in the page, for as long as the mix lasts.
//
// One AudioContext per three-way call, closed when it ends (split, or
// either call ending): no graph, track, element or context outlives the join.
import type { SipCall } from './ua'

/** What the softphone needs of a mixer (the unit tests give it a fake). */
export interface Mixer {
  /** Mixes a and b; false when either has no audio to mix yet (then nothing changed). */
  join(a: SipCall, b: SipCall, muted: boolean): boolean
  /** The agent's microphone into the mix: off (muted towards both parties) or on. */
  mute(on: boolean): void
  /** Ends the mix: the calls still up send the plain microphone again; the graph is torn down. */
  split(): void
  /** Both remote parties mixed, for the agent's speaker, while joined; else null. */
  readonly ear: MediaStream | null
}

/** The part of an AudioContext the mixer uses (the unit tests give a fake). */
export type MixContext = Pick<AudioContext, 'createMediaStreamSource' | 'createMediaStreamDestination' |
                                            'createGain' | 'resume' | 'close'>

/** Keeps a remote stream pulled (muted); the returned function lets go of it. */
export type Pull = (stream: MediaStream) => () => void

function pullWithAudioElement(stream: MediaStream): () => void {
  const el = new Audio()
  el.muted = true
  el.srcObject = stream
  el.play().catch(() => {})
  return () => {
    el.pause()
    el.srcObject = null
  }
}

function micOf(pc: RTCPeerConnection): MediaStreamTrack | null {
  return pc.getSenders().find((s) => s.track?.kind === 'audio')?.track ?? null
}

function remoteOf(pc: RTCPeerConnection): MediaStream | null {
  const tracks = pc.getReceivers().map((r) => r.track).filter((t) => t?.kind === 'audio')
  return tracks.length ? new MediaStream(tracks) : null
}

export class WebAudioMixer implements Mixer {
  ear: MediaStream | null = null
  private ctx: MixContext | null = null
  private gain: GainNode | null = null
  private calls: SipCall[] = []
  private nodes: AudioNode[] = []
  /** Tracks this mixer made: the microphone's clone and the three mixes. */
  private tracks: MediaStreamTrack[] = []
  private released: (() => void)[] = []
  private readonly newContext: () => MixContext
  private readonly pull: Pull

  constructor(newContext: () => MixContext = () => new AudioContext(), pull: Pull = pullWithAudioElement) {
    this.newContext = newContext
    this.pull = pull
  }

  join(a: SipCall, b: SipCall, muted: boolean): boolean {
    this.split()
    const pa = a.peer()
    const pb = b.peer()
    const mic = pa && micOf(pa)
    const fromA = pa && remoteOf(pa)
    const fromB = pb && remoteOf(pb)
    if (!mic || !fromA || !fromB) return false
    const ctx = this.newContext()
    this.ctx = ctx
    ctx.resume().catch(() => {})
    // A clone: JsSIP mutes and holds by disabling the call's own track; the gain mutes here.
    const own = mic.clone()
    own.enabled = true
    this.tracks.push(own)
    const source = (s: MediaStream) => {
      const n = ctx.createMediaStreamSource(s)
      this.nodes.push(n)
      return n
    }
    const gain = ctx.createGain()
    gain.gain.value = muted ? 0 : 1
    this.gain = gain
    this.nodes.push(gain)
    source(new MediaStream([own])).connect(gain)
    const partyA = source(fromA)
    const partyB = source(fromB)
    this.released.push(this.pull(fromA), this.pull(fromB))
    const mix = (...inputs: AudioNode[]) => {
      const d = ctx.createMediaStreamDestination()
      for (const i of inputs) i.connect(d)
      this.nodes.push(d)
      this.tracks.push(...d.stream.getAudioTracks())
      return d.stream.getAudioTracks()[0]
    }
    const toA = mix(gain, partyB)
    const toB = mix(gain, partyA)
    this.ear = new MediaStream([mix(partyA, partyB)])
    this.calls = [a, b]
    a.sendAudio(toA)
    b.sendAudio(toB)
    return true
  }

  mute(on: boolean): void {
    if (this.gain) this.gain.gain.value = on ? 0 : 1
  }

  split(): void {
    for (const c of this.calls) c.sendAudio(null)
    for (const n of this.nodes) n.disconnect()
    for (const t of this.tracks) t.stop()
    for (const r of this.released) r()
    this.ctx?.close().catch(() => {})
    this.ctx = null
    this.gain = null
    this.calls = []
    this.nodes = []
    this.tracks = []
    this.released = []
    this.ear = null
  }
}
