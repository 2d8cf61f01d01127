// The agents page's first list request, sent by the router as soon as it
// has decided to show the page, so that the answer travels while the page's
// code loads instead of after the page has mounted. Only for users of one
// tenant: a superadmin's tenant scope is settled after the navigation
// (router.afterEach), so the page asks for itself.
import { api } from '../../api/client'
import type { Agent } from '../../api/types'

type AgentPage = Awaited<ReturnType<typeof listAgents>>

/** The list the agents page shows first: its filters' defaults. */
export const FIRST_QUERY: Readonly<AgentsQuery> = { limit: 25, offset: 0, q: '', status: null, role: null, sort: 'name' }

/** The agents page's filters and page, as GET /v1/admin/agents takes them. */
export interface AgentsQuery {
  limit: number
  offset: number
  q: string
  status: Agent['status'] | null
  role: Agent['role'] | null
  sort: 'name' | '-name' | 'created_at' | '-created_at'
}

/** GET /v1/admin/agents with these filters. */
export function listAgents(q: AgentsQuery) {
  return api.get('/v1/admin/agents', { query: { ...q, q: q.q.trim() } })
}

let pending: Promise<AgentPage> | null = null

/** Sends the request; the answer waits for agentsFirstPageTake(). */
export function agentsFirstPageSend(): void {
  pending = listAgents(FIRST_QUERY)
  // Whoever takes it sees the failure; until then it is not unhandled.
  pending.catch(() => undefined)
}

/** The answer sent for this navigation, once (null when none was sent). */
export function agentsFirstPageTake(): Promise<AgentPage> | null {
  const p = pending
  pending = null
  return p
}

/** Forgets an answer nobody will take (the navigation did not happen). */
export function agentsFirstPageDrop(): void {
  pending = null
}
