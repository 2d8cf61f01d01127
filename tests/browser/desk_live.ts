// The portal live against real FreeSWITCH (issue 18): an agent's desk
// registers in Chromium and, in the admin's tab, the agents table's
// registration dot flips to "Registered" without a reload, and back when
// the desk goes Away; the agent's page says where it is registered. Runs
// inside netns.sh (only `lo`), like the other desk tests.
import { after, afterEach, before, test } from 'node:test'
import type { Locator, Page } from 'playwright-core'
import { Tab, assert } from './harness.ts'
import { type Agent, Rig, deskTab, firstLogin, waitStatus } from './deskrig.ts'

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

test('a registration flips the dot without a reload; Away flips it back', async () => {
  admin = await Tab.open(rig.browser, rig.ad.webUrl)
  const p = admin.page
  await admin.login('admin@a.test', 'admin-password-1', /\/admin\/agents$/)
  await p.getByText('Live', { exact: true }).waitFor({ timeout: 10_000 })
  alice = await rig.agent('A', 'Alice', 'Live')
  // Known, not unknown: the node's event stream is connected.
  await flips(p, alice, 'Not registered', 20_000)
  await p.evaluate(() => { (window as unknown as { liveMark: number }).liveMark = 1 })

  desk = await deskTab(rig)
  await firstLogin(desk, alice)
  const connected = Date.now()
  const shown = await flips(p, alice, 'Registered')
  console.log(`registration: the dot flipped ${Date.now() - connected} ms after the desk said Connected (${shown} ms of waiting)`)
  await rig.registered(alice, 'a.example', 1)
  await admin.axe('agents page with a registered agent')
  await admin.shot('live-agents-registered')

  await desk.page.getByRole('button', { name: 'Away' }).click()
  await waitStatus(desk.page, `Extension ${alice.extension} – Away`)
  const away = Date.now()
  await flips(p, alice, 'Not registered')
  console.log(`unregistration: the dot flipped ${Date.now() - away} ms after the desk said Away`)
  await desk.page.getByRole('button', { name: 'Available' }).click()
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
