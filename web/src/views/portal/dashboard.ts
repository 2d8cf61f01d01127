// The dashboard's arithmetic, apart from the page so that tests can check
// it: the period's days (UTC, as the API counts them), usage rows laid on
// every day of the period, the active calls as call.* events move them,
// and how durations and shares are written.
import type { CallRecord, UsageRow } from '../../api/types'

/** YYYY-MM-DD of a time, in UTC. */
export function utcDay(t: Date): string {
  return t.toISOString().slice(0, 10)
}

/** The default period: the last 7 days ending today (the API's default too). */
export function lastWeek(now: Date): { from: string; to: string } {
  return { from: utcDay(new Date(now.getTime() - 6 * 86_400_000)), to: utcDay(now) }
}

/** Every day from `from` to `to`, both included (at most 366, as the API allows). */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = []
  const end = Date.parse(to + 'T00:00:00Z')
  for (let t = Date.parse(from + 'T00:00:00Z'); t <= end && out.length < 366; t += 86_400_000) out.push(utcDay(new Date(t)))
  return out
}

export type Figure = 'calls_placed' | 'calls_received' | 'answered' | 'missed' | 'talk_seconds'
export const FIGURES: Figure[] = ['calls_placed', 'calls_received', 'answered', 'missed', 'talk_seconds']

/** The day rows on every day of the period: a day without calls has no row in the API, and 0 here. */
export function perDay(rows: readonly UsageRow[], days: readonly string[]): Record<Figure, number[]> {
  const byDay = new Map(rows.filter((r) => r.day).map((r) => [r.day as string, r]))
  const out = {} as Record<Figure, number[]>
  for (const f of FIGURES) out[f] = days.map((d) => byDay.get(d)?.[f] ?? 0)
  return out
}

export function totals(rows: readonly UsageRow[]): Record<Figure, number> {
  const t = { calls_placed: 0, calls_received: 0, answered: 0, missed: 0, talk_seconds: 0 }
  for (const r of rows) for (const f of FIGURES) t[f] += r[f]
  return t
}

export { duration } from '../../components/duration'

/** 0.4567 → "46 %". */
export function percent(x: number | null | undefined): string {
  return x === null || x === undefined ? '—' : `${Math.round(x * 100)} %`
}

/** The calls in progress after a call.* event: started or answered puts the leg in (newest first), ended takes it out. */
export function applyCall(calls: readonly CallRecord[], type: 'call.started' | 'call.answered' | 'call.ended', c: CallRecord): CallRecord[] {
  const rest = calls.filter((x) => x.id !== c.id)
  if (type === 'call.ended' || c.ended_at) return rest
  const i = calls.findIndex((x) => x.id === c.id)
  if (i >= 0) { const next = calls.slice(); next[i] = c; return next }
  return [c, ...rest]
}
