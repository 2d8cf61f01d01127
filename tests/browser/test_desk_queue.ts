// The desk's status for queue calls, against the real binary without
// FreeSWITCH (so whatever is set stays "pending": no node has it): the
// agent sees its queues, goes Available, On break with a reason, logs out
// of queues; a reload keeps the status (it lives in agentdesk); a status a
// supervisor sets reaches the open desk through the agent's own stream
// (/v1/me/events), without a reload. The registration side of the desk is
// untouched (its own tests: desk_*.ts with FreeSWITCH).
import { after, before, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { Agentdesk, PHONE, Tab, assert, launch, until } from './harness.ts'

let ad: Agentdesk
let browser: Browser
let adminToken: string
let agent: { id: number; email: string; temp: string }
const ADMIN = { email: 'admin@acme.test', password: 'admin-password-1' }
const PASSWORD = 'agent-password-1'

before(async () => {
  ad = new Agentdesk()
  const acme = ad.tenant('Acme')
  ad.user(acme, ADMIN.email, ADMIN.password, 'admin', 'Ada', 'Admin')
  await ad.start()
  browser = await launch()
  adminToken = await ad.login(ADMIN.email, ADMIN.password)
  const r = await ad.api('POST', '/v1/admin/agents', adminToken, { first_name: 'Ann', last_name: 'Able', email: 'ann@acme.test' })
  assert.equal(r.status, 201, JSON.stringify(r.body))
  agent = { id: r.body.agent.id, email: 'ann@acme.test', temp: r.body.temporary_password }
  const q = await ad.api('POST', '/v1/admin/queues', adminToken, { name: 'Support', number: '7000', strategy: 'longest-idle-agent' })
  assert.equal(q.status, 201, JSON.stringify(q.body))
  const m = await ad.api('PUT', `/v1/admin/queues/${q.body.queue.id}/members`, adminToken, { members: [{ agent_id: agent.id }] })
  assert.equal(m.status, 200, JSON.stringify(m.body))
})

after(async () => {
  await browser?.close()
  await ad?.stop()
})

const shown = (p: Page) => p.getByTestId('queue-status')
async function statusIs(p: Page, text: RegExp) {
  await shown(p).filter({ hasText: text }).waitFor({ timeout: 10_000 })
}
async function stored() {
  return (await ad.api('GET', `/v1/admin/agents/${agent.id}/queue-status`, adminToken)).body.queue_status
}

test('the desk sets its queue status apart from registration; pending until FreeSWITCH has it; a reload keeps it; a supervisor\u2019s change arrives live', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login(agent.email, agent.temp, /\/change-password$/)
  await p.getByLabel('Current password').fill(agent.temp)
  await p.getByLabel('New password', { exact: true }).fill(PASSWORD)
  await p.getByLabel('Repeat the new password').fill(PASSWORD)
  await p.getByRole('button', { name: 'Change password' }).click()
  await p.waitForURL(/\/desk$/)

  const box = p.getByRole('region', { name: 'Queue calls' })
  await box.getByText('Your queues: Support').waitFor()
  await statusIs(p, /^Logged out/)
  await tab.axe('desk with the queue status')
  await tab.shot('desk-queue-logged-out')

  await box.getByRole('button', { name: 'Available for queue calls' }).click()
  await statusIs(p, /^Available/)
  await shown(p).getByText('pending').waitFor()
  assert.equal(await box.getByRole('button', { name: 'Available for queue calls' }).getAttribute('aria-pressed'), 'true')
  let s = await stored()
  assert.equal(s.status, 'available')
  assert.equal(s.changed_by, 'agent')
  assert.equal(s.provisioning, 'pending')

  await box.getByLabel('Break reason').selectOption('Lunch')
  await box.getByRole('button', { name: 'On break from queue calls' }).click()
  await statusIs(p, /^On break \(Lunch\)/)
  s = await stored()
  assert.equal(s.status, 'on_break')
  assert.equal(s.reason, 'Lunch')
  await tab.shot('desk-queue-on-break')

  // It lives in agentdesk: a reload shows it again.
  await p.reload()
  await statusIs(p, /^On break \(Lunch\)/)
  assert.equal(await box.getByLabel('Break reason').inputValue(), 'Lunch')

  // Set by a supervisor elsewhere: the open desk hears agent.queue_status on its own stream.
  const reads = () => p.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.name.includes('/v1/me/queue-status')).length)
  // The reloaded page read its status twice: at mount, and when its stream
  // opened with nothing to resume from (the live hub's `reload`).
  await until('the reloaded desk\'s stream open', 10_000, async () => (await reads()) >= 2 || undefined)
  const before = await reads()
  const r = await ad.api('PUT', `/v1/admin/agents/${agent.id}/queue-status`, adminToken, { status: 'available' })
  assert.equal(r.status, 200, JSON.stringify(r.body))
  await statusIs(p, /^Available/)
  const afterCount = await reads()
  assert.equal(afterCount, before, 'the event carries the status: no request')

  await box.getByRole('button', { name: 'Log out of queues' }).click()
  await statusIs(p, /^Logged out/)
  await until('stored logged out', 5000, async () => ((await stored()).status === 'logged_out' ? true : undefined))

  // The voicebox (issue 20): the count (unknown: no FreeSWITCH node answers
  // vm_boxcount here), the Voicemail button (disabled while not
  // registered), the PIN on request, a new PIN through the API, never in
  // browser storage.
  const vm = p.getByRole('region', { name: 'Voicemail' })
  await vm.getByTestId('desk-voicemail-count').filter({ hasText: 'Messages: unknown' }).waitFor()
  assert.equal(await vm.getByTestId('desk-voicemail').isDisabled(), true)
  assert.equal(await vm.getByTestId('desk-voicemail-pin').textContent(), '••••')
  const agentToken = await ad.login(agent.email, PASSWORD)
  const pin = (await ad.api('GET', '/v1/me/voicemail', agentToken)).body.voicemail.pin
  assert.match(pin, /^[0-9]{4,10}$/)
  await vm.getByRole('button', { name: 'Show' }).click()
  assert.equal(await vm.getByTestId('desk-voicemail-pin').textContent(), pin)
  await vm.getByLabel('New PIN').fill('12a4')
  await vm.getByRole('button', { name: 'Change PIN' }).click()
  await vm.getByText('The PIN is 4 to 10 digits.').waitFor()
  await vm.getByLabel('New PIN').fill('246810')
  await vm.getByRole('button', { name: 'Change PIN' }).click()
  await vm.getByText('PIN changed.').waitFor()
  assert.equal(await vm.getByTestId('desk-voicemail-pin').textContent(), '246810')
  assert.equal((await ad.api('GET', '/v1/me/voicemail', agentToken)).body.voicemail.pin, '246810')
  const kept = await p.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))
  assert.ok(!kept.includes('246810') && !kept.includes(pin), 'a PIN in browser storage')
  await tab.axe('desk with the voicebox')

  await p.setViewportSize(PHONE)
  await tab.shot('desk-queue-narrow')
  tab.clean()
  await tab.close()
})
