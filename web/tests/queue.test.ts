// Queue statuses said for people, the after-call work countdown, the
// "missed calls" notice, the board's state per agent, the INVITE's queue
// headers, and the queue form's input (src/components/queueStatus.ts,
// src/sip/queueOffer.ts, src/views/portal/queueForm.ts).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  boardState, changedByText, duration, memberName, missedCallsNotice, secondsSince, statusText, strategyLabel,
  wrapUpEndsAt, wrapUpLeft,
} from '../src/components/queueStatus'
import { queueOffer } from '../src/sip/queueOffer'
import { checkBreakReasons, checkQueueForm, emptyQueueForm, formField, queueInput, timeoutText } from '../src/views/portal/queueForm'
import type { QueueActivity } from '../src/api/types'

const T0 = Date.parse('2026-12-07T10:00:00Z')
const iso = (ms: number) => new Date(ms).toISOString()

test('statuses, who set them, durations', () => {
  assert.equal(statusText({ status: 'available', reason: null }), 'Available')
  assert.equal(statusText({ status: 'on_break', reason: 'Lunch' }), 'On break (Lunch)')
  assert.equal(statusText({ status: 'on_break', reason: null }), 'On break')
  assert.equal(statusText({ status: 'logged_out', reason: null }), 'Logged out')
  assert.equal(changedByText('freeswitch'), 'FreeSWITCH (missed calls)')
  assert.equal(changedByText('supervisor'), 'a supervisor')
  assert.equal(duration(0), '0:00')
  assert.equal(duration(25), '0:25')
  assert.equal(duration(61.9), '1:01')
  assert.equal(duration(3723), '1:02:03')
  assert.equal(duration(-5), '0:00')
  assert.equal(secondsSince(iso(T0), T0 + 90_500), 90)
  assert.equal(secondsSince(iso(T0 + 5000), T0), 0, 'a clock behind the server counts no negative time')
  assert.equal(secondsSince('not a time', T0), 0)
  assert.equal(strategyLabel('longest-idle-agent'), 'Longest idle agent')
  assert.equal(memberName({ agent_id: 4, first_name: '', last_name: '' }), 'Agent #4')
  assert.equal(memberName({ agent_id: 4, first_name: 'Ann', last_name: 'Lee' }), 'Ann Lee')
})

const activity = (state: QueueActivity['state'], since: number, ends: number | null = null): QueueActivity =>
  ({ state, since: iso(since), wrap_up_ends_at: ends === null ? null : iso(ends), queue_id: 1 })

test('after-call work: the event\u2019s end first, else the wrap-up in force from its start, else from the call the desk saw end', () => {
  const base = { status: 'available' as const, wrap_up_s: 25, activity: null }
  // From the event's wrap_up_ends_at.
  const ends = wrapUpEndsAt({ ...base, activity: activity('wrap_up', T0, T0 + 10_000) }, null)
  assert.equal(ends, T0 + 10_000)
  assert.equal(wrapUpLeft(ends, T0), 10)
  assert.equal(wrapUpLeft(ends, T0 + 9_001), 1, 'rounded up: never 0:00 while it lasts')
  assert.equal(wrapUpLeft(ends, T0 + 10_000), null, 'over')
  // wrap_up without an end: since + wrap_up_s.
  assert.equal(wrapUpEndsAt({ ...base, activity: activity('wrap_up', T0) }, null), T0 + 25_000)
  // No word from mod_callcenter yet: from the desk's own call end.
  assert.equal(wrapUpEndsAt(base, T0 + 1000), T0 + 26_000)
  assert.equal(wrapUpLeft(wrapUpEndsAt(base, T0 + 1000), T0 + 1000), 25)
  // mod_callcenter said something newer (idle after it, or a new offer): no guess.
  assert.equal(wrapUpEndsAt({ ...base, activity: activity('idle', T0 + 2000) }, T0 + 1000), null)
  assert.equal(wrapUpEndsAt({ ...base, activity: activity('receiving', T0 + 2000) }, T0 + 1000), null)
  // An older activity does not cancel the desk's guess.
  assert.equal(wrapUpEndsAt({ ...base, activity: activity('in_queue_call', T0 - 60_000) }, T0), T0 + 25_000)
  // No wrap-up time, no local call, not available: none.
  assert.equal(wrapUpEndsAt({ ...base, wrap_up_s: 0 }, T0), null)
  assert.equal(wrapUpEndsAt(base, null), null)
  assert.equal(wrapUpEndsAt({ ...base, status: 'on_break', activity: activity('wrap_up', T0, T0 + 10_000) }, null), null)
  // "Ready" ends what began before it, not a later one.
  assert.equal(wrapUpEndsAt({ ...base, activity: activity('wrap_up', T0, T0 + 10_000) }, null, T0 + 3000), null)
  assert.equal(wrapUpEndsAt(base, T0, T0 + 3000), null)
  assert.equal(wrapUpEndsAt({ ...base, activity: activity('wrap_up', T0 + 60_000, T0 + 70_000) }, null, T0 + 3000), T0 + 70_000)
})

test('the missed calls notice only when FreeSWITCH set the break', () => {
  assert.equal(missedCallsNotice({ status: 'on_break', changed_by: 'freeswitch', missed_offers: 3 }), 'You were set On break after 3 missed calls')
  assert.equal(missedCallsNotice({ status: 'on_break', changed_by: 'freeswitch', missed_offers: 1 }), 'You were set On break after 1 missed call')
  assert.equal(missedCallsNotice({ status: 'on_break', changed_by: 'freeswitch', missed_offers: null }), 'You were set On break after missed calls')
  assert.equal(missedCallsNotice({ status: 'on_break', changed_by: 'agent', missed_offers: null }), null)
  assert.equal(missedCallsNotice({ status: 'available', changed_by: 'freeswitch', missed_offers: 3 }), null)
})

test('the board: mod_callcenter\u2019s activity first, agentdesk\u2019s status otherwise', () => {
  const a = { status: 'available' as const, reason: null, since: iso(T0), activity: null }
  assert.deepEqual(boardState(a), { key: 'available', label: 'Available', since: iso(T0) })
  assert.deepEqual(boardState({ ...a, activity: activity('in_queue_call', T0 + 5) }), { key: 'in_call', label: 'In a queue call', since: iso(T0 + 5) })
  assert.equal(boardState({ ...a, activity: activity('wrap_up', T0 + 5) }).label, 'After-call work')
  assert.equal(boardState({ ...a, activity: activity('receiving', T0 + 5) }).label, 'Ringing')
  assert.equal(boardState({ ...a, activity: activity('waiting', T0 + 5) }).key, 'available')
  assert.deepEqual(boardState({ status: 'on_break', reason: 'Lunch', since: iso(T0), activity: activity('idle', T0) }),
                   { key: 'on_break', label: 'On break (Lunch)', since: iso(T0) })
  assert.equal(boardState({ status: 'logged_out', reason: null, since: iso(T0), activity: activity('in_queue_call', T0) }).key, 'logged_out')
})

test('the INVITE\u2019s queue headers: digits only, else no queue', () => {
  const h = (m: Record<string, string>) => (name: string) => m[name]
  assert.deepEqual(queueOffer(h({ 'X-AD-Queue-Id': '12', 'X-AD-Queue-Waited': '42' })), { queueId: 12, waitedS: 42 })
  assert.deepEqual(queueOffer(h({ 'X-AD-Queue-Id': ' 3 ' })), { queueId: 3, waitedS: null })
  assert.deepEqual(queueOffer(h({ 'X-AD-Queue-Id': '3', 'X-AD-Queue-Waited': '-1' })), { queueId: 3, waitedS: null })
  assert.deepEqual(queueOffer(h({ 'X-AD-Queue-Id': '3', 'X-AD-Queue-Waited': '4.5' })), { queueId: 3, waitedS: null })
  assert.deepEqual(queueOffer(h({ 'X-AD-Queue-Id': '3', 'X-AD-Queue-Waited': '99999999' })), { queueId: 3, waitedS: null })
  assert.equal(queueOffer(h({})), null, 'a direct call')
  assert.equal(queueOffer(h({ 'X-AD-Queue-Id': 'q3' })), null)
  assert.equal(queueOffer(h({ 'X-AD-Queue-Id': '0' })), null)
  assert.equal(queueOffer(h({ 'X-AD-Queue-Id': '<script>' })), null)
})

test('the queue form: blanks as null, the timeout\u2019s target only with its action', () => {
  const f = { ...emptyQueueForm(), name: ' Support ', number: '7000', timeout_action: 'queue' as const, timeout_queue_id: 4,
              timeout_extension: '2001', moh_sound: '  ', announce_sound: 'tone_stream://%(200,0,500)' }
  const q = queueInput(f)
  assert.equal(q.name, 'Support')
  assert.equal(q.moh_sound, null)
  assert.equal(q.announce_sound, 'tone_stream://%(200,0,500)')
  assert.equal(q.timeout_queue_id, 4)
  assert.equal(q.timeout_extension, null)
  const v = queueInput({ ...f, timeout_action: 'voicemail' })
  assert.equal(v.timeout_queue_id, null)
  assert.equal(v.timeout_extension, '2001')
  assert.deepEqual(checkQueueForm(emptyQueueForm()), { name: 'Enter a name.', number: 'Enter the number callers dial: digits only, at most 15.' })
  assert.deepEqual(Object.keys(checkQueueForm({ ...f, timeout_queue_id: null })), ['timeout_queue_id'])
  assert.deepEqual(Object.keys(checkQueueForm({ ...f, timeout_action: 'voicemail', timeout_extension: '' })), ['timeout_extension'])
  assert.equal(formField('members[2].agent_id'), 'members')
  assert.equal(formField('number'), 'number')
  const names = (id: number) => (id === 4 ? 'Sales' : '?')
  assert.equal(timeoutText({ timeout_action: 'queue', timeout_queue_id: 4, timeout_extension: null }, names), 'Queue Sales')
  assert.equal(timeoutText({ timeout_action: 'voicemail', timeout_queue_id: null, timeout_extension: '2001' }, names), 'Voicemail of 2001')
  assert.equal(timeoutText({ timeout_action: 'hangup', timeout_queue_id: null, timeout_extension: null }, names), 'Hang up')
})

test('break reasons: 1 to 20, named, distinct', () => {
  assert.equal(checkBreakReasons(['Break', 'Lunch']), null)
  assert.equal(checkBreakReasons([]), 'Keep at least one reason.')
  assert.equal(checkBreakReasons(['Break', '']), 'A reason is empty: name it or remove it.')
  assert.equal(checkBreakReasons(['Lunch', 'lunch']), '"lunch" is in the list twice.')
  assert.equal(checkBreakReasons(Array.from({ length: 21 }, (_, i) => `R${i}`)), 'At most 20 reasons.')
  assert.equal(checkBreakReasons(['x'.repeat(41)]), 'A reason has more than 40 characters.')
})
