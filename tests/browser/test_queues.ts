// Browser flows of queues in the portal, against the real binary (no
// FreeSWITCH: queues, members, numbers and statuses are agentdesk's; what
// FreeSWITCH is told stays pending): a queue made with every field of the
// form, a number taken, an edit, members picked and saved whole, the board
// as /live answers it and moved by an agent.queue_status event without a
// reload, inbound numbers, delete refused while the queue is in use,
// queue settings and break reasons, an agent's queue status and own
// settings, and a supervisor who reads only. Screenshots of every page,
// wide and narrow.
import { after, before, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { Agentdesk, PHONE, Tab, assert, gone, launch, quiet, until } from './harness.ts'

let ad: Agentdesk
let browser: Browser
let adminToken: string
const ADMIN = { email: 'admin@acme.test', password: 'admin-password-1' }
const SUP = { email: 'sup@acme.test', password: 'supervisor-pass-1' }
const agents: Record<string, { id: number; extension: string }> = {}

before(async () => {
  ad = new Agentdesk()
  const acme = ad.tenant('Acme')
  ad.user(acme, ADMIN.email, ADMIN.password, 'admin', 'Ada', 'Admin')
  ad.user(acme, SUP.email, SUP.password, 'supervisor', 'Sue', 'Supervisor')
  await ad.start()
  browser = await launch()
  adminToken = await ad.login(ADMIN.email, ADMIN.password)
  for (const [first, last] of [['Ann', 'Able'], ['Bob', 'Baker']]) {
    const r = await ad.api('POST', '/v1/admin/agents', adminToken, { first_name: first, last_name: last, email: `${first.toLowerCase()}@acme.test` })
    assert.equal(r.status, 201, JSON.stringify(r.body))
    agents[first] = { id: r.body.agent.id, extension: r.body.agent.extensions[0].extension }
  }
})

after(async () => {
  await browser?.close()
  await ad?.stop()
})

async function queueByName(name: string) {
  const r = await ad.api('GET', '/v1/admin/queues?limit=500', adminToken)
  return r.body.queues.find((q: { name: string }) => q.name === name)
}

/** PrimeVue's Select: open it by its label, pick the option. */
async function choose(p: Page, label: string, option: string | RegExp) {
  await p.getByLabel(label, { exact: true }).click()
  await p.getByRole('option', { name: option }).click()
}

test('queues: made with every field, a number taken, edited, members saved whole, the board, numbers, delete refused while in use', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  await p.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Queues' }).click()
  await p.getByRole('heading', { name: 'Queues', level: 1 }).waitFor()
  await p.getByText('No queues yet.').waitFor()
  await tab.axe('queues, empty')
  await tab.shot('queues-empty')

  // New queue: the form says what is missing before anything is sent.
  await p.getByRole('button', { name: 'New queue' }).click()
  const form = p.getByRole('dialog', { name: 'New queue' })
  await form.getByRole('button', { name: 'Create queue' }).click()
  await form.getByText('Enter a name.').waitFor()
  await form.getByText('Enter the number callers dial: digits only, at most 15.').waitFor()
  await form.getByLabel('Name').fill('Support')
  await form.getByLabel('Number').fill('7000')
  await choose(p, 'Strategy', 'Ring all')
  await form.getByLabel('Maximum wait (seconds)').fill('120')
  await form.getByLabel('Maximum wait with no agent (seconds)').fill('30')
  await form.getByLabel('Music on hold').fill('tone_stream://%(2000,4000,440)')
  await form.getByLabel('Announcement', { exact: true }).fill('ivr/ivr-hold_connect_call.wav')
  await form.getByLabel('Announce every (seconds)').fill('45')
  await form.getByLabel('Apply tier rules (a level is offered calls only after the wait below)').check()
  await form.getByLabel('Wait per level (seconds)').fill('60')
  await form.getByLabel('Multiply the wait by the level').uncheck()
  await tab.axe('new queue form')
  await tab.shot('queue-form')
  await form.getByRole('button', { name: 'Create queue' }).click()
  await p.getByText('Queue Support created').waitFor()
  const support = await until('Support stored', 5000, async () => queueByName('Support'))
  assert.equal(support.number, '7000')
  assert.equal(support.strategy, 'ring-all')
  assert.equal(support.max_wait_s, 120)
  assert.equal(support.no_agent_max_wait_s, 30)
  assert.equal(support.moh_sound, 'tone_stream://%(2000,4000,440)')
  assert.equal(support.announce_sound, 'ivr/ivr-hold_connect_call.wav')
  assert.equal(support.announce_frequency_s, 45)
  assert.equal(support.tier_rules_apply, true)
  assert.equal(support.tier_rule_wait_s, 60)
  assert.equal(support.tier_rule_wait_multiply_level, false)
  assert.equal(support.timeout_action, 'hangup')
  const row = p.getByRole('table', { name: 'Queues' }).getByRole('row').filter({ hasText: 'Support' })
  await row.getByText('Ring all').waitFor()
  await row.getByText('7000').waitFor()

  // A second queue on the same number: the API's number_taken under the field, what was typed kept.
  await p.getByRole('button', { name: 'New queue' }).click()
  const second = p.getByRole('dialog', { name: 'New queue' })
  await second.getByLabel('Name').fill('Sales')
  await second.getByLabel('Number').fill('7000')
  await choose(p, 'When the wait runs out', 'Another queue')
  await choose(p, 'Queue to go to', 'Support (7000)')
  assert.equal(await tab.expect4xx(() => tab.clickFor('/v1/admin/queues', () => second.getByRole('button', { name: 'Create queue' }).click())), 409)
  await second.getByText(/This number is already used/).waitFor()
  assert.equal(await second.getByLabel('Name').inputValue(), 'Sales')
  await second.getByLabel('Number').fill('7001')
  await second.getByRole('button', { name: 'Create queue' }).click()
  await p.getByText('Queue Sales created').waitFor()
  const sales = await until('Sales stored', 5000, async () => queueByName('Sales'))
  assert.equal(sales.timeout_action, 'queue')
  assert.equal(sales.timeout_queue_id, support.id)
  assert.equal(sales.timeout_extension, null)

  // Edit: the form opens with what is stored; the change is saved.
  await p.getByRole('button', { name: 'Edit Sales' }).click()
  const edit = p.getByRole('dialog', { name: 'Edit queue Sales' })
  assert.equal(await edit.getByLabel('Number').inputValue(), '7001')
  await choose(p, 'Strategy', 'Round robin')
  await edit.getByRole('button', { name: 'Save queue' }).click()
  await p.getByText('Queue Sales saved').waitFor()
  await p.getByRole('table', { name: 'Queues' }).getByRole('row').filter({ hasText: 'Sales' }).getByText('Round robin').waitFor()
  assert.equal((await queueByName('Sales')).strategy, 'round-robin')
  await gone(p, 'Queue Sales saved')
  await tab.axe('queues list')
  await tab.shot('queues-list')

  // Members: two agents picked, Bob on level 2, saved as one list.
  await p.getByRole('link', { name: 'Support' }).click()
  await p.getByRole('heading', { name: 'Support', level: 1 }).waitFor()
  await p.getByText(/^No member yet\. Add the agents/).waitFor()
  await choose(p, 'Agent to add', /^Ann Able/)
  await p.getByRole('button', { name: 'Add', exact: true }).click()
  await choose(p, 'Agent to add', /^Bob Baker/)
  await p.getByRole('button', { name: 'Add', exact: true }).click()
  await p.getByLabel('Level of Bob Baker').fill('2')
  await p.getByLabel('Position of Bob Baker').fill('1')
  await p.getByRole('button', { name: 'Save members' }).click()
  await p.getByText('Members saved').waitFor()
  const members = (await ad.api('GET', `/v1/admin/queues/${support.id}/members`, adminToken)).body.members
  assert.deepEqual(members.map((m: { agent_id: number; level: number; position: number }) => [m.agent_id, m.level, m.position]),
                   [[agents.Ann.id, 1, 1], [agents.Bob.id, 2, 1]])

  // The board, as /live answers it: nobody waiting, both agents logged out, today's counts.
  const board = p.getByRole('table', { name: 'Agents of the queue' })
  await board.getByRole('row').filter({ hasText: 'Ann Able' }).getByText('Logged out').waitFor()
  await board.getByRole('row').filter({ hasText: 'Bob Baker' }).getByText('Logged out').waitFor()
  await p.getByText('No caller in the queue.').waitFor()
  await p.getByLabel('Queue figures').getByText('Offered today').waitFor()
  await gone(p, 'Members saved')
  await tab.axe('queue page')
  await tab.shot('queue-page')

  // Inbound numbers: one to the queue, one to an extension; a malformed one refused before it is sent.
  await p.getByRole('link', { name: '← Queues' }).click()
  await p.getByRole('link', { name: 'Inbound numbers' }).click()
  await p.getByRole('heading', { name: 'Inbound numbers' }).waitFor()
  await p.getByText('No inbound numbers yet.').waitFor()
  await tab.shot('numbers-empty')
  await p.getByLabel('Number', { exact: true }).fill('555-123')
  await p.getByRole('button', { name: 'Add number' }).click()
  await p.getByText(/Enter the number in E\.164/).waitFor()
  await p.getByLabel('Number', { exact: true }).fill('+15551230000')
  await choose(p, 'Queue', 'Support (7000)')
  await p.getByRole('button', { name: 'Add number' }).click()
  await p.getByText('+15551230000 added').waitFor()
  await p.getByLabel('Number', { exact: true }).fill('+15551230001')
  await choose(p, 'Goes to', 'An extension')
  await p.getByLabel('Extension', { exact: true }).fill(agents.Bob.extension)
  await p.getByRole('button', { name: 'Add number' }).click()
  await p.getByText('+15551230001 added').waitFor()
  const numbers = p.getByRole('table', { name: 'Inbound numbers' })
  await numbers.getByRole('row').filter({ hasText: '+15551230000' }).getByRole('link', { name: 'Support' }).waitFor()
  await numbers.getByRole('row').filter({ hasText: '+15551230001' }).getByText(`Extension ${agents.Bob.extension}`).waitFor()
  const stored = (await ad.api('GET', '/v1/admin/numbers', adminToken)).body.numbers
  assert.deepEqual(stored.map((n: { number: string; queue_id: number | null; extension: string | null }) => [n.number, n.queue_id, n.extension]),
                   [['+15551230000', support.id, null], ['+15551230001', null, agents.Bob.extension]])
  await gone(p, '+15551230000 added')
  await gone(p, '+15551230001 added')
  await tab.axe('inbound numbers')
  await tab.shot('numbers')

  // Delete: refused while the number and Sales' timeout send callers to Support, and said why.
  await p.getByRole('link', { name: '← Queues' }).click()
  await p.getByRole('button', { name: 'Delete Support' }).click()
  const ask = p.getByRole('alertdialog', { name: 'Delete queue Support?' })
  await ask.getByText(/Callers waiting in Support go where its timeout sends them/).waitFor()
  assert.equal(await tab.expect4xx(() => tab.clickFor(`/v1/admin/queues/${support.id}`, () => ask.getByRole('button', { name: 'Delete queue' }).click())), 409)
  await p.getByText('Support is still in use').waitFor()
  await p.getByText(/An inbound number or another queue.s timeout still sends callers to this queue/).waitFor()
  await tab.shot('queue-in-use')
  assert.ok(await queueByName('Support'), 'nothing deleted')
  await p.getByRole('button', { name: 'Delete Sales' }).click()
  await p.getByRole('alertdialog', { name: 'Delete queue Sales?' }).getByRole('button', { name: 'Delete queue' }).click()
  await p.getByText('Queue Sales deleted').waitFor()
  await p.getByRole('table', { name: 'Queues' }).getByRole('row').filter({ hasText: 'Sales' }).waitFor({ state: 'detached' })
  assert.equal(await queueByName('Sales'), undefined)

  // Narrow: the list, the queue page and the numbers fit a phone.
  const phone = await Tab.open(browser, ad.webUrl, PHONE)
  await phone.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  await phone.page.goto(`/admin/queues/${support.id}`)
  await phone.page.getByRole('table', { name: 'Agents of the queue' }).waitFor()
  await quiet(phone.page)
  await phone.shot('queue-page-narrow')
  await phone.page.goto('/admin/numbers')
  await phone.page.getByRole('table', { name: 'Inbound numbers' }).getByText('+15551230000').waitFor()
  await phone.shot('numbers-narrow')
  phone.clean()
  await phone.close()
  tab.clean()
  await tab.close()
})

test('the board follows a status set elsewhere without a reload, and does not poll', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  const support = await queueByName('Support')
  await p.goto(`/admin/queues/${support.id}`)
  const board = p.getByRole('table', { name: 'Agents of the queue' })
  await board.getByRole('row').filter({ hasText: 'Ann Able' }).waitFor()
  await quiet(p)
  // Set elsewhere moves the board without a reload (agent.queue_status → /live again).
  const lives: string[] = []
  p.on('request', (r) => { if (r.url().includes(`/queues/${support.id}/live`)) lives.push(r.url()) })
  const set = await ad.api('PUT', `/v1/admin/agents/${agents.Ann.id}/queue-status`, adminToken, { status: 'on_break', reason: 'Lunch' })
  assert.equal(set.status, 200, JSON.stringify(set.body))
  await board.getByRole('row').filter({ hasText: 'Ann Able' }).getByText('On break (Lunch)').waitFor({ timeout: 5000 })
  assert.ok(lives.length >= 1 && lives.length <= 2, `one batched refetch of /live, not polling: ${lives.length}`)
  await new Promise((r) => setTimeout(r, 3000))
  assert.ok(lives.length <= 2, `no polling while nothing moves: ${lives.length} requests`)
  await p.getByText('Live', { exact: true }).waitFor()
  tab.clean()
  await tab.close()
})

test('queue settings: the defaults, the break reasons, the queue node', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  await p.goto('/admin/queue-settings')
  await p.getByRole('heading', { name: 'Queue settings' }).waitFor()
  await p.getByText(/This tenant's cluster has no node yet|live on/).waitFor()
  const before = (await ad.api('GET', '/v1/admin/break-reasons', adminToken)).body.break_reasons
  assert.deepEqual(before, ['Break', 'Lunch', 'Training'])
  assert.equal(await p.getByLabel('Break reason 3').inputValue(), 'Training')
  await p.getByLabel('After-call work (seconds)').fill('12')
  await p.getByLabel('Missed calls before a break').fill('3')
  await p.getByRole('button', { name: 'Save defaults' }).click()
  await p.getByText('Defaults saved').waitFor()
  const s = (await ad.api('GET', '/v1/admin/queue-settings', adminToken)).body
  assert.equal(s.wrap_up_s, 12)
  assert.equal(s.max_no_answer, 3)

  await p.getByRole('button', { name: 'Remove Training' }).click()
  await p.getByRole('button', { name: 'Add reason' }).click()
  await p.getByLabel('Break reason 3').fill('Coaching')
  await p.getByRole('button', { name: 'Move Coaching up' }).click()
  // Twice the same name: said before it is sent.
  await p.getByRole('button', { name: 'Add reason' }).click()
  await p.getByLabel('Break reason 4').fill('lunch')
  await p.getByRole('button', { name: 'Save break reasons' }).click()
  await p.getByText('"lunch" is in the list twice.').waitFor()
  await p.getByRole('button', { name: 'Remove lunch', exact: true }).click()
  await p.getByRole('button', { name: 'Save break reasons' }).click()
  await p.getByText('Break reasons saved').waitFor()
  assert.deepEqual((await ad.api('GET', '/v1/admin/break-reasons', adminToken)).body.break_reasons, ['Break', 'Coaching', 'Lunch'])
  await gone(p, 'Defaults saved')
  await gone(p, 'Break reasons saved')
  await tab.axe('queue settings')
  await tab.shot('queue-settings')
  await p.setViewportSize(PHONE)
  await tab.shot('queue-settings-narrow')
  tab.clean()
  await tab.close()
})

test("an agent's page: its queues, its status set by an admin with who and since when, its own settings", async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  await p.goto(`/admin/agents/${agents.Bob.id}`)
  await p.getByRole('heading', { name: 'Bob Baker' }).waitFor()
  const panel = p.getByLabel('Queue status', { exact: true })
  await panel.getByText('Logged out', { exact: true }).waitFor()
  await panel.getByRole('link', { name: 'Support' }).waitFor()
  await choose(p, 'New status', 'On break')
  await choose(p, 'Reason', 'Coaching')
  await p.getByRole('button', { name: 'Set status' }).click()
  await p.getByText('Queue status set: On break (Coaching)').waitFor()
  await panel.getByText('On break (Coaching)').waitFor()
  await panel.getByText(/^an admin/).waitFor()
  await panel.getByText(/pending|provisioned/).waitFor()
  const qs = (await ad.api('GET', `/v1/admin/agents/${agents.Bob.id}/queue-status`, adminToken)).body.queue_status
  assert.equal(qs.status, 'on_break')
  assert.equal(qs.reason, 'Coaching')
  assert.equal(qs.changed_by, 'admin')

  // Own values over the tenant's defaults (12 s, 3 from the settings test); back to the default.
  await p.getByLabel("The tenant's default").first().uncheck()
  await p.getByLabel('After-call work (seconds)').fill('40')
  await p.getByRole('button', { name: 'Save queue settings' }).click()
  await p.getByText('Queue settings saved').waitFor()
  await panel.getByText('40 s (own)').waitFor()
  let own = (await ad.api('GET', `/v1/admin/agents/${agents.Bob.id}/queue-status`, adminToken)).body.queue_status
  assert.equal(own.wrap_up_s_own, 40)
  assert.equal(own.max_no_answer_own, null)
  await p.getByLabel("The tenant's default").first().check()
  await p.getByRole('button', { name: 'Save queue settings' }).click()
  await panel.getByText('12 s (tenant default)').waitFor()
  own = (await ad.api('GET', `/v1/admin/agents/${agents.Bob.id}/queue-status`, adminToken)).body.queue_status
  assert.equal(own.wrap_up_s_own, null)
  await gone(p, 'Queue settings saved')
  await tab.axe('agent page with queues')
  await tab.shot('agent-queues')
  tab.clean()
  await tab.close()
})

test('a supervisor reads queues, numbers and settings, and sets statuses, but changes nothing else', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login(SUP.email, SUP.password, /\/admin\//)
  await p.goto('/admin/queues')
  await p.getByRole('table', { name: 'Queues' }).getByRole('link', { name: 'Support' }).waitFor()
  await quiet(p)
  assert.equal(await p.getByRole('button', { name: 'New queue' }).count(), 0)
  assert.equal(await p.getByRole('button', { name: 'Delete Support' }).count(), 0)
  await p.getByRole('link', { name: 'Support' }).click()
  await p.getByRole('table', { name: 'Members' }).getByText('Ann Able').waitFor()
  assert.equal(await p.getByRole('button', { name: 'Save members' }).count(), 0)
  assert.equal(await p.getByRole('button', { name: 'Edit queue' }).count(), 0)
  await tab.shot('queue-page-supervisor')
  await p.goto('/admin/queue-settings')
  await p.getByRole('heading', { name: 'Break reasons' }).waitFor()
  await quiet(p)
  assert.equal(await p.getByRole('button', { name: 'Save defaults' }).count(), 0)
  assert.equal(await p.getByRole('button', { name: 'Save break reasons' }).count(), 0)
  await p.goto(`/admin/agents/${agents.Ann.id}`)
  await choose(p, 'New status', 'Available')
  await p.getByRole('button', { name: 'Set status' }).click()
  await p.getByText('Queue status set: Available').waitFor()
  assert.equal(await p.getByRole('button', { name: 'Save queue settings' }).count(), 0)
  const qs = (await ad.api('GET', `/v1/admin/agents/${agents.Ann.id}/queue-status`, adminToken)).body.queue_status
  assert.equal(qs.changed_by, 'supervisor')
  tab.clean()
  await tab.close()
})
