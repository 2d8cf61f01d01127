// The API client and the token refresh (src/api/client.ts): a request that
// meets the old token's revocation while a refresh is on its way does not
// end the session; the same 401 with no refresh on its way does. fetch and
// sessionStorage are stand-ins; the client and the session store are real.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createPinia, setActivePinia } from 'pinia'

const stored = new Map<string, string>()
;(globalThis as unknown as { sessionStorage: Storage }).sessionStorage = {
  getItem: (k: string) => stored.get(k) ?? null,
  setItem: (k: string, v: string) => { stored.set(k, v) },
  removeItem: (k: string) => { stored.delete(k) },
  clear: () => stored.clear(),
  key: () => null,
  length: 0,
}

const { api, ApiError, logout } = await import('../src/api/client')
const { useSessionStore } = await import('../src/stores/session')

type Answer = { status: number; body: unknown }
const revoked: Answer = { status: 401, body: { success: false, error: { code: 'unauthorized', message: 'no', reason: 'session_revoked' } } }


/** fetch answers each path from `answers`; a Promise answer waits for its release. */
function fakeFetch(answers: Record<string, Answer | Promise<Answer>>) {
  globalThis.fetch = (async (url: string | URL) => {
    const a = await answers[String(url)]
    return new Response(JSON.stringify(a.body), { status: a.status, headers: { 'Content-Type': 'application/json' } })
  }) as typeof fetch
}

/** A fresh session whose token is `token` (each test its own, as the server's are). */
function signedIn(token: string) {
  setActivePinia(createPinia())
  const s = useSessionStore()
  s.token = token
  s.expiresAt = new Date(Date.now() + 60_000).toISOString()
  s.user = { id: 1, email: 'a@a.example', role: 'agent' } as never
  return s
}

test('a request revoked by a refresh on its way keeps the session; the refresh brings the new token', async () => {
  const s = signedIn('old-token')
  let release!: (a: Answer) => void
  const refreshAnswer = new Promise<Answer>((r) => { release = r })
  fakeFetch({ '/v1/auth/refresh': refreshAnswer, '/v1/auth/me': revoked })
  const refresh = api.post('/v1/auth/refresh', undefined, { keepSessionOn401: true })
  await assert.rejects(api.get('/v1/auth/me'), (e: unknown) => e instanceof ApiError && e.status === 401)
  assert.equal(s.token, 'old-token', 'not expired by the revoked request')
  assert.equal(s.notice, null)
  release({ status: 200, body: { success: true, data: { token: 'new-token', expiresAt: new Date(Date.now() + 3_600_000).toISOString() } } })
  const r = await refresh
  s.refreshed(r.data.token, r.data.expiresAt)
  assert.equal(s.token, 'new-token')
})

test('the same 401 with no refresh on its way ends the session', async () => {
  const s = signedIn('token-2')
  fakeFetch({ '/v1/auth/me': revoked })
  await assert.rejects(api.get('/v1/auth/me'))
  assert.equal(s.token, null)
  assert.match(s.notice ?? '', /session ended/)
})

test('after a refresh that failed, a revoked request ends the session', async () => {
  const s = signedIn('token-3')
  fakeFetch({ '/v1/auth/refresh': revoked, '/v1/auth/me': revoked })
  await assert.rejects(api.post('/v1/auth/refresh', undefined, { keepSessionOn401: true }))
  assert.equal(s.token, 'token-3', 'the refresh itself leaves the decision to its caller')
  await assert.rejects(api.get('/v1/auth/me'))
  assert.equal(s.token, null)

})

test('a 401 for a suspended or removed account ends the session with those words', async () => {
  for (const reason of ['account_suspended', 'account_deleted']) {
    const s = signedIn('token-' + reason)
    fakeFetch({ '/v1/auth/me': { status: 401, body: { success: false, error: { code: 'unauthorized', message: 'no', reason } } } })
    await assert.rejects(api.get('/v1/auth/me'))
    assert.equal(s.token, null)
    assert.match(s.notice ?? '', /suspended or removed/)
  }
})

test('a logout cancels the requests on their way and sends none but its own until the session is gone', async () => {
  const s = signedIn('token-leaving')
  const sent: string[] = []
  const cancelled: string[] = []
  let revoke!: () => void
  const logoutAnswered = new Promise<void>((r) => { revoke = r })
  globalThis.fetch = (async (url: string | URL, init?: RequestInit) => {
    const path = String(url)
    sent.push(path)
    if (path === '/v1/auth/logout') {
      await logoutAnswered
      return new Response(JSON.stringify({ success: true, data: {} }), { status: 200 })
    }
    // The server would answer 401 once the logout revoked the token: this one waits for it.
    return new Promise<Response>((_, reject) => {
      init?.signal?.addEventListener('abort', () => { cancelled.push(path); reject(new DOMException('aborted', 'AbortError')) })
    })
  }) as typeof fetch
  let settled = false
  void api.get('/v1/admin/agents').then(() => { settled = true }, () => { settled = true })
  await Promise.resolve()
  const out = logout()
  void api.post('/v1/admin/events/ticket', undefined).then(() => { settled = true }, () => { settled = true })
  revoke()
  await out
  await new Promise((r) => setTimeout(r, 10))
  assert.deepEqual(sent, ['/v1/admin/agents', '/v1/auth/logout'], 'nothing sent during the logout')
  assert.deepEqual(cancelled, ['/v1/admin/agents'])
  assert.equal(settled, false, 'the page is leaving: no error to show')
  assert.equal(s.token, null)
  assert.equal(s.leaving, false)
  assert.equal(s.notice, null, 'a logout is not "your session ended"')
})
