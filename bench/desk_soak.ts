// A desk left open for a working day does not grow (issue 20): one agent's
// desk in Chromium, logged in, against the real FreeSWITCH on loopback
// (the browser tests' rig, tests/browser/deskrig.ts), takes and places 100
// short calls spread over DURATION, while its page's clock is pushed
// through 8 simulated hours; its JS heap (after a forced GC) and DOM nodes
// are printed at the start (after WARMUP calls) and at the end, with the
// growth beside the target (< 10 %), and a sample every 10 calls. Figures
// only: nothing passes or fails on size or time, but the bench stops with
// an error when a call does not go as it should (a heading, a ring, a DTMF
// digit FreeSWITCH does not see, a voicemail message not counted).
// Run inside tests/browser/netns.sh with AGENTDESK_FREESWITCH_DIR set
// (bench/run.sh does).
//
// What is real: FreeSWITCH, agentdesk, Chromium, the SIP signalling over
// WebSocket, the media (fake microphone), every HTTP request and the live
// event stream; the calls and their real-time durations; the history,
// directory presence and voicemail count that agentdesk serves.
// What is simulated: the passage of 8 hours inside the agent's page only.
// Playwright's page.clock (playwright-core 1.49: install/runFor) replaces
// the page's Date, performance.now, setTimeout and setInterval; time runs
// at the real pace (so calls and their timers behave as usual) and, between
// calls after the warm-up, the bench runs it forward by 8 h / (100 -
// WARMUP) in 15 s steps (each step fires every timer due, then lets the
// page breathe), so the 8 hours lie between the start and the end figures
// and everything the desk does on a timer happens as often as in 8 hours:
// the header clock's 1 s tick (28,800 times), the token check every 15 s,
// /me every 60 s, the voicemail count every 30 s, the live hub's 1 s
// heartbeat, JsSIP's registration refresh (real REGISTERs to FreeSWITCH,
// at the interval its expiry gives). Not simulated: the server's clock.
// The page's Date runs ahead of the server's by up to 8 h, so the desk
// renews its token as its 8-hour life (AGENTDESK_TOKEN_TTL's default)
// nears its end in page time, and then at more of its 15 s checks as the
// page's clock catches up with the real expiry: more renewals than a real
// day's one, never fewer. FreeSWITCH's registrations and agentdesk's
// session expire on real time (30 minutes of it), which stays within them.
//
// What the heap figure holds beside the desk's objects (SOAK_SNAPSHOTS
// shows it): V8's compiled code, which grows as more of the desk's code
// is optimised, and buffers of the browser's own, each capped: the
// performance timeline's entries (resource timing stops at 250) and the
// DevTools network agent's record of responses (Playwright keeps the
// Network domain on). A 2-hour, 40-call run's snapshots showed those and
// no growing object of the desk's (Vue, JsSIP, the softphone, the live
// stream).
//
// The calls (A is the measured desk, B a second desk that calls it and
// answers it): an echo test (9196) or a call from B, alternately; every
// tenth a missed call (B gives up while A rings; A opens its history,
// which clears the missed count); every tenth a call to B from A's
// Colleagues list (searched) or back from a row of A's history; every
// twentieth B leaving a voicemail message (A's admin turns A's voicemail
// on, ring time 5 s, for that call only; A does not answer; A's count
// rises at its next 30 s poll, page time pushed on until it does) or A
// dialling its voicebox (*98); a hold and resume every fourth answered
// call, DTMF (read by FreeSWITCH) every third call with B (the echo test's
// leg reads none). B's calls move B's presence in A's Colleagues list.
// Outside the voicemail calls A's voicemail is off with the longest ring
// time (120 s), so that a slow answer on a loaded machine is not "no
// answer". The history panel stays open: its 20 rows re-render after each
// call.
//
// Settings: DURATION (seconds, default 1800; 180 for a quick check; calls
// take what they take, so a run is never shorter than the calls), CALLS
// (100), WARMUP (20: the history panel then holds its 20 rows, so that
// start and end render the same amount), SOAK_HOURS (8), SOAK_DEBUG (each
// call's timings), SOAK_SNAPSHOTS (heap snapshots at start and end: what
// grew, by constructor).
import { writeFileSync, readFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { CDPSession, Page } from 'playwright-core'
import { Tab } from '../tests/browser/harness.ts'
import { Rig, deskTab, firstLogin, heading as headingIn, until, waitStatus, type Agent } from '../tests/browser/deskrig.ts'

const DURATION_S = Number(process.env.DURATION ?? 1800)
const CALLS = Number(process.env.CALLS ?? 100)
const WARMUP = Math.min(Number(process.env.WARMUP ?? 20), CALLS - 1)
const SOAK_MS = Number(process.env.SOAK_HOURS ?? 8) * 3600_000
const STEP_MS = 15_000
const TARGET_PCT = 10
const DEBUG = !!process.env.SOAK_DEBUG
const SNAPSHOTS = !!process.env.SOAK_SNAPSHOTS

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
/** Generous waits: the bench shares a small machine (a call that does not happen in a minute has failed). */
const WAIT_MS = 60_000
/** A's ring time while its voicemail is on (only for the calls that leave a message: a slow answer must not reach it). */
const RING_S = 5
const heading = (p: Page, name: string, ms = WAIT_MS) => headingIn(p, name, ms)
const idle = (p: Page) => p.getByLabel('Number').waitFor({ timeout: WAIT_MS })

interface Sample {
  call: number
  pageHours: number
  heapUsed: number
  heapTotal: number
  nodes: number
  elements: number
  listeners: number
  documents: number
  pcsMade: number
  pcsAlive: number
  pcsOpen: number
  ctxMade: number
  ctxAlive: number
  ctxOpen: number
  timers: number
  longTasks: number[]
}

/**
 * The measured desk's tab. Its own init script (not deskTab's, which keeps
 * every RTCPeerConnection for getStats and so would keep them alive):
 * RTCPeerConnections and AudioContexts are counted through WeakRefs, so
 * that after a GC the bench sees which are still reachable.
 */
async function measuredTab(rig: Rig): Promise<Tab> {
  const tab = await Tab.open(rig.browser, rig.ad.webUrl)
  await tab.context.addInitScript(`(() => {
    const made = { pcs: [], ctx: [], long: [] }
    window.__soak = made
    // Main-thread tasks over 1 s (a stalled page, reported with the figures).
    try {
      new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.duration > 1000) made.long.push(Math.round(e.duration)) })
        .observe({ type: 'longtask' })
    } catch (e) { /* no long-task timing */ }
    const NativePc = window.RTCPeerConnection
    window.RTCPeerConnection = class extends NativePc {
      constructor(...args) { super(...args); made.pcs.push(new WeakRef(this)) }
    }
    const NativeCtx = window.AudioContext
    if (NativeCtx) window.AudioContext = class extends NativeCtx {
      constructor(...args) { super(...args); made.ctx.push(new WeakRef(this)) }
    }
  })()`)
  // The fake clock, from the first document on (login, then the desk in the same document).
  await tab.page.clock.install()
  return tab
}

async function sample(cdp: CDPSession, p: Page, call: number, pageHours: number): Promise<Sample> {
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage')
  const heap = await cdp.send('Runtime.getHeapUsage')
  const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]))
  const page = await p.evaluate(`(() => {
    const s = window.__soak
    const pcs = s.pcs.map((w) => w.deref()).filter(Boolean)
    const ctx = s.ctx.map((w) => w.deref()).filter(Boolean)
    return { elements: document.getElementsByTagName('*').length,
             pcsMade: s.pcs.length, pcsAlive: pcs.length, pcsOpen: pcs.filter((x) => x.signalingState !== 'closed').length,
             ctxMade: s.ctx.length, ctxAlive: ctx.length, ctxOpen: ctx.filter((x) => x.state !== 'closed').length,
             timers: globalThis.__pwClock.controller.countTimers(), longTasks: s.long.slice() }
  })()`) as Omit<Sample, 'call' | 'pageHours' | 'heapUsed' | 'heapTotal' | 'nodes' | 'listeners' | 'documents'>
  return { call, pageHours, heapUsed: heap.usedSize, heapTotal: heap.totalSize, nodes: metrics.Nodes,
           listeners: metrics.JSEventListeners, documents: metrics.Documents, ...page }
}

/** A heap snapshot of the page, counted by constructor (SOAK_SNAPSHOTS: what grew, for finding a leak). */
async function heapCounts(cdp: CDPSession): Promise<Map<string, { n: number; size: number }>> {
  const chunks: string[] = []
  const onChunk = (e: { chunk: string }) => { chunks.push(e.chunk) }
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk)
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false })
  cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk)
  const snap = JSON.parse(chunks.join(''))
  const fields: string[] = snap.snapshot.meta.node_fields
  const types: string[] = snap.snapshot.meta.node_types[0]
  const [ti, ni, si] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f))
  const out = new Map<string, { n: number; size: number }>()
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const key = `${types[snap.nodes[i + ti]]} ${String(snap.strings[snap.nodes[i + ni]]).slice(0, 60)}`
    const c = out.get(key) ?? { n: 0, size: 0 }
    c.n++
    c.size += snap.nodes[i + si]
    out.set(key, c)
  }
  return out
}

function row(s: Sample): string {
  return `  after call ${String(s.call).padStart(3)} (page +${s.pageHours.toFixed(1).padStart(4)} h): ` +
    `heap ${(s.heapUsed / 1048576).toFixed(2)} MB, DOM nodes ${s.nodes} (${s.elements} elements in the document), ` +
    `listeners ${s.listeners}, RTCPeerConnections ${s.pcsAlive}/${s.pcsMade} reachable (${s.pcsOpen} open), ` +
    `AudioContexts ${s.ctxAlive}/${s.ctxMade} reachable (${s.ctxOpen} open), page timers ${s.timers}` +
    (s.longTasks.length ? `, main-thread tasks over 1 s so far: ${s.longTasks.join(', ')} ms` : '')
}

function growth(what: string, a: number, b: number, unit: (x: number) => string, target = true): string {
  const pct = a ? ((b - a) / a) * 100 : 0
  return `  ${what}: ${unit(a)} -> ${unit(b)}, growth ${pct >= 0 ? '+' : ''}${pct.toFixed(1)} %` + (target ? `   target < ${TARGET_PCT} %` : '')
}

/** Silent prompts for mod_voicemail (the shared build has no sound files; it gives up on a phrase whose file is missing). */
async function voicemailPrompts(rig: Rig) {
  const conf = (await rig.fs.esl('global_getvar conf_dir')).trim()
  const prefix = (await rig.fs.esl('global_getvar sound_prefix')).trim()
  const names = new Set([...readFileSync(join(conf, 'lang/en/vm/sounds.xml'), 'utf8').matchAll(/data="voicemail\/(vm-[\w-]+\.wav)"/g)].map((m) => m[1]))
  const samples = 800 // 0.1 s at 8 kHz, 16-bit mono
  const wav = Buffer.alloc(44 + samples * 2)
  wav.write('RIFF', 0); wav.writeUInt32LE(36 + samples * 2, 4); wav.write('WAVEfmt ', 8)
  wav.writeUInt32LE(16, 16); wav.writeUInt16LE(1, 20); wav.writeUInt16LE(1, 22); wav.writeUInt32LE(8000, 24)
  wav.writeUInt32LE(16000, 28); wav.writeUInt16LE(2, 32); wav.writeUInt16LE(16, 34); wav.write('data', 36)
  wav.writeUInt32LE(samples * 2, 40)
  mkdirSync(join(prefix, 'voicemail'), { recursive: true })
  for (const n of names) writeFileSync(join(prefix, 'voicemail', n), wav)
}

async function main() {
  const rig = new Rig()
  try {
    await rig.open()
    const a = await rig.agent('A', 'Soak', 'Agent')
    const b = await rig.agent('A', 'Caller', 'Desk')
    // A directory with more than one row: colleagues who never log in (Offline).
    for (const n of ['Nia', 'Omar', 'Pia', 'Quinn', 'Ravi', 'Sara']) await rig.agent('A', n, 'Colleague')
    await voicemailPrompts(rig)
    await voicemailOn(false)
    await rig.fs.cmd({ cmd: 'events', names: 'DTMF CUSTOM sofia::register sofia::unregister vm::maintenance' })

    const tb = await deskTab(rig)
    await firstLogin(tb, b, WAIT_MS)
    const ta = await measuredTab(rig)
    await firstLogin(ta, a, WAIT_MS)
    const A = ta.page
    const B = tb.page
    A.setDefaultTimeout(WAIT_MS)
    B.setDefaultTimeout(WAIT_MS)
    const cdp = await ta.context.newCDPSession(A)
    await cdp.send('Performance.enable')
    // The history panel stays open (its 20 rows re-render after each call).
    await A.getByTestId('history-toggle').click()
    await A.getByTestId('history-rows').waitFor()

    let pageMs = 0
    let voicemails = 0
    const counts = { echo: 0, incoming: 0, missed: 0, voicemail: 0, voicebox: 0, directory: 0, callback: 0, holds: 0, dtmf: 0 }

    /** A call's middle: a hold and resume now and then; DTMF now and then on a call to or from B
     *  (the echo test's FreeSWITCH leg never reads its DTMF queue, so it fires no DTMF event). */
    async function talk(i: number, p: Page, dtmf = true) {
      await sleep(1000)
      if (i % 4 === 1) {
        await p.getByRole('button', { name: 'Hold' }).click()
        await heading(p, 'On hold')
        await sleep(300)
        await p.getByRole('button', { name: 'Resume' }).click()
        await heading(p, 'In call')
        counts.holds++
      }
      if (dtmf && i % 3 === 0) {
        const digit = String(i % 10)
        await rig.fs.cmd({ cmd: 'clear_events' })
        await p.getByRole('button', { name: `Send ${digit}` }).click()
        const ev = (await rig.fs.cmd({ cmd: 'wait_event', name: 'DTMF', match: { 'DTMF-Digit': digit }, timeout: 30 })).event
        if (!ev) throw new Error(`call ${i}: FreeSWITCH did not see DTMF ${digit}`)
        counts.dtmf++
      }
      await sleep(500)
    }

    /** B calls A; A answers (or lets it ring: missed, or voicemail). */
    async function fromB(i: number, answer: boolean) {
      await B.getByLabel('Number').fill(a.extension)
      await B.getByLabel('Number').press('Enter')
      await heading(A, 'Incoming call')
      await A.locator('section.call').getByText(`Caller Desk (${b.extension})`).waitFor({ timeout: 15_000 })
      if (!answer) return
      await A.getByRole('button', { name: 'Answer' }).click()
      await heading(A, 'In call')
      await heading(B, 'In call')
      await talk(i, A)
      const by = i % 2 ? A : B
      await by.getByRole('button', { name: 'Hang up' }).click()
      await idle(A)
      await idle(B)
    }

    /** A's call to B (from a row of A's desk), B answers. */
    async function toB(i: number, click: () => Promise<void>) {
      await click()
      await heading(B, 'Incoming call')
      await B.getByRole('button', { name: 'Answer' }).click()
      await heading(B, 'In call')
      await heading(A, 'In call')
      await talk(i, A)
      await A.getByRole('button', { name: 'Hang up' }).click()
      await idle(A)
      await idle(B)
    }

    async function voicemailOn(on: boolean) {
      // Off: the longest ring time, so that no slow answer of the bench's ends as "no answer".
      const r = await rig.ad.api('PATCH', `/v1/admin/extensions/${a.extensionId}`, rig.admins.A,
                                 { voicemail_enabled: on, ring_s: on ? RING_S : 120 })
      if (r.status !== 200) throw new Error('voicemail setting: ' + JSON.stringify(r.body))
    }

    /** The missed count shows, then clears when A opens the history (closed and opened again). */
    async function clearMissed() {
      await A.getByTestId('missed-badge').waitFor({ timeout: WAIT_MS })
      await A.getByTestId('history-toggle').click()
      await A.getByTestId('history-toggle').click()
      await A.getByTestId('history-rows').waitFor()
      await A.getByTestId('missed-badge').waitFor({ state: 'detached', timeout: WAIT_MS })
    }

    async function call(i: number) {
      if (i % 20 === 10) {
        // B leaves a message: A's admin turns its voicemail on; A rings for RING_S, the voicebox answers B.
        await voicemailOn(true)
        await rig.fs.cmd({ cmd: 'clear_events' })
        await fromB(i, false)
        await heading(B, 'In call')
        await idle(A)
        await sleep(6000)
        await B.getByRole('button', { name: 'Hang up' }).click()
        await idle(B)
        const ev = (await rig.fs.cmd({ cmd: 'wait_event', name: 'vm::maintenance', match: { 'VM-Action': 'leave-message', 'VM-User': a.extension }, timeout: 30 })).event
        if (!ev) throw new Error(`call ${i}: no voicemail message left`)
        await voicemailOn(false)
        voicemails++
        await clearMissed()
        // The desk learns of it at its next 30 s poll: page time, pushed on.
        const text = voicemails === 1 ? '1 new message' : `${voicemails} new messages`
        await until(`A's voicemail count "${text}"`, WAIT_MS, async () => {
          await A.clock.runFor(STEP_MS)
          pageMs += STEP_MS
          return (await A.getByTestId('desk-voicemail-count').textContent()) === text || undefined
        })
        counts.voicemail++
      } else if (i % 20 === 0) {
        // The voicebox answers; with the bench's silent prompts its menu may end the call first.
        await A.getByTestId('desk-voicemail').click()
        await heading(A, 'In call')
        await sleep(2500)
        await A.getByRole('button', { name: 'Hang up' }).click({ timeout: 2000 }).catch(() => {})
        await idle(A)
        counts.voicebox++
      } else if (i % 10 === 5) {
        await fromB(i, false)
        await sleep(1000)
        await B.getByRole('button', { name: 'Hang up' }).click()
        await idle(A)
        await idle(B)
        await clearMissed()
        counts.missed++
      } else if (i % 20 === 3) {
        await toB(i, async () => {
          await A.getByLabel('Search colleagues').fill('call')
          await A.getByRole('button', { name: 'Call Caller Desk', exact: true }).click()
        })
        await A.getByLabel('Search colleagues').fill('')
        counts.directory++
      } else if (i % 20 === 13) {
        await toB(i, () => A.locator(`[data-testid="history-row"][data-party="${b.extension}"]`).first()
          .getByRole('button', { name: /back$/ }).click())
        counts.callback++
      } else if (i % 2) {
        await fromB(i, true)
        counts.incoming++
      } else {
        await A.getByRole('button', { name: 'Echo test' }).click()
        await heading(A, 'In call')
        await talk(i, A, false)
        await A.getByRole('button', { name: 'Hang up' }).click()
        await idle(A)
        counts.echo++
      }
    }

    console.log(`== a desk left open ${SOAK_MS / 3600_000} h (page clock) through ${CALLS} short calls over ${DURATION_S} s (real)`)
    const slotMs = (DURATION_S * 1000) / CALLS
    const perGap = SOAK_MS / (CALLS - WARMUP)
    const t0 = Date.now()
    let start: Sample | null = null
    let countsAtStart: Map<string, { n: number; size: number }> | null = null
    const samples: Sample[] = []
    for (let i = 1; i <= CALLS; i++) {
      const began = Date.now()
      try {
        await call(i)
      } catch (e) {
        const log = await rig.fs.cmd({ cmd: 'log_grep', pattern: 'Hangup sofia|Originate Resulted' }).catch(() => ({ lines: [] }))
        console.log('FreeSWITCH, last hangups:\n' + log.lines.slice(-12).join('\n'))
        const long = await Promise.race([A.evaluate('window.__soak.long.slice()'), sleep(5000).then(() => 'no answer within 5 s')])
        console.log(`A's main-thread tasks over 1 s: ${JSON.stringify(long)}`)
        await ta.shot(`soak-call-${i}-A`).catch(() => {})
        await tb.shot(`soak-call-${i}-B`).catch(() => {})
        throw new Error(`call ${i} failed: ${e instanceof Error ? e.message : String(e)}`)
      }
      await waitStatus(A, `Extension ${a.extension} – Connected`, WAIT_MS)
      if (i === WARMUP) {
        if (SNAPSHOTS) countsAtStart = await heapCounts(cdp)
        start = await sample(cdp, A, i, pageMs / 3600_000)
        samples.push(start)
        console.log(row(start))
      }
      // The rest of this call's slot (the slots of the whole run, so that a long call is made up
      // for): page time pushed on (after the warm-up) in steps spread over it.
      const slotEnd = t0 + i * slotMs
      if (i > WARMUP) {
        const target = Math.round(perGap * (i - WARMUP))
        const steps = Math.max(1, Math.ceil((target - pageMs) / STEP_MS))
        const r0 = Date.now()
        let inRun = 0
        while (pageMs < target) {
          const d = Math.min(STEP_MS, target - pageMs)
          const s0 = Date.now()
          await A.clock.runFor(d)
          inRun += Date.now() - s0
          pageMs += d
          await sleep(Math.max(150, (slotEnd - Date.now()) / Math.max(1, Math.ceil((target - pageMs) / STEP_MS))))
        }
        if (DEBUG) console.log(`    call ${i}: ${began - t0} ms in, took ${r0 - began} ms; page time pushed in ${Date.now() - r0} ms (${inRun} ms in runFor, ${steps} steps)`)
      } else if (slotEnd > Date.now()) {
        await sleep(slotEnd - Date.now())
      }
      if (i > WARMUP && (i % 10 === 0 || i === CALLS)) {
        const s = await sample(cdp, A, i, pageMs / 3600_000)
        samples.push(s)
        console.log(row(s))
      }
    }
    await waitStatus(A, `Extension ${a.extension} – Connected`, WAIT_MS)
    const end = samples[samples.length - 1]
    if (SNAPSHOTS && countsAtStart) {
      const after = await heapCounts(cdp)
      const grew = [...after].map(([k, v]) => ({ k, dn: v.n - (countsAtStart!.get(k)?.n ?? 0), ds: v.size - (countsAtStart!.get(k)?.size ?? 0) }))
        .sort((x, y) => y.ds - x.ds).slice(0, 25)
      const total = (m: Map<string, { n: number; size: number }>, code: boolean) =>
        [...m].filter(([k]) => k.startsWith('code ') === code).reduce((t, [, v]) => t + v.size, 0)
      const mb = (x: number) => `${(x / 1048576).toFixed(2)} MB`
      console.log(`  heap snapshot, start to end: compiled code ${mb(total(countsAtStart, true))} -> ${mb(total(after, true))}, ` +
                  `the rest ${mb(total(countsAtStart, false))} -> ${mb(total(after, false))}; most grown, by constructor (count, bytes):`)
      for (const g of grew) console.log(`    ${g.k}: ${g.dn >= 0 ? '+' : ''}${g.dn}, ${g.ds >= 0 ? '+' : ''}${g.ds}`)
    }
    ta.clean()
    tb.clean()
    console.log(`  calls: ${JSON.stringify(counts)}; real time ${((Date.now() - t0) / 1000).toFixed(0)} s, page time +${(pageMs / 3600_000).toFixed(2)} h`)
    if (!start) throw new Error('no start sample')
    console.log(`== growth from call ${start.call} to call ${end.call} (${(end.pageHours - start.pageHours).toFixed(1)} h of page time)`)
    console.log(growth('JS heap used (after GC)', start.heapUsed, end.heapUsed, (x) => `${(x / 1048576).toFixed(2)} MB`))
    console.log(growth('DOM nodes (Performance.getMetrics)', start.nodes, end.nodes, (x) => String(x)))
    console.log(growth('elements in the document', start.elements, end.elements, (x) => String(x), false))
    console.log(growth('JS event listeners', start.listeners, end.listeners, (x) => String(x), false))
    console.log(`  RTCPeerConnections reachable: ${start.pcsAlive} -> ${end.pcsAlive} (made ${end.pcsMade}, open ${end.pcsOpen}); ` +
                `AudioContexts reachable: ${start.ctxAlive} -> ${end.ctxAlive} (made ${end.ctxMade}, open ${end.ctxOpen}); ` +
                `page timers: ${start.timers} -> ${end.timers}`)
  } catch (e) {
    rig.failed = true
    throw e
  } finally {
    await rig.close()
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
