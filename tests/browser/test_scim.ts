// The portal's SCIM section (issue 21), against the real binary: an admin
// creates a token, sees it once (a dialog; gone from the page after), the
// identity provider gets in with it, the list shows it without the secret
// and with its last use, and a revoke shuts the provider out at once. The
// role mapping set from its form (the API has it after). A supervisor has
// no such page. Screenshots wide and narrow. Without single sign-on the
// page's GET /v1/admin/sso answers 404 (expect4xx).
import { after, before, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { Agentdesk, PHONE, Tab, assert, launch, quiet } from './harness.ts'

let ad: Agentdesk
let browser: Browser
const ADMIN = { email: 'admin@acme.test', password: 'admin-password-1' }
const SUP = { email: 'sup@acme.test', password: 'supervisor-pass-1' }

before(async () => {
  ad = new Agentdesk()
  const acme = ad.tenant('Acme')
  ad.user(acme, ADMIN.email, ADMIN.password, 'admin', 'Ada', 'Admin')
  ad.user(acme, SUP.email, SUP.password, 'supervisor', 'Sue', 'Supervisor')
  await ad.start()
  browser = await launch()
})

after(async () => {
  await browser?.close()
  await ad?.stop()
})

async function scimUsers(token: string): Promise<number> {
  const r = await fetch(`${ad.webUrl}/scim/v2/Users`, { headers: { Authorization: `Bearer ${token}` } })
  return r.status
}

test('SCIM tokens: created and shown once, used by the identity provider, revoked', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  await tab.expect4xx(async () => {
    await p.getByRole('link', { name: 'Identity provider' }).click()
    await p.waitForURL(/\/admin\/scim/)
    await p.getByText('Single sign-on is not set up').waitFor()
    await p.getByText('No token: no identity provider can reach this tenant.').waitFor()
  })
  await p.getByLabel('Name', { exact: true }).fill('Entra ID')
  await p.getByRole('button', { name: 'Create token' }).click()
  const dialog = p.getByRole('dialog', { name: 'SCIM token created' })
  await dialog.waitFor()
  const token = await dialog.getByLabel('SCIM token').inputValue()
  assert.match(token, /^scim_[A-Za-z0-9_-]{43}$/)
  await tab.axe('the token dialog')
  await tab.shot('scim-token-once')
  await dialog.getByRole('button', { name: 'Done' }).click()
  await dialog.waitFor({ state: 'hidden' })
  // listed, never with the secret
  const row = p.getByRole('row', { name: /Entra ID/ })
  await row.waitFor()
  assert.ok(!(await p.content()).includes(token), 'the token is still in the page')
  assert.ok((await row.textContent())?.includes('never'))
  // the identity provider gets in; after a reload the list shows the use
  assert.equal(await scimUsers(token), 200)
  await tab.expect4xx(async () => {
    await p.reload()
    await p.getByRole('row', { name: /Entra ID/ }).waitFor()
    await p.getByText('Single sign-on is not set up').waitFor()
  })
  assert.ok(!(await p.getByRole('row', { name: /Entra ID/ }).textContent())?.includes('never'))
  await quiet(p)
  await tab.axe('the SCIM page')
  await tab.shot('scim')
  // revoked: refused at once
  await p.getByRole('button', { name: 'Revoke Entra ID' }).click()
  await p.getByRole('button', { name: 'Revoke token' }).click()
  await p.getByText('No token: no identity provider can reach this tenant.').waitFor()
  assert.equal(await scimUsers(token), 401)
  tab.clean()
  await tab.close()

  await narrowShot(async (p) => {
    await p.getByRole('heading', { name: 'Identity provider' }).waitFor()
    await p.getByText('Single sign-on is not set up').waitFor()
  }, 'scim')
})

/** The page at phone width, once `ready` is shown (GET /v1/admin/sso is a
 *  404 while single sign-on is off), as a screenshot. */
async function narrowShot(ready: (p: Page) => Promise<void>, name: string) {
  const narrow = await Tab.open(browser, ad.webUrl, PHONE)
  await narrow.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  await narrow.expect4xx(async () => {
    await narrow.page.goto('/admin/scim')
    await ready(narrow.page)
  })
  await quiet(narrow.page)
  await narrow.shot(name)
  narrow.clean()
  await narrow.close()
}

/** PrimeVue's Select: open it by its label, pick the option. */
async function choose(p: Page, label: string, option: string) {
  await p.getByLabel(label, { exact: true }).click()
  await p.getByRole('option', { name: option, exact: true }).click()
}

test('SCIM role mapping: set from the form, checked before it is sent, the API has it', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  await tab.expect4xx(async () => {
    await p.goto('/admin/scim')
    await p.getByText('Single sign-on is not set up').waitFor()
  })
  // This server has no AGENTDESK_PUBLIC_URL: no redirect URI to give a provider, and the page says why.
  await p.getByText('This server has no public address (AGENTDESK_PUBLIC_URL)').waitFor()
  assert.equal(await p.locator('#sso-redirect').count(), 0)
  const form = p.getByRole('form', { name: 'Role mapping' })
  await form.getByText('New users are agents').waitFor()
  await choose(p, 'Role from', 'Department (enterprise extension)')
  await form.getByText('No value listed: everyone is an agent.').waitFor()
  await form.getByRole('button', { name: 'Add a value' }).click()
  await form.getByLabel('Value 1', { exact: true }).fill('Sales Managers')
  await choose(p, 'Role 1', 'Supervisor')
  await form.getByRole('button', { name: 'Add a value' }).click()
  await form.getByLabel('Value 2', { exact: true }).fill('Sales Managers')
  await choose(p, 'Role 2', 'Admin')
  // A value twice: said under it, nothing sent.
  await form.getByRole('button', { name: 'Save role mapping' }).click()
  await form.getByText('This value is already mapped.').waitFor()
  await form.getByLabel('Value 2', { exact: true }).fill('IT')
  await tab.axe('the role mapping')
  assert.equal(await tab.clickFor('/v1/admin/scim/settings', () => form.getByRole('button', { name: 'Save role mapping' }).click()), 200)
  await p.getByText('Role mapping saved').waitFor()
  const token = await ad.login(ADMIN.email, ADMIN.password)
  const got = await ad.api('GET', '/v1/admin/scim/settings', token)
  assert.deepEqual(got.body.scim_settings, { role_attribute: 'department', role_map: { 'Sales Managers': 'supervisor', IT: 'admin' } })
  await quiet(p)
  await tab.shot('scim-role-mapping')
  // Shown as saved after a reload; a value removed and saved.
  await tab.expect4xx(async () => {
    await p.reload()
    await form.getByLabel('Value 2', { exact: true }).waitFor()
    await p.getByText('Single sign-on is not set up').waitFor()
  })
  assert.equal(await form.getByLabel('Value 1', { exact: true }).inputValue(), 'IT')
  await form.getByRole('button', { name: 'Remove value 1' }).click()
  assert.equal(await tab.clickFor('/v1/admin/scim/settings', () => form.getByRole('button', { name: 'Save role mapping' }).click()), 200)
  await form.getByLabel('Value 2', { exact: true }).waitFor({ state: 'detached' })
  const after = await ad.api('GET', '/v1/admin/scim/settings', token)
  assert.deepEqual(after.body.scim_settings.role_map, { 'Sales Managers': 'supervisor' })
  tab.clean()
  await tab.close()

  await narrowShot((p) => p.getByLabel('Value 1', { exact: true }).waitFor(), 'scim-role-mapping')
})

test('identity provider: not a supervisor\'s page (the API refuses them its settings)', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  await tab.login(SUP.email, SUP.password, /\/admin\/agents$/)
  assert.equal(await tab.page.getByRole('link', { name: 'Identity provider' }).count(), 0)
  // Typed in: sent home, no write control shown.
  await tab.page.goto('/admin/scim')
  await tab.page.waitForURL(/\/admin\/agents$/)
  assert.equal(await tab.page.getByRole('button', { name: /single sign-on|role mapping|Create token/ }).count(), 0)
  const token = await ad.login(SUP.email, SUP.password)
  for (const path of ['/v1/admin/sso', '/v1/admin/scim/settings'])
    assert.equal((await ad.api('GET', path, token)).status, 403, path)
  tab.clean()
  await tab.close()
})
