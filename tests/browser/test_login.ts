// Browser flows around the session: login errors and throttling, the
// forced password change, role landing, a session revoked on the server.
import { after, before, test } from 'node:test'
import type { Browser } from 'playwright-core'
import { Agentdesk, Tab, assert, launch } from './harness.ts'

let ad: Agentdesk
let browser: Browser
let tenant: number
const ADMIN = { email: 'admin@acme.test', password: 'admin-password-1' }
const THROTTLED = { email: 'throttled@acme.test', password: 'throttled-password-1' }

before(async () => {
  ad = new Agentdesk({ AGENTDESK_LOGIN_MAX_FAILURES: '3' })
  tenant = ad.tenant('Acme')
  ad.user(tenant, ADMIN.email, ADMIN.password, 'admin', 'Ada', 'Admin')
  ad.user(tenant, THROTTLED.email, THROTTLED.password, 'admin', 'Theo', 'Throttled')
  await ad.start()
  browser = await launch()
})

after(async () => {
  await browser?.close()
  await ad?.stop()
})

test('a wrong password says so; throttling says when to retry', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await p.goto('/login')
  await tab.axe('login page')
  await tab.shot('login')
  await p.getByLabel('Email').fill(THROTTLED.email)
  await p.getByLabel('Password', { exact: true }).fill('not the password')
  const submit = () => p.getByRole('button', { name: 'Log in' }).click()
  await tab.expect4xx(async () => {
    assert.equal(await tab.clickFor('/v1/auth/login', submit), 401)
    await p.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor()
    let status = 401
    for (let i = 0; i < 5 && status === 401; i++) status = await tab.clickFor('/v1/auth/login', submit)
    assert.equal(status, 429)
    await p.getByRole('alert').filter({ hasText: /Too many failed attempts\. Try again in \d+ (minutes|seconds)\./ }).waitFor()
  })
  assert.equal(await p.getByLabel('Email').inputValue(), THROTTLED.email, 'what was typed stays')
  tab.clean()
  await tab.close()
})

test('a temporary password opens only the change form, then the portal', async () => {
  const token = await ad.login(ADMIN.email, ADMIN.password)
  const made = await ad.api('POST', '/v1/admin/agents', token,
                            { first_name: 'Tina', last_name: 'Temp', email: 'tina@acme.test', role: 'supervisor', extensions_count: 0 })
  assert.equal(made.status, 201)
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login('tina@acme.test', made.body.temporary_password, /\/change-password$/)
  await p.goto('/admin/agents')
  await p.waitForURL(/\/change-password$/)
  await tab.axe('change password page')
  await tab.shot('change-password')
  await p.getByLabel('Current password').fill(made.body.temporary_password)
  await p.getByLabel('New password', { exact: true }).fill('short')
  await p.getByLabel('Repeat the new password').fill('short')
  await p.getByRole('button', { name: 'Change password' }).click()
  await p.getByText('The new password does not follow the rules below.').waitFor()
  await p.getByLabel('New password', { exact: true }).fill('a long new password')
  await p.getByLabel('Repeat the new password').fill('a long new password')
  await p.getByRole('button', { name: 'Change password' }).click()
  await p.waitForURL(/\/admin\/agents$/)
  await p.getByRole('heading', { name: /Agents/ }).waitFor()
  // The new password works, the temporary one no longer does.
  await ad.login('tina@acme.test', 'a long new password')
  tab.clean()
  await tab.close()
})

test('an agent lands on /desk and is sent there from /admin', async () => {
  ad.user(tenant, 'agent@acme.test', 'agent-password-1', 'agent', 'Al', 'Agent')
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login('agent@acme.test', 'agent-password-1', /\/desk$/)
  await p.getByRole('status').filter({ hasText: 'You have no active extension' }).waitFor()
  await tab.axe('desk')
  await tab.shot('desk')
  await p.goto('/admin/agents')
  await p.waitForURL(/\/desk$/)
  await p.goto('/admin')
  await p.waitForURL(/\/desk$/)
  tab.clean()
  await tab.close()
})

test('a session revoked on the server lands on login with the message', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  await p.getByRole('table', { name: 'Agents' }).waitFor()
  const token = await p.evaluate(() => JSON.parse(sessionStorage.getItem('agentdesk.session') ?? '{}').token as string)
  assert.ok(token.startsWith('ad_'))
  assert.equal(await p.evaluate(() => localStorage.length), 0, 'nothing in localStorage')
  assert.deepEqual(await tab.context.cookies(), [], 'no cookies')
  await tab.expect4xx(async () => {
    // The revocation ends the page's live stream at once: what the page
    // sends next is answered 401, so the step starts with it.
    assert.equal((await ad.api('POST', '/v1/auth/logout', token)).status, 200)
    // The next request finds the session revoked, unless the page's live
    // stream, ended by the revocation, has already sent the page to login
    // (then the link is gone before the click).
    await p.getByRole('link', { name: 'Extensions' }).click({ timeout: 5_000 }).catch(() => {})
    await p.waitForURL(/\/login$/)
  })
  await p.getByText('Your session ended. Please log in again.').waitFor()
  assert.equal(await p.evaluate(() => sessionStorage.length), 0, 'session storage cleared')
  tab.clean()
  await tab.close()
})

test('logout ends the session on the server and in the tab', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  const token = await p.evaluate(() => JSON.parse(sessionStorage.getItem('agentdesk.session') ?? '{}').token as string)
  await p.getByRole('button', { name: 'Log out' }).click()
  await p.waitForURL(/\/login$/)
  assert.equal(await p.evaluate(() => sessionStorage.length), 0)
  assert.equal((await ad.api('GET', '/v1/auth/me', token)).status, 401)
  await p.goto('/admin/agents')
  await p.waitForURL(/\/login$/)
  tab.clean()
  await tab.close()
})
