// Email onboarding in the browser (issue 12), agentdesk sending through a
// real SMTP server (mail.ts): the portal invites an agent, a Chromium page
// opens the link from the email, sets the password and lands logged in,
// and the link is dead afterwards; "Forgot password?" from the login page,
// the reset link, the new password, the old sessions revoked. The link's
// token leaves the address bar at once and never reaches storage.
import { after, before, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { Agentdesk, PHONE, Tab, assert, launch, until } from './harness.ts'
import { SmtpServer, linkIn } from './mail.ts'

let ad: Agentdesk
let smtp: SmtpServer
let browser: Browser
let tenant: number
let adminToken: string
const ADMIN = { email: 'admin@acme.test', password: 'admin-password-1' }

before(async () => {
  smtp = await new SmtpServer().start()
  ad = new Agentdesk()
  const port = await ad.reservePort()
  Object.assign(ad.env, smtp.env(`http://127.0.0.1:${port}`))
  tenant = ad.tenant('Acme')
  ad.user(tenant, ADMIN.email, ADMIN.password, 'admin', 'Ada', 'Admin')
  await ad.start()
  browser = await launch()
  adminToken = await ad.login(ADMIN.email, ADMIN.password)
})

after(async () => {
  await browser?.close()
  await ad?.stop()
  await smtp?.stop()
})

/**
 * Storage holds no link token: before login nothing at all; after it the
 * session (sessionStorage, and nothing else there) and the desk's own
 * choices (device ids, in localStorage), never anything else; and the address has no fragment.
 */
async function storageHoldsOnlyTheSession(p: Page, secret: string, loggedIn: boolean) {
  const s = await p.evaluate(() => ({ session: Object.keys(sessionStorage), local: Object.keys(localStorage),
                                      all: JSON.stringify(sessionStorage) + JSON.stringify(localStorage) }))
  const others = (keys: string[]) => keys.filter((k) => k !== 'agentdesk.session' && !k.startsWith('agentdesk.desk.'))
  assert.deepEqual(s.session.filter((k) => k !== 'agentdesk.session'), [], 'sessionStorage: the session only')
  assert.deepEqual(others(s.local), [], 'localStorage: desk choices only')
  assert.equal(s.session.includes('agentdesk.session'), loggedIn, 'the session in sessionStorage')
  if (!loggedIn) assert.deepEqual([...s.session, ...s.local], [], 'nothing stored before the password is set')
  assert.ok(!s.local.includes('agentdesk.session'), 'no session in localStorage')
  assert.ok(!s.all.includes(secret), 'the link token is not in storage')
  assert.ok(!p.url().includes(secret) && !p.url().includes('#'), `no token in the address: ${p.url()}`)
}

test('invitation: the portal invites, the emailed link sets the password and logs in, then it is dead', async () => {
  const admin = await Tab.open(browser, ad.webUrl)
  const p = admin.page
  await admin.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  await p.getByRole('button', { name: 'Add agent' }).click()
  const form = p.getByRole('dialog', { name: 'Add agent' })
  await form.getByLabel('First name').fill('Ivy')
  await form.getByLabel('Last name').fill('Invite')
  await form.getByLabel('Email', { exact: true }).fill('ivy@acme.test')
  const invite = form.getByLabel('Send invitation by email')
  await invite.waitFor()
  assert.ok(await invite.isChecked(), '"Send invitation by email" is checked by default')
  await admin.axe('add agent dialog with mail')
  await admin.shot('mail-add-agent-form')
  await form.getByRole('button', { name: 'Create agent' }).click()
  const done = p.getByRole('dialog', { name: 'Agent created' })
  await done.getByText('Invitation sent to ivy@acme.test.').waitFor()
  await form.waitFor({ state: 'detached' }) // the form's closing animation, under axe otherwise
  assert.equal(await done.getByLabel('Temporary password').count(), 0, 'no temporary password with an invitation')
  await admin.axe('invitation sent dialog')
  await admin.shot('mail-add-agent-result')
  await done.getByRole('button', { name: 'Done' }).click()
  await done.waitFor({ state: 'hidden' })

  const first = linkIn(await smtp.mailTo('ivy@acme.test'), ad.webUrl, 'set-password')
  const id = (await ad.api('GET', '/v1/admin/agents?q=ivy', adminToken)).body.agents[0].id as number
  await until('the invitation marked sent', 30_000, async () =>
    (await ad.api('GET', `/v1/admin/agents/${id}`, adminToken)).body.agent.invitation?.status === 'sent' ? true : undefined)

  // The agent's page shows it sent; "Resend invitation" asks, then a new link replaces the first.
  await p.getByRole('row').filter({ hasText: 'ivy@acme.test' }).getByRole('link', { name: 'Ivy Invite' }).click()
  await p.getByRole('heading', { name: 'Invitation' }).waitFor()
  await p.getByText('Sent', { exact: true }).first().waitFor()
  await admin.axe('agent with its invitation')
  await admin.shot('mail-agent-invitation')
  await p.getByRole('button', { name: 'Resend invitation' }).click()
  const ask = p.getByRole('alertdialog', { name: 'Send a new invitation to Ivy Invite?' })
  await ask.getByRole('button', { name: 'Send invitation' }).click()
  await p.getByText('Invitation sent to ivy@acme.test').first().waitFor()
  const link = linkIn(await smtp.mailTo('ivy@acme.test', 1), ad.webUrl, 'set-password')
  assert.notEqual(link, first)
  const token = link.slice(link.indexOf('#token=') + 7)
  admin.clean()
  await admin.close()

  // The first link died with the resend.
  const stale = await Tab.open(browser, ad.webUrl)
  await stale.expect4xx(async () => {
    await stale.page.goto(first)
    await stale.page.getByRole('heading', { name: 'This link is invalid or expired' }).waitFor()
  })
  await stale.page.getByText('ask your administrator to send you a new invitation').waitFor()
  await stale.axe('invalid invitation link')
  await stale.shot('mail-link-invalid')
  stale.clean()
  await stale.close()

  const agent = await Tab.open(browser, ad.webUrl)
  const a = agent.page
  await a.goto(link)
  await a.getByRole('heading', { name: 'Choose your password' }).waitFor()
  assert.equal(a.url(), `${ad.webUrl}/set-password`, 'the fragment left the address bar')
  await a.getByText('ivy@acme.test').waitFor()
  await a.getByText('Acme', { exact: true }).waitFor()
  await storageHoldsOnlyTheSession(a, token, false)
  await agent.axe('set password page')
  await agent.shot('mail-set-password')
  await a.getByLabel('New password', { exact: true }).fill('short')
  await a.getByLabel('Repeat the new password').fill('short')
  await a.getByRole('button', { name: 'Set password' }).click()
  await a.getByText('The new password does not follow the rules below.').waitFor()
  await a.getByLabel('New password', { exact: true }).fill('ivy chose this one')
  await a.getByLabel('Repeat the new password').fill('ivy chose this one')
  await a.getByRole('button', { name: 'Set password' }).click()
  await a.waitForURL(/\/desk$/)
  await storageHoldsOnlyTheSession(a, token, true)
  await ad.login('ivy@acme.test', 'ivy chose this one')
  agent.clean()
  await agent.close()

  // Used: the same link now says so.
  const again = await Tab.open(browser, ad.webUrl)
  await again.expect4xx(async () => {
    await again.page.goto(link)
    await again.page.getByRole('heading', { name: 'This link is invalid or expired' }).waitFor()
  })
  assert.equal((await ad.api('POST', '/v1/auth/tokens/inspect', undefined, { token })).body.error.code, 'invalid_token')
  again.clean()
  await again.close()
})

test('forgot password: the same answer for any address, the reset link works once, old sessions end', async () => {
  ad.user(tenant, 'rita@acme.test', 'rita-old-password', 'agent', 'Rita', 'Reset')
  const oldSession = await ad.login('rita@acme.test', 'rita-old-password')
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  const ask = async (email: string) => {
    await p.goto('/login')
    await p.getByRole('link', { name: 'Forgot password?' }).click()
    await p.waitForURL(/\/forgot-password$/)
    await p.getByLabel('Email').fill(email)
    await p.getByRole('button', { name: 'Send me a link' }).click()
    return (await p.getByRole('status').filter({ hasText: 'a link is on its way' }).textContent())?.trim()
  }
  const unknown = await ask('nobody@acme.test')
  await p.goto('/forgot-password')
  await tab.axe('forgot password page')
  await tab.shot('mail-forgot-password')
  const known = await ask('rita@acme.test')
  assert.equal(known, 'If the address is known, a link is on its way. It works once, for one hour.')
  assert.equal(unknown, known, 'the same answer for an unknown address')
  await tab.axe('forgot password sent')
  await tab.shot('mail-forgot-password-sent')

  const link = linkIn(await smtp.mailTo('rita@acme.test'), ad.webUrl, 'reset-password')
  const token = link.slice(link.indexOf('#token=') + 7)
  await p.goto(link)
  await p.getByRole('heading', { name: 'Reset your password' }).waitFor()
  assert.equal(p.url(), `${ad.webUrl}/reset-password`, 'the fragment left the address bar')
  await storageHoldsOnlyTheSession(p, token, false)
  await tab.axe('reset password page')
  await tab.shot('mail-reset-password')
  await p.getByLabel('New password', { exact: true }).fill('rita new password')
  await p.getByLabel('Repeat the new password').fill('rita new password')
  await p.getByRole('button', { name: 'Reset password' }).click()
  await p.waitForURL(/\/desk$/)
  await storageHoldsOnlyTheSession(p, token, true)
  tab.clean()
  await tab.close()

  assert.equal((await ad.api('GET', '/v1/auth/me', oldSession)).status, 401, 'the session from before the reset is revoked')
  assert.equal((await ad.api('POST', '/v1/auth/login', undefined, { email: 'rita@acme.test', password: 'rita-old-password' })).status, 401)
  await ad.login('rita@acme.test', 'rita new password')
  await smtp.mailTo('rita@acme.test', 1) // the "password changed" notice
  assert.equal(smtp.messages().filter((m) => m.to.includes('nobody@acme.test')).length, 0, 'no mail for an unknown address')

  const phone = await Tab.open(browser, ad.webUrl, PHONE)
  await phone.expect4xx(async () => {
    await phone.page.goto(link)
    await phone.page.getByRole('heading', { name: 'This link is invalid or expired' }).waitFor()
  })
  await phone.page.getByRole('link', { name: 'Ask for a new link' }).waitFor()
  await phone.axe('used reset link on a phone')
  await phone.shot('mail-reset-link-used')
  phone.clean()
  await phone.close()
})
