// Single sign-on in Chromium through a certified OpenID provider
// (node-oidc-provider, tests/harness/oidc_provider.mjs, HTTPS on loopback):
// the login page offers "Sign in with <provider>" for the organisation's
// domain only (an unknown domain looks like one without it), the provider's
// login and consent, back at /login#code=… which leaves the address bar at
// once and becomes a session; nothing of the flow in localStorage. An admin
// removes it and sets it up again from the portal's form (a field error
// from the server under its field; the client secret never shown back),
// and agents sign in with what the form saved.
import { after, before, test } from 'node:test'
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { Browser } from 'playwright-core'
import { Agentdesk, PHONE, SOURCE, Tab, assert, freePort, launch, quiet, selfSignedCert } from './harness.ts'

let ad: Agentdesk
let browser: Browser
let provider: ChildProcess
const AGENT = { email: 'agent@acme.test', password: 'agent-password-1' }
const ADMIN = { email: 'admin@acme.test', password: 'admin-password-1' }
const SECRET = 'browser-test-secret'
let idpPort = 0

before(async () => {
  ad = new Agentdesk({ AGENTDESK_OIDC_ALLOW_PRIVATE: 'true' })
  const { cert, key } = selfSignedCert(ad.tmp, 'idp')
  ad.env.AGENTDESK_OIDC_CA_FILE = cert
  const port = await ad.reservePort()
  ad.env.AGENTDESK_PUBLIC_URL = `http://127.0.0.1:${port}`
  idpPort = await freePort()
  provider = spawn('node', [join(SOURCE, 'tests/harness/oidc_provider.mjs')], {
    env: { ...process.env, OIDC_PORT: String(idpPort), OIDC_CERT: cert, OIDC_KEY: key, OIDC_CLIENT_ID: 'agentdesk',
           OIDC_CLIENT_SECRET: SECRET, OIDC_KID: 'k1',
           OIDC_REDIRECT_URI: `http://127.0.0.1:${port}/v1/auth/oidc/callback` },
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const line = await new Promise<string>((ok) => createInterface({ input: provider.stdout! }).once('line', ok))
  assert.ok(line.startsWith('ready '), line)
  const tenant = ad.tenant('Acme')
  ad.user(tenant, ADMIN.email, ADMIN.password, 'admin', 'Ada', 'Admin')
  ad.user(tenant, AGENT.email, AGENT.password, 'agent', 'Al', 'Agent')
  await ad.start()
  const token = await ad.login(ADMIN.email, ADMIN.password)
  const put = await ad.api('PUT', '/v1/admin/sso', token, {
    issuer: `https://127.0.0.1:${idpPort}`, client_id: 'agentdesk', client_secret: SECRET,
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
  await providerSignIn(tab)
  tab.clean()
  await tab.close()
})

/** Clicks "Sign in with Acme Login" (the agent's email typed), signs in at the provider, lands on the desk. */
async function providerSignIn(tab: Tab): Promise<void> {
  const p = tab.page
  await p.getByRole('button', { name: 'Sign in with Acme Login' }).click()
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
}

test('a refusal is said on the login page', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await p.goto('/login#sso_error=email_not_verified')
  await p.getByRole('alert').filter({ hasText: 'has not verified your email address' }).waitFor()
  assert.ok(!p.url().includes('sso_error'), p.url())
  tab.clean()
  await tab.close()
})

test('an admin removes single sign-on and sets it up again from the portal; agents sign in with it', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  await p.getByRole('link', { name: 'Identity provider' }).click()
  await p.waitForURL(/\/admin\/scim/)
  // What before() set, without the secret; the secret's field a password field browsers do not fill.
  await p.getByText('see "Sign in with Acme Login" on the login page').waitFor()
  const secret = p.getByLabel('Client secret', { exact: true })
  assert.equal(await p.getByLabel('Issuer URL', { exact: true }).inputValue(), `https://127.0.0.1:${idpPort}`)
  assert.equal(await secret.inputValue(), '')
  assert.equal(await secret.getAttribute('type'), 'password')
  assert.equal(await secret.getAttribute('autocomplete'), 'new-password')
  assert.equal(await p.locator('#sso-redirect').textContent(), `${ad.webUrl}/v1/auth/oidc/callback`)
  assert.ok(!(await p.content()).includes(SECRET))
  await quiet(p)
  await tab.axe('the identity provider page with single sign-on')
  await tab.shot('sso-settings')

  // Removed, after a confirmation: the login page offers it no more.
  await p.getByRole('button', { name: 'Remove single sign-on' }).click()
  await p.getByRole('alertdialog', { name: 'Remove single sign-on?' }).getByRole('button', { name: 'Remove single sign-on' }).click()
  await p.getByText('Single sign-on is not set up').waitFor()
  const lookup = await ad.api('POST', '/v1/auth/oidc/lookup', undefined, { email: AGENT.email })
  assert.equal(lookup.body.sso, null)

  // Plainly missing: said under its field, nothing sent.
  await p.getByRole('button', { name: 'Save single sign-on' }).click()
  await p.getByText('Enter the client secret (required the first time).').waitFor()
  assert.equal(await secret.getAttribute('aria-describedby'), 'sso-client_secret-hint sso-client_secret-err')

  // The server's refusal (an http:// issuer) under its field.
  await p.getByLabel('Provider name', { exact: true }).fill('Acme Login')
  await p.getByLabel('Issuer URL', { exact: true }).fill(`http://127.0.0.1:${idpPort}`)
  await p.getByLabel('Client ID', { exact: true }).fill('agentdesk')
  await secret.fill(SECRET)
  await p.getByLabel('Email domains', { exact: true }).fill('acme.test')
  assert.equal(await tab.expect4xx(() => tab.clickFor('/v1/admin/sso', () => p.getByRole('button', { name: 'Save single sign-on' }).click())), 400)
  await p.locator('#sso-issuer-err').filter({ hasText: 'https:// URL' }).waitFor()
  await tab.shot('sso-settings-error')
  await p.getByLabel('Issuer URL', { exact: true }).fill(`https://127.0.0.1:${idpPort}`)
  assert.equal(await tab.clickFor('/v1/admin/sso', () => p.getByRole('button', { name: 'Save single sign-on' }).click()), 200)
  await p.getByText('see "Sign in with Acme Login" on the login page').waitFor()
  // The secret: emptied from the form, in no storage, never in the page nor in what the API returns.
  assert.equal(await secret.inputValue(), '')
  const stored = await p.evaluate(() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)]))
  assert.ok(!stored.includes(SECRET), stored)
  assert.ok(!(await p.content()).includes(SECRET))
  const token = await ad.login(ADMIN.email, ADMIN.password)
  const got = await ad.api('GET', '/v1/admin/sso', token)
  assert.equal(got.status, 200)
  assert.ok(!JSON.stringify(got.body).includes(SECRET))
  assert.equal(got.body.sso.client_secret, undefined)
  assert.deepEqual(got.body.sso.email_domains, ['acme.test'])
  tab.clean()
  await tab.close()

  const narrow = await Tab.open(browser, ad.webUrl, PHONE)
  await narrow.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  await narrow.page.goto('/admin/scim')
  await narrow.page.getByText('see "Sign in with Acme Login" on the login page').waitFor()
  await quiet(narrow.page)
  await narrow.shot('sso-settings')
  narrow.clean()
  await narrow.close()

  // What the form saved works: the agent signs in with the provider.
  const agent = await Tab.open(browser, ad.webUrl)
  await agent.context.route((u) => u.hostname !== '127.0.0.1', (r) => r.fulfill({ status: 200, body: '' }))
  await agent.page.goto('/login')
  await agent.page.getByLabel('Email').fill(AGENT.email)
  await providerSignIn(agent)
  agent.clean()
  await agent.close()
})
