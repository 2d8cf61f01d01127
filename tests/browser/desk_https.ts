// Issue 11's flow 10: the desk over HTTPS (agentdesk with a throwaway
// certificate) registering over `wss` to FreeSWITCH's wss-binding (its
// self-signed certificate from the first start), and an echo test with
// audio. Chromium is told to accept the throwaway certificates
// (--ignore-certificate-errors). Runs inside netns.sh (only `lo`).
import { after, afterEach, before, test } from 'node:test'
import { assert } from './harness.ts'
import { Rig, audioFlows, deskTab, firstLogin } from './deskrig.ts'

const rig = new Rig()

before(async () => {
  // The harness's API calls (node's fetch) accept the throwaway certificate too.
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'
  await rig.open({ tls: true, browserArgs: ['--ignore-certificate-errors'] })
})

afterEach((t) => {
  if ((t as unknown as { error?: unknown }).error) rig.failed = true
})

after(async () => {
  await rig.close()
})

test('10. the desk over HTTPS registers over wss and calls the echo test', async () => {
  assert.match(rig.ad.webUrl, /^https:\/\//)
  const me = await rig.ad.api('GET', '/v1/auth/me', rig.admins.A)
  assert.match(me.body.data.sipConfig.websocketUrl, /^wss:\/\/127\.0\.0\.1:\d+$/)
  const agent = await rig.agent('A', 'Tess', 'Tls')
  const tab = await deskTab(rig)
  await firstLogin(tab, agent)
  assert.equal(await tab.page.evaluate(() => window.isSecureContext && location.protocol), 'https:')
  await rig.registered(agent, 'a.example', 1)
  await tab.page.getByRole('button', { name: 'Echo test' }).click()
  await tab.page.getByRole('heading', { name: 'In call' }).waitFor({ timeout: 20_000 })
  await audioFlows(tab.page)
  await tab.page.getByRole('button', { name: 'Hang up' }).click()
  await tab.page.getByLabel('Number').waitFor()
  tab.clean()
  await tab.close()
})
