// The agent's voicebox in the desk: GET /v1/me/voicemail when the desk
// opens, after each call and every 30 s while it is open (the count of new
// messages is mod_voicemail's, read by agentdesk with vm_boxcount: no
// event tells the desk of a message left while it was not in the call),
// and PUT to set a new PIN. The PIN lives in this page's memory only,
// never in browser storage.
import { onBeforeUnmount, onMounted, ref, shallowRef, watch } from 'vue'
import { ApiError, api, errorMessage } from '../../api/client'
import type { Voicemail } from '../../api/types'

export const VOICEMAIL_REFRESH_MS = 30_000
/** The feature code of the tenant's dialplan that opens the caller's own voicebox. */
export const VOICEMAIL_CODE = '*98'

/** hasBox: the desk knows the agent has an extension (no voicebox to ask for before, or without one). */
export function useVoicemail(hasBox: () => boolean) {
  const box = shallowRef<Voicemail | null>(null)
  const error = ref<string | null>(null)
  /** The user has no extension (404) or no agent account (403): no voicemail control. */
  const unavailable = ref(false)
  const busy = ref(false)

  async function load() {
    if (!hasBox()) return
    try {
      box.value = (await api.get('/v1/me/voicemail')).voicemail
      error.value = null
    } catch (e) {
      if (e instanceof ApiError && (e.status === 403 || e.status === 404)) unavailable.value = true
      else error.value = errorMessage(e)
    }
  }

  /** A new PIN; the error (or null) for the form. */
  async function setPin(pin: string): Promise<string | null> {
    busy.value = true
    try {
      box.value = (await api.put('/v1/me/voicemail', { pin })).voicemail
      return null
    } catch (e) {
      return errorMessage(e)
    } finally {
      busy.value = false
    }
  }

  let timer: ReturnType<typeof setInterval> | undefined
  onMounted(() => {
    void load()
    timer = setInterval(() => { void load() }, VOICEMAIL_REFRESH_MS)
  })
  watch(hasBox, (has) => { if (has) void load() })
  onBeforeUnmount(() => clearInterval(timer))

  return { box, error, unavailable, busy, load, setPin }
}
