// The queue form's values and the QueueInput they become: every field of
// the API's, blank sounds as null (the node's hold music, no
// announcement), and the timeout's target sent only with the action that
// uses it (the other one null), so switching the action clears the old one.
import type { Queue, QueueInput } from '../../api/types'

export interface QueueForm {
  name: string
  number: string
  strategy: Queue['strategy']
  moh_sound: string
  max_wait_s: number
  no_agent_max_wait_s: number
  timeout_action: Queue['timeout_action']
  timeout_queue_id: number | null
  timeout_extension: string
  tier_rules_apply: boolean
  tier_rule_wait_s: number
  tier_rule_wait_multiply_level: boolean
  tier_rule_no_agent_no_wait: boolean
  announce_sound: string
  announce_frequency_s: number
}

/** A new queue's form: the API's defaults. */
export function emptyQueueForm(): QueueForm {
  return {
    name: '', number: '', strategy: 'longest-idle-agent', moh_sound: '', max_wait_s: 0, no_agent_max_wait_s: 0,
    timeout_action: 'hangup', timeout_queue_id: null, timeout_extension: '', tier_rules_apply: false,
    tier_rule_wait_s: 300, tier_rule_wait_multiply_level: true, tier_rule_no_agent_no_wait: false,
    announce_sound: '', announce_frequency_s: 0,
  }
}

export function queueFormOf(q: Queue): QueueForm {
  return {
    name: q.name, number: q.number, strategy: q.strategy, moh_sound: q.moh_sound ?? '', max_wait_s: q.max_wait_s,
    no_agent_max_wait_s: q.no_agent_max_wait_s, timeout_action: q.timeout_action, timeout_queue_id: q.timeout_queue_id,
    timeout_extension: q.timeout_extension ?? '', tier_rules_apply: q.tier_rules_apply, tier_rule_wait_s: q.tier_rule_wait_s,
    tier_rule_wait_multiply_level: q.tier_rule_wait_multiply_level, tier_rule_no_agent_no_wait: q.tier_rule_no_agent_no_wait,
    announce_sound: q.announce_sound ?? '', announce_frequency_s: q.announce_frequency_s,
  }
}

const blank = (s: string): string | null => (s.trim() ? s.trim() : null)

export function queueInput(f: QueueForm): QueueInput {
  return {
    name: f.name.trim(), number: f.number.trim(), strategy: f.strategy, moh_sound: blank(f.moh_sound),
    max_wait_s: f.max_wait_s, no_agent_max_wait_s: f.no_agent_max_wait_s, timeout_action: f.timeout_action,
    timeout_queue_id: f.timeout_action === 'queue' ? f.timeout_queue_id : null,
    timeout_extension: f.timeout_action === 'voicemail' ? blank(f.timeout_extension) : null,
    tier_rules_apply: f.tier_rules_apply, tier_rule_wait_s: f.tier_rule_wait_s,
    tier_rule_wait_multiply_level: f.tier_rule_wait_multiply_level, tier_rule_no_agent_no_wait: f.tier_rule_no_agent_no_wait,
    announce_sound: blank(f.announce_sound), announce_frequency_s: f.announce_frequency_s,
  }
}

/** What the form must have before it is sent; field → message. */
export function checkQueueForm(f: QueueForm): Record<string, string> {
  const e: Record<string, string> = {}
  if (!f.name.trim()) e.name = 'Enter a name.'
  if (!/^[0-9]{1,15}$/.test(f.number.trim())) e.number = 'Enter the number callers dial: digits only, at most 15.'
  if (f.timeout_action === 'queue' && f.timeout_queue_id === null) e.timeout_queue_id = 'Choose the queue callers go to.'
  if (f.timeout_action === 'voicemail' && !/^[0-9]+$/.test(f.timeout_extension.trim()))
    e.timeout_extension = 'Enter the extension whose voicemail takes the callers.'
  return e
}

export const TIMEOUT_ACTIONS: { value: Queue['timeout_action']; label: string }[] = [
  { value: 'hangup', label: 'Hang up' },
  { value: 'queue', label: 'Another queue' },
  { value: 'voicemail', label: 'An extension\u2019s voicemail' },
]

/** "Hang up", "Queue Sales", "Voicemail of 2001": where a queue's callers go when the wait runs out. */
export function timeoutText(q: Pick<Queue, 'timeout_action' | 'timeout_queue_id' | 'timeout_extension'>, queueName: (id: number) => string): string {
  if (q.timeout_action === 'queue' && q.timeout_queue_id !== null) return `Queue ${queueName(q.timeout_queue_id)}`
  if (q.timeout_action === 'voicemail' && q.timeout_extension) return `Voicemail of ${q.timeout_extension}`
  return 'Hang up'
}

/** A field name from the API (members[2].agent_id, timeout_queue_id) to the form's. */
export function formField(field: string): string {
  return field.replace(/\[\d+\].*$/, '')
}

/** What is wrong with a list of break reasons (1 to 20, distinct, 1..40 characters), or null. */
export function checkBreakReasons(names: string[]): string | null {
  if (!names.length) return 'Keep at least one reason.'
  if (names.length > 20) return 'At most 20 reasons.'
  if (names.some((n) => !n)) return 'A reason is empty: name it or remove it.'
  if (names.some((n) => n.length > 40)) return 'A reason has more than 40 characters.'
  const seen = new Set<string>()
  for (const n of names) {
    if (seen.has(n.toLowerCase())) return `"${n}" is in the list twice.`
    seen.add(n.toLowerCase())
  }
  return null
}
