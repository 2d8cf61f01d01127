// Queue statuses and activities said for people, the same in the portal
// (agent page, board) and the desk: labels, who changed a status, time in
// status, the after-call work countdown, the "missed calls" notice, and
// the board's one state per agent. Pure functions of the API's values and
// a clock (epoch ms), so web/tests/queue-status.test.ts can pin them.
import type { Queue, QueueActivity, QueueStatus } from '../api/types'
export { duration } from './duration'

export type QueueStatusValue = QueueStatus['status']
export type ChangedBy = QueueStatus['changed_by']

export const STATUS_LABEL: Record<QueueStatusValue, string> = {
  available: 'Available',
  on_break: 'On break',
  logged_out: 'Logged out',
}

/** "On break (Lunch)", "Available". */
export function statusText(s: { status: QueueStatusValue; reason: string | null }): string {
  return s.status === 'on_break' && s.reason ? `On break (${s.reason})` : STATUS_LABEL[s.status]
}

const CHANGED_BY: Record<ChangedBy, string> = {
  agent: 'the agent',
  supervisor: 'a supervisor',
  admin: 'an admin',
  superadmin: 'a superadmin',
  freeswitch: 'FreeSWITCH (missed calls)',
  system: 'agentdesk (suspension)',
}

export function changedByText(c: ChangedBy): string {
  return CHANGED_BY[c]
}

/** Whole seconds from an ISO time to now (0 when it is in the future or unreadable). */
export function secondsSince(iso: string, now: number): number {
  const t = Date.parse(iso)
  return Number.isNaN(t) ? 0 : Math.max(0, Math.floor((now - t) / 1000))
}

/**
 * When after-call work ends (epoch ms), or null when the agent is not in
 * it: the event's `wrap_up_ends_at` when it gives one, else the wrap-up
 * time in force counted from when it began — mod_callcenter's word
 * (activity `wrap_up` since …), or, before that word arrives, the end of
 * the queue call the desk itself saw (`localEnd`). "Ready" at `readyAt`
 * ends any that began before it.
 */
export function wrapUpEndsAt(qs: Pick<QueueStatus, 'status' | 'wrap_up_s' | 'activity'>,
                             localEnd: number | null, readyAt: number | null = null): number | null {
  if (qs.status !== 'available') return null
  const a = qs.activity
  let began: number | null = null
  let ends: number | null = null
  if (a?.state === 'wrap_up') {
    began = Date.parse(a.since)
    if (a.wrap_up_ends_at) ends = Date.parse(a.wrap_up_ends_at)
    if (ends === null || Number.isNaN(ends)) ends = Number.isNaN(began) ? null : began + qs.wrap_up_s * 1000
  } else if (localEnd !== null && qs.wrap_up_s > 0 && !(a && Date.parse(a.since) >= localEnd)) {
    // mod_callcenter has not said it yet (and has said nothing newer than the call's end).
    began = localEnd
    ends = localEnd + qs.wrap_up_s * 1000
  }
  if (ends === null || Number.isNaN(ends)) return null
  if (readyAt !== null && began !== null && !Number.isNaN(began) && began <= readyAt) return null
  return ends
}

/** Seconds of after-call work left (rounded up), or null when none is left. */
export function wrapUpLeft(endsAt: number | null, now: number): number | null {
  if (endsAt === null) return null
  const left = Math.ceil((endsAt - now) / 1000)
  return left > 0 ? left : null
}

/** The desk's notice when FreeSWITCH itself set the agent on break (max no-answer); null otherwise. */
export function missedCallsNotice(qs: Pick<QueueStatus, 'status' | 'changed_by' | 'missed_offers'>): string | null {
  if (qs.status !== 'on_break' || qs.changed_by !== 'freeswitch') return null
  const n = qs.missed_offers
  if (!n) return 'You were set On break after missed calls'
  return `You were set On break after ${n} missed ${n === 1 ? 'call' : 'calls'}`
}

/** What the board says an agent is doing: mod_callcenter's activity first, else agentdesk's status. */
export type BoardKey = 'in_call' | 'ringing' | 'wrap_up' | 'available' | 'on_break' | 'logged_out'

export interface BoardState {
  key: BoardKey
  label: string
  /** Since when (ISO), for the time in status. */
  since: string
}

export function boardState(a: { status: QueueStatusValue; reason: string | null; since: string; activity: QueueActivity | null }): BoardState {
  if (a.status !== 'logged_out' && a.activity) {
    const s = a.activity.since
    if (a.activity.state === 'in_queue_call') return { key: 'in_call', label: 'In a queue call', since: s }
    if (a.activity.state === 'receiving') return { key: 'ringing', label: 'Ringing', since: s }
    if (a.activity.state === 'wrap_up') return { key: 'wrap_up', label: 'After-call work', since: s }
  }
  return { key: a.status, label: statusText(a), since: a.since }
}

/** The board's order: who is busy first, logged out last. */
export const BOARD_ORDER: BoardKey[] = ['in_call', 'ringing', 'wrap_up', 'available', 'on_break', 'logged_out']

export const STRATEGIES: { value: Queue['strategy']; label: string }[] = [
  { value: 'longest-idle-agent', label: 'Longest idle agent' },
  { value: 'ring-all', label: 'Ring all' },
  { value: 'round-robin', label: 'Round robin' },
  { value: 'top-down', label: 'Top down' },
  { value: 'agent-with-least-talk-time', label: 'Least talk time' },
  { value: 'agent-with-fewest-calls', label: 'Fewest calls' },
  { value: 'sequentially-by-agent-order', label: 'Sequentially by agent order' },
  { value: 'ring-progressively', label: 'Ring progressively' },
  { value: 'random', label: 'Random' },
]

export function strategyLabel(s: Queue['strategy']): string {
  return STRATEGIES.find((x) => x.value === s)?.label ?? s
}

/** A member's or board agent's name ("First Last"), else "Agent #id" (they carry no email). */
export function memberName(a: { agent_id: number; first_name: string; last_name: string }): string {
  return `${a.first_name} ${a.last_name}`.trim() || `Agent #${a.agent_id}`
}
