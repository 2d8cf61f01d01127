// Webhooks and moving an extension in the portal (issue 21), against the
// real binary and a receiver on 127.0.0.1 (loopback allowed by
// AGENTDESK_WEBHOOK_ALLOW_PRIVATE): an admin adds an endpoint and reads its
// secret once, sends a test event (the receiver checks the signature with
// that secret), sees the delivery in the log with its status, disables the
// endpoint; then moves an extension to another agent from the Extensions
// page. Screenshots of the pages.
import { createHmac } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { after, before, test } from 'node:test'
import type { Browser } from 'playwright-core'
import { Agentdesk, Tab, assert, freePort, gone, launch, until } from './harness.ts'

let ad: Agentdesk
let browser: Browser
let receiver: Server
let receiverPort = 0
let adminToken: string
const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = []
const ADMIN = { email: 'admin@acme.test', password: 'admin-password-1' }
const agents: Record<string, { id: number; extension: string; extensionId: number }> = {}

before(async () => {
  receiverPort = await freePort()
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() })
      res.writeHead(200, { 'Content-Length': '0' })
      res.end()
    })
  })
  await new Promise<void>((ok) => receiver.listen(receiverPort, '127.0.0.1', ok))
  ad = new Agentdesk({ AGENTDESK_WEBHOOK_ALLOW_PRIVATE: 'true' })
  const acme = ad.tenant('Acme')
  ad.user(acme, ADMIN.email, ADMIN.password, 'admin', 'Ada', 'Admin')
  await ad.start()
  browser = await launch()
  adminToken = await ad.login(ADMIN.email, ADMIN.password)
  for (const [first, last] of [['Ann', 'Able'], ['Bob', 'Baker']]) {
    const r = await ad.api('POST', '/v1/admin/agents', adminToken, { first_name: first, last_name: last, email: `${first.toLowerCase()}@acme.test` })
    assert.equal(r.status, 201, JSON.stringify(r.body))
    const x = r.body.agent.extensions[0]
    agents[first] = { id: r.body.agent.id, extension: x.extension, extensionId: x.id }
  }
})

after(async () => {
  await browser?.close()
  await ad?.stop()
  receiver?.close()
})

/** A new tab, the admin logged in, on the portal page behind link. */
async function portalPage(link: string): Promise<Tab> {
  const tab = await Tab.open(browser, ad.webUrl)
  await tab.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  await tab.page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: link }).click()
  await tab.page.getByRole('heading', { name: link, level: 1 }).waitFor()
  return tab
}

test('webhooks: added with its secret shown once, a signed test event, the delivery log, disabled', async () => {
  const tab = await portalPage('Webhooks')
  const p = tab.page
  await p.getByText('No endpoints yet.').waitFor()
  await tab.axe('webhooks, empty')

  // The form says what is wrong before anything is sent.
  await p.getByLabel('Receiver URL').fill('ftp://nowhere')
  await p.getByRole('button', { name: 'Add endpoint' }).click()
  await p.getByText("Enter the receiver's address: http:// or https://, then its host.").waitFor()
  const url = `http://127.0.0.1:${receiverPort}/hook`
  await p.getByLabel('Receiver URL').fill(url)
  await p.getByLabel('Description').fill('CRM sync')
  await p.getByLabel('Phone registered or unregistered').check()
  await p.getByRole('button', { name: 'Add endpoint' }).click()
  const dialog = p.getByRole('dialog', { name: 'Signing secret' })
  await dialog.waitFor()
  const secret = await dialog.getByLabel('Secret', { exact: true }).inputValue()
  assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/)
  await tab.shot('webhooks-secret')
  await dialog.getByRole('button', { name: 'Done' }).click()
  await dialog.waitFor({ state: 'hidden' })
  const table = p.getByRole('table', { name: 'Endpoints' })
  await table.getByRole('cell', { name: url, exact: true }).waitFor()
  // Never again: not on the page, not in what the list answers.
  assert.equal(await p.getByText(secret).count(), 0)
  const list = await ad.api('GET', '/v1/admin/webhooks', adminToken)
  assert.ok(!JSON.stringify(list.body).includes(secret))
  assert.deepEqual(list.body.webhooks[0].events, ['agent.created', 'agent.updated', 'agent.deleted', 'registration.changed'])

  // A test event: signed with that secret.
  await p.getByRole('button', { name: `Send a test event to ${url}` }).click()
  await p.getByText('Test event queued').waitFor()
  const event = await until('the test event', 15_000, async () => received.find((r) => r.body.includes('webhook.test')))
  const parts = Object.fromEntries(String(event.headers['agentdesk-signature']).split(',').map((kv) => kv.split('=', 2)))
  const want = createHmac('sha256', secret).update(`${parts.t}.${event.body}`).digest('hex')
  assert.equal(parts.v1, want)
  assert.equal(JSON.parse(event.body).type, 'webhook.test')

  // The delivery log: delivered, 200.
  await gone(p, 'Test event queued')
  await p.getByRole('button', { name: `Deliveries to ${url}` }).click()
  const log = p.getByRole('dialog', { name: `Deliveries to ${url}` })
  await until('the delivery recorded', 15_000, async () => {
    if (await log.getByRole('cell', { name: 'delivered' }).count()) return true
    await log.getByRole('button', { name: 'Refresh' }).click()
    return undefined
  })
  await log.getByRole('cell', { name: '200', exact: true }).waitFor()
  await tab.axe('webhooks, delivery log')
  await tab.shot('webhooks-deliveries')
  await log.getByRole('button', { name: 'Done' }).click()

  // Disabled: no test event can be sent, and the list says so.
  await p.getByRole('button', { name: `Disable ${url}` }).click()
  await p.getByText('Endpoint disabled').waitFor()
  await table.getByRole('cell', { name: 'Disabled', exact: true }).waitFor()
  assert.ok(await p.getByRole('button', { name: `Send a test event to ${url}` }).isDisabled())
  await tab.shot('webhooks')
  await tab.close()
})

test('extensions: moved to another agent from the Extensions page', async () => {
  const tab = await portalPage('Extensions')
  const p = tab.page
  const ann = agents.Ann
  await p.getByRole('button', { name: `Move extension ${ann.extension} to another agent` }).click()
  const dialog = p.getByRole('dialog', { name: `Move extension ${ann.extension}` })
  await dialog.waitFor()
  await dialog.getByRole('button', { name: 'Move extension' }).click()
  await dialog.getByText('Choose the agent who gets the extension.').waitFor()
  await dialog.getByLabel('New holder', { exact: true }).click()
  await p.getByRole('option', { name: /Bob Baker/ }).click()
  await tab.axe('extensions, move dialog')
  await tab.shot('extensions-move')
  await dialog.getByRole('button', { name: 'Move extension' }).click()
  await p.getByText(`Extension ${ann.extension} moved`).waitFor()
  await dialog.waitFor({ state: 'hidden' })
  const r = await ad.api('GET', `/v1/admin/extensions/${ann.extensionId}`, adminToken)
  assert.equal(r.body.extension.user_id, agents.Bob.id)
  await tab.close()
})
