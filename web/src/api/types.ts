// Names for the API's shapes, all taken from schema.d.ts (generated from
// docs/api/openapi.yaml), so a change of the API breaks the typecheck.
// What a route takes and answers comes with the route (client.ts's `api`);
// these names are for the views that hold such values.
import type { components, paths } from './schema'
import type { Answer } from './client'

type S = components['schemas']
export type AuthUser = S['AuthUser']
export type Role = AuthUser['role']
export type LoginData = S['LoginResponse']['data']
export type MeData = S['MeResponse']['data']
export type Agent = S['Agent']
export type AgentRole = Agent['role']
/** GET /v1/admin/agents/{id}: the agent with its last invitation (null: never invited). */
export type AgentDetail = S['AgentResponse']['agent']
export type ExtensionSummary = S['ExtensionSummary']
export type Extension = S['Extension']
export type Voicemail = S['VoicemailResponse']['voicemail']
export type PoolStats = S['PoolStats']
export type Tenant = S['Tenant']
export type Cluster = S['Cluster']
export type ClusterNode = S['Node']
export type ClusterStatus = S['ClusterStatus']
export type AuditEntry = S['AuditEntry']
/** A tenant's SCIM token, without its secret. */
export type ScimToken = S['ScimTokenInfo']
export type SsoSettings = S['SsoResponse']['sso']
export type ScimSettings = S['ScimSettingsResponse']['scim_settings']
export type Invitation = S['Invitation']
export type LinkInfo = S['LinkInfo']
export type ErrorCode = S['Error']['error']['code']
export type UnauthorizedReason = NonNullable<S['Error']['error']['reason']>
/** What POST /v1/admin/agents answers: the agent, and its temporary password or queued invitation. */
export type AgentCreated = Answer<paths['/v1/admin/agents']['post']>
/** The live event catalogue (src/live/types.ts narrows `data` by `type`). */
export type LiveEvent = S['LiveEvent']
export type AgentEventData = S['AgentEventData']
export type ProvisioningEventData = S['ProvisioningEventData']
export type RegistrationEventData = S['RegistrationEventData']
export type Registration = S['Registration']
export type CallRecord = S['CallRecord']
// Queue is QueueInput (all optional) and a list of required names, which
// openapi-typescript does not apply to the properties of the other part:
// every field of a Queue answer is there (the document's `required`).
export type Queue = Required<S['Queue']>
export type QueueInput = S['QueueInput']
export type QueueMember = S['QueueMember']
export type QueueStatus = S['QueueStatus']
export type QueueActivity = S['QueueActivity']
export type QueueLive = S['QueueLive']
export type InboundNumber = S['InboundNumber']
export type QueueEventData = S['QueueEventData']
export type UsageRow = S['UsageRow']
/** The call history and the colleagues' directory (issue 20). */
export type HistoryCall = S['HistoryCall']
export type HistoryPage = S['HistoryPage']
export type Colleague = S['Colleague']
export type Presence = S['Presence']
export type PresenceEventData = S['PresenceEventData']
export type MissedEventData = S['MissedEventData']
export type CredentialsEventData = S['CredentialsEventData']
export type InvitationEventData = S['InvitationEventData']
export type UsageGroup = S['UsageResponse']['group_by']
/** Webhooks (docs/webhooks.md). */
export type Webhook = S['Webhook']
export type WebhookDelivery = S['WebhookDelivery']
export type LiveEventType = S['LiveEventType']
/** An agents import (POST /v1/admin/agents/import, GET /v1/admin/imports/{id}). */
export type AgentImport = S['AgentImport']
export type ImportRowError = S['ImportRowError']
