// When to try again after the WebSocket to FreeSWITCH dropped: 1, 2, 4, 5,
// 5… seconds while the outage is younger than two minutes (a FreeSWITCH
// restart takes a few seconds: come back quickly), then doubling up to
// 30 s (a longer outage: do not hammer a server that is coming back up).
export const FAST_WINDOW_MS = 120_000
const FAST = [1, 2, 4]
const FAST_REST = 5
const SLOW_MAX = 30

/**
 * The delay in seconds before attempt number `attempt` (0 = the first retry)
 * of an outage that began `outageMs` ago; `previous` is the last delay used.
 */
export function retryDelay(attempt: number, outageMs: number, previous: number): number {
  if (outageMs < FAST_WINDOW_MS) return FAST[attempt] ?? FAST_REST
  return Math.min(SLOW_MAX, Math.max(FAST_REST, previous) * 2)
}
