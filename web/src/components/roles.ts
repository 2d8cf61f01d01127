// The roles a tenant's user can have, in the order the forms offer them
// (the superadmin is made on the command line only): one list for the add
// form, the agent's page, the agents filter and SCIM's role mapping.
import type { AgentRole } from '../api/types'

const LABELS: Record<AgentRole, string> = { agent: 'Agent', supervisor: 'Supervisor', admin: 'Admin' }

export const ROLE_OPTIONS: { label: string; value: AgentRole }[] =
  (Object.keys(LABELS) as AgentRole[]).map((value) => ({ label: LABELS[value], value }))
