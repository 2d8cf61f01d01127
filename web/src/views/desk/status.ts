// What the desk's header says: one line rendered from the softphone's
// state and the page's conditions, so that it cannot drift from the truth.
import type { SoftphoneView } from '../../sip/softphone'
import { duration } from '../../components/duration'

export type MicState = 'unknown' | 'ok' | 'blocked' | 'missing'

export interface DeskConditions {
  secure: boolean
  mic: MicState
  hasExtension: boolean
  now: number
}

export interface HeaderLine {
  text: string
  tone: 'ok' | 'info' | 'warn' | 'error'
}

export const INSECURE_TEXT =
  'The desk needs HTTPS: this page was opened over plain HTTP, where the browser allows no microphone. Open it with https://.'

export function headerLine(v: SoftphoneView, c: DeskConditions): HeaderLine {
  if (!c.secure) return { text: INSECURE_TEXT, tone: 'error' }
  if (!c.hasExtension) return { text: 'You have no active extension – ask your administrator', tone: 'warn' }
  if (c.mic === 'blocked') return { text: 'Microphone blocked – allow it in the browser', tone: 'error' }
  if (c.mic === 'missing') return { text: 'No microphone found – connect one', tone: 'error' }
  const ext = `Extension ${v.extension ?? ''}`
  switch (v.reg) {
    case 'connected': return { text: `${ext} – Connected`, tone: 'ok' }
    case 'connecting': case 'connecting_fresh': case 'registering': case 'registering_fresh': case 'reauth':
      return { text: 'Connecting…', tone: 'info' }
    case 'disconnected': {
      const s = Math.max(0, Math.ceil(((v.retryAt ?? c.now) - c.now) / 1000))
      return { text: `Disconnected – retrying in ${s} s`, tone: 'warn' }
    }
    case 'refused': return { text: 'Registration refused', tone: 'error' }
    case 'elsewhere': return { text: 'The desk is open in another tab', tone: 'info' }
    case 'stopped': return { text: 'Not connected', tone: 'info' }
  }
}

/** mm:ss (or h:mm:ss) of a call that began at start. */
export function callTimer(start: number | null, now: number): string {
  return start === null ? '0:00' : duration((now - start) / 1000)
}
