// An extension's provisioning state and the severity (colour) it is shown
// with: ProvisioningTag's, and the agents table's plain tags ('tag-' + it).
export type ProvisioningState = 'pending' | 'provisioned' | 'failed'

export const PROVISIONING_SEVERITY = {
  pending: 'warn',
  provisioned: 'success',
  failed: 'danger',
} as const satisfies Record<ProvisioningState, string>
