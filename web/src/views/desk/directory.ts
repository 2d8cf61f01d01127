// The colleagues' directory without Vue or the API (unit-tested in
// tests/directory.test.ts): each presence's label, and the search.
import type { Colleague, Presence } from '../../api/types'

export const PRESENCE_LABEL: Record<Presence, string> = {
  offline: 'Offline',
  available: 'Available',
  on_break: 'On break',
  on_call: 'On a call',
}

/** Whether c matches the words of q (each in its name or one of its extensions). */
export function matches(c: Colleague, q: string): boolean {
  const words = q.trim().toLowerCase().split(/\s+/).filter(Boolean)
  const hay = `${c.first_name} ${c.last_name}`.toLowerCase()
  return words.every((w) => hay.includes(w) || c.extensions.some((x) => x.startsWith(w)))
}
