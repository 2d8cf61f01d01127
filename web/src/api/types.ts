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
export type ErrorCode = S['Error']['error']['code']
export type UnauthorizedReason = NonNullable<S['Error']['error']['reason']>
export type Page = S['Page']

export interface AgentPage extends Page { agents: Agent[] }
export interface ExtensionPage extends Page { extensions: Extension[]; stats: PoolStats }
export interface TenantPage extends Page { tenants: Tenant[] }
export interface ClusterPage extends Page { clusters: Cluster[] }
export interface AuditPage extends Page { entries: AuditEntry[] }
