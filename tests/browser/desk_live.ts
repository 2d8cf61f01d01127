// The portal live against real FreeSWITCH (issue 18): an agent's desk
// registers in Chromium and, in the admin's tab, the agents table's
// registration dot flips to "Registered" without a reload, and back when
// the desk logs out; the agent's page says where it is registered; the
// Dashboard counts it connected, shows the echo-test call in progress
// while it lasts, and afterwards its figures are the API's. Then (issue
// 20) the desk's Colleagues and History: Alice's desk sees Bob Available
// when his desk connects, On a call during his echo test, Available after,
// Offline when his tab closes — each pushed on her stream, no reload —
// and her echo-test call is a History row that calls back. Runs inside
// netns.sh (only `lo`), like the other desk tests.
import { after, afterEach, before, test } from 'node:test'
import type { Locator, Page } from 'playwright-core'
import { Tab, assert } from './harness.ts'
import { type Agent, Rig, deskTab, firstLogin, until, waitStatus } from './deskrig.ts'
import { checkDashboard, openDashboard } from './dashboard.ts'

const rig = new Rig()
let admin: Tab
let desk: Tab
let alice: Agent

before(async () => {
  await rig.open()
})

afterEach((t) => {
  if ((t as unknown as { error?: unknown }).error) rig.failed = true
})

after(async () => {
  for (const t of [admin, desk]) await t?.close().catch(() => {})
  await rig.close()
})

function dot(p: Page, a: Agent): Locator {
  return p.getByRole('table', { name: 'Agents' }).getByRole('row').filter({ hasText: a.email }).locator('.reg')
}

/** Waits until the dot's words are `text`; the ms it took. */
async function flips(p: Page, a: Agent, text: string, ms = 10_000): Promise<number> {
  const t0 = Date.now()
  await dot(p, a).filter({ hasText: new RegExp(`^${text}$`) }).waitFor({ timeout: ms })
  return Date.now() - t0
}

test('a registration flips the dot without a reload; logging out flips it back', async () => {
  alice = await rig.agent('A', 'Alice', 'Live')
  // The node's event stream connects after FreeSWITCH starts (after
  // agentdesk): the page opens once the API knows Alice is not registered
  // (a page loaded before that says "Unknown" until a change of hers
  // comes: connecting pushes nothing).
  await until('the node\'s event stream connected', 20_000, async () =>
    (await rig.ad.api('GET', `/v1/admin/agents/${alice.id}`, rig.admins.A)).body.agent?.extensions?.[0]?.registered === false || undefined)
  admin = await Tab.open(rig.browser, rig.ad.webUrl)
  const p = admin.page
  await admin.login('admin@a.test', 'admin-password-1', /\/admin\/agents$/)
  await p.getByText('Live', { exact: true }).waitFor({ timeout: 10_000 })
  await flips(p, alice, 'Not registered')
  await p.evaluate(() => { (window as unknown as { liveMark: number }).liveMark = 1 })

  desk = await deskTab(rig)
  await firstLogin(desk, alice)
  const connected = Date.now()
  const shown = await flips(p, alice, 'Registered')
  console.log(`registration: the dot flipped ${Date.now() - connected} ms after the desk said Connected (${shown} ms of waiting)`)
  await rig.registered(alice, 'a.example', 1)
  await admin.axe('agents page with a registered agent')
  await admin.shot('live-agents-registered')

  // Logging out of the desk unregisters; logging in again registers.
  await desk.page.getByRole('button', { name: 'Log out', exact: true }).click()
  await desk.page.waitForURL(/\/login$/)
  const out = Date.now()
  await flips(p, alice, 'Not registered')
  console.log(`unregistration: the dot flipped ${Date.now() - out} ms after the desk logged out`)
  await desk.login(alice.email, alice.password, /\/desk$/)
  await waitStatus(desk.page, `Extension ${alice.extension} – Connected`)
  await flips(p, alice, 'Registered')
  assert.equal(await p.evaluate(() => (window as unknown as { liveMark?: number }).liveMark), 1, 'no reload')

  // The agent's page: where it is registered.
  await p.getByRole('link', { name: 'Alice Live' }).click()
  const ext = p.getByRole('group', { name: `Extension ${alice.extension}` })
  await ext.locator('.reg').filter({ hasText: /^Registered$/ }).waitFor()
  await ext.getByText(/ at 127\.0\.0\.1:\d+ on /).waitFor()
  const api = await rig.ad.api('GET', `/v1/admin/agents/${alice.id}`, rig.admins.A)
  const x = api.body.agent.extensions[0]
  assert.equal(x.registered, true)
  assert.ok(x.registration && x.last_registered_at, JSON.stringify(x))
  await admin.axe('agent page, registered')
  await admin.shot('live-agent-registered')
  admin.clean()
  desk.clean()
})

test('the dashboard: connected now, the call in progress, then the day\'s figures', async () => {
  const p = admin.page
  await openDashboard(admin, null)
  await p.locator('[data-figure="registered"]').filter({ hasText: /^1$/ }).waitFor({ timeout: 10_000 })
  await p.getByText('No call in progress.').waitFor()
  await desk.page.getByRole('button', { name: 'Echo test' }).click()
  await desk.page.getByRole('heading', { name: 'In call' }).waitFor({ timeout: 20_000 })
  const calls = p.getByRole('table', { name: 'Calls in progress' })
  await calls.getByRole('row').filter({ hasText: 'Alice Live' }).filter({ hasText: 'Talking' }).waitFor({ timeout: 5000 })
  await p.locator('[data-figure="active-calls"]').filter({ hasText: /^1$/ }).waitFor()
  await admin.shot('live-dashboard-call')
  await new Promise((r) => setTimeout(r, 3000))
  await desk.page.getByRole('button', { name: 'Hang up' }).click()
  await p.getByText('No call in progress.').waitFor({ timeout: 5000 })
  // The usage rows follow the call's end (the page asks again a moment after).
  const today = new Date().toISOString().slice(0, 10)
  const from = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10)
  await until('the call in the day\'s usage', 15_000, async () =>
    (await p.locator('[data-figure="answered"]').innerText()).trim() === '1' || undefined)
  await checkDashboard(admin, rig.ad, rig.admins.A, from, today)
  const u = await rig.ad.api('GET', `/v1/admin/analytics/usage?group_by=agent&from=${today}&to=${today}`, rig.admins.A)
  const row = u.body.rows.find((r: { agent_id: number }) => r.agent_id === alice.id)
  assert.ok(row && row.calls_placed === 1 && row.answered === 1 && row.talk_seconds >= 2, JSON.stringify(u.body))
  await admin.axe('dashboard after a call, as tables')
  await admin.shot('live-dashboard-after')
  admin.clean()
  desk.clean()
})

/** Waits until the Colleagues row of a shows `label`; the ms it took. */
async function presence(p: Page, a: Agent, label: string, ms = 10_000): Promise<number> {
  const t0 = Date.now()
  await p.locator(`[data-testid="colleague"][data-extension="${a.extension}"] [data-testid="presence"]`)
    .filter({ hasText: new RegExp(`^${label}$`) }).waitFor({ timeout: ms })
  return Date.now() - t0
}

test('colleagues: Bob Available, On a call, Available, Offline; the history row of a call', async () => {
  const p = desk.page
  await p.evaluate(() => { (window as unknown as { presenceMark: number }).presenceMark = 1 })
  const bob = await rig.agent('A', 'Bob', 'Live')
  const bobDesk = await deskTab(rig)
  try {
    await firstLogin(bobDesk, bob)
    const lags: Record<string, number> = {}
    lags.available = await presence(p, bob, 'Available')
    await p.getByLabel('Search colleagues').fill('bob')
    assert.equal(await p.getByTestId('colleague').count(), 1, 'the search keeps Bob alone')
    await bobDesk.page.getByRole('button', { name: 'Echo test' }).click()
    await bobDesk.page.getByRole('heading', { name: 'In call' }).waitFor({ timeout: 20_000 })
    lags.on_call = await presence(p, bob, 'On a call')
    await desk.shot('desk-colleague-on-call')
    await bobDesk.page.getByRole('button', { name: 'Hang up' }).click()
    lags.available_again = await presence(p, bob, 'Available')
    await bobDesk.page.close({ runBeforeUnload: true })
    lags.offline = await presence(p, bob, 'Offline', 20_000)
    console.log(`presence on Alice's desk after Bob's change (ms of waiting): ${JSON.stringify(lags)}`)
    assert.equal(await p.evaluate(() => (window as unknown as { presenceMark?: number }).presenceMark), 1, 'no reload')
  } finally {
    await bobDesk.close().catch(() => {})
  }

  // Alice's echo test of the test before is her last call, and calls back.
  await p.getByTestId('history-toggle').click()
  const row = p.locator('[data-testid="history-row"][data-party="9196"]').first()
  await row.waitFor({ timeout: 10_000 })
  assert.equal(await row.getAttribute('data-direction'), 'out')
  assert.equal(await row.getAttribute('data-result'), 'answered')
  const api = await rig.ad.api('GET', `/v1/admin/agents/${alice.id}/calls?limit=5`, rig.admins.A)
  assert.equal(api.body.calls[0].party, '9196', JSON.stringify(api.body))
  assert.equal(api.body.calls[0].result, 'answered', JSON.stringify(api.body))
  await desk.axe('desk with history and colleagues')
  await desk.shot('desk-history')
  await row.getByRole('button', { name: /Call .* back/ }).click()
  await p.getByRole('heading', { name: 'In call' }).waitFor({ timeout: 20_000 })
  await p.getByRole('button', { name: 'Hang up' }).click()
  await waitStatus(p, `Extension ${alice.extension} – Connected`)
  desk.clean()
})
