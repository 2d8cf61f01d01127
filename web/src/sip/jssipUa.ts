// The SipUa of ua.ts over JsSIP 3.13 (npm `jssip`, bundled by Vite). What
// ../shared/freeswitch/README.md proved against this FreeSWITCH shapes it:
// one WebSocket, `session_timers: false`, audio only, `iceServers: []` and
// `rtcpMuxPolicy: 'require'`, DTLS-SRTP (WebRTC's own). Two things JsSIP
// does not do are added here: it has no timeout on ICE gathering (a
// browser that finds no usable candidate would wait forever and never send
// the INVITE), and its own reconnect schedule is replaced by softphone.ts's
// (this UA is stopped on the first disconnect and a fresh one made later).
import * as JsSIP from 'jssip'
import type { RTCSession } from 'jssip/lib/RTCSession'
import type { RTCSessionEvent } from 'jssip/lib/UA'
import type { DTMF_TRANSPORT } from 'jssip/lib/Constants'
import { ICE_TIMEOUT } from './callEnd'
import { queueOffer, type QueueOffer } from './queueOffer'
import type { CallEvent, SipCall, SipCredentials, SipUa, UaEvent, UaFactory } from './ua'

/** Gathering still running after this long: go with what was found. */
export const ICE_READY_MS = 1500
/** No candidate at all after this long: the call cannot start. */
export const ICE_GIVE_UP_MS = 5000
/** A hold or resume JsSIP cannot start yet (a re-INVITE under way) is tried again after this long. */
export const HOLD_RETRY_MS = 200

export interface MediaChoice {
  /** The chosen microphone's deviceId, or null for the default one. */
  micId(): string | null
}

function constraints(media: MediaChoice) {
  const id = media.micId()
  return { audio: id ? { deviceId: { exact: id } } : true, video: false }
}

const PC_CONFIG = { iceServers: [], rtcpMuxPolicy: 'require' as const }

class JsSipCall implements SipCall {
  onEvent: (e: CallEvent) => void = () => {}
  remoteName = ''
  remoteNumber = ''
  queue: QueueOffer | null = null
  session: RTCSession | null = null
  private iceTimedOut = false
  /** The hold state asked for, whether a hold/unhold re-INVITE is under way, DTMF tones waiting for it. */
  private wantHold = false
  private reinvite = false
  private heldTones = ''
  private timers: ReturnType<typeof setTimeout>[] = []
  private readonly media: MediaChoice
  /** The microphone's track while the sender carries a mix (sendAudio), to put back after. */
  private mic: MediaStreamTrack | null = null
  private muted = false

  constructor(media: MediaChoice) {
    this.media = media
  }

  /** The handlers, given to ua.call() (so none is missed) or attached to an incoming session. */
  handlers() {
    return {
      peerconnection: () => this.watchIce(),
      icecandidate: (e: { ready: () => void }) => {
        this.clearTimers()
        this.timers.push(setTimeout(e.ready, ICE_READY_MS))
      },
      confirmed: () => this.onEvent({ type: 'confirmed' }),
      // A REFER or an INVITE with Replaces from the far end would move the
      // agent's call where the far end says, outside the desk's hands:
      // declined (NOTIFY 603; 486). Transfers are the agent's, sent by the
      // desk, and FreeSWITCH carries them out.
      refer: (e: { reject: () => void }) => e.reject(),
      replaces: (e: { reject: () => void }) => e.reject(),
      ended: (e: { cause: string }) => this.finish(e.cause, null),
      failed: (e: { cause: string; message?: { status_code?: number } }) =>
        this.finish(e.cause, e.message?.status_code ?? null),
    }
  }

  attach(session: RTCSession) {
    this.session = session
    const id = session.remote_identity
    this.remoteName = id?.display_name ?? ''
    this.remoteNumber = id?.uri?.user ?? ''
  }

  /** An incoming INVITE's queue headers (a call we place has none). */
  readOffer(invite: { getHeader(name: string): string | undefined }) {
    this.queue = queueOffer((name) => invite.getHeader(name))
  }

  private watchIce() {
    this.timers.push(setTimeout(() => {
      if (!this.session || this.session.isEstablished() || this.session.isEnded()) return
      this.iceTimedOut = true
      try { this.session.terminate() } catch { /* already ending */ }
    }, ICE_GIVE_UP_MS))
  }

  private clearTimers() {
    for (const t of this.timers) clearTimeout(t)
    this.timers = []
  }

  private finish(cause: string, status: number | null) {
    this.clearTimers()
    this.onEvent({ type: 'ended', cause: this.iceTimedOut ? ICE_TIMEOUT : cause, status })
  }

  answer() {
    this.session?.answer({ mediaConstraints: constraints(this.media), pcConfig: PC_CONFIG })
  }

  hangup(status?: number) {
    if (!this.session || this.session.isEnded()) return
    try { this.session.terminate(status ? { status_code: status } : undefined) } catch { /* ended meanwhile */ }
  }

  mute(on: boolean) {
    this.muted = on
    // JsSIP mutes by disabling the sender's track: a mix would lose the other party's voice too.
    if (this.mic) return
    if (on) this.session?.mute({ audio: true })
    else this.session?.unmute({ audio: true })
  }

  sendAudio(track: MediaStreamTrack | null) {
    const s = this.session
    const sender = s?.connection?.getSenders().find((x) => x.track?.kind === 'audio')
    if (!s || !sender || s.isEnded()) return
    if (track && !this.mic) this.mic = sender.track
    const next = track ?? this.mic
    if (!next) return
    if (!track) this.mic = null
    sender.replaceTrack(next).then(() => {
      if (s.isEnded()) return
      // JsSIP's own mute (and its hold and unhold, which follow it) now
      // works on whichever track the sender has: unmuted while the mix is
      // sent, the agent's choice again once the microphone is back.
      const mute = !track && this.muted
      if (mute && !s.isMuted().audio) s.mute({ audio: true })
      else if (!mute && s.isMuted().audio) s.unmute({ audio: true })
      const held = s.isOnHold()
      next.enabled = !mute && !held.local && !held.remote
    }, () => { /* the call ended meanwhile */ })
  }

  hold(on: boolean) {
    this.wantHold = on
    this.applyHold()
  }

  /**
   * Brings JsSIP's hold state to the one asked for, one re-INVITE at a time.
   * JsSIP refuses (returns false, silently) a hold or unhold while another
   * re-INVITE is under way: a Resume pressed before FreeSWITCH answered the
   * Hold was dropped, the desk showed the call live while FreeSWITCH kept
   * it held, and its DTMF never reached FreeSWITCH (issue 20's "DTMF after
   * hold/resume"; tests/browser/desk_phone.ts, 2a).
   */
  private applyHold() {
    const s = this.session
    if (!s || s.isEnded() || this.reinvite) return
    if (s.isOnHold().local === this.wantHold) {
      this.flushTones()
      return
    }
    // JsSIP calls back once FreeSWITCH answered the re-INVITE and its SDP is applied.
    const done = () => { this.reinvite = false; this.applyHold() }
    const started = this.wantHold ? s.hold({}, done) : s.unhold({}, done)
    if (started) this.reinvite = true
    else this.timers.push(setTimeout(() => this.applyHold(), HOLD_RETRY_MS)) // FreeSWITCH's own re-INVITE under way
  }

  sendDtmf(tone: string) {
    // A tone sent while the call is not (yet) back from hold would not reach
    // FreeSWITCH: it waits for the resume's re-INVITE.
    this.heldTones += tone
    if (!this.reinvite && !this.wantHold) this.flushTones()
  }

  private flushTones() {
    if (!this.heldTones || this.wantHold || this.reinvite) return
    const tones = this.heldTones
    this.heldTones = ''
    this.dtmfNow(tones)
  }

  private dtmfNow(tones: string) {
    // In the audio (RFC 4733 telephone-event, which FreeSWITCH negotiates
    // with WebRTC), not SIP INFO: what a gateway or IVR downstream sees.
    try {
      this.session?.sendDTMF(tones, { transportType: 'RFC2833' as DTMF_TRANSPORT })
    } catch { /* the call ended meanwhile */ }
  }

  transfer(target: string) {
    this.refer(target, undefined)
  }

  transferReplacing(other: SipCall) {
    const o = (other as JsSipCall).session
    if (!o) {
      this.onEvent({ type: 'transfer', ok: false, status: null })
      return
    }
    this.refer(o.remote_identity.uri.toString(), o)
  }

  private refer(target: string, replaces: RTCSession | undefined) {
    const s = this.session
    if (!s) return
    const status = (e: unknown) => (e as { response?: { status_code?: number } } | undefined)?.response?.status_code ?? null
    try {
      // JsSIP's typings say void; it returns its ReferSubscriber (false when the session is not up).
      const refer = s.refer(target, replaces ? { replaces } : undefined) as unknown as
        { on(ev: string, fn: (e: unknown) => void): void } | false
      if (!refer) throw new Error('not established')
      // REFER refused (4xx/5xx), or accepted and then NOTIFY says the target failed.
      refer.on('requestFailed', (e) => this.onEvent({ type: 'transfer', ok: false, status: status(e) }))
      refer.on('failed', (e) => this.onEvent({ type: 'transfer', ok: false, status: status(e) }))
      refer.on('accepted', (e) => this.onEvent({ type: 'transfer', ok: true, status: status(e) }))
    } catch {
      this.onEvent({ type: 'transfer', ok: false, status: null })
    }
  }

  peer(): RTCPeerConnection | null {
    return this.session?.connection ?? null
  }
}

class JsSipUa implements SipUa {
  private readonly ua: JsSIP.UA
  private readonly media: MediaChoice

  constructor(cred: SipCredentials, media: MediaChoice, emit: (e: UaEvent) => void) {
    this.media = media
    const socket = new JsSIP.WebSocketInterface(cred.wsUrl)
    this.ua = new JsSIP.UA({
      sockets: [socket],
      uri: `sip:${cred.extension}@${cred.realm}`,
      password: cred.password,
      display_name: cred.displayName,
      register: false,
      session_timers: false,
      user_agent: 'agentdesk',
      // softphone.ts reconnects; this UA is stopped before JsSIP would.
      connection_recovery_min_interval: 3600,
      connection_recovery_max_interval: 3600,
    })
    this.ua.on('connected', () => emit({ type: 'connected' }))
    this.ua.on('disconnected', () => emit({ type: 'disconnected' }))
    this.ua.on('registered', () => emit({ type: 'registered' }))
    this.ua.on('unregistered', () => emit({ type: 'unregistered' }))
    this.ua.on('registrationFailed', (e) =>
      emit({ type: 'registration_failed', status: (e.response as { status_code?: number } | undefined)?.status_code ?? null, cause: String(e.cause ?? '') }))
    this.ua.on('sipEvent', (e) => {
      if ((e.event as { event?: string } | undefined)?.event === 'check-sync') emit({ type: 'check_sync' })
    })
    this.ua.on('newRTCSession', (e: RTCSessionEvent) => {
      if (e.originator !== 'remote') return
      const call = new JsSipCall(this.media)
      call.attach(e.session)
      if (e.request) call.readOffer(e.request as { getHeader(name: string): string | undefined })
      const h = call.handlers()
      for (const [name, fn] of Object.entries(h)) e.session.on(name as never, fn as never)
      emit({ type: 'incoming', call })
    })
  }

  start() { this.ua.start() }
  register() { this.ua.register() }
  unregister() { this.ua.unregister() }
  stop() { this.ua.stop() }

  call(target: string): SipCall {
    const call = new JsSipCall(this.media)
    const session = this.ua.call(target, {
      mediaConstraints: constraints(this.media),
      pcConfig: PC_CONFIG,
      eventHandlers: call.handlers() as never,
    })
    call.attach(session)
    return call
  }
}

export function jssipFactory(media: MediaChoice): UaFactory {
  return (cred, emit) => new JsSipUa(cred, media, emit)
}
