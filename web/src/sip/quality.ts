// The call's connection quality from WebRTC statistics, as a plain verdict
// for the desk: "poor" past any threshold below over the last window
// (useCallQuality.ts reads getStats every QUALITY_INTERVAL_MS during a
// call). The thresholds are those at which a G.711/Opus call is audibly
// degraded (ITU-T G.114 puts one-way delay past 150 ms as noticeable; a
// round trip of 300 ms is that and more; loss past 5% breaks words even
// with Opus FEC; jitter past 30 ms outgrows a small jitter buffer).
// README.md ("The desk") repeats them.
export const LOSS_MAX = 0.05
export const JITTER_MAX_S = 0.03
export const RTT_MAX_S = 0.3
export const QUALITY_INTERVAL_MS = 2000

/** What is read from one getStats report: cumulative packet counts, the latest jitter and RTT. */
export interface QualitySample {
  packetsReceived: number
  packetsLost: number
  /** Seconds (inbound-rtp's jitter), null when not reported. */
  jitterS: number | null
  /** Seconds (remote-inbound-rtp's or the candidate pair's round trip), null when not reported. */
  rttS: number | null
}

export interface QualityVerdict {
  poor: boolean
  /** What is past its threshold, for people ("12% packet loss", …); empty when fine. */
  reasons: string[]
}

/** The verdict over the window between two samples (prev null: the first, loss not yet known). */
export function judge(prev: QualitySample | null, now: QualitySample): QualityVerdict {
  const reasons: string[] = []
  if (prev) {
    const got = now.packetsReceived - prev.packetsReceived
    const lost = Math.max(0, now.packetsLost - prev.packetsLost)
    const loss = got + lost > 0 ? lost / (got + lost) : 0
    if (loss > LOSS_MAX) reasons.push(`${Math.round(loss * 100)}% packet loss`)
  }
  if (now.jitterS !== null && now.jitterS > JITTER_MAX_S) reasons.push(`${Math.round(now.jitterS * 1000)} ms jitter`)
  if (now.rttS !== null && now.rttS > RTT_MAX_S) reasons.push(`${Math.round(now.rttS * 1000)} ms round trip`)
  return { poor: reasons.length > 0, reasons }
}

/** The sample of a getStats report (audio inbound-rtp, remote-inbound-rtp, the nominated candidate pair). */
export function sample(report: Iterable<Record<string, unknown>>): QualitySample {
  const out: QualitySample = { packetsReceived: 0, packetsLost: 0, jitterS: null, rttS: null }
  let pairRtt: number | null = null
  for (const s of report) {
    const num = (k: string) => (typeof s[k] === 'number' ? s[k] as number : null)
    if (s.type === 'inbound-rtp' && s.kind === 'audio') {
      out.packetsReceived += num('packetsReceived') ?? 0
      out.packetsLost += num('packetsLost') ?? 0
      const j = num('jitter')
      if (j !== null) out.jitterS = Math.max(out.jitterS ?? 0, j)
    } else if (s.type === 'remote-inbound-rtp' && s.kind === 'audio') {
      const r = num('roundTripTime')
      if (r !== null) out.rttS = r
    } else if (s.type === 'candidate-pair' && s.nominated === true) {
      pairRtt = num('currentRoundTripTime')
    }
  }
  if (out.rttS === null) out.rttS = pairRtt
  return out
}
