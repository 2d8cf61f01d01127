// Every page at 1280×800 and 390×844 (axe, no sideways scrolling,
// screenshots), the superadmin's tenants, tenant switcher and clusters,
// and one flow over HTTPS with a throwaway certificate.
import { after, before, test } from 'node:test'
import type { Browser } from 'playwright-core'
import { Agentdesk, DESKTOP, PHONE, Tab, assert, launch, quiet } from './harness.ts'

let ad: Agentdesk
let browser: Browser
let acme: number
let rootToken: string
let agentId: number
const ROOT = { email: 'root@platform.test', password: 'root-password-1' }
const ADMIN = { email: 'admin@acme.test', password: 'admin-password-1' }
/** Made on the command line without a name, as the first admin often is. */
const NAMELESS = { email: 'nameless@acme.test', password: 'nameless-password-1' }
let namelessId: number
const ESL_SECRET = 'esl-secret-never-shown'

before(async () => {
  ad = new Agentdesk()
  acme = ad.tenant('Acme')
  ad.user(null, ROOT.email, ROOT.password, 'superadmin', 'Root', 'Admin')
  ad.user(acme, ADMIN.email, ADMIN.password, 'admin', 'Ada', 'Admin')
  namelessId = ad.user(acme, NAMELESS.email, NAMELESS.password, 'admin', null, null)
  await ad.start()
  browser = await launch()
  rootToken = await ad.login(ROOT.email, ROOT.password)
  const adminToken = await ad.login(ADMIN.email, ADMIN.password)
  for (const [f, l] of [['John', 'Doe'], ['Mary', 'Major'], ['Zoë', 'Ångström']]) {
    const r = await ad.api('POST', '/v1/admin/agents', adminToken,
      { first_name: f, last_name: l, email: `${f.toLowerCase()}@acme.test`.replace('ë', 'e'), extensions_count: 1 })
    assert.equal(r.status, 201)
    agentId = r.body.agent.id
  }
  const c = await ad.api('POST', '/v1/admin/freeswitch/clusters', rootToken, { name: 'Frankfurt', sip_domain: 'sip.fra.test', websocket_url: 'wss://fra.test:7443' })
  assert.equal(c.status, 201)
})

after(async () => {
  await browser?.close()
  await ad?.stop()
})

async function page(tab: Tab, path: string, heading: string | RegExp, name: string) {
  const p = tab.page
  await p.goto(path)
  await p.getByRole('heading', { name: heading, level: 1 }).waitFor()
  await p.getByRole('status').waitFor({ state: 'detached' }).catch(() => undefined)
  await quiet(p)
  await tab.axe(`${name} at ${p.viewportSize()?.width}`)
  // A table that scrolls sideways can be reached by keyboard (v-focusable-table).
  const unreachable = await p.locator('.p-datatable-table-container:not([tabindex="0"])').count()
  assert.equal(unreachable, 0, `${name}: a table the keyboard cannot reach`)
  const sideways = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  assert.ok(sideways <= 1, `${name}: the page scrolls sideways by ${sideways}px`)
  await tab.shot(name)
}

for (const viewport of [DESKTOP, PHONE]) {
  test(`every page at ${viewport.width}×${viewport.height}`, async () => {
    const tab = await Tab.open(browser, ad.webUrl, viewport)
    await page(tab, '/login', 'agentdesk', 'login')
    await page(tab, '/forgot-password', 'Forgot your password?', 'forgot-password')
    await page(tab, '/set-password', 'This link is invalid or expired', 'set-password-no-link')
    await tab.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
    await page(tab, '/admin/agents', /Agents/, 'agents')
    await page(tab, `/admin/agents/${agentId}`, 'Zoë Ångström', 'agent-detail')
    await page(tab, `/admin/agents/${namelessId}`, NAMELESS.email, 'agent-detail-nameless')
    await page(tab, '/admin/extensions', 'Extensions', 'extensions')
    await page(tab, '/admin/audit', /Audit log/, 'audit')
    await page(tab, '/admin/freeswitch', 'FreeSWITCH', 'freeswitch')
    await tab.expect4xx(() => page(tab, '/no/such/page', 'Page not found', 'not-found'))
    await tab.page.goto('/admin/agents')
    await tab.page.getByRole('button', { name: 'Log out' }).click()
    await tab.page.waitForURL(/\/login$/)
    await tab.login(ROOT.email, ROOT.password, /\/admin\/tenants$/)
    await page(tab, '/admin/tenants', /Tenants/, 'tenants')
    await page(tab, '/admin/clusters', 'FreeSWITCH clusters', 'clusters')
    await page(tab, `/admin/agents?tenant_id=${acme}`, /Agents/, 'superadmin-agents')
    tab.clean()
    await tab.close()
  })
}

test('superadmin creates a tenant and switches into it', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login(ROOT.email, ROOT.password, /\/admin\/tenants$/)
  await p.getByRole('button', { name: 'Create tenant' }).click()
  const form = p.getByRole('dialog', { name: 'Create tenant' })
  await form.getByLabel('Name').fill('Globex')
  await form.getByLabel('Pool size').fill('50')
  await form.getByRole('button', { name: 'Create tenant' }).click()
  await p.getByText('Tenant Globex created').waitFor()
  const row = p.getByRole('row').filter({ hasText: 'Globex' })
  await row.getByText('50 free of 50').waitFor()
  const globex = (await ad.api('GET', '/v1/admin/tenants?limit=500', rootToken)).body.tenants.find((t: { name: string }) => t.name === 'Globex')

  await p.reload() // the switcher lists the tenants it loaded
  await p.getByLabel('Tenant', { exact: true }).click()
  await p.getByRole('option', { name: 'Globex' }).click()
  await p.waitForURL(new RegExp(`/admin/agents\\?tenant_id=${globex.id}$`))
  await p.getByText('No agents yet. Add the first one.').waitFor()
  await p.getByRole('button', { name: 'Add agent' }).click()
  const add = p.getByRole('dialog', { name: 'Add agent' })
  await add.getByLabel('First name').fill('Gina')
  await add.getByLabel('Last name').fill('Globex')
  await add.getByLabel('Email', { exact: true }).fill('gina@globex.test')
  await add.getByRole('button', { name: 'Create agent' }).click()
  await p.getByRole('dialog', { name: 'Agent created' }).getByRole('button', { name: 'Done' }).click()
  await p.getByRole('row').filter({ hasText: 'gina@globex.test' }).waitFor()
  // The tenant stays chosen across pages.
  await p.getByRole('link', { name: 'Extensions' }).click()
  await p.waitForURL(new RegExp(`/admin/extensions\\?tenant_id=${globex.id}$`))
  await p.getByLabel('Pool figures').getByText('49').waitFor()
  const list = await ad.api('GET', `/v1/admin/agents?tenant_id=${globex.id}`, rootToken)
  assert.deepEqual(list.body.agents.map((a: { email: string }) => a.email), ['gina@globex.test'])

  // Suspend it, with the question first.
  await p.getByRole('link', { name: 'Tenants' }).click()
  await p.getByRole('button', { name: 'Suspend Globex' }).click()
  await p.getByRole('alertdialog', { name: 'Suspend Globex?' }).getByRole('button', { name: 'Suspend' }).click()
  await p.getByRole('button', { name: 'Activate Globex' }).waitFor()
  tab.clean()
  await tab.close()
})

test('clusters and nodes; the Event Socket password is write-only', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login(ROOT.email, ROOT.password, /\/admin\/tenants$/)
  await p.getByRole('link', { name: 'Clusters' }).click()
  await p.getByRole('button', { name: 'Create cluster' }).click()
  const cf = p.getByRole('dialog', { name: 'Create cluster' })
  await cf.getByLabel('Name').fill('Paris')
  await cf.getByLabel('WebSocket URL (ws:// or wss://)').fill('not a url')
  await tab.expect4xx(async () => {
    await cf.getByRole('button', { name: 'Save cluster' }).click()
    await cf.locator('small').filter({ hasText: /websocket_url|WebSocket|ws/i }).first().waitFor()
  })
  await cf.getByLabel('WebSocket URL (ws:// or wss://)').fill('wss://par.test:7443')
  await cf.getByRole('button', { name: 'Save cluster' }).click()
  const card = p.getByRole('group', { name: 'Cluster Paris' })
  await card.waitFor()
  await card.getByRole('button', { name: 'Add node to Paris' }).click()
  const nf = p.getByRole('dialog', { name: 'Add node' })
  await nf.getByLabel('Name').fill('fs1')
  await nf.getByLabel('Event Socket host').fill('127.0.0.1')
  await nf.getByLabel('Event Socket password').fill(ESL_SECRET)
  await nf.getByRole('button', { name: 'Save node' }).click()
  await card.getByText('fs1').waitFor()
  await card.getByRole('button', { name: 'Edit node fs1' }).click()
  const ef = p.getByRole('dialog', { name: 'Edit node' })
  assert.equal(await ef.getByLabel('Event Socket password').inputValue(), '')
  await ef.getByText('Leave empty to keep it.').waitFor()
  await ef.getByLabel('Sofia profile').fill('external')
  await ef.getByRole('button', { name: 'Save node' }).click()
  await card.getByText(/external/).waitFor()
  assert.ok(!(await p.content()).includes(ESL_SECRET))
  const stored = await ad.api('GET', '/v1/admin/freeswitch/clusters?limit=500', rootToken)
  assert.ok(!JSON.stringify(stored.body).includes(ESL_SECRET))
  await tab.shot('clusters-edited')
  // Resync, node removal and cluster deletion each ask first, then say it was done.
  await p.getByRole('link', { name: 'FreeSWITCH', exact: true }).click()
  await p.getByRole('button', { name: 'Resync Paris' }).click()
  await p.getByRole('alertdialog', { name: 'Resync Paris?' }).getByRole('button', { name: 'Resync' }).click()
  await p.getByText('Resync of Paris queued').waitFor()
  await p.getByRole('link', { name: 'Clusters' }).click()
  await card.getByRole('button', { name: 'Remove node fs1' }).click()
  await p.getByRole('alertdialog', { name: 'Remove node fs1?' }).getByRole('button', { name: 'Remove node' }).click()
  await p.getByText('Node fs1 removed').waitFor()
  await card.getByText('fs1').waitFor({ state: 'detached' })
  await card.getByRole('button', { name: 'Delete cluster Paris' }).click()
  await p.getByRole('alertdialog', { name: 'Delete cluster Paris?' }).getByRole('button', { name: 'Delete cluster' }).click()
  await p.getByText('Cluster Paris deleted').waitFor()
  await card.waitFor({ state: 'detached' })
  tab.clean()
  await tab.close()
})

test('over HTTPS with a throwaway certificate', async () => {
  const tls = new Agentdesk().useTls()
  const t = tls.tenant('Secure')
  tls.user(t, 'admin@secure.test', 'secure-password-1', 'admin', 'Sec', 'Ure')
  await tls.start()
  try {
    assert.ok(tls.webUrl.startsWith('https://'))
    const tab = await Tab.open(browser, tls.webUrl)
    await tab.login('admin@secure.test', 'secure-password-1', /\/admin\/agents$/)
    await tab.page.getByRole('heading', { name: /Agents/ }).waitFor()
    assert.equal(await tab.page.evaluate(() => window.isSecureContext), true, 'a secure context (the desk needs the microphone)')
    tab.clean()
    await tab.close()
  } finally {
    await tls.stop()
  }
})

test('a user without a name is listed and headed by its email', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  await p.getByRole('table', { name: 'Agents' }).getByRole('row').filter({ hasText: NAMELESS.email }).waitFor()
  // The name cell links with the email as its text (axe link-name: no empty link).
  const link = p.getByRole('link', { name: NAMELESS.email, exact: true })
  assert.equal(await link.count(), 1)
  await tab.axe('agents with a nameless user')
  await link.click()
  await p.waitForURL(new RegExp(`/admin/agents/${namelessId}$`))
  await p.getByRole('heading', { name: NAMELESS.email, level: 1 }).waitFor()
  await tab.axe('the nameless user\'s page')
  tab.clean()
  await tab.close()
})
