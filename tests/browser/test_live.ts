// The portal live over the browser's one event stream (web/src/live/),
// against the real binary: the agents table and an agent's page follow
// agent.* events without a reload; two tabs of one browser share one
// stream, and when the tab that holds it closes the other takes over,
// resuming from the last event id with a fresh ticket; the bearer token is
// never in a URL; the live pages are axe clean.
import { after, before, test } from 'node:test'
import type { Page, Request } from 'playwright-core'
import { Agentdesk, Tab, assert, launch, until } from './harness.ts'
import type { Browser } from 'playwright-core'

let ad: Agentdesk
let browser: Browser
let admin: string
const ADMIN = { email: 'admin@acme.test', password: 'admin-password-1' }
let n = 0
let acme: number
const ROOT = { email: 'root@platform.test', password: 'root-password-1' }

before(async () => {
  ad = new Agentdesk()
  acme = ad.tenant('Acme', 50)
  ad.user(acme, ADMIN.email, ADMIN.password, 'admin', 'Ada', 'Admin')
  ad.user(null, ROOT.email, ROOT.password, 'superadmin', 'Root', 'Admin')
  await ad.start()
  browser = await launch()
  admin = await ad.login(ADMIN.email, ADMIN.password)
})

after(async () => {
  await browser?.close()
  await ad?.stop()
})

async function addAgent(first: string): Promise<{ id: number; email: string }> {
  const email = `${first.toLowerCase()}${++n}@acme.test`
  const r = await ad.api('POST', '/v1/admin/agents', admin, { first_name: first, last_name: 'Live', email, extensions_count: 1 })
  assert.equal(r.status, 201, JSON.stringify(r.body))
  return { id: r.body.agent.id, email }
}

/** Marks the document: still there later means the page was not reloaded. */
async function mark(p: Page): Promise<void> {
  await p.evaluate(() => { (window as unknown as { liveMark: number }).liveMark = 1 })
}
async function notReloaded(p: Page): Promise<void> {
  assert.equal(await p.evaluate(() => (window as unknown as { liveMark?: number }).liveMark), 1, 'the page was not reloaded')
}

async function live(p: Page): Promise<void> {
  await p.getByText('Live', { exact: true }).waitFor({ timeout: 10_000 })
}

test('the agents table and an agent\'s page follow agent events without a reload', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  await live(p)
  await mark(p)
  const table = p.getByRole('table', { name: 'Agents' })

  let t0 = Date.now()
  const a = await addAgent('Nora')
  await table.getByRole('row').filter({ hasText: a.email }).waitFor({ timeout: 5000 })
  console.log(`agent.created shown in the table after ${Date.now() - t0} ms`)
  await p.getByRole('heading', { name: /Agents \(2\)/ }).waitFor()

  t0 = Date.now()
  const r = await ad.api('PATCH', `/v1/admin/agents/${a.id}`, admin, { first_name: 'Norah', role: 'supervisor' })
  assert.equal(r.status, 200)
  const row = table.getByRole('row').filter({ hasText: a.email })
  await row.getByRole('link', { name: 'Norah Live' }).waitFor({ timeout: 5000 })
  await row.getByText('supervisor').waitFor()
  console.log(`agent.updated shown in its row after ${Date.now() - t0} ms`)

  // The registration column says it in words, whatever the dot's colour.
  assert.match(await row.locator('.reg').innerText(), /^(Registered|Not registered|Unknown)$/)
  await tab.axe('agents page, live')

  await ad.api('DELETE', `/v1/admin/agents/${a.id}`, admin)
  await table.getByRole('row').filter({ hasText: a.email }).waitFor({ state: 'detached', timeout: 5000 })
  await notReloaded(p)

  // An agent's page: a change made elsewhere shows; what the user typed stays.
  const b = await addAgent('Otto')
  await table.getByRole('row').filter({ hasText: b.email }).getByRole('link').click()
  await p.getByRole('heading', { name: 'Otto Live', level: 1 }).waitFor()
  await live(p)
  await p.getByLabel('Last name').fill('Typed')
  await ad.api('PATCH', `/v1/admin/agents/${b.id}`, admin, { first_name: 'Ottokar' })
  await p.getByRole('heading', { name: 'Ottokar Live', level: 1 }).waitFor({ timeout: 5000 })
  assert.equal(await p.getByLabel('First name').inputValue(), 'Ottokar')
  assert.equal(await p.getByLabel('Last name').inputValue(), 'Typed', 'the field being edited keeps the user\'s text')
  const ext = p.getByRole('group', { name: /^Extension \d+$/ })
  await ext.locator('.reg').waitFor()
  // The tag's colour follows its state (PrimeVue's severity class).
  const tag = ext.locator('.p-tag').first()
  const state = (await tag.innerText()).trim()
  assert.match(await tag.getAttribute('class') ?? '', state === 'failed' ? /p-tag-danger/ : state === 'pending' ? /p-tag-warn/ : /p-tag-success/)
  await tab.axe('agent page, live')
  await tab.shot('live-agent')
  await ad.api('DELETE', `/v1/admin/agents/${b.id}`, admin)
  await p.getByRole('heading', { name: 'Agent not found' }).waitFor({ timeout: 5000 })
  await notReloaded(p)
  tab.clean()
  await tab.close()
})

test('two tabs share one stream; when its tab closes the other resumes it', async () => {
  const one = await Tab.open(browser, ad.webUrl)
  const streams: { page: Page; url: URL }[] = []
  const watch = (p: Page) => p.on('request', (r: Request) => {
    if (r.url().includes('/v1/admin/events?')) streams.push({ page: p, url: new URL(r.url()) })
  })
  watch(one.page)
  await one.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  await live(one.page)
  // The second tab, in the same browser (context), signed in on its own (sessionStorage is per tab).
  const page2 = await one.context.newPage()
  page2.on('pageerror', (e) => one.problems.push('page error (tab 2): ' + e.message))
  watch(page2)
  await page2.goto('/login')
  await page2.getByLabel('Email').fill(ADMIN.email)
  await page2.getByLabel('Password', { exact: true }).fill(ADMIN.password)
  await page2.getByRole('button', { name: 'Log in' }).click()
  await page2.waitForURL(/\/admin\/agents$/)
  await live(page2)
  await new Promise((r) => setTimeout(r, 1500))
  assert.equal(streams.length, 1, 'one stream for the two tabs')
  assert.equal(streams[0].page, one.page, 'held by the tab that came first')

  // The follower gets the events.
  const a = await addAgent('Pia')
  for (const p of [one.page, page2]) await p.getByRole('row').filter({ hasText: a.email }).waitFor({ timeout: 5000 })

  // The leader's tab closes: the other opens the stream, with a fresh ticket and where it stopped.
  await one.page.close()
  const t0 = Date.now()
  // Made while no tab holds the stream: only the resume brings it.
  const gap = await addAgent('Rex')
  const taken = await until('the other tab takes the stream over', 8000, async () => streams.find((s) => s.page === page2))
  console.log(`stream taken over ${Date.now() - t0} ms after the leader's tab closed`)
  assert.notEqual(taken.url.searchParams.get('ticket'), streams[0].url.searchParams.get('ticket'), 'a fresh ticket')
  const resumed = Number(taken.url.searchParams.get('last_event_id'))
  assert.ok(Number.isInteger(resumed) && resumed > 0, `resumes from the last event id seen: ${taken.url.search}`)
  await live(page2)
  await page2.getByRole('row').filter({ hasText: gap.email }).waitFor({ timeout: 5000 })
  const b = await addAgent('Quinn')
  await page2.getByRole('row').filter({ hasText: b.email }).waitFor({ timeout: 5000 })

  // Never the bearer token in a URL: only the ticket and the resume point.
  const token = await page2.evaluate(() => JSON.parse(sessionStorage.getItem('agentdesk.session') ?? '{}').token as string)
  assert.ok(token && token.length > 10)
  for (const s of streams) {
    assert.deepEqual([...s.url.searchParams.keys()].sort(), s.url.searchParams.has('last_event_id') ? ['last_event_id', 'ticket'] : ['ticket'])
    assert.ok(!s.url.href.includes(token), 'no token in the stream\'s URL')
  }
  // Nothing of the stream is stored beside the session.
  assert.deepEqual(await page2.evaluate(() => [Object.keys(sessionStorage), localStorage.length, document.cookie]), [['agentdesk.session'], 0, ''])
  await page2.close()
  one.clean()
  await one.context.close()
})

test('a superadmin in a tenant follows that tenant live', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  const tickets: string[] = []
  p.on('request', (r) => { if (r.url().includes('/v1/admin/events/ticket')) tickets.push(r.url()) })
  await tab.login(ROOT.email, ROOT.password, /\/admin\/tenants$/)
  await p.goto(`/admin/agents?tenant_id=${acme}`)
  await p.getByRole('heading', { name: /Agents/, level: 1 }).waitFor()
  await live(p)
  await mark(p)
  assert.ok(tickets.some((u) => new URL(u).searchParams.get('tenant_id') === String(acme)), `a ticket for the tenant in view: ${tickets.join(' ')}`)
  const a = await addAgent('Sven')
  await p.getByRole('table', { name: 'Agents' }).getByRole('row').filter({ hasText: a.email }).waitFor({ timeout: 5000 })
  await notReloaded(p)
  // The Dashboard is in the navigation once a tenant is chosen.
  await p.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Dashboard' }).waitFor()
  tab.clean()
  await tab.close()
})
