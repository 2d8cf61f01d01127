// The desk's microphone and speaker: whether the browser lets it use a
// microphone (asked once at start and on "Try again"), the devices to
// choose from once it does, and the choices, kept in localStorage (device
// ids only). A chosen microphone that is gone falls back to the default.
import { ref, watch, type Ref } from 'vue'
import type { MicState } from './status'

const MIC_KEY = 'agentdesk.desk.microphone'
const SPEAKER_KEY = 'agentdesk.desk.speaker'

function saveDevice(key: string, id: string) {
  if (id) localStorage.setItem(key, id)
  else localStorage.removeItem(key)
}

export function useDevices(audio: Ref<HTMLAudioElement | null>) {
  const mic = ref<MicState>('unknown')
  const mics = ref<MediaDeviceInfo[]>([])
  const speakers = ref<MediaDeviceInfo[]>([])
  const micId = ref<string>(localStorage.getItem(MIC_KEY) ?? '')
  const speakerId = ref<string>(localStorage.getItem(SPEAKER_KEY) ?? '')

  /** Opens the microphone once (and closes it) to learn whether the desk may; then lists the devices. */
  async function checkMic(): Promise<void> {
    try {
      const s = await navigator.mediaDevices.getUserMedia({ audio: micId.value ? { deviceId: { exact: micId.value } } : true })
      for (const t of s.getTracks()) t.stop()
      mic.value = 'ok'
    } catch (e) {
      const name = (e as DOMException).name
      if (name === 'OverconstrainedError' && micId.value) {
        micId.value = ''
        localStorage.removeItem(MIC_KEY)
        return checkMic()
      }
      mic.value = name === 'NotFoundError' || name === 'OverconstrainedError' ? 'missing' : 'blocked'
      return
    }
    const devices = await navigator.mediaDevices.enumerateDevices()
    mics.value = devices.filter((d) => d.kind === 'audioinput')
    speakers.value = devices.filter((d) => d.kind === 'audiooutput')
  }

  /** Plays the audio element on the chosen speaker (where the browser can choose). */
  async function applySpeaker(): Promise<void> {
    const el = audio.value as (HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> }) | null
    if (el?.setSinkId) await el.setSinkId(speakerId.value).catch(() => {})
  }

  watch(micId, (id) => saveDevice(MIC_KEY, id))
  watch(speakerId, (id) => {
    saveDevice(SPEAKER_KEY, id)
    void applySpeaker()
  })

  return { mic, mics, speakers, micId, speakerId, checkMic, applySpeaker }
}
