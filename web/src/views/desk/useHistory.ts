// The agent's call history in the desk: GET /v1/me/calls (the last calls,
// from the records agentdesk keeps from FreeSWITCH's hangup events — never
// from browser storage) at start, after a call ends (call.ended on the
// user's own stream) and after a gap; the count of unseen missed calls
// from the same answer and from calls.missed as it moves; markSeen()
// (POST /v1/me/calls/seen) clears it for every tab of the agent.
import { onBeforeUnmount, onMounted, ref } from 'vue'
import { ApiError, api, errorMessage } from '../../api/client'
import type { HistoryCall } from '../../api/types'
import { useLiveEvents } from '../../live'

export const HISTORY_ROWS = 20

export function useHistory() {
  const calls = ref<HistoryCall[]>([])
  const unseen = ref(0)
  const error = ref<string | null>(null)
  /** The user has no agent account (403): no history. */
  const unavailable = ref(false)
  let timer: ReturnType<typeof setTimeout> | undefined

  async function load() {
    try {
      const r = await api.get('/v1/me/calls', { query: { limit: HISTORY_ROWS } })
      calls.value = r.calls
      unseen.value = r.unseen_missed
      error.value = null
    } catch (e) {
      if (e instanceof ApiError && e.status === 403) unavailable.value = true
      else error.value = errorMessage(e)
    }
  }

  /** One read a moment after a burst of endings (both legs of a call end together). */
  function soon() {
    clearTimeout(timer)
    timer = setTimeout(() => { void load() }, 300)
  }

  async function markSeen() {
    if (unseen.value === 0) return
    try {
      await api.post('/v1/me/calls/seen', undefined)
      unseen.value = 0
      calls.value = calls.value.map((c) => (c.seen ? c : { ...c, seen: true }))
    } catch (e) {
      error.value = errorMessage(e)
    }
  }

  useLiveEvents({
    'call.ended': soon,
    'call.started': soon,
    'calls.missed': (e) => { unseen.value = e.data.unseen },
    reload: () => { void load() },
  })
  onMounted(load)
  onBeforeUnmount(() => clearTimeout(timer))

  return { calls, unseen, error, unavailable, load, markSeen }
}
