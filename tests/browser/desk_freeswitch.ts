// The agent desk in Chromium against the real FreeSWITCH (issue 11's flows
// 1–9): first login to Connected, echo test with audio, two agents calling
// each other (mute, hold, DTMF seen by FreeSWITCH), a queue call (issue
// 19: Available in the desk, offered, answered, on the board), a call to another
// tenant refused, SIP-password rotation, suspension, a FreeSWITCH
// restart, the identity provider's deactivation through SCIM (issue 21),
// secrets nowhere in the page's storage, one desk per browser,
// and the insecure-context message. Runs inside netns.sh (only `lo`).
import { after, afterEach, before, test } from 'node:test'
import type { Page } from 'playwright-core'
import { Tab, assert } from './harness.ts'
import {
  type Agent, Rig, audioFlows, deskTab, dial, firstLogin, heading, idle, inboundOver, status, until, waitStatus,
} from './deskrig.ts'

const rig = new Rig()
let alice: Agent
let bob: Agent
let carol: Agent // tenant B
let ta: Tab
let tb: Tab
let tc: Tab

before(async () => {
  await rig.open({ browserArgs: ['--host-resolver-rules=MAP desk.test 127.0.0.1'] })
})

afterEach((t) => {
  if ((t as unknown as { error?: unknown }).error) rig.failed = true
})

after(async () => {
  for (const t of [ta, tb, tc]) await t?.close().catch(() => {})
  await rig.close()
})

test('1. an agent made through the API logs in, changes the password, and is Connected', async () => {
  alice = await rig.agent('A', 'Alice', 'Anders')
  bob = await rig.agent('A', 'Bob', 'Brown')
  carol = await rig.agent('B', 'Carol', 'Clark')
  ta = await deskTab(rig)
  const t0 = Date.now()
  await firstLogin(ta, alice)
  console.log(`alice: first login to Connected in ${Date.now() - t0} ms`)
  await rig.registered(alice, 'a.example', 1)
  tb = await deskTab(rig)
  await firstLogin(tb, bob)
  tc = await deskTab(rig)
  await firstLogin(tc, carol)
  await rig.registered(carol, 'b.example', 1)
  await ta.axe('desk, connected')
  for (const t of [ta, tb, tc]) t.clean()
})

test('2. echo test: answered, audio flows, hang up', async () => {
  const p = ta.page
  await p.getByRole('button', { name: 'Echo test' }).click()
  await heading(p, 'In call')
  await audioFlows(p)
  await p.getByRole('button', { name: 'Hang up' }).click()
  await idle(p)
  ta.clean()
})

test('3. two agents: ring with the name, answer, audio, mute, hold, DTMF, hang up', async () => {
  const a = ta.page
  const b = tb.page
  await dial(a, bob.extension)
  await heading(b, 'Incoming call')
  await b.getByText(`Alice Anders (${alice.extension})`).waitFor()
  await b.getByRole('button', { name: 'Answer' }).click()
  await heading(a, 'In call')
  await heading(b, 'In call')
  await audioFlows(a)
  await audioFlows(b)
  await ta.shot('desk-in-call')
  // B's audio energy per 25 packets (half a second) before and after A mutes:
  // it falls below a tenth once what was in flight before the mute has arrived.
  const loud = (await inboundOver(b, 100)).energy / 4
  assert.ok(loud > 0, `B hears A: ${loud}`)
  await a.getByRole('button', { name: 'Mute' }).click()
  await a.getByRole('button', { name: 'Unmute' }).waitFor()
  let muted = loud
  await until('mute stops B\'s audio energy', 20_000, async () => {
    muted = (await inboundOver(b, 25)).energy
    return muted < loud / 10 ? true : undefined
  }).catch((e) => { throw new Error(`${e}: ${loud} → ${muted}`) })
  await a.getByRole('button', { name: 'Unmute' }).click()
  await a.getByRole('button', { name: 'Send 5' }).click()
  const ev = (await rig.fs.cmd({ cmd: 'wait_event', name: 'DTMF', match: { 'DTMF-Digit': '5' }, timeout: 20 })).event
  assert.ok(ev, 'FreeSWITCH saw DTMF 5; its log: ' +
            JSON.stringify((await rig.fs.cmd({ cmd: 'log_grep', pattern: 'DTMF' })).lines.slice(-8)))
  assert.ok(JSON.stringify(ev).includes(alice.extension), 'on Alice\'s channel')
  await a.getByRole('button', { name: 'Hold' }).click()
  await heading(a, 'On hold')
  await a.getByRole('button', { name: 'Resume' }).click()
  await heading(a, 'In call')
  await a.getByRole('button', { name: 'Hang up' }).click()
  await idle(a)
  await idle(b)
  ta.clean()
  tb.clean()
})

test('3q. a queue call: Available in the desk, the caller rings the queue, the desk shows the queue, audio both ways, the board follows', async () => {
  const a = ta.page
  const b = tb.page
  const q = await rig.ad.api('POST', '/v1/admin/queues', rig.admins.A, { name: 'Support', number: '7000', strategy: 'longest-idle-agent' })
  assert.equal(q.status, 201, JSON.stringify(q.body))
  const qid: number = q.body.queue.id
  const m = await rig.ad.api('PUT', `/v1/admin/queues/${qid}/members`, rig.admins.A, { members: [{ agent_id: alice.id }] })
  assert.equal(m.status, 200, JSON.stringify(m.body))
  const live = async () => {
    const r = await rig.ad.api('GET', `/v1/admin/queues/${qid}/live`, rig.admins.A)
    assert.equal(r.status, 200, JSON.stringify(r.body))
    return r.body.live
  }
  // What the product promises: the agent clicks Available, calls start ringing.
  const box = a.getByRole('region', { name: 'Queue calls' })
  await box.getByText('Your queues: Support').waitFor({ timeout: 20_000 })
  await box.getByRole('button', { name: 'Available for queue calls' }).click()
  await a.getByTestId('queue-status').filter({ hasText: /^Available/ }).waitFor()
  await until('the status applied on FreeSWITCH', 20_000, async () =>
    (await rig.fs.esl(`callcenter_config agent get status u${alice.id}`)).trim() === 'Available' || undefined)
  await a.getByTestId('queue-status').getByText('pending').waitFor({ state: 'detached' })
  const t0 = Date.now()
  await dial(b, '7000')
  const waiting = await until('the caller on the board', 10_000, async () => {
    const w = (await live()).waiting
    return w.length === 1 ? w[0] : undefined
  })
  console.log(`queue: the caller on the board ${Date.now() - t0} ms after dialling (${waiting.state})`)
  assert.equal(waiting.caller_number, bob.extension)
  await heading(a, 'Incoming queue call')
  await a.getByText('Queue Support').waitFor()
  await ta.shot('desk-queue-offer')
  await a.getByRole('button', { name: 'Answer' }).click()
  await heading(a, 'In call')
  await heading(b, 'In call')
  await audioFlows(a)
  await audioFlows(b)
  const answered = await until('answered by Alice on the board', 10_000, async () => {
    const w = (await live()).waiting
    return w.length === 1 && w[0].state === 'answered' ? w[0] : undefined
  })
  assert.equal(answered.agent_id, alice.id)
  await b.getByRole('button', { name: 'Hang up' }).click()
  await idle(a)
  await idle(b)
  await until('the board empty again', 10_000, async () => ((await live()).waiting.length === 0 ? true : undefined))
  await box.getByRole('button', { name: 'Log out of queues' }).click()
  await a.getByTestId('queue-status').filter({ hasText: /^Logged out/ }).waitFor()
  ta.clean()
  tb.clean()
})

test('4. a call to another tenant fails with a message; nothing rings there', async () => {
  const a = ta.page
  await dial(a, carol.extension)
  await a.getByRole('alert').filter({ hasText: /cannot be reached|failed|not available/ }).waitFor({ timeout: 20_000 })
  await idle(a)
  assert.equal(await tc.page.getByRole('heading', { name: 'Incoming call' }).count(), 0)
  ta.clean()
  tc.clean()
})

test('6. the admin rotates the SIP password: the desk registers again by itself', async () => {
  await rig.fs.cmd({ cmd: 'clear_events' })
  const t0 = Date.now()
  const r = await rig.ad.api('POST', `/v1/admin/extensions/${alice.extensionId}/rotate-password`, rig.admins.A)
  assert.equal(r.status, 200, JSON.stringify(r.body))
  // FreeSWITCH drops the registration (NOTIFY check-sync), the desk's
  // REGISTER with the old password is refused, /me gives the new one, and
  // FreeSWITCH accepts a REGISTER again: only the new password can do that.
  const ev = (await rig.fs.cmd({ cmd: 'wait_event', name: 'sofia::register',
                                 match: { username: alice.extension }, timeout: 30 })).event
  assert.ok(ev, 'registered again after the rotation')
  console.log(`rotation: desk registered again after ${Date.now() - t0} ms`)
  await waitStatus(ta.page, `Extension ${alice.extension} – Connected`)
  await rig.registered(alice, 'a.example', 1)
  ta.clean()
})

test('7. suspension: message, back to login, registration gone; reactivated agent connects again', async () => {
  const p = ta.page
  await ta.expect4xx(async () => {
    const t0 = Date.now()
    const r = await rig.ad.api('PATCH', `/v1/admin/agents/${alice.id}`, rig.admins.A, { status: 'suspended' })
    assert.equal(r.status, 200, JSON.stringify(r.body))
    await p.waitForURL(/\/login$/, { timeout: 30_000 })
    await p.getByText('Your account was suspended or removed – contact your administrator').waitFor()
    console.log(`suspension: desk at login after ${Date.now() - t0} ms`)
  })
  await rig.registered(alice, 'a.example', 0)
  const r = await rig.ad.api('PATCH', `/v1/admin/agents/${alice.id}`, rig.admins.A, { status: 'active' })
  assert.equal(r.status, 200)
  await ta.login(alice.email, alice.password, /\/desk$/)
  await waitStatus(p, `Extension ${alice.extension} – Connected`)
  await rig.registered(alice, 'a.example', 1)
  ta.clean()
})

test('7s. the identity provider deactivates the agent (SCIM, as Entra ID sends it): registration gone within 2 s, the desk says so, login refused; reactivated, it connects again', async () => {
  const p = ta.page
  const made = await rig.ad.api('POST', '/v1/admin/scim/tokens', rig.admins.A, { name: 'Entra ID' })
  assert.equal(made.status, 201, JSON.stringify(made.body))
  const scim = made.body.token as string
  const found = await rig.ad.api('GET', `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${alice.email}"`)}`, scim)
  assert.equal(found.status, 200, JSON.stringify(found.body))
  assert.equal(found.body.totalResults, 1)
  const uid = found.body.Resources[0].id as string
  const patch = (value: unknown) => rig.ad.api('PATCH', `/scim/v2/Users/${uid}`, scim, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'Replace', path: 'active', value }],
  })
  await ta.expect4xx(async () => {
    const t0 = Date.now()
    const r = await patch('False') // Entra ID sends the boolean as a string
    assert.equal(r.status, 200, JSON.stringify(r.body))
    await rig.registered(alice, 'a.example', 0, 2_000)
    console.log(`scim active=false: registration gone after ${Date.now() - t0} ms (limit 2000)`)
    await p.waitForURL(/\/login$/, { timeout: 30_000 })
    await p.getByText('Your account was suspended or removed – contact your administrator').waitFor()
    console.log(`scim active=false: desk at login after ${Date.now() - t0} ms`)
    const login = await rig.ad.api('POST', '/v1/auth/login', undefined, { email: alice.email, password: alice.password })
    assert.equal(login.status, 401, 'a deactivated agent cannot log in')
  })
  const r = await patch(true) // Okta sends a boolean
  assert.equal(r.status, 200, JSON.stringify(r.body))
  await ta.login(alice.email, alice.password, /\/desk$/)
  await waitStatus(p, `Extension ${alice.extension} – Connected`)
  await rig.registered(alice, 'a.example', 1)
  ta.clean()
})

test('8. FreeSWITCH stopped and started: the desk shows the outage, then Connected', async () => {
  const p = ta.page
  const before = ta.problems.length
  await rig.fs.cmd({ cmd: 'stop' })
  await waitStatus(p, /Disconnected – retrying in \d+ s/)
  await rig.fs.cmd({ cmd: 'start' })
  const t0 = Date.now()
  await waitStatus(p, `Extension ${alice.extension} – Connected`, 60_000)
  console.log(`restart: Connected ${Date.now() - t0} ms after FreeSWITCH was ready`)
  await rig.fs.cmd({ cmd: 'events', names: 'DTMF CUSTOM sofia::register sofia::unregister' })
  // Chromium says each refused WebSocket on the console: the outage, on purpose.
  const provoked = ta.problems.splice(before).filter((m) => !/WebSocket connection to 'wss?:\/\/127\.0\.0\.1:\d+\/?' failed/.test(m))
  assert.deepEqual(provoked, [])
  for (const t of [tb, tc]) t.problems.splice(0, t.problems.length, ...t.problems.filter((m) => !/WebSocket connection/.test(m)))
  await waitStatus(tb.page, `Extension ${bob.extension} – Connected`, 60_000)
  ta.clean()
})

test('9. the SIP password is in no storage, cache or console; a second tab does not register twice', async () => {
  const p = ta.page
  const token = await p.evaluate(() => JSON.parse(sessionStorage.getItem('agentdesk.session') ?? '{}').token)
  const me = await rig.ad.api('GET', '/v1/auth/me', token)
  assert.equal(me.status, 200)
  assert.equal(me.headers.get('cache-control'), 'no-store')
  const secret: string = me.body.data.extensions[0].sip_password
  assert.ok(secret.length >= 16)
  const consoleText: string[] = []
  p.on('console', (m) => consoleText.push(m.text()))
  // After a call too.
  await p.getByRole('button', { name: 'Echo test' }).click()
  await heading(p, 'In call')
  await p.getByRole('button', { name: 'Hang up' }).click()
  await idle(p)
  const dump = await p.evaluate(async () => {
    const out: Record<string, unknown> = { local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie,
                                           url: location.href, history: history.length }
    const dbs = await indexedDB.databases()
    out.indexedDB = dbs
    const caches_: Record<string, string[]> = {}
    for (const name of await caches.keys()) {
      const c = await caches.open(name)
      caches_[name] = []
      for (const req of await c.keys()) caches_[name].push(req.url + ' ' + await (await c.match(req))!.text())
    }
    out.caches = caches_
    out.resources = performance.getEntriesByType('resource').map((e) => e.name)
    return JSON.stringify(out)
  })
  assert.ok(!dump.includes(secret), 'the SIP password is in the page storage: ' + dump)
  const cookies = JSON.stringify(await ta.context.cookies())
  assert.ok(!cookies.includes(secret))
  assert.ok(!consoleText.join('\n').includes(secret))
  // One desk per agent per browser: a second tab of the same browser.
  const p2 = await ta.context.newPage()
  const errors: string[] = []
  p2.on('pageerror', (e) => errors.push(e.message))
  await p2.goto('/login')
  await p2.getByLabel('Email').fill(alice.email)
  await p2.getByLabel('Password', { exact: true }).fill(alice.password)
  await p2.getByRole('button', { name: 'Log in' }).click()
  await p2.waitForURL(/\/desk$/)
  await waitStatus(p2, 'The desk is open in another tab')
  await p2.getByText('The desk is open in another tab of this browser.').waitFor()
  assert.equal(await rig.fs.registrations(`${alice.extension}@a.example`), 1)
  await p2.getByRole('button', { name: 'Use the desk here' }).click()
  await waitStatus(p2, `Extension ${alice.extension} – Connected`)
  await waitStatus(p, 'The desk is open in another tab')
  // The first tab unregistered its contact; the second registered its own.
  await rig.registered(alice, 'a.example', 1, 40_000).catch(async (e) => {
    throw new Error(`${e}: ${await rig.fs.esl(`sofia status profile internal reg ${alice.extension}@a.example`)}`)
  })
  // Closing the last tab unregisters.
  await p2.close({ runBeforeUnload: true })
  await rig.registered(alice, 'a.example', 0)
  assert.deepEqual(errors, [])
  ta.clean()
})

test('10a. plain HTTP on a non-local host: the desk says it needs HTTPS', async () => {
  const t = await Tab.open(rig.browser, rig.ad.webUrl.replace('127.0.0.1', 'desk.test'))
  try {
    await t.login(bob.email, bob.password, /\/desk$/)
    await waitStatus(t.page, /needs HTTPS/)
    t.clean()
  } finally {
    await t.close()
  }
})
