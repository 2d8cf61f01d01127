// A length of time as people read it on a clock: the dashboard's talk
// times, the desk's call timer and after-call work, the board's waits.

/** 3725 → "1:02:05"; 65 → "1:05"; never negative. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const ss = String(s % 60).padStart(2, '0')
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`
}
