// The API's rules for a password people choose (docs/api/openapi.yaml:
// at least 10 characters, at most 256, not the email), shown as a checklist
// while typing so the server's validation_failed is rarely seen.

export interface PasswordRule { ok: boolean; text: string }

/** The rules for `next`; `current` adds "not the current password" (change form). */
export function passwordRules(next: string, email: string, current?: string): PasswordRule[] {
  const rules = [
    { ok: next.length >= 10 && next.length <= 256, text: 'At least 10 characters' },
    { ok: next !== '' && next.toLowerCase() !== email.toLowerCase(), text: 'Not your email' },
  ]
  if (current !== undefined) rules.push({ ok: next !== '' && next !== current, text: 'Not the current password' })
  return rules
}

/** The form's errors for the new password and its repeat; empty when both are fine. */
export function newPasswordErrors(next: string, repeat: string, email: string, current?: string): Record<string, string> {
  if (passwordRules(next, email, current).some((r) => !r.ok)) return { new_password: 'The new password does not follow the rules below.' }
  if (next !== repeat) return { repeat: 'The two new passwords differ.' }
  return {}
}
