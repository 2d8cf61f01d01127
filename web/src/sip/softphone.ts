// The softphone: feeds user-agent events and user actions through the
// state machines of machine.ts and runs their side effects (register,
// unregister, retry timers, fetching fresh credentials once after a
// refused registration). Everything the desk shows is in `view`, which the
// Vue side passes in as a reactive object; nothing else holds state.
//
// One user agent at a time; each gets a generation number and events from
// an older one are dropped, so a UA being torn down cannot move the state.
import {
  canDial, mayBeRegistered, nextCall, nextLine, nextReg,
  type CallEvent as CallMachineEvent, type CallState, type LineEvent, type LineState, type RegEvent, type RegState,
} from './machine'
import { describeEnd } from './callEnd'
import { retryDelay } from './reconnect'
import type { Mixer } from './mixer'
import type { CallEvent, SipCall, SipCredentials, SipUa, UaEvent, UaFactory } from './ua'

/** The call beside the current one: ringing (a second call), held, or live with it (joined, three-way). */
export interface OtherCall {
  state: CallState
  muted: boolean
  remoteName: string
  remoteNumber: string
  callStartedAt: number | null
  queueId: number | null
  queueWaitedS: number | null
}

export interface SoftphoneView {
  /** single, or two calls (machine.ts's line): the current one is `call`, the other `other`; joined, both live. */
  line: LineState
  other: OtherCall | null
  reg: RegState
  call: CallState
  extension: string | null
  /** Epoch ms of the next reconnect attempt while disconnected. */
  retryAt: number | null
  /** Why a call ended or could not start, for people; null when none. */
  callMessage: string | null
  remoteName: string
  remoteNumber: string
  muted: boolean
  /** Epoch ms the current call was answered. */
  callStartedAt: number | null
  /** The ringing or current call's queue (X-AD-Queue-Id), null for a direct call. */
  queueId: number | null
  /** Seconds its caller waited in the queue before it rang here (X-AD-Queue-Waited). */
  queueWaitedS: number | null
  /** Epoch ms the last answered queue call ended: after-call work starts there. */
  queueEndedAt: number | null
}

export function initialView(): SoftphoneView {
  return { line: 'single', other: null, reg: 'stopped', call: 'idle', extension: null, retryAt: null, callMessage: null,
           remoteName: '', remoteNumber: '', muted: false, callStartedAt: null,
           queueId: null, queueWaitedS: null, queueEndedAt: null }
}

export interface Clock {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface SoftphoneDeps {
  factory: UaFactory
  /** GET /v1/auth/me again: fresh credentials, or null when there are none. */
  fetchCredentials: () => Promise<SipCredentials | null>
  /** Mixes a three-way call (mixer.ts's WebAudioMixer in the browser). */
  mixer: Mixer
  clock?: Clock
  /** Every state change, for logs and tests (never given secrets). */
  onTransition?: (machine: 'reg' | 'call' | 'line', from: string, event: string, to: string) => void
}

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
}

export class Softphone {
  readonly view: SoftphoneView
  private readonly deps: SoftphoneDeps
  private readonly clock: Clock
  private cred: SipCredentials | null = null
  private ua: SipUa | null = null
  private generation = 0
  private attempt = 0
  private lastDelay = 0
  private outageStart: number | null = null
  private retryTimer: unknown = null
  private current: SipCall | null = null
  /** The waiting call (view.other): ringing during a call, or held. */
  private second: SipCall | null = null
  /** Resume the held call when the current one ends ("Back to the caller"). */
  private resumeAfter = false
  private onUnregistered: (() => void) | null = null

  constructor(view: SoftphoneView, deps: SoftphoneDeps) {
    this.view = view
    this.deps = deps
    this.clock = deps.clock ?? realClock
  }

  /** Starts with these credentials: connects and registers (the desk stays registered while open). */
  start(cred: SipCredentials): void {
    this.cred = cred
    this.view.extension = cred.extension
    if (this.reg('start')) this.spawn()
  }

  /**
   * What /v1/auth/me says now (re-read every minute and on focus): when the
   * extension or password changed, start over with them; else nothing.
   */
  update(cred: SipCredentials): void {
    const c = this.cred
    if (!c || (c.extension === cred.extension && c.password === cred.password &&
               c.wsUrl === cred.wsUrl && c.realm === cred.realm)) return
    this.cred = cred
    this.view.extension = cred.extension
    if (this.view.reg === 'stopped' || this.view.reg === 'elsewhere' || this.busy) return
    this.teardown()
    this.reg('stop')
    this.start(cred)
  }

  /**
   * Another tab of this agent holds the desk: let go of everything. The
   * promise settles once FreeSWITCH confirmed the unregister (or after
   * timeoutMs), so the other tab registers only then.
   */
  elsewhere(timeoutMs = 2000): Promise<void> {
    this.endCall()
    const done = this.unregistered(timeoutMs)
    return done.then(() => {
      this.teardown()
      this.reg('elsewhere')
    })
  }

  private unregistered(timeoutMs: number): Promise<void> {
    if (!this.ua || !mayBeRegistered(this.view.reg)) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => finish(), timeoutMs)
      const finish = () => {
        this.clock.clearTimeout(timer)
        this.onUnregistered = null
        resolve()
      }
      this.onUnregistered = finish
      this.ua?.unregister()
    })
  }

  /** Take the desk back from another tab (it has let go). */
  takeOver(): void {
    if (this.reg('take_over') && this.cred) this.start(this.cred)
  }

  /** Logout, last tab closing, account gone: hang up and unregister. */
  stop(): void {
    this.endCall()
    this.teardown()
    this.reg('stop')
  }

  /** Whether a call is ringing or up (an expired session waits for its end). */
  get busy(): boolean {
    return this.view.call !== 'idle'
  }

  dial(target: string): string | null {
    const t = target.trim()
    if (!/^[0-9*#+]{1,32}$/.test(t)) return 'Enter a number: digits, *, # or +.'
    if (!canDial(this.view.reg) || !this.ua) return 'The phone is not connected.'
    if (this.view.call !== 'idle') return 'End the current call first.'
    this.view.callMessage = null
    const call = this.ua.call(t)
    this.adopt(call)
    this.callEv('dial')
    return null
  }

  answer(): void {
    if (this.current && this.callEv('answer')) this.current.answer()
  }

  decline(): void {
    if (this.current && this.view.call === 'ringing') this.current.hangup(486)
  }

  /** Ends the call; in a three-way call, both calls. */
  hangup(): void {
    if (this.view.line === 'joined') this.second?.hangup()
    this.current?.hangup()
  }

  /** Ends the current call alone (in a three-way call: drops that party, the other goes on). */
  endCurrent(): void {
    this.current?.hangup()
  }

  /** Mutes the agent; in a three-way call towards both parties (the mix's microphone), who still hear each other. */
  mute(on: boolean): void {
    if (!this.current || (this.view.call !== 'in_call' && this.view.call !== 'held')) return
    this.current.mute(on)
    this.view.muted = on
    if (this.view.line === 'joined' && this.second && this.view.other) {
      this.second.mute(on)
      this.view.other.muted = on
      this.deps.mixer.mute(on)
    }
  }

  hold(on: boolean): void {
    if (this.view.line === 'joined') return // split first: the other party would hear the held one's silence
    if (this.current && this.callEv(on ? 'hold' : 'resume')) this.current.hold(on)
  }

  /**
   * Blind transfer of the current call to target (an extension, a queue or
   * any number the tenant may dial): null when the REFER went out, else why not.
   */
  transfer(target: string): string | null {
    const t = target.trim()
    if (!/^[0-9*#+]{1,32}$/.test(t)) return 'Enter a number: digits, *, # or +.'
    if (!this.current || this.view.line === 'joined' || !this.callEv('transfer')) {
      return 'Only a call in progress can be transferred.'
    }
    this.view.callMessage = null
    this.current.transfer(t)
    return null
  }

  /** Attended transfer, first step: hold the call and dial target (the consultation). */
  consult(target: string): string | null {
    const t = target.trim()
    if (!/^[0-9*#+]{1,32}$/.test(t)) return 'Enter a number: digits, *, # or +.'
    if (!canDial(this.view.reg) || !this.ua) return 'The phone is not connected.'
    if (!this.current || (this.view.call !== 'in_call' && this.view.call !== 'held') || !this.line('consult')) {
      return 'Only a call in progress can be transferred.'
    }
    this.hold(true)
    this.park()
    this.view.callMessage = null
    this.adopt(this.ua.call(t))
    this.callEv('dial')
    return null
  }

  /** Answers the call that rings during a call: the current one is held first. */
  answerSecond(): void {
    if (!this.second || this.view.other?.state !== 'ringing' || !this.line('answer_second')) return
    this.hold(true)
    this.exchange()
    if (this.callEv('answer')) this.current?.answer()
  }

  /** Declines the second call while it rings, or ends the held one. */
  endOther(): void {
    const o = this.second
    if (!o || !this.view.other) return
    o.hangup(this.view.other.state === 'ringing' ? 486 : undefined)
  }

  /** Two calls: hold the current one, resume the other. */
  swap(): void {
    if (!this.second || this.view.other?.state !== 'held' || !this.line('swap')) return
    this.hold(true)
    this.exchange()
    this.hold(false)
  }

  /**
   * Two calls, the current one live and the other held: join them into a
   * three-way call mixed here (mixer.ts). The held call is resumed; each
   * party hears the agent and the other, the agent hears both.
   */
  join(): string | null {
    const other = this.second
    const o = this.view.other
    if (!other || !this.current || o?.state !== 'held' || this.view.call !== 'in_call' ||
        !nextLine(this.view.line, 'join')) return 'Join needs a call in progress and a held one.'
    if (!this.deps.mixer.join(this.current, other, this.view.muted)) return 'The calls cannot be joined yet: no audio.'
    this.line('join')
    this.view.callMessage = null
    other.mute(this.view.muted)
    o.muted = this.view.muted
    other.hold(false)
    o.state = nextCall(o.state, 'resume') ?? o.state
    return null
  }

  /** A three-way call back to two: the other call is held again, the current one goes on with the agent alone. */
  split(): void {
    const other = this.second
    const o = this.view.other
    if (!other || !o || !this.line('split')) return
    other.hold(true)
    o.state = nextCall(o.state, 'hold') ?? o.state
  }

  /** Both remote parties mixed while joined (the desk's speaker plays it instead of the current call alone). */
  ear(): MediaStream | null {
    return this.view.line === 'joined' ? this.deps.mixer.ear : null
  }

  /** Consultation over without a transfer: hang it up and resume the held caller. */
  backToCaller(): void {
    if (!this.second || this.view.other?.state !== 'held') return
    this.resumeAfter = true
    this.current?.hangup()
  }

  /** Attended transfer, last step: the held caller is REFERred to the current call's party, replacing it. */
  completeTransfer(): string | null {
    const held = this.second
    if (!held || !this.current || this.view.other?.state !== 'held' || this.view.call !== 'in_call' ||
        !this.line('complete')) return 'Transfer needs a held caller and the target on the line.'
    this.view.callMessage = null
    held.transferReplacing(this.current)
    return null
  }

  dtmf(tone: string): void {
    if (/^[0-9*#]$/.test(tone) && this.view.call === 'in_call') this.current?.sendDtmf(tone)
  }

  /** The peer connection of the current call (audio element, stats). */
  peer(): RTCPeerConnection | null {
    return this.current?.peer() ?? null
  }

  // ---- machinery

  private reg(event: RegEvent): boolean {
    const from = this.view.reg
    const to = nextReg(from, event)
    if (!to) return false
    this.view.reg = to
    if (to !== 'disconnected') this.view.retryAt = null
    this.deps.onTransition?.('reg', from, event, to)
    return true
  }

  private callEv(event: CallMachineEvent): boolean {
    const from = this.view.call
    const to = nextCall(from, event)
    if (!to) return false
    this.view.call = to
    this.deps.onTransition?.('call', from, event, to)
    return true
  }

  private line(event: LineEvent): boolean {
    const from = this.view.line
    const to = nextLine(from, event)
    if (!to) return false
    this.view.line = to
    // Out of a three-way call (split, or either call ended): the calls left send the plain microphone.
    if (from === 'joined' && to !== 'joined') this.deps.mixer.split()
    this.deps.onTransition?.('line', from, event, to)
    return true
  }

  private spawn(): void {
    if (!this.cred) return
    const gen = ++this.generation
    this.ua = this.deps.factory(this.cred, (e) => {
      if (gen === this.generation) this.onUa(e)
    })
    this.ua.start()
  }

  private teardown(): void {
    this.generation++
    if (this.retryTimer !== null) this.clock.clearTimeout(this.retryTimer)
    this.retryTimer = null
    const ua = this.ua
    this.ua = null
    ua?.stop()
  }

  private onUa(e: UaEvent): void {
    switch (e.type) {
      case 'connected':
        this.attempt = 0
        this.lastDelay = 0
        this.outageStart = null
        if (this.reg('transport_up')) this.ua?.register()
        break
      case 'registered':
        this.reg('registered')
        break
      case 'unregistered':
        this.onUnregistered?.()
        break
      case 'registration_failed':
        if (e.status === 401 || e.status === 403) this.authRejected()
        else this.lost()
        break
      case 'check_sync':
        if (this.reg('check_sync')) this.ua?.register()
        break
      case 'disconnected':
        this.lost()
        break
      case 'incoming':
        this.incoming(e.call)
        break
    }
  }

  private authRejected(): void {
    if (!this.reg('auth_rejected') || this.view.reg !== 'reauth') return
    const gen = this.generation
    this.deps.fetchCredentials().then((cred) => {
      if (gen !== this.generation || this.view.reg !== 'reauth') return
      if (!cred) {
        this.reg('auth_rejected')
        return
      }
      this.cred = cred
      this.view.extension = cred.extension
      // A new UA: JsSIP keeps the password it was made with.
      this.teardownUaOnly()
      this.reg('credentials')
      this.spawn()
    }, () => {
      if (gen === this.generation && this.view.reg === 'reauth') this.reg('auth_rejected')
    })
  }

  private teardownUaOnly(): void {
    const ua = this.ua
    this.generation++
    this.ua = null
    ua?.stop()
  }

  private lost(): void {
    // A live call survives a registration hiccup only if its transport
    // does; JsSIP ends the session itself when the socket drops.
    if (!this.reg('transport_down')) return
    this.teardownUaOnly()
    const now = this.clock.now()
    if (this.outageStart === null) this.outageStart = now
    const delay = retryDelay(this.attempt, now - this.outageStart, this.lastDelay)
    this.attempt++
    this.lastDelay = delay
    this.view.retryAt = now + delay * 1000
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = null
      if (this.reg('retry')) this.spawn()
    }, delay * 1000)
  }

  private incoming(call: SipCall): void {
    // Offered while FreeSWITCH holds a registration (also while one is
    // renewed after a check-sync); one that comes after a refused
    // registration is declined as 480 Temporarily Unavailable.
    if (!mayBeRegistered(this.view.reg)) {
      call.onEvent = () => {}
      call.hangup(480)
      return
    }
    if (this.view.call !== 'idle') {
      // A second call rings (softly, useCallSignals) while one is live; a third is busy.
      if ((this.view.call === 'in_call' || this.view.call === 'held') && !this.second && this.line('second_incoming')) {
        this.second = call
        this.view.other = { state: 'ringing', muted: false, remoteName: call.remoteName, remoteNumber: call.remoteNumber,
                            callStartedAt: null, queueId: call.queue?.queueId ?? null, queueWaitedS: call.queue?.waitedS ?? null }
        call.onEvent = (e: CallEvent) => this.onCall(call, e)
        return
      }
      call.onEvent = () => {}
      call.hangup(486)
      return
    }
    this.view.callMessage = null
    this.adopt(call)
    this.callEv('incoming')
  }

  private adopt(call: SipCall): void {
    this.current = call
    this.view.remoteName = call.remoteName
    this.view.remoteNumber = call.remoteNumber
    this.view.muted = false
    this.view.callStartedAt = null
    this.view.queueId = call.queue?.queueId ?? null
    this.view.queueWaitedS = call.queue?.waitedS ?? null
    call.onEvent = (e: CallEvent) => this.onCall(call, e)
  }

  private onCall(call: SipCall, e: CallEvent): void {
    if (call === this.current) this.onCurrent(call, e)
    else if (call === this.second) this.onSecond(call, e)
  }

  private onCurrent(call: SipCall, e: CallEvent): void {
    if (e.type === 'confirmed') {
      if (this.callEv('confirmed')) this.view.callStartedAt = this.clock.now()
    } else if (e.type === 'transfer') {
      if (e.ok) {
        // The target answered the transferee: our part is over (FreeSWITCH
        // usually sends BYE first; hang up in case it does not).
        call.hangup()
      } else if (this.callEv('transfer_failed')) {
        this.view.callMessage = `The transfer failed${e.status ? ` (${e.status})` : ''}; the caller is still with you.`
      }
    } else {
      this.current = null
      this.view.callMessage = describeEnd(e.cause, e.status)
      this.callDone()
      if (this.second) this.promote()
    }
  }

  /** Events of the waiting call: answered elsewhere, ended, or the outcome of an attended transfer. */
  private onSecond(call: SipCall, e: CallEvent): void {
    const o = this.view.other
    if (!o) return
    if (e.type === 'confirmed') {
      const to = nextCall(o.state, 'confirmed')
      if (to) { o.state = to; o.callStartedAt = this.clock.now() }
    } else if (e.type === 'transfer') {
      if (e.ok) {
        // FreeSWITCH joined the caller and the target: both of our legs go.
        call.hangup()
        this.current?.hangup()
      } else if (this.line('transfer_failed')) {
        this.view.callMessage = `The transfer failed${e.status ? ` (${e.status})` : ''}; the caller is still on hold.`
      }
    } else {
      this.second = null
      this.view.other = null
      this.line('one_ended')
    }
  }

  /** The current call ended with another waiting: that one becomes the current call. */
  private promote(): void {
    const call = this.second
    const o = this.view.other
    if (!call || !o) return
    this.second = null
    this.view.other = null
    this.line('one_ended')
    this.current = call
    this.restore(o)
    const resume = this.resumeAfter && o.state === 'held'
    this.resumeAfter = false
    if (resume) this.hold(false)
  }

  /** The current call's part of the view, as the waiting call. */
  private snapshot(): OtherCall {
    const v = this.view
    return { state: v.call, muted: v.muted, remoteName: v.remoteName, remoteNumber: v.remoteNumber,
             callStartedAt: v.callStartedAt, queueId: v.queueId, queueWaitedS: v.queueWaitedS }
  }

  private restore(o: OtherCall): void {
    const from = this.view.call
    Object.assign(this.view, { call: o.state, remoteName: o.remoteName, remoteNumber: o.remoteNumber,
                               callStartedAt: o.callStartedAt, queueId: o.queueId, queueWaitedS: o.queueWaitedS,
                               muted: o.muted })
    if (from !== o.state) this.deps.onTransition?.('call', from, 'switch', o.state)
  }

  /** The current call waits (held) as the other; the view is free for a new one. */
  private park(): void {
    this.second = this.current
    this.view.other = this.snapshot()
    this.current = null
    this.view.call = 'idle'
  }

  /** The current and the waiting call change places. */
  private exchange(): void {
    const o = this.view.other
    const call = this.second
    if (!o || !call) return
    this.view.other = this.snapshot()
    this.second = this.current
    this.current = call
    this.restore(o)
  }

  /** The call is over: an answered queue call leaves after-call work behind. */
  private callDone(): void {
    if (this.view.queueId !== null && this.view.callStartedAt !== null) this.view.queueEndedAt = this.clock.now()
    this.view.muted = false
    this.view.callStartedAt = null
    this.view.queueId = null
    this.view.queueWaitedS = null
    this.callEv('ended')
  }

  private endCall(): void {
    const other = this.second
    if (other) {
      this.second = null
      this.view.other = null
      this.line('one_ended')
      other.onEvent = () => {}
      other.hangup()
    }
    const call = this.current
    if (!call) return
    this.current = null
    call.onEvent = () => {}
    call.hangup()
    this.callDone()
  }
}
