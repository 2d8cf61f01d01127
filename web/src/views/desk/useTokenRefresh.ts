// Keeps the desk's token alive while the desk is open: checked every 15 s,
// renewed (POST /v1/auth/refresh) when less than REFRESH_BEFORE_MS is left,
// or half its life if that is shorter. A refused token goes to the page's
// unauthorized(), which decides (a live call may finish first).
import { onBeforeUnmount, onMounted } from 'vue'
import { ApiError, api } from '../../api/client'
import type { UnauthorizedReason } from '../../api/types'
import { useSessionStore } from '../../stores/session'

/** Renew the token when less than this is left (or half its life, if shorter). */
const REFRESH_BEFORE_MS = 30 * 60_000
const CHECK_EVERY_MS = 15_000

export function useTokenRefresh(paused: () => boolean, unauthorized: (reason: UnauthorizedReason | undefined) => void) {
  const session = useSessionStore()
  let tokenLife = 0
  let refreshing = false
  let timer: ReturnType<typeof setInterval> | undefined

  async function refresh() {
    if (refreshing || paused() || !session.expiresAt) return
    const left = Date.parse(session.expiresAt) - Date.now()
    if (!tokenLife) tokenLife = left
    if (left > Math.min(REFRESH_BEFORE_MS, tokenLife / 2)) return
    refreshing = true
    try {
      const r = await api.post('/v1/auth/refresh', undefined, { keepSessionOn401: true })
      tokenLife = Date.parse(r.data.expiresAt) - Date.now()
      session.refreshed(r.data.token, r.data.expiresAt)
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) unauthorized(e.reason)
    } finally {
      refreshing = false
    }
  }

  onMounted(() => { timer = setInterval(() => void refresh(), CHECK_EVERY_MS) })
  onBeforeUnmount(() => clearInterval(timer))
}
