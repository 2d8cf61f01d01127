// The "poor connection" warning: while a call is live, the current call's
// WebRTC statistics every QUALITY_INTERVAL_MS, judged by sip/quality.ts.
import { onBeforeUnmount, ref, watch } from 'vue'
import type { Softphone, SoftphoneView } from '../../sip/softphone'
import { QUALITY_INTERVAL_MS, judge, sample, type QualitySample } from '../../sip/quality'

export function useCallQuality(view: SoftphoneView, phone: Softphone) {
  const poor = ref<string[] | null>(null)
  let timer: ReturnType<typeof setInterval> | undefined
  let prev: QualitySample | null = null
  let pc: RTCPeerConnection | null = null

  async function read() {
    const now = phone.peer()
    if (now !== pc) { pc = now; prev = null }
    if (!pc) return
    try {
      const s = sample((await pc.getStats()).values() as Iterable<Record<string, unknown>>)
      const v = judge(prev, s)
      prev = s
      poor.value = v.poor ? v.reasons : null
    } catch { /* the connection closed meanwhile */ }
  }

  watch(() => view.call === 'in_call', (live) => {
    clearInterval(timer)
    timer = undefined
    prev = null
    pc = null
    poor.value = null
    if (live) timer = setInterval(() => { void read() }, QUALITY_INTERVAL_MS)
  })

  onBeforeUnmount(() => clearInterval(timer))
  return { poor }
}
