// The agent desk's figures against the real FreeSWITCH on loopback (the
// browser tests' rig, tests/browser/deskrig.ts), printed beside their
// targets; nothing passes or fails on time. Run inside
// tests/browser/netns.sh with AGENTDESK_FREESWITCH_DIR set (bench/run.sh does).
//   1. login click to "Extension N – Connected": median of 10 (target < 1.5 s)
//   2. suspension and SIP-password rotation to the desk's new state:
//      median of 5 each (target < 2 s)
//   3. compressed JS+CSS the desk loads (target <= 250 KB)
//   4. blind transfer: "Transfer now" (the REFER) to the target's desk
//      ringing, and to the caller bridged to the target (the bench answers
//      the moment it rings: In call on the caller's and the target's desk),
//      median of 10
import type { Page } from 'playwright-core'
import { Tab } from '../tests/browser/harness.ts'
import { Rig, connect, deskTab, firstLogin, hangUp, heading, idle, waitStatus, type Agent } from '../tests/browser/deskrig.ts'

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

function line(what: string, ms: number[], target: string) {
  console.log(`  ${what}: median ${median(ms).toFixed(0)} ms (min ${Math.min(...ms).toFixed(0)}, max ${Math.max(...ms).toFixed(0)}, n=${ms.length})   target ${target}`)
}

async function loginToConnected(rig: Rig, a: Agent): Promise<number> {
  const tab = await deskTab(rig)
  const p = tab.page
  await p.goto('/login')
  await p.getByLabel('Email').fill(a.email)
  await p.getByLabel('Password', { exact: true }).fill(a.password)
  const t0 = performance.now()
  await p.getByRole('button', { name: 'Log in' }).click()
  await waitStatus(p, `Extension ${a.extension} – Connected`)
  const ms = performance.now() - t0
  await p.getByRole('button', { name: 'Log out', exact: true }).click()
  await p.waitForURL(/\/login$/)
  await rig.registered(a, 'a.example', 0)
  await tab.close()
  return ms
}

async function deskBytes(p: Page): Promise<{ js: number; css: number; files: number }> {
  return p.evaluate(() => {
    const out = { js: 0, css: 0, files: 0 }
    for (const e of performance.getEntriesByType('resource') as PerformanceResourceTiming[]) {
      const path = new URL(e.name).pathname
      if (path.endsWith('.js')) out.js += e.encodedBodySize
      else if (path.endsWith('.css')) out.css += e.encodedBodySize
      else continue
      out.files++
    }
    return out
  })
}

async function main() {
const rig = new Rig()
try {
  await rig.open()
  const a = await rig.agent('A', 'Bench', 'Agent')
  const first = await deskTab(rig)
  await firstLogin(first, a)
  await first.page.getByRole('button', { name: 'Log out', exact: true }).click()
  await first.close()
  await rig.registered(a, 'a.example', 0)

  console.log('== agent desk, real FreeSWITCH on loopback')
  const logins: number[] = []
  for (let i = 0; i < 10; i++) logins.push(await loginToConnected(rig, a))
  line('login click to Connected', logins, '< 1500 ms')

  // Page weight: a fresh context (cold cache), the desk after login.
  const tab = await deskTab(rig)
  await tab.page.goto('/login')
  await tab.page.getByLabel('Email').fill(a.email)
  await tab.page.getByLabel('Password', { exact: true }).fill(a.password)
  await tab.page.getByRole('button', { name: 'Log in' }).click()
  await waitStatus(tab.page, `Extension ${a.extension} – Connected`)
  const w = await deskBytes(tab.page)
  console.log(`  desk compressed JS+CSS: ${((w.js + w.css) / 1024).toFixed(1)} KB (JS ${(w.js / 1024).toFixed(1)}, CSS ${(w.css / 1024).toFixed(1)}, ${w.files} files)   target <= 250 KB`)

  // Rotation: until FreeSWITCH accepts the desk's REGISTER with the new password.
  const rotations: number[] = []
  for (let i = 0; i < 5; i++) {
    await rig.fs.cmd({ cmd: 'clear_events' })
    const t0 = performance.now()
    const r = await rig.ad.api('POST', `/v1/admin/extensions/${a.extensionId}/rotate-password`, rig.admins.A)
    if (r.status !== 200) throw new Error(JSON.stringify(r.body))
    const ev = (await rig.fs.cmd({ cmd: 'wait_event', name: 'sofia::register', match: { username: a.extension }, timeout: 30 })).event
    if (!ev) throw new Error('no re-registration after the rotation')
    rotations.push(performance.now() - t0)
    await waitStatus(tab.page, `Extension ${a.extension} – Connected`)
  }
  line('SIP-password rotation to registered again', rotations, '< 2000 ms')
  await tab.close()

  // Suspension: until the desk shows the message on the login page.
  const suspensions: number[] = []
  for (let i = 0; i < 5; i++) {
    const t: Tab = await deskTab(rig)
    await t.page.goto('/login')
    await t.page.getByLabel('Email').fill(a.email)
    await t.page.getByLabel('Password', { exact: true }).fill(a.password)
    await t.page.getByRole('button', { name: 'Log in' }).click()
    await waitStatus(t.page, `Extension ${a.extension} – Connected`)
    const t0 = performance.now()
    await rig.ad.api('PATCH', `/v1/admin/agents/${a.id}`, rig.admins.A, { status: 'suspended' })
    await t.page.getByText('Your account was suspended or removed – contact your administrator').waitFor({ timeout: 30_000 })
    suspensions.push(performance.now() - t0)
    await rig.ad.api('PATCH', `/v1/admin/agents/${a.id}`, rig.admins.A, { status: 'active' })
    await t.close()
  }
  line('suspension to the message on the login page', suspensions, '< 2000 ms')

  // Blind transfer: caller → transferor, REFER to the target.
  const desks: Tab[] = []
  for (const [first, last] of [['Caller', 'One'], ['Transfer', 'Two'], ['Target', 'Three']]) {
    const ag = await rig.agent('A', first, last)
    const t = await deskTab(rig)
    await firstLogin(t, ag)
    desks.push(t)
    ;(t as unknown as { agent: Agent }).agent = ag
  }
  const [caller, by, target] = desks.map((t) => t.page)
  const ext = (i: number) => (desks[i] as unknown as { agent: Agent }).agent.extension
  const rings: number[] = []
  const bridged: number[] = []
  for (let i = 0; i < 10; i++) {
    await connect(caller, by, ext(1))
    await by.getByRole('button', { name: 'Transfer', exact: true }).click()
    await by.getByLabel('Transfer to', { exact: true }).fill(ext(2))
    const t0 = performance.now()
    await by.getByRole('button', { name: 'Transfer now' }).click()
    await heading(target, 'Incoming call')
    rings.push(performance.now() - t0)
    await target.getByRole('button', { name: 'Answer' }).click()
    await heading(target, 'In call')
    bridged.push(performance.now() - t0)
    await idle(by)
    await hangUp(target, caller)
  }
  line('blind transfer: REFER to the target ringing', rings, '(none)')
  line('blind transfer: REFER to caller and target bridged (answered at once)', bridged, '(none)')
} finally {
  await rig.close()
}
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
