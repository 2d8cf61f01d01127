// A call that cannot start says why within seconds: Chromium without
// --allow-loopback-in-peer-connection, in a namespace with only `lo`,
// gathers no usable ICE candidate, and JsSIP alone would wait forever
// before sending the INVITE. The desk's gathering timeout ends the call
// with a reason. Registration needs no ICE: the desk is Connected first.
import { after, afterEach, before, test } from 'node:test'
import { chromium, type Browser } from 'playwright-core'
import { Tab, assert } from './harness.ts'
import { MEDIA_FLAGS, Rig, firstLogin } from './deskrig.ts'

const rig = new Rig()
let noLoopback: Browser

before(async () => {
  await rig.open()
  noLoopback = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage',
           ...MEDIA_FLAGS.filter((f) => f !== '--allow-loopback-in-peer-connection')],
  })
})

afterEach((t) => {
  if ((t as unknown as { error?: unknown }).error) rig.failed = true
})

after(async () => {
  await noLoopback?.close().catch(() => {})
  await rig.close()
})

test('no usable ICE candidate: the echo test call ends with the reason within seconds', async () => {
  const agent = await rig.agent('A', 'Ivy', 'Ice')
  const tab = await Tab.open(noLoopback, rig.ad.webUrl)
  await firstLogin(tab, agent)
  const t0 = Date.now()
  await tab.page.getByRole('button', { name: 'Echo test' }).click()
  await tab.page.getByRole('alert').filter({ hasText: 'ICE gathering timed out' }).waitFor({ timeout: 15_000 })
  const took = Date.now() - t0
  assert.ok(took < 10_000, `said within seconds (${took} ms)`)
  await tab.page.getByLabel('Number').waitFor()
  tab.clean()
  await tab.close()
})
