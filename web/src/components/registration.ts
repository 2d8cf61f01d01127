// An extension's registration as the portal shows it: a dot whose colour
// repeats what its text says (never the colour alone). `registered` is
// null when no event stream of the extension's cluster is connected: then
// nobody knows, and the page says "Unknown".
import type { ExtensionSummary } from '../api/types'

export type RegState = 'registered' | 'unregistered' | 'unknown' | 'partly'

export interface RegView { state: RegState; text: string }

type Reg = Pick<ExtensionSummary, 'registered'>

export function extensionRegistration(x: Reg): RegView {
  if (x.registered === true) return { state: 'registered', text: 'Registered' }
  if (x.registered === false) return { state: 'unregistered', text: 'Not registered' }
  return { state: 'unknown', text: 'Unknown' }
}

/** An agent's extensions together: null without extensions. */
export function agentRegistration(xs: readonly Reg[]): RegView | null {
  if (!xs.length) return null
  const known = xs.filter((x) => x.registered === true || x.registered === false)
  if (!known.length) return { state: 'unknown', text: 'Unknown' }
  const n = xs.filter((x) => x.registered === true).length
  if (n === 0 && known.length === xs.length) return { state: 'unregistered', text: 'Not registered' }
  if (n === xs.length) return { state: 'registered', text: 'Registered' }
  return { state: 'partly', text: `${n} of ${xs.length} registered` }
}
