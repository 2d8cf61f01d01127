// The token of an emailed link (/set-password#token=…, /reset-password#token=…),
// and the end of a single sign-on (/login#code=<one-time code> or
// /login#sso_error=<why>). They sit in the fragment so no server log or
// Referer ever sees them. This
// module is main.ts's first import: evaluating it takes the token out of the
// address bar (replaceState, so it never stays in the history either) before
// router.ts's createWebHistory() reads the address, which would otherwise
// put the fragment back; the token is kept here, in memory only, for the
// page that posts it.

let token: string | null = null
let sso: { code: string | null; error: string | null } | null = null

/** Moves a #token=…, #code=… or #sso_error=… of the current address into
 * memory and drops the fragment. */
function takeLinkToken(): void {
  const hash = window.location.hash
  if (!hash.startsWith('#')) return
  const params = new URLSearchParams(hash.slice(1))
  const t = params.get('token')
  const code = params.get('code')
  const error = params.get('sso_error')
  if (t === null && code === null && error === null) return
  token = t
  if (code !== null || error !== null) sso = { code, error }
  const { pathname, search } = window.location
  window.history.replaceState(window.history.state, '', pathname + search)
}

/** The token taken from the address, or null; it stays for a retry of the form. */
export function linkToken(): string | null {
  return token
}

/** Forgets the token (once the link has been used). */
export function forgetLinkToken(): void {
  token = null
}

/** The end of a single sign-on taken from the address (once: it is forgotten
 * as it is read), or null. */
export function takeSsoResult(): { code: string | null; error: string | null } | null {
  const r = sso
  sso = null
  return r
}

takeLinkToken()
