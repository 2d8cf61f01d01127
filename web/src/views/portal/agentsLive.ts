// What a live event changes in the agents the portal shows, without asking
// the server: registration.changed and extension.provisioning patch the
// extension they name. Each answers a new value when something changed and
// null when the event is not about what is shown (the views keep their
// rows in a shallowRef: replaced whole, never changed in place).
import type { ExtensionSummary, ProvisioningEventData, RegistrationEventData } from '../../api/types'

interface HasExtensions { id: number; extensions: ExtensionSummary[] }

type Patch = Partial<ExtensionSummary>

export function registrationPatch(d: RegistrationEventData): Patch {
  const p: Patch = { registered: d.registered }
  if (d.registration !== undefined) p.registration = d.registration
  if (d.last_registered_at !== undefined) p.last_registered_at = d.last_registered_at
  return p
}

export function provisioningPatch(d: ProvisioningEventData): Patch {
  return { provisioning: d.provisioning, provisioning_attempts: d.provisioning_attempts, provisioning_error: d.provisioning_error }
}

/** The agent with extension `extensionId` patched; null when it has no such extension. */
export function patchAgent<A extends HasExtensions>(a: A, extensionId: number, p: Patch): A | null {
  const i = a.extensions.findIndex((x) => x.id === extensionId)
  if (i < 0) return null
  const extensions = a.extensions.slice()
  extensions[i] = { ...extensions[i], ...p }
  return { ...a, extensions }
}

/** The rows with the event's extension patched (the agent found by agent_id, else by the extension); null when none is shown. */
export function patchRows<A extends HasExtensions>(rows: readonly A[], agentId: number | null, extensionId: number, p: Patch): A[] | null {
  for (let i = 0; i < rows.length; i++) {
    if (agentId !== null && rows[i].id !== agentId) continue
    const a = patchAgent(rows[i], extensionId, p)
    if (!a) continue
    const next = rows.slice()
    next[i] = a
    return next
  }
  return null
}
