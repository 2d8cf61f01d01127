// Names for the API's shapes, all taken from schema.d.ts (generated from
// docs/api/openapi.yaml), so a change of the API breaks the typecheck.
import type { components } from './schema'

type S = components['schemas']
export type AuthUser = S['AuthUser']
export type Role = AuthUser['role']
export type LoginData = S['LoginResponse']['data']
export type MeData = S['MeResponse']['data']
export type Agent = S['Agent']
export type AgentRole = Agent['role']
// registered is in GET /v1/admin/agents/{id}; the list gains it too (optional until then).
export type ExtensionSummary = S['ExtensionSummary'] & { registered?: boolean | null }
export type Extension = S['Extension']
export type PoolStats = S['PoolStats']
export type Tenant = S['Tenant']
export type Cluster = S['Cluster']
export type ClusterInput = S['ClusterInput']
export type ClusterNode = S['Node']
export type NodeInput = S['NodeInput']
export type ClusterStatus = S['ClusterStatus']
export type AuditEntry = S['AuditEntry']
// Issue 12's codes; until the mail work's openapi.yaml is merged and
// schema.d.ts regenerated they are named here (docs: mail's openapi.yaml).
export type ErrorCode = S['Error']['error']['code'] | 'invalid_token' | 'mail_disabled'
export type UnauthorizedReason = NonNullable<S['Error']['error']['reason']>
export type Page = S['Page']

export interface AgentPage extends Page { agents: Agent[] }
export interface ExtensionPage extends Page { extensions: Extension[]; stats: PoolStats }
export interface TenantPage extends Page { tenants: Tenant[] }
export interface ClusterPage extends Page { clusters: Cluster[] }
export interface AuditPage extends Page { entries: AuditEntry[] }

// Email onboarding (issue 12), as the mail work's openapi.yaml documents
// them; to be taken from schema.d.ts once it is merged and regenerated.
export type InvitationStatus = 'queued' | 'sent' | 'failed' | 'used' | 'expired'
/** The newest invitation of an agent (GET /v1/admin/agents/{id}). */
export interface Invitation {
  status: InvitationStatus
  created_at: string
  sent_at: string | null
  expires_at: string
  error: string | null
}
/** What POST /v1/admin/agents and .../invite answer when they queue one. */
export interface QueuedInvitation { status: 'queued'; expires_at: string }
/** GET /v1/admin/agents/{id}: the agent with its last invitation (null: never invited). */
export type AgentDetail = Agent & { invitation?: Invitation | null }
export interface AgentCreated { agent: Agent; temporary_password: string | null; invitation?: QueuedInvitation }
/** POST /v1/auth/tokens/inspect: whom an emailed link is for. */
export interface LinkInfo {
  valid: true
  purpose: 'invitation' | 'reset'
  email: string
  tenant_name: string
  expires_at: string
}
/** /v1/auth/me's features (mail: the server sends invitations and reset links). */
export interface Features { mail: boolean }
