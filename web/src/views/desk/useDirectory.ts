// The colleagues of the agent's tenant with their presence:
// GET /v1/me/directory at start and after a gap in the live stream, then
// agent.presence events (published by agentdesk where a registration, a
// call or a queue status moves) change one row each — no polling; one of
// an agent the list lacks (created since) reads it again. `query` filters
// by name or extension.
import { computed, onMounted, ref } from 'vue'
import { ApiError, api, errorMessage } from '../../api/client'
import type { Colleague } from '../../api/types'
import { matches } from './directory'
import { useLiveEvents } from '../../live'

export function useDirectory(self: () => number | null) {
  const agents = ref<Colleague[]>([])
  const query = ref('')
  const error = ref<string | null>(null)
  const unavailable = ref(false)

  async function load() {
    try {
      const r = await api.get('/v1/me/directory', { query: { limit: 500 } })
      agents.value = r.agents
      error.value = null
    } catch (e) {
      if (e instanceof ApiError && e.status === 403) unavailable.value = true
      else error.value = errorMessage(e)
    }
  }

  useLiveEvents({
    'agent.presence': (e) => {
      const i = agents.value.findIndex((a) => a.agent_id === e.data.agent_id)
      if (i < 0) { void load(); return }
      const next = agents.value.slice()
      next[i] = { ...next[i], presence: e.data.presence }
      agents.value = next
    },
    reload: () => { void load() },
  })
  onMounted(load)

  const shown = computed(() => agents.value.filter((a) => a.agent_id !== self() && matches(a, query.value)))

  return { agents, shown, query, error, unavailable, load }
}
