// Issue 11's flow 10: the desk over HTTPS (agentdesk with a throwaway
// certificate) registering over `wss` to FreeSWITCH's wss-binding (its
// self-signed certificate from the first start), and an echo test with
// audio. Chromium is told to accept the throwaway certificates
// (--ignore-certificate-errors). Runs inside netns.sh (only `lo`).
import { after, afterEach, before, test } from 'node:test'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { assert } from './harness.ts'
import { Rig, audioFlows, deskTab, firstLogin } from './deskrig.ts'

const rig = new Rig()
const certs = mkdtempSync(join(tmpdir(), 'agentdesk-desk-tls-'))

before(async () => {
  const cert = join(certs, 'cert.pem')
  const key = join(certs, 'key.pem')
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
                           '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1',
                           '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' })
  // The harness's own API calls (node's fetch) trust it too: it is this test's.
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'
  await rig.open({ tls: { cert, key }, browserArgs: ['--ignore-certificate-errors'] })
})

afterEach((t) => {
  if ((t as unknown as { error?: unknown }).error) rig.failed = true
})

after(async () => {
  await rig.close()
  rmSync(certs, { recursive: true, force: true })
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
