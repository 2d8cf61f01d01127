// The agent's status for queue calls in the desk: GET /v1/me/queue-status
// at start and after a gap in the live stream, PUT to change it, POST
// …/ready to end after-call work; agent.queue_status events on the user's
// own stream (/v1/me/events) replace it as they come, so "pending" turns
// into the status once FreeSWITCH has it; one whose queue_ids differ from
// the queues shown (the agent joined or left one) reads them again. It lives in agentdesk, not in
// the browser: a reload reads it again.
import { computed, onMounted, ref, shallowRef } from 'vue'
import { ApiError, api, errorMessage } from '../../api/client'
import type { QueueStatus } from '../../api/types'
import { useLiveEvents } from '../../live'

type QueueRef = { id: number; name: string; number: string; level: number; position: number }
export type QueueStatusInput = { status: 'available' | 'logged_out' } | { status: 'on_break'; reason: string }

export function useQueueStatus() {
  const status = shallowRef<QueueStatus | null>(null)
  const queues = ref<QueueRef[]>([])
  const breakReasons = ref<string[]>([])
  const error = ref<string | null>(null)
  /** The user has no agent account (403): the desk shows no queue control. */
  const unavailable = ref(false)
  const busy = ref(false)
  /** Epoch ms of the last "Ready": after-call work that began before it is over. */
  const readyAt = ref<number | null>(null)

  function apply(r: { queue_status: QueueStatus; queues: QueueRef[]; break_reasons: string[] }) {
    status.value = r.queue_status
    queues.value = r.queues
    breakReasons.value = r.break_reasons
    error.value = null
  }

  /* An answer may be older than an event that came while it was on its
   * way (the job applied before the PUT's answer arrived: the answer says
   * "pending", the event "provisioned"). The event of the same change
   * wins, and of two changes the later one (in the same second: the
   * answer, as before events were compared). */
  let seen = 0
  let lastEvent: QueueStatus | null = null
  async function answer(request: Promise<{ queue_status: QueueStatus; queues: QueueRef[]; break_reasons: string[] }>) {
    const before = seen
    const r = await request
    const e = lastEvent
    if (seen === before || !e) return apply(r)
    const a = r.queue_status
    const order = Date.parse(e.since ?? '') - Date.parse(a.since ?? '')
    if (order > 0 || (order === 0 && e.status === a.status && e.reason === a.reason))
      return apply({ ...r, queue_status: e })
    apply(r)
  }

  async function load() {
    try {
      await answer(api.get('/v1/me/queue-status'))
    } catch (e) {
      if (e instanceof ApiError && (e.status === 403 || e.status === 404)) unavailable.value = true
      else error.value = errorMessage(e)
    }
  }

  async function set(input: QueueStatusInput) {
    busy.value = true
    try {
      await answer(api.put('/v1/me/queue-status', input))
    } catch (e) {
      error.value = errorMessage(e)
    } finally {
      busy.value = false
    }
  }

  async function ready() {
    busy.value = true
    readyAt.value = Date.now()
    try {
      await answer(api.post('/v1/me/queue-status/ready', undefined))
    } catch (e) {
      error.value = errorMessage(e)
    } finally {
      busy.value = false
    }
  }

  /** The queue's name for an offer's X-AD-Queue-Id (DeskPage reads the list again
   *  for an id it does not know). */
  function queueName(id: number | null): string | null {
    if (id === null) return null
    return queues.value.find((q) => q.id === id)?.name ?? `Queue ${id}`
  }

  useLiveEvents({
    'agent.queue_status': (e) => {
      if (status.value && e.data.agent_id !== status.value.agent_id) return
      seen++
      lastEvent = e.data
      if (!status.value) { void load(); return }
      const ids = e.data.queue_ids
      const known = queues.value.map((q) => q.id).sort((x, y) => x - y).join()
      if (ids && [...ids].sort((x, y) => x - y).join() !== known) { void load(); return }
      status.value = e.data
    },
    reload: () => { void load() },
  })
  onMounted(load)

  const knows = (id: number) => queues.value.some((q) => q.id === id)

  return { status, knows, queues, breakReasons, error, unavailable, busy, readyAt, load, set, ready, queueName,
           pending: computed(() => status.value?.provisioning === 'pending') }
}
