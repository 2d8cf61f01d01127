// GET /v1/auth/me for the desk: the agent's extensions and the chosen one's
// SIP credentials, read at start, every minute and when the window gets
// focus (so a changed SIP password or a removed extension reaches the
// phone). The SIP password goes only into the returned credentials, never
// into Vue state. The chosen extension number is kept in memory for as long
// as the app runs (a reload starts with the first one again): sessionStorage
// holds the session token and nothing else.
import { onBeforeUnmount, onMounted, ref } from 'vue'
import { ApiError, api, errorMessage } from '../../api/client'
import type { MeData, UnauthorizedReason } from '../../api/types'
import type { SipCredentials } from '../../sip/ua'

/** The extension picked last in this page's life, kept over leaving and coming back to /desk. */
let picked: string | null = null
const ME_EVERY_MS = 60_000

export interface MeHooks {
  /** Stop asking (the desk is ending). */
  paused: () => boolean
  /** The API refused the token. */
  unauthorized: (reason: UnauthorizedReason | undefined) => void
  /** Credentials read again by the timer or on focus. */
  reread: (cred: SipCredentials) => void
}

export function useMe(hooks: MeHooks) {
  const extensions = ref<string[]>([])
  const chosen = ref<string | null>(picked)
  const loaded = ref(false)
  const loadError = ref<string | null>(null)

  /** The chosen extension's credentials, or null (none, or the request failed). */
  async function loadMe(): Promise<SipCredentials | null> {
    let d: MeData
    try {
      d = (await api.get('/v1/auth/me', { keepSessionOn401: true })).data
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) hooks.unauthorized(e.reason)
      else if (!loaded.value) loadError.value = errorMessage(e)
      return null
    }
    loadError.value = null
    loaded.value = true
    extensions.value = d.extensions.map((x) => x.extension)
    const x = d.extensions.find((e) => e.extension === chosen.value) ?? d.extensions[0]
    if (!x) return null
    choose(x.extension)
    return { extension: x.extension, password: x.sip_password, realm: d.sipConfig.realm,
             wsUrl: d.sipConfig.websocketUrl, displayName: `${d.user.firstName} ${d.user.lastName}`.trim() }
  }

  function choose(ext: string) {
    chosen.value = ext
    picked = ext
  }

  async function reread() {
    if (!loaded.value || hooks.paused()) return
    const c = await loadMe()
    if (c) hooks.reread(c)
  }

  let timer: ReturnType<typeof setInterval> | undefined
  const onFocus = () => void reread()
  onMounted(() => {
    window.addEventListener('focus', onFocus)
    timer = setInterval(onFocus, ME_EVERY_MS)
  })
  onBeforeUnmount(() => {
    window.removeEventListener('focus', onFocus)
    clearInterval(timer)
  })

  return { extensions, chosen, loaded, loadError, loadMe, choose }
}
