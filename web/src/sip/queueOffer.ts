// A queue call's offer, as the agent's INVITE carries it: mod_callcenter
// calls the agent through the contact string agentdesk gives it, which
// sets `X-AD-Queue-Id` (the queue's id) and `X-AD-Queue-Waited` (whole
// seconds the caller waited before this offer). A direct call has
// neither. Values that are not plain digits are ignored: a header is
// the network's input.
export interface QueueOffer {
  queueId: number
  /** Seconds the caller waited before it rang here; null when not said. */
  waitedS: number | null
}

export const QUEUE_ID_HEADER = 'X-AD-Queue-Id'
export const QUEUE_WAITED_HEADER = 'X-AD-Queue-Waited'

function digits(v: string | null | undefined, max: number): number | null {
  const t = (v ?? '').trim()
  if (!/^[0-9]{1,10}$/.test(t)) return null
  const n = Number(t)
  return n <= max ? n : null
}

/** The offer from the INVITE's headers (`get` answers a header's value); null for a call that is not a queue's. */
export function queueOffer(get: (name: string) => string | null | undefined): QueueOffer | null {
  const queueId = digits(get(QUEUE_ID_HEADER), Number.MAX_SAFE_INTEGER)
  if (queueId === null || queueId === 0) return null
  return { queueId, waitedS: digits(get(QUEUE_WAITED_HEADER), 7 * 86400) }
}
