// The Dashboard in Chromium against the real binary: its figures are the
// API's (pool, calls in progress, usage per day and per agent for the
// chosen period, in the charts' tables), "Show as table" swaps each chart
// for its table, the CSV is the API's and fetched with the bearer header
// (no token in a URL), axe clean both ways, at desktop and phone widths.
// desk_live.ts checks the same page with real calls through FreeSWITCH.
import { after, before, test } from 'node:test'
import { readFileSync } from 'node:fs'
import type { Browser } from 'playwright-core'
import { Agentdesk, DESKTOP, PHONE, Tab, assert, launch } from './harness.ts'
import { checkDashboard, openDashboard } from './dashboard.ts'

let ad: Agentdesk
let browser: Browser
let admin: string
const ADMIN = { email: 'admin@acme.test', password: 'admin-password-1' }
const SUPERVISOR = { email: 'sup@acme.test', password: 'sup-password-1' }

before(async () => {
  ad = new Agentdesk()
  const acme = ad.tenant('Acme', 40)
  ad.user(acme, ADMIN.email, ADMIN.password, 'admin', 'Ada', 'Admin')
  ad.user(acme, SUPERVISOR.email, SUPERVISOR.password, 'supervisor', 'Sue', 'Super')
  await ad.start()
  browser = await launch()
  admin = await ad.login(ADMIN.email, ADMIN.password)
  for (const f of ['John', 'Mary', 'Zoë']) {
    const r = await ad.api('POST', '/v1/admin/agents', admin,
      { first_name: f, last_name: 'Doe', email: `${f.toLowerCase().replace('ë', 'e')}@acme.test`, extensions_count: 2 })
    assert.equal(r.status, 201)
  }
})

after(async () => {
  await browser?.close()
  await ad?.stop()
})

const today = () => new Date().toISOString().slice(0, 10)
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10)

for (const viewport of [DESKTOP, PHONE]) {
  test(`the dashboard's figures are the API's, charts and tables axe clean, at ${viewport.width}×${viewport.height}`, async () => {
    const tab = await Tab.open(browser, ad.webUrl, viewport)
    const p = tab.page
    await openDashboard(tab, ADMIN)
    // The default period: the last 7 days ending today (UTC).
    assert.equal(await p.getByLabel('From (UTC)').inputValue(), daysAgo(6))
    assert.equal(await p.getByLabel('To (UTC)').inputValue(), today())
    assert.equal(await p.locator('canvas[role="img"]').count() >= 1, true, 'the charts draw')
    await tab.axe(`dashboard at ${viewport.width}`)
    const sideways = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(sideways <= 1, `the dashboard scrolls sideways by ${sideways}px`)
    await tab.shot('dashboard')
    await checkDashboard(tab, ad, admin, daysAgo(6), today())
    await tab.axe(`dashboard as tables at ${viewport.width}`)
    await tab.shot('dashboard-tables')

    // Another period, through the pickers.
    await p.getByLabel('From (UTC)').fill(daysAgo(30))
    await p.getByRole('button', { name: 'Show', exact: true }).click()
    await p.getByRole('table', { name: 'Calls and talk time per day' }).locator('tbody tr').nth(30).waitFor()
    await checkDashboard(tab, ad, admin, daysAgo(30), today())
    // A period the wrong way round is said, not sent.
    await p.getByLabel('From (UTC)').fill(daysAgo(1))
    await p.getByLabel('To (UTC)').fill(daysAgo(3))
    await p.getByRole('button', { name: 'Show', exact: true }).click()
    await p.getByRole('alert').filter({ hasText: 'The first day comes after the last.' }).waitFor()
    tab.clean()
    await tab.close()
  })
}

test('the CSV is the API\'s, fetched with the bearer header; no token in a URL', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  const urls: string[] = []
  let auth: string | undefined
  p.on('request', (r) => {
    urls.push(r.url())
    if (r.url().includes('/v1/admin/analytics/usage.csv')) auth = r.headers().authorization
  })
  await openDashboard(tab, SUPERVISOR)
  const [dl] = await Promise.all([p.waitForEvent('download'), p.getByRole('button', { name: 'Download CSV' }).click()])
  const got = readFileSync(await dl.path(), 'utf8')
  const token = await p.evaluate(() => JSON.parse(sessionStorage.getItem('agentdesk.session') ?? '{}').token as string)
  assert.match(auth ?? '', /^Bearer /, 'the CSV request carries the bearer header')
  assert.equal(auth, `Bearer ${token}`)
  const want = await ad.api('GET', `/v1/admin/analytics/usage.csv?from=${daysAgo(6)}&to=${today()}&group_by=day`, token)
  assert.equal(want.status, 200)
  assert.equal(got, want.body)
  assert.match(got.split('\n')[0], /calls_placed/)
  assert.match(dl.suggestedFilename(), /\.csv$/)
  for (const u of urls) assert.ok(!u.includes(token), `a token in ${u}`)
  tab.clean()
  await tab.close()
})
