// The dashboard's arithmetic (views/portal/dashboard.ts): UTC days of the
// period, usage rows on every day, totals, the calls in progress as call.*
// events move them, and how figures are written.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { applyCall, daysBetween, duration, lastWeek, percent, perDay, totals } from '../src/views/portal/dashboard'
import type { CallRecord, UsageRow } from '../src/api/types'

test('the period: UTC days, both ends included, at most 366', () => {
  assert.deepEqual(lastWeek(new Date('2026-12-06T23:30:00-05:00')), { from: '2026-12-01', to: '2026-12-07' }, 'the UTC day, not the local one')
  assert.deepEqual(daysBetween('2026-02-27', '2026-03-02'), ['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02'])
  assert.deepEqual(daysBetween('2026-03-02', '2026-03-01'), [])
  assert.equal(daysBetween('2020-01-01', '2026-01-01').length, 366)
})

const row = (day: string, n: number): UsageRow => ({ day, calls_placed: n, calls_received: 2 * n, answered: n, missed: n + 1, talk_seconds: 60 * n })

test('rows laid on every day of the period, 0 where the API has no row; totals', () => {
  const rows = [row('2026-12-02', 3), row('2026-12-04', 1)]
  const d = perDay(rows, daysBetween('2026-12-01', '2026-12-04'))
  assert.deepEqual(d.calls_placed, [0, 3, 0, 1])
  assert.deepEqual(d.talk_seconds, [0, 180, 0, 60])
  assert.deepEqual(d.missed, [0, 4, 0, 2])
  assert.deepEqual(totals(rows), { calls_placed: 4, calls_received: 8, answered: 4, missed: 6, talk_seconds: 240 })
})

const call = (id: number, patch: Partial<CallRecord> = {}): CallRecord => ({
  id, call_uuid: `u${id}`, extension: '1000', agent_id: 1, agent_name: 'Ada', direction: 'internal', caller: '1000', callee: '1001',
  node: 'fs1', started_at: '2026-12-06T23:00:00Z', answered_at: null, ended_at: null, talk_seconds: 0, end_cause: null, codec: null, mos: null, ...patch,
})

test('calls in progress: started in front, answered in place, ended out', () => {
  let calls = applyCall([], 'call.started', call(1))
  calls = applyCall(calls, 'call.started', call(2))
  assert.deepEqual(calls.map((c) => c.id), [2, 1])
  calls = applyCall(calls, 'call.answered', call(1, { answered_at: '2026-12-06T23:00:05Z' }))
  assert.deepEqual(calls.map((c) => [c.id, c.answered_at]), [[2, null], [1, '2026-12-06T23:00:05Z']])
  calls = applyCall(calls, 'call.ended', call(2, { ended_at: '2026-12-06T23:01:00Z' }))
  assert.deepEqual(calls.map((c) => c.id), [1])
  // An answered event for a call the page did not have (it loaded after the start).
  calls = applyCall(calls, 'call.answered', call(3, { answered_at: '2026-12-06T23:02:00Z' }))
  assert.deepEqual(calls.map((c) => c.id), [3, 1])
  // An ended call is never put in, whatever the event says.
  assert.deepEqual(applyCall(calls, 'call.answered', call(4, { ended_at: '2026-12-06T23:03:00Z' })).map((c) => c.id), [3, 1])
})

test('durations and shares', () => {
  assert.equal(duration(0), '0:00')
  assert.equal(duration(65), '1:05')
  assert.equal(duration(3725), '1:02:05')
  assert.equal(percent(0.4567), '46 %')
  assert.equal(percent(null), '—')
})
