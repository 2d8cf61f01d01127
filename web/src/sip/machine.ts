// The softphone's two state machines, as data: the registration (what the
// header says) and the call (what the call panel shows). A transition table
// maps (state, event) to the next state; an event a state does not list is
// ignored, so a late JsSIP event cannot put the desk in a state it cannot
// be in. softphone.ts feeds the events and runs the side effects; the
// views only render the state.
//
// Registration (the state says whether the transport is up and whether a
// registration stands, so softphone.ts keeps no flags beside it):
//   stopped      --start-->       connecting        (opening the socket)
//   connecting   --transport_up--> registering      (socket up, REGISTER sent)
//   registering  --registered-->  connected
//   connected, refused --check_sync--> registering  (FreeSWITCH's NOTIFY check-sync: register again)
//   registering, connected --auth_rejected--> reauth (401/403: fetch /v1/auth/me once)
//   reauth       --credentials--> connecting_fresh  (new UA with what /me returned)
//   connecting_fresh --transport_up--> registering_fresh
//   registering_fresh --registered--> connected; --auth_rejected--> refused
//   any live state --transport_down--> disconnected (retry timer per reconnect.ts)
//   disconnected --retry-->       connecting
//   any          --elsewhere-->   elsewhere         (another tab of this agent holds the desk)
//   elsewhere    --take_over-->   stopped           (then start)
//   any          --stop-->        stopped
// The desk stays registered while it is open: the agent's one status is the
// queue status (issue 20's decision), so there is no unregistered "Away".
//
// Call:
//   idle --incoming--> ringing --answer--> answering --confirmed--> in_call
//   idle --dial--> calling --confirmed--> in_call
//   in_call --hold--> held --resume--> in_call
//   in_call --transfer--> transferring       (blind: REFER sent to FreeSWITCH)
//   transferring --transfer_failed--> in_call (REFER refused, or its NOTIFY says the target failed)
//   ringing, answering, calling, in_call, held, transferring --ended/failed--> idle
// A blind transfer that succeeds ends in `ended`: FreeSWITCH hangs up the
// transferor's leg once the transferee is sent to the target.
//
// Line (the desk holds two calls at most; the current one is `call` above,
// the other one waits: ringing or held):
//   single  --second_incoming--> waiting    (a call arrives during a call: it rings softly, with who)
//   single  --consult-->         two        (attended transfer: the call held, the target dialled)
//   waiting --answer_second-->   two        (the first call held, the second answered)
//   two     --swap-->            two        (the current held, the other resumed)
//   two     --complete-->        completing (REFER the held call with Replaces of the current one)
//   completing --transfer_failed--> two
//   two     --join-->            joined     (three-way: the held call resumed, the agent's microphone
//                                            and each party's voice mixed in the desk, mixer.ts)
//   joined  --split-->           two        (the other call held again, each hears the agent alone)
//   waiting, two, completing, joined --one_ended--> single (either call ended; the one left is the
//                                            current, a normal call again)
// An incoming call may be a queue's offer (its INVITE's X-AD-Queue-Id and
// X-AD-Queue-Waited, queueOffer.ts): data of the `incoming` event, which
// softphone.ts keeps in the view from ringing to idle; the states are the
// same for both kinds of call.
export type RegState =
  | 'stopped' | 'connecting' | 'connecting_fresh' | 'registering' | 'registering_fresh'
  | 'connected' | 'reauth' | 'refused' | 'disconnected' | 'elsewhere'

export type RegEvent =
  | 'start' | 'registered' | 'transport_up' | 'check_sync' | 'auth_rejected' | 'credentials'
  | 'transport_down' | 'retry' | 'elsewhere' | 'take_over' | 'stop'

const live = { transport_down: 'disconnected', elsewhere: 'elsewhere', stop: 'stopped' } as const

export const REG_TRANSITIONS: Record<RegState, Partial<Record<RegEvent, RegState>>> = {
  stopped: { start: 'connecting', elsewhere: 'elsewhere' },
  connecting: { ...live, transport_up: 'registering' },
  connecting_fresh: { ...live, transport_up: 'registering_fresh' },
  registering: { ...live, registered: 'connected', auth_rejected: 'reauth' },
  registering_fresh: { ...live, registered: 'connected', auth_rejected: 'refused' },
  connected: { ...live, check_sync: 'registering', auth_rejected: 'reauth' },
  reauth: { ...live, credentials: 'connecting_fresh', auth_rejected: 'refused' },
  refused: { ...live, check_sync: 'registering' },
  disconnected: { retry: 'connecting', elsewhere: 'elsewhere', stop: 'stopped' },
  elsewhere: { take_over: 'stopped', stop: 'stopped' },
}

export type CallState = 'idle' | 'ringing' | 'answering' | 'calling' | 'in_call' | 'held' | 'transferring'
export type CallEvent = 'incoming' | 'answer' | 'dial' | 'confirmed' | 'hold' | 'resume' | 'ended' |
  'transfer' | 'transfer_failed'

export const CALL_TRANSITIONS: Record<CallState, Partial<Record<CallEvent, CallState>>> = {
  idle: { incoming: 'ringing', dial: 'calling' },
  ringing: { answer: 'answering', ended: 'idle' },
  answering: { confirmed: 'in_call', ended: 'idle' },
  calling: { confirmed: 'in_call', ended: 'idle' },
  in_call: { hold: 'held', ended: 'idle', transfer: 'transferring' },
  held: { resume: 'in_call', ended: 'idle' },
  transferring: { transfer_failed: 'in_call', ended: 'idle' },
}

export type LineState = 'single' | 'waiting' | 'two' | 'completing' | 'joined'
export type LineEvent = 'second_incoming' | 'consult' | 'answer_second' | 'swap' | 'complete' | 'transfer_failed' | 'one_ended' |
  'join' | 'split'

export const LINE_TRANSITIONS: Record<LineState, Partial<Record<LineEvent, LineState>>> = {
  single: { second_incoming: 'waiting', consult: 'two' },
  waiting: { answer_second: 'two', one_ended: 'single' },
  two: { swap: 'two', complete: 'completing', join: 'joined', one_ended: 'single' },
  completing: { transfer_failed: 'two', one_ended: 'single' },
  joined: { split: 'two', one_ended: 'single' },
}

export function nextLine(state: LineState, event: LineEvent): LineState | null {
  return LINE_TRANSITIONS[state][event] ?? null
}

/** The next state, or null when the event does not apply in this state. */
export function nextReg(state: RegState, event: RegEvent): RegState | null {
  return REG_TRANSITIONS[state][event] ?? null
}

export function nextCall(state: CallState, event: CallEvent): CallState | null {
  return CALL_TRANSITIONS[state][event] ?? null
}

/**
 * Whether FreeSWITCH may hold a registration of the UA in this state: it
 * does in connected, and may in registering after a check-sync or with a
 * REGISTER under way; an unregister there is harmless (JsSIP ignores one
 * while it is not registered).
 */
export function mayBeRegistered(s: RegState): boolean {
  return s === 'connected' || s === 'registering' || s === 'registering_fresh'
}

/** Whether a call may be placed in this state. */
export function canDial(s: RegState): boolean {
  return s === 'connected'
}
