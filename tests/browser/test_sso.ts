// Single sign-on in Chromium through a certified OpenID provider
// (node-oidc-provider, tests/harness/oidc_provider.mjs, HTTPS on loopback):
// the login page offers "Sign in with <provider>" for the organisation's
// domain only (an unknown domain looks like one without it), the provider's
// login and consent, back at /login#code=… which leaves the address bar at
// once and becomes a session; nothing of the flow in localStorage.
import { after, before, test } from 'node:test'
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { Browser } from 'playwright-core'
import { Agentdesk, SOURCE, Tab, assert, freePort, launch, selfSignedCert } from './harness.ts'

let ad: Agentdesk
let browser: Browser
let provider: ChildProcess
const AGENT = { email: 'agent@acme.test', password: 'agent-password-1' }

before(async () => {
  ad = new Agentdesk({ AGENTDESK_OIDC_ALLOW_PRIVATE: 'true' })
  const { cert, key } = selfSignedCert(ad.tmp, 'idp')
  ad.env.AGENTDESK_OIDC_CA_FILE = cert
  const port = await ad.reservePort()
  ad.env.AGENTDESK_PUBLIC_URL = `http://127.0.0.1:${port}`
  const idpPort = await freePort()
  provider = spawn('node', [join(SOURCE, 'tests/harness/oidc_provider.mjs')], {
    env: { ...process.env, OIDC_PORT: String(idpPort), OIDC_CERT: cert, OIDC_KEY: key, OIDC_CLIENT_ID: 'agentdesk',
           OIDC_CLIENT_SECRET: 'browser-test-secret', OIDC_KID: 'k1',
           OIDC_REDIRECT_URI: `http://127.0.0.1:${port}/v1/auth/oidc/callback` },
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const line = await new Promise<string>((ok) => createInterface({ input: provider.stdout! }).once('line', ok))
  assert.ok(line.startsWith('ready '), line)
  const tenant = ad.tenant('Acme')
  ad.user(tenant, 'admin@acme.test', 'admin-password-1', 'admin', 'Ada', 'Admin')
  ad.user(tenant, AGENT.email, AGENT.password, 'agent', 'Al', 'Agent')
  await ad.start()
  const token = await ad.login('admin@acme.test', 'admin-password-1')
  const put = await ad.api('PUT', '/v1/admin/sso', token, {
    issuer: `https://127.0.0.1:${idpPort}`, client_id: 'agentdesk', client_secret: 'browser-test-secret',
    display_name: 'Acme Login', email_domains: ['acme.test'] })
  assert.equal(put.status, 200, JSON.stringify(put.body))
  // The provider's throwaway certificate (agentdesk itself checks it against AGENTDESK_OIDC_CA_FILE).
  browser = await launch(['--ignore-certificate-errors'])
})

after(async () => {
  await browser?.close()
  provider?.kill('SIGTERM')
  await ad?.stop()
})

test('an agent signs in with the organisation\'s provider and lands on the desk', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  // The provider's development pages load a web font from the internet,
  // which a test never reaches: answered empty here.
  await tab.context.route((u) => u.hostname !== '127.0.0.1', (r) => r.fulfill({ status: 200, body: '' }))
  await p.goto('/login')
  const sso = p.getByRole('button', { name: 'Sign in with Acme Login' })
  // No offer for a domain without single sign-on, known or not.
  const looked = p.waitForResponse((r) => r.url().endsWith('/v1/auth/oidc/lookup'))
  await p.getByLabel('Email').fill('someone@nowhere.test')
  await looked
  assert.equal(await sso.count(), 0)
  await p.getByLabel('Email').fill(AGENT.email)
  await sso.waitFor()
  await tab.axe('login page with single sign-on')
  await tab.shot('login-sso')
  await sso.click()
  // The provider's own pages (its development interactions: any password).
  await p.getByPlaceholder('and password').fill('anything')
  await p.getByRole('button', { name: 'Sign-in' }).click()
  await p.getByRole('button', { name: 'Continue' }).click()
  const exchanged = p.waitForResponse((r) => r.url().endsWith('/v1/auth/oidc/exchange'))
  assert.equal((await exchanged).status(), 200)
  await p.waitForURL(/\/desk$/)
  assert.ok(!p.url().includes('code='), p.url())
  // Nothing of the flow in localStorage; the binding cookie is not readable by script.
  const stored = await p.evaluate(() => JSON.stringify(Object.entries(localStorage)))
  for (const word of ['code', 'state', 'nonce', 'verifier', 'oidc'])
    assert.ok(!stored.toLowerCase().includes(word), stored)
  assert.ok(!(await p.evaluate(() => document.cookie)).includes('agentdesk_oidc'))
  tab.clean()
  await tab.close()
})

test('a refusal is said on the login page', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await p.goto('/login#sso_error=email_not_verified')
  await p.getByRole('alert').filter({ hasText: 'has not verified your email address' }).waitFor()
  assert.ok(!p.url().includes('sso_error'), p.url())
  tab.clean()
  await tab.close()
})
