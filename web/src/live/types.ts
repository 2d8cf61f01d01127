// The live event catalogue as the web app sees it, all from schema.d.ts:
// a LiveEvent whose `data` is narrowed by its `type`, and the stream's two
// control events (`reload`, `end`), which are not in the catalogue.
import type {
  AgentEventData, CallRecord, CredentialsEventData, InvitationEventData, LiveEvent, MissedEventData, PresenceEventData, ProvisioningEventData, QueueEventData,
  QueueStatus, RegistrationEventData,
} from '../api/types'

export type LiveType = LiveEvent['type']

/** What each type's `data` is (openapi.yaml's LiveEvent.data, per type). */
export interface LiveData {
  'agent.created': AgentEventData
  'agent.updated': AgentEventData
  'agent.deleted': AgentEventData
  'extension.provisioning': ProvisioningEventData
  'registration.changed': RegistrationEventData
  'call.started': CallRecord
  'call.answered': CallRecord
  'call.ended': CallRecord
  'queue.changed': QueueEventData
  'queue.live': QueueEventData
  'agent.queue_status': QueueStatus
  'agent.presence': PresenceEventData
  'calls.missed': MissedEventData
  'invitation.sent': InvitationEventData
  'invitation.failed': InvitationEventData
  'extension.credentials': CredentialsEventData
}

/** A LiveEvent of one type, its data narrowed. */
export type LiveEventOf<T extends LiveType> = Omit<LiveEvent, 'type' | 'data'> & { type: T; data: LiveData[T] }
/** Any LiveEvent, discriminated by `type`. */
export type TypedLiveEvent = { [T in LiveType]: LiveEventOf<T> }[LiveType]

/** Every type of the catalogue, at run time (EventSource needs each name). */
export const LIVE_TYPES = [
  'agent.created', 'agent.updated', 'agent.deleted', 'extension.provisioning',
  'registration.changed', 'call.started', 'call.answered', 'call.ended',
  'queue.changed', 'queue.live', 'agent.queue_status', 'agent.presence', 'calls.missed',
  'invitation.sent', 'invitation.failed', 'extension.credentials',
] as const satisfies readonly LiveType[]

// A type the document adds and the list above lacks fails the typecheck.
type Missing = Exclude<LiveType, (typeof LIVE_TYPES)[number]>
const exhaustive: [Missing] extends [never] ? true : Missing = true
void exhaustive
// And the map above names exactly the catalogue's types.
const mapped: [Exclude<LiveType, keyof LiveData> | Exclude<keyof LiveData, LiveType>] extends [never] ? true : false = true
void mapped

/** What a tab is told: an event of the catalogue, or a control of the stream. */
export type LiveMessage =
  | { kind: 'event'; event: TypedLiveEvent }
  /** The stream could not resume from the last id (a gap): lists must be loaded again. */
  | { kind: 'reload' }
  /** The stream's session ended (revoked or expired). */
  | { kind: 'end' }

/** Where the stream stands, as the UI may say it. */
export type LiveStatus = 'off' | 'connecting' | 'open' | 'retrying'

/** The admin stream (/v1/admin/events) or the signed-in user's own (/v1/me/events). */
export type LiveKind = 'admin' | 'me'
