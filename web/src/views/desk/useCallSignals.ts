// What the desk does as a call's state changes, beside rendering it: the
// ring tone and the desktop notification while a call rings (a soft one
// for a second call arriving during a call), and the remote audio
// (remoteAudio.ts) of the current call on the chosen speaker once it is
// answered or placed, again when the agent swaps calls; both parties mixed
// (the softphone's ear) while two calls are joined.
import { nextTick, onBeforeUnmount, watch, type Ref } from 'vue'
import type { Softphone, SoftphoneView } from '../../sip/softphone'
import { RingTone, notifyIncoming } from './ringTone'
import { RemoteAudio } from './remoteAudio'

export function useCallSignals(view: SoftphoneView, phone: Softphone, audio: Ref<HTMLAudioElement | null>,
                               applySpeaker: () => Promise<void>) {
  const ring = new RingTone()
  const soft = new RingTone(0.02)
  const remote = new RemoteAudio()
  let notification: Notification | null = null

  watch(() => view.other?.state === 'ringing', (ringing) => {
    if (ringing) {
      soft.start()
      notification = notifyIncoming(view.other?.remoteName ?? '', view.other?.remoteNumber ?? '')
    } else {
      soft.stop()
    }
  })

  // The current call's state, and which call is current (a swap keeps the state, changes the party).
  watch(() => [view.call, view.remoteNumber, view.line] as const, async ([call]) => {
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
      const ear = phone.ear()
      const el = audio.value
      if (ear && el) remote.play(ear, el)
      else if (pc && el) remote.follow(pc, el)
      else return
      await applySpeaker()
    }
  })

  onBeforeUnmount(() => {
    ring.stop()
    soft.stop()
    notification?.close()
    remote.stop()
  })
}
