// What the softphone needs of a SIP user agent, so that softphone.ts does
// not depend on JsSIP: jssipUa.ts fills it for the browser, the unit tests
// fill it with a fake transport. Secrets: the password lives in
// SipCredentials in memory only, for as long as the desk runs.
import type { QueueOffer } from './queueOffer'

export interface SipCredentials {
  extension: string
  /** In memory only: never stored, logged or put in a URL. */
  password: string
  realm: string
  wsUrl: string
  displayName: string
}

export type UaEvent =
  | { type: 'connected' }
  | { type: 'disconnected' }
  | { type: 'registered' }
  | { type: 'unregistered' }
  | { type: 'registration_failed'; status: number | null; cause: string }
  /** FreeSWITCH's out-of-dialog NOTIFY with Event: check-sync. */
  | { type: 'check_sync' }
  | { type: 'incoming'; call: SipCall }

export type CallEvent =
  | { type: 'confirmed' }
  | { type: 'ended'; cause: string; status: number | null }
  /** The outcome of transfer(): ok once FreeSWITCH took the transferee (a NOTIFY with 2xx), else refused or failed. */
  | { type: 'transfer'; ok: boolean; status: number | null }

export interface SipCall {
  readonly remoteName: string
  readonly remoteNumber: string
  /** An incoming queue call's offer (its INVITE's X-AD-Queue-* headers); absent or null otherwise. */
  readonly queue?: QueueOffer | null
  /** Set by the softphone before any event can arrive. */
  onEvent: (e: CallEvent) => void
  answer(): void
  /** Ends the call (or declines it with status while it rings). */
  hangup(status?: number): void
  mute(on: boolean): void
  hold(on: boolean): void
  sendDtmf(tone: string): void
  /** Blind transfer (SIP REFER): FreeSWITCH sends the other party to target, in the tenant's context. */
  transfer(target: string): void
  /** Attended transfer: REFER this (held) call to other's party, replacing other (Replaces). */
  transferReplacing(other: SipCall): void
  /** The WebRTC peer connection once there is one (for audio and stats). */
  peer(): RTCPeerConnection | null
  /**
   * What the call sends the other party: track (a three-way call's mix,
   * mixer.ts) instead of the microphone, or the microphone again (null).
   * While the mix is sent, mute() only records the choice (the mix mutes
   * the agent), and it applies again once the microphone is back.
   */
  sendAudio(track: MediaStreamTrack | null): void
}

export interface SipUa {
  /** Opens the transport; 'connected' or 'disconnected' follows. */
  start(): void
  register(): void
  unregister(): void
  /** Unregisters when registered and closes the transport; no event follows. */
  stop(): void
  call(target: string): SipCall
}

export type UaFactory = (cred: SipCredentials, emit: (e: UaEvent) => void) => SipUa
