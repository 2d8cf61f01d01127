// The token of an emailed link (/set-password#token=…, /reset-password#token=…).
// It sits in the fragment so no server log or Referer ever sees it. This
// module is main.ts's first import: evaluating it takes the token out of the
// address bar (replaceState, so it never stays in the history either) before
// router.ts's createWebHistory() reads the address, which would otherwise
// put the fragment back; the token is kept here, in memory only, for the
// page that posts it.

let token: string | null = null

/** Moves a #token=… of the current address into memory and drops the fragment. */
function takeLinkToken(): void {
  const hash = window.location.hash
  if (!hash.startsWith('#')) return
  const t = new URLSearchParams(hash.slice(1)).get('token')
  if (t === null) return
  token = t
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

takeLinkToken()
