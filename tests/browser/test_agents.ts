// Browser flows of agent management: add (with the temporary password
// shown once, then used), field errors, pool exhausted, keyboard only,
// hostile names, suspend/activate, reset password, SIP password reveal and
// rotate, delete, supervisor read-only, another tenant's agent.
// BROWSER_ONLY=add runs only the add-agent flow (the PostgreSQL run).
import { after, before, test } from 'node:test'
import type { Browser, Locator } from 'playwright-core'
import { Agentdesk, PHONE, Tab, assert, launch } from './harness.ts'

let ad: Agentdesk
let browser: Browser
let acme: number
let tiny: number
let otherAgentId: number
let adminToken: string
const ADMIN = { email: 'admin@acme.test', password: 'admin-password-1' }
const TINY = { email: 'admin@tiny.test', password: 'tiny-password-1' }
const SUP = { email: 'sup@acme.test', password: 'supervisor-pass-1' }
const only = process.env.BROWSER_ONLY
const flow = (name: string, fn: () => Promise<void>) => test(name, { skip: only === 'add' && !name.startsWith('add an agent:') }, fn)

before(async () => {
  ad = new Agentdesk()
  acme = ad.tenant('Acme')
  tiny = ad.tenant('Tiny', 2)
  const other = ad.tenant('Other')
  ad.user(acme, ADMIN.email, ADMIN.password, 'admin', 'Ada', 'Admin')
  ad.user(tiny, TINY.email, TINY.password, 'admin', 'Tim', 'Tiny')
  ad.user(acme, SUP.email, SUP.password, 'supervisor', 'Sue', 'Supervisor')
  ad.user(other, 'admin@other.test', 'other-password-1', 'admin', 'Oli', 'Other')
  await ad.start()
  browser = await launch()
  adminToken = await ad.login(ADMIN.email, ADMIN.password)
  const otherToken = await ad.login('admin@other.test', 'other-password-1')
  otherAgentId = (await ad.api('POST', '/v1/admin/agents', otherToken,
    { first_name: 'Secret', last_name: 'Elsewhere', email: 'secret@other.test' })).body.agent.id
})

after(async () => {
  await browser?.close()
  await ad?.stop()
})

async function createAgent(first: string, last: string, email: string, extra: Record<string, unknown> = {}) {
  const r = await ad.api('POST', '/v1/admin/agents', adminToken, { first_name: first, last_name: last, email, ...extra })
  assert.equal(r.status, 201, JSON.stringify(r.body))
  return r.body as { agent: { id: number; extensions: { id: number; extension: string }[] }; temporary_password: string }
}

flow('add an agent: temporary password once, in the list with its extension, then it logs in', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  await tab.context.grantPermissions(['clipboard-read', 'clipboard-write'])
  const p = tab.page
  await tab.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  await p.getByRole('button', { name: 'Add agent' }).click()
  const form = p.getByRole('dialog', { name: 'Add agent' })
  await form.getByLabel('First name').fill('John')
  await form.getByLabel('Last name').fill('Doe')
  await form.getByLabel('Email', { exact: true }).fill('john@acme.test')
  await form.getByLabel('Voicemail').check()
  await tab.axe('add agent dialog')
  await tab.shot('add-agent-form')
  await form.getByRole('button', { name: 'Create agent' }).click()
  const done = p.getByRole('dialog', { name: 'Agent created' })
  await done.getByText('It will not be shown again.').waitFor()
  const password = await done.getByLabel('Temporary password').inputValue()
  assert.match(password, /^\S{16,}$/)
  await done.getByText(`${new URL(tab.base).origin}/login`).waitFor()
  await tab.axe('temporary password dialog')
  await tab.shot('add-agent-result')
  await done.getByRole('button', { name: 'Copy password' }).click()
  await done.getByRole('button', { name: 'Copied' }).waitFor()
  assert.equal(await p.evaluate(() => navigator.clipboard.readText()), password)
  await done.getByRole('button', { name: 'Done' }).click()
  await done.waitFor({ state: 'hidden' })
  assert.equal(await p.getByText(password).count(), 0, 'the password is gone once closed')

  const row = p.getByRole('row').filter({ hasText: 'john@acme.test' })
  await row.waitFor()
  const listed = (await ad.api('GET', '/v1/admin/agents?q=john', adminToken)).body.agents[0]
  assert.equal(listed.extensions.length, 1)
  await row.getByText(listed.extensions[0].extension).waitFor()
  await row.getByText('John Doe').waitFor()
  await tab.shot('agents')
  tab.clean()
  await tab.close()

  // The new agent logs in with it: the password change first, then /desk.
  const agentTab = await Tab.open(browser, ad.webUrl, PHONE)
  const q = agentTab.page
  await agentTab.login('john@acme.test', password, /\/change-password$/)
  await q.getByLabel('Current password').fill(password)
  await q.getByLabel('New password', { exact: true }).fill('johns own password')
  await q.getByLabel('Repeat the new password').fill('johns own password')
  await q.getByRole('button', { name: 'Change password' }).click()
  await q.waitForURL(/\/desk$/)
  await q.getByText(`Your extensions: ${listed.extensions[0].extension}`).waitFor()
  agentTab.clean()
  await agentTab.close()
})

flow('field errors appear under their field and what was typed stays', async () => {
  await createAgent('Dup', 'Licate', 'dup@acme.test')
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  await p.getByRole('button', { name: 'Add agent' }).click()
  const form = p.getByRole('dialog', { name: 'Add agent' })
  await form.getByLabel('First name').fill('Bad')
  await form.getByLabel('Last name').fill('Email')
  const email = form.getByLabel('Email', { exact: true })
  await email.fill('not-an-email')
  const describedText = async () => {
    const id = await email.getAttribute('aria-describedby')
    return id ? (await p.locator(`[id="${id}"]`).textContent()) ?? '' : ''
  }
  await tab.expect4xx(async () => {
    assert.equal(await tab.clickFor('/v1/admin/agents', () => form.getByRole('button', { name: 'Create agent' }).click()), 400)
    await form.getByText(/email/i).and(p.locator('small')).waitFor()
  })
  assert.match(await describedText(), /email/i)
  assert.equal(await email.getAttribute('aria-invalid'), 'true')
  await email.fill('dup@acme.test')
  await tab.expect4xx(async () => {
    assert.equal(await tab.clickFor('/v1/admin/agents', () => form.getByRole('button', { name: 'Create agent' }).click()), 409)
    await form.getByText('This email is already used by another user.').waitFor()
  })
  assert.equal(await describedText(), 'This email is already used by another user.')
  assert.equal(await form.getByLabel('First name').inputValue(), 'Bad')
  await tab.axe('add agent with errors')
  await tab.shot('add-agent-errors')
  tab.clean()
  await tab.close()
})

flow('pool exhausted in a tenant with a pool of 2', async () => {
  const tinyToken = await ad.login(TINY.email, TINY.password)
  assert.equal((await ad.api('POST', '/v1/admin/agents', tinyToken,
    { first_name: 'Two', last_name: 'Lines', email: 'two@tiny.test', extensions_count: 2 })).status, 201)
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login(TINY.email, TINY.password, /\/admin\/agents$/)
  await p.getByRole('button', { name: 'Add agent' }).click()
  const form = p.getByRole('dialog', { name: 'Add agent' })
  await form.getByLabel('First name').fill('Three')
  await form.getByLabel('Last name').fill('Much')
  await form.getByLabel('Email', { exact: true }).fill('three@tiny.test')
  await tab.expect4xx(async () => {
    assert.equal(await tab.clickFor('/v1/admin/agents', () => form.getByRole('button', { name: 'Create agent' }).click()), 409)
    await form.getByRole('alert').filter({ hasText: 'No free extension is left in this tenant' }).waitFor()
  })
  assert.equal(await form.getByLabel('Email', { exact: true }).inputValue(), 'three@tiny.test')
  const list = await ad.api('GET', '/v1/admin/agents', tinyToken)
  assert.equal(list.body.total, 2, 'nothing created (the admin and the first agent)')
  tab.clean()
  await tab.close()
})

/**
 * Waits until a dialog has finished opening (no finite animation running: PrimeVue
 * moves the focus once its open transition ends) with the keyboard focus
 * on this element, as a person would before typing.
 */
async function focusOn(el: Locator) {
  await el.waitFor()
  for (const end = Date.now() + 10_000;
    !(await el.evaluate((e) => e === document.activeElement &&
      document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)));) {
    assert.ok(Date.now() < end, 'the focus moves there')
    await new Promise((r) => setTimeout(r, 20))
  }
}

flow('add an agent with the keyboard alone', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  await p.getByRole('table', { name: 'Agents' }).waitFor()
  const focused = () => p.evaluate(() => (document.activeElement?.textContent ?? '').trim())
  let found = false
  for (let i = 0; i < 40 && !found; i++) {
    await p.keyboard.press('Tab')
    found = (await focused()) === 'Add agent'
  }
  assert.ok(found, 'Add agent is reachable with Tab')
  await p.keyboard.press('Enter')
  const form = p.getByRole('dialog', { name: 'Add agent' })
  await focusOn(form.getByLabel('First name'))
  await p.keyboard.type('Kay')
  await p.keyboard.press('Tab')
  await p.keyboard.type('Board')
  await p.keyboard.press('Tab')
  await p.keyboard.type('kay@acme.test')
  await p.keyboard.press('Enter')         // submits the form
  const done = p.getByRole('dialog', { name: 'Agent created' })
  await focusOn(done.getByRole('button', { name: 'Done' }))
  await p.keyboard.press('Enter')
  await done.waitFor({ state: 'hidden' })
  await p.getByRole('row').filter({ hasText: 'kay@acme.test' }).waitFor()
  tab.clean()
  await tab.close()
})

flow('hostile names are shown as text', async () => {
  const evil = await createAgent('<img src=x onerror=alert(1)>', '"><script>alert(2)</script>', 'evil@acme.test')
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  await p.getByLabel('Search').fill('evil')
  const link = p.getByRole('link', { name: '<img src=x onerror=alert(1)> "><script>alert(2)</script>' })
  await link.waitFor()
  await link.click()
  await p.getByRole('heading', { name: '<img src=x onerror=alert(1)> "><script>alert(2)</script>' }).waitFor()
  assert.equal(await p.locator('img[src="x"]').count(), 0)
  assert.equal(await p.evaluate(() => document.querySelectorAll('script:not([src])').length), 0, 'no inline script in the page')
  assert.ok(p.url().endsWith(`/admin/agents/${evil.agent.id}`))
  tab.clean()
  await tab.close()
})

flow('suspend and activate, reset password, reveal and rotate the SIP password', async () => {
  const made = await createAgent('Sam', 'Switch', 'sam@acme.test')
  const ext = made.agent.extensions[0]
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  await p.goto(`/admin/agents/${made.agent.id}`)
  await p.getByRole('heading', { name: 'Sam Switch' }).waitFor()
  await tab.axe('agent detail')
  await tab.shot('agent-detail')

  await p.getByRole('button', { name: 'Suspend' }).click()
  const ask = p.getByRole('alertdialog', { name: 'Suspend Sam Switch?' })
  await ask.getByRole('button', { name: 'Suspend' }).click()
  await p.getByRole('button', { name: 'Activate' }).waitFor()
  assert.equal((await ad.api('GET', `/v1/admin/agents/${made.agent.id}`, adminToken)).body.agent.status, 'suspended')
  await p.getByRole('button', { name: 'Activate' }).click()
  await p.getByRole('alertdialog', { name: 'Activate Sam Switch?' }).getByRole('button', { name: 'Activate' }).click()
  await p.getByRole('button', { name: 'Suspend' }).waitFor()
  assert.equal((await ad.api('GET', `/v1/admin/agents/${made.agent.id}`, adminToken)).body.agent.status, 'active')

  await p.getByRole('button', { name: 'Reset password' }).click()
  await p.getByRole('alertdialog', { name: 'Reset the password of Sam Switch?' }).getByRole('button', { name: 'Reset password' }).click()
  const shown = p.getByRole('dialog', { name: 'Password reset' })
  const temp = await shown.getByLabel('Temporary password').inputValue()
  await shown.getByRole('button', { name: 'Done' }).click()
  const login = await ad.api('POST', '/v1/auth/login', undefined, { email: 'sam@acme.test', password: temp })
  assert.equal(login.status, 200)
  assert.equal(login.body.data.mustChangePassword, true)
  assert.equal((await ad.api('POST', '/v1/auth/login', undefined, { email: 'sam@acme.test', password: made.temporary_password })).status, 401)

  const card = p.getByRole('group', { name: `Extension ${ext.extension}` })
  await card.getByRole('button', { name: `Reveal SIP password of ${ext.extension}` }).click()
  const secret = card.getByLabel(`SIP password of ${ext.extension}`, { exact: true })
  await secret.waitFor()
  const before = (await ad.api('GET', `/v1/admin/extensions/${ext.id}`, adminToken)).body.extension.sip_password
  assert.equal(await secret.textContent(), before)
  assert.equal(await p.evaluate(() => JSON.stringify(sessionStorage) + JSON.stringify(localStorage)).then((s) => s.includes(before)), false,
               'the SIP password is in no storage')
  await card.getByRole('button', { name: `Rotate SIP password of ${ext.extension}` }).click()
  await p.getByRole('alertdialog', { name: `New SIP password for ${ext.extension}?` }).getByRole('button', { name: 'Rotate password' }).click()
  await p.getByText(`New SIP password for ${ext.extension}`, { exact: true }).waitFor()
  const after = (await ad.api('GET', `/v1/admin/extensions/${ext.id}`, adminToken)).body.extension.sip_password
  assert.notEqual(after, before)
  await card.getByLabel(`SIP password of ${ext.extension}`, { exact: true }).filter({ hasText: after }).waitFor()

  await card.getByLabel(`Voicemail for ${ext.extension}`).check()
  await p.getByText(`Voicemail on for ${ext.extension}`).waitFor()
  assert.equal((await ad.api('GET', `/v1/admin/extensions/${ext.id}`, adminToken)).body.extension.voicemail_enabled, true)
  tab.clean()
  await tab.close()
})

flow('delete names the agent and returns the extension to the pool', async () => {
  const made = await createAgent('Dee', 'Leted', 'dee@acme.test')
  const ext = made.agent.extensions[0]
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  await p.goto(`/admin/agents/${made.agent.id}`)
  await p.getByRole('button', { name: 'Delete' }).click()
  const ask = p.getByRole('alertdialog', { name: 'Delete Dee Leted?' })
  await ask.getByText(`extensions ${ext.extension} return to the pool`).waitFor()
  await ask.getByText(/login stops working/).waitFor()
  await tab.shot('delete-confirm')
  await ask.getByRole('button', { name: 'Delete agent' }).click()
  await p.waitForURL(/\/admin\/agents$/)
  await p.getByText('Dee Leted deleted').waitFor()
  assert.equal((await ad.api('GET', `/v1/admin/agents/${made.agent.id}`, adminToken)).status, 404)
  // The extension is free again, as the Extensions page shows.
  await p.getByRole('link', { name: 'Extensions' }).click()
  await p.getByRole('heading', { name: 'Extensions' }).waitFor()
  await p.getByLabel('Show').click()
  await p.getByRole('option', { name: 'Free' }).click()
  await p.getByRole('table', { name: 'Extensions' }).getByRole('row').filter({ hasText: ext.extension }).first().waitFor()
  const free = await ad.api('GET', '/v1/admin/extensions?state=free&limit=500', adminToken)
  assert.ok(free.body.extensions.some((x: { extension: string }) => x.extension === ext.extension))
  tab.clean()
  await tab.close()
})

flow('a supervisor sees no write controls', async () => {
  const made = await createAgent('Vera', 'Viewed', 'vera@acme.test')
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login(SUP.email, SUP.password, /\/admin\/agents$/)
  await p.getByRole('row').filter({ hasText: 'vera@acme.test' }).waitFor()
  assert.equal(await p.getByRole('button', { name: 'Add agent' }).count(), 0)
  await p.getByRole('link', { name: 'Vera Viewed' }).click()
  await p.getByRole('heading', { name: 'Vera Viewed' }).waitFor()
  await p.getByText(made.agent.extensions[0].extension).first().waitFor()
  for (const name of ['Suspend', 'Activate', 'Delete', 'Reset password', 'Save changes', /Reveal/, /Rotate/])
    assert.equal(await p.getByRole('button', { name }).count(), 0, `no ${name} button`)
  assert.equal(await p.getByRole('switch').count(), 0, 'no voicemail switch')
  assert.equal(await p.getByRole('textbox').count(), 0, 'no editable field')
  await tab.shot('supervisor-detail')
  tab.clean()
  await tab.close()
})

flow('another tenant\'s agent is "not found"', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  await tab.expect4xx(async () => {
    await p.goto(`/admin/agents/${otherAgentId}`)
    await p.getByRole('heading', { name: 'Agent not found' }).waitFor()
  })
  assert.equal(await p.getByText('Secret').count(), 0)
  tab.clean()
  await tab.close()
})

flow('the agents page asks for its list once, before its code has loaded', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  await p.reload()
  await p.getByRole('row').filter({ hasText: 'admin@acme.test' }).waitFor()
  const loads = await p.evaluate(() => performance.getEntriesByType('resource').map((e) => ({ name: e.name, start: e.startTime })))
  const lists = loads.filter((e) => /\/v1\/admin\/agents\?/.test(e.name))
  assert.equal(lists.length, 1, JSON.stringify(lists))
  const code = loads.find((e) => /\/assets\/AgentsPage-[^/]*\.js$/.test(e.name))
  assert.ok(code, 'the agents page chunk was loaded')
  assert.ok(lists[0].start < code.start, `list asked at ${lists[0].start} ms, page code at ${code.start} ms`)
  tab.clean()
  await tab.close()
})
