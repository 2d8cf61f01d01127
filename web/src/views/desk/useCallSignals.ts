// What the desk does as a call's state changes, beside rendering it: the
// ring tone and the desktop notification while a call rings, and the
// remote audio (remoteAudio.ts) on the chosen speaker once it is answered
// or placed.
import { nextTick, onBeforeUnmount, watch, type Ref } from 'vue'
import type { Softphone, SoftphoneView } from '../../sip/softphone'
import { RingTone, notifyIncoming } from './ringTone'
import { RemoteAudio } from './remoteAudio'

export function useCallSignals(view: SoftphoneView, phone: Softphone, audio: Ref<HTMLAudioElement | null>,
                               applySpeaker: () => Promise<void>) {
  const ring = new RingTone()
  const remote = new RemoteAudio()
  let notification: Notification | null = null

  watch(() => view.call, async (call) => {
    if (call === 'ringing') {
      ring.start()
      notification = notifyIncoming(view.remoteName, view.remoteNumber)
    } else {
      ring.stop()
      notification?.close()
      notification = null
    }
    if (call === 'idle') {
      remote.stop()
    } else if (call !== 'ringing') {
      await nextTick()
      const pc = phone.peer()
      const el = audio.value
      if (pc && el) {
        remote.follow(pc, el)
        await applySpeaker()
      }
    }
  })

  onBeforeUnmount(() => {
    ring.stop()
    notification?.close()
    remote.stop()
  })
}
