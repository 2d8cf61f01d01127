// The portal's SCIM section (issue 21), against the real binary: an admin
// creates a token, sees it once (a dialog; gone from the page after), the
// identity provider gets in with it, the list shows it without the secret
// and with its last use, and a revoke shuts the provider out at once. A
// supervisor has no such section. Screenshots wide and narrow.
import { after, before, test } from 'node:test'
import type { Browser } from 'playwright-core'
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
  await p.getByRole('link', { name: 'Identity provider' }).click()
  await p.waitForURL(/\/admin\/scim/)
  await p.getByText('No token: no identity provider can reach this tenant.').waitFor()
  await p.getByLabel('Name').fill('Entra ID')
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
  await p.reload()
  await p.getByRole('row', { name: /Entra ID/ }).waitFor()
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

  const narrow = await Tab.open(browser, ad.webUrl, PHONE)
  await narrow.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  await narrow.page.goto('/admin/scim')
  await narrow.page.getByRole('heading', { name: 'Identity provider (SCIM)' }).waitFor()
  await quiet(narrow.page)
  await narrow.shot('scim')
  narrow.clean()
  await narrow.close()
})

test('SCIM tokens: not a supervisor\'s section', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  await tab.login(SUP.email, SUP.password, /\/admin\/agents$/)
  assert.equal(await tab.page.getByRole('link', { name: 'Identity provider' }).count(), 0)
  tab.clean()
  await tab.close()
})
