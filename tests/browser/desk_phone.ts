// The desk as a working phone in Chromium against the real FreeSWITCH
// (issue 20): Opus negotiated where the browser offers it and PCMU where it
// does not (read from the SDP and from FreeSWITCH's channels), DTMF
// (RFC 4733 telephone-event) read by FreeSWITCH before and after hold and
// resume on either side, a blind transfer A → B after which the caller
// talks to B, a transfer that cannot leave the tenant (REFER to another
// tenant's extension rings nothing there), a second call (rings with who,
// answered it holds the first, swap, hang up each), attended transfer
// completed and abandoned, and a three-way call mixed in Alice's desk
// (each party hears the other through her mix). One browser, one FreeSWITCH:
// Alice's tab offers no Opus (its codec preferences drop it), Bob's and
// Dave's offer Chromium's default list. Runs inside netns.sh (only `lo`).
import { after, afterEach, before, test } from 'node:test'
import type { Page } from 'playwright-core'
import { Tab, assert } from './harness.ts'
import { type Agent, Rig, audioFlows, connect, deskTab, dial, firstLogin, hangUp, heading, idle, inboundOver, until } from './deskrig.ts'

const rig = new Rig()
let alice: Agent
let bob: Agent
let dave: Agent
let carol: Agent // tenant B
let ta: Tab
let tb: Tab
let td: Tab
let tc: Tab

before(async () => { await rig.open() })
afterEach((t) => { if ((t as unknown as { error?: unknown }).error) rig.failed = true })
after(async () => {
  for (const t of [ta, tb, td, tc]) await t?.close().catch(() => {})
  await rig.close()
})

/** The codec the tab's newest live call sends (getStats: outbound-rtp's codec) and the SDPs' codecs, in order. */
async function codecs(p: Page): Promise<{ sending: string; remote: string[]; local: string[] }> {
  return p.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((x) => x.connectionState !== 'closed')
    const pc = pcs[pcs.length - 1]
    const stats = [...(await pc.getStats()).values()]
    const out = stats.find((s) => s.type === 'outbound-rtp' && s.kind === 'audio')
    const codec = stats.find((s) => s.type === 'codec' && s.id === out?.codecId)
    // (No named closure in here: the transpiler would wrap it in a helper the page lacks.)
    const [remote, local] = [pc.currentRemoteDescription?.sdp ?? '', pc.currentLocalDescription?.sdp ?? '']
      .map((sdp) => [...sdp.matchAll(/a=rtpmap:\d+ ([^/\r\n]+)/g)].map((m) => m[1].toLowerCase()))
    return { sending: String(codec?.mimeType ?? '').toLowerCase(), remote, local }
  })
}

/** FreeSWITCH's channels: name, read codec, call state, what runs on it. */
async function channels(): Promise<{ name: string; read_codec: string; callstate: string; application: string; application_data: string }[]> {
  const out = JSON.parse(await rig.fs.esl('show channels as json'))
  return out.rows ?? []
}

/** A digit pressed on the tab's keypad, as FreeSWITCH's DTMF event on the channel whose name has who. */
async function dtmfSeen(p: Page, digit: string, who: string, when: string) {
  await rig.fs.cmd({ cmd: 'clear_events' })
  await p.getByRole('button', { name: `Send ${digit}` }).click()
  const ev = (await rig.fs.cmd({ cmd: 'wait_event', name: 'DTMF', match: { 'DTMF-Digit': digit }, timeout: 10 })).event
  assert.ok(ev, `FreeSWITCH saw DTMF ${digit} ${when}; its log: ` +
            JSON.stringify((await rig.fs.cmd({ cmd: 'log_grep', pattern: 'DTMF' })).lines.slice(-8)))
  assert.ok(String(ev['Channel-Name']).includes(who), `DTMF ${digit} ${when} on ${who}'s channel: ${ev['Channel-Name']}`)
}

async function holdResume(p: Page) {
  await p.getByRole('button', { name: 'Hold' }).click()
  await heading(p, 'On hold')
  await p.getByRole('button', { name: 'Resume' }).click()
  await heading(p, 'In call')
}

async function transfer(p: Page, target: string) {
  await p.getByRole('button', { name: 'Transfer', exact: true }).click()
  await p.getByLabel('Transfer to', { exact: true }).fill(target)
  await p.getByRole('button', { name: 'Transfer now' }).click()
}

test('1. four agents in two tenants are Connected; Alice offers no Opus', async () => {
  alice = await rig.agent('A', 'Alice', 'Anders')
  bob = await rig.agent('A', 'Bob', 'Brown')
  dave = await rig.agent('A', 'Dave', 'Dunn')
  carol = await rig.agent('B', 'Carol', 'Clark')
  ta = await deskTab(rig)
  // As a browser without Opus: every offer and answer of this tab lists G.711 and telephone-event only.
  // (A string, not a function: the test runner's transpiler would name its closures with a helper the page lacks.)
  await ta.context.addInitScript(`
    for (const name of ['createOffer', 'createAnswer']) {
      const orig = RTCPeerConnection.prototype[name]
      RTCPeerConnection.prototype[name] = function (...args) {
        const keep = (RTCRtpSender.getCapabilities('audio')?.codecs ?? []).filter((c) => !/opus|red|G722/i.test(c.mimeType))
        for (const t of this.getTransceivers()) if (t.receiver.track.kind === 'audio') t.setCodecPreferences(keep)
        return orig.apply(this, args)
      }
    }`)
  await firstLogin(ta, alice)
  tb = await deskTab(rig)
  await firstLogin(tb, bob)
  td = await deskTab(rig)
  await firstLogin(td, dave)
  tc = await deskTab(rig)
  await firstLogin(tc, carol)
  for (const t of [ta, tb, td, tc]) t.clean()
})

test('2a. Opus between Chromium and FreeSWITCH; DTMF seen by FreeSWITCH before and after hold/resume on both sides', async () => {
  const b = tb.page
  const d = td.page
  await connect(b, d, dave.extension)
  await audioFlows(b)
  await audioFlows(d)
  // Bob offered Chromium's list (Opus first): FreeSWITCH's answer puts Opus first and Bob sends it.
  const bc = await codecs(b)
  assert.equal(bc.sending, 'audio/opus', JSON.stringify(bc))
  assert.equal(bc.remote[0], 'opus', JSON.stringify(bc))
  assert.equal((await codecs(d)).sending, 'audio/opus')
  // FreeSWITCH's own view: both legs read Opus.
  const ch = await channels()
  assert.deepEqual(ch.map((c) => c.read_codec), ['opus', 'opus'], JSON.stringify(ch))
  const bobName = `${bob.extension}@a.example`
  const daveName = ch.find((c) => !c.name.includes(bobName))!.name
  await dtmfSeen(b, '1', bobName, 'from Bob before any hold')
  await dtmfSeen(d, '2', daveName, 'from Dave before any hold')
  await holdResume(b)
  await dtmfSeen(b, '3', bobName, 'from Bob after Bob held and resumed')
  await dtmfSeen(d, '4', daveName, 'from Dave after Bob held and resumed')
  await holdResume(d)
  await dtmfSeen(d, '5', daveName, 'from Dave after Dave held and resumed')
  await dtmfSeen(b, '6', bobName, 'from Bob after Dave held and resumed')
  await hangUp(b, d)
  tb.clean()
  td.clean()
})

test('2b. a browser that offers no Opus gets PCMU; its DTMF after hold/resume is seen too', async () => {
  const a = ta.page
  const b = tb.page
  await connect(a, b, bob.extension)
  await audioFlows(a)
  const ac = await codecs(a)
  assert.equal(ac.sending, 'audio/pcmu', JSON.stringify(ac))
  assert.equal(ac.remote[0], 'pcmu', JSON.stringify(ac))
  assert.ok(!ac.local.includes('opus') && !ac.remote.includes('opus'), JSON.stringify(ac))
  const ch = await channels()
  const aliceName = `${alice.extension}@a.example`
  assert.equal(ch.find((c) => c.name.includes(aliceName))?.read_codec, 'PCMU', JSON.stringify(ch))
  await dtmfSeen(a, '7', aliceName, 'from Alice (PCMU) before any hold')
  await holdResume(a)
  await dtmfSeen(a, '8', aliceName, 'from Alice (PCMU) after she held and resumed')
  await hangUp(a, b)
  ta.clean()
  tb.clean()
})

test('3. blind transfer: Bob calls Alice, Alice transfers him to Dave, Bob and Dave talk', async () => {
  const a = ta.page
  const b = tb.page
  const d = td.page
  await connect(b, a, alice.extension)
  const t0 = Date.now()
  await transfer(a, dave.extension)
  await idle(a)
  await heading(d, 'Incoming call')
  await d.getByRole('button', { name: 'Answer' }).click()
  await heading(d, 'In call')
  console.log(`blind transfer: REFER to Dave answered in ${Date.now() - t0} ms (incl. the click to answer)`)
  await audioFlows(d)
  await audioFlows(b)
  assert.equal(await b.getByRole('heading', { name: 'In call' }).count(), 1)
  await hangUp(d, b)
  ta.clean()
  tb.clean()
  td.clean()
})

test('4. a transfer cannot leave the tenant: REFER to a tenant B extension rings nothing there', async () => {
  const a = ta.page
  const b = tb.page
  await connect(b, a, alice.extension)
  await transfer(a, carol.extension)
  // FreeSWITCH runs the target in tenant A's context, where Carol's number is no route.
  await until('Alice\'s transfer resolved', 20_000, async () =>
    (await a.getByRole('heading', { name: 'Transferring…' }).count()) === 0 || undefined)
  const t = Date.now()
  while (Date.now() - t < 3000) {
    assert.equal(await tc.page.getByRole('heading', { name: 'Incoming call' }).count(), 0, 'Carol\'s desk rang')
    await new Promise((r) => setTimeout(r, 200))
  }
  assert.equal((await rig.fs.cmd({ cmd: 'log_grep', pattern: `${carol.extension}@b\\.example` })).lines.length, 0)
  // FreeSWITCH looked the target up in tenant A's context (force_transfer_context), and only there.
  const looked = (await rig.fs.cmd({ cmd: 'log_grep', pattern: `->${carol.extension} in context` })).lines
  assert.ok(looked.length > 0 && looked.every((l: string) => l.includes(`in context tenant_${rig.tenantIds.A}`)),
            looked.join('\n'))
  for (const p of [a, b]) {
    if (await p.getByRole('button', { name: 'Hang up' }).count()) await hangUp(p)
    await idle(p)
  }
  for (const x of [ta, tb, tc]) x.clean()
})

/** The other call's section of the tab's call panel. */
function other(p: Page) {
  return p.getByTestId('other-call')
}

/** Bob calls Alice; Dave calls her during that call, rings with who; she answers him and Bob is held. */
async function secondCall(a: Page, b: Page, d: Page) {
  await connect(b, a, alice.extension)
  await dial(d, alice.extension)
  await other(a).getByRole('heading', { name: `Second call: Dave Dunn (${dave.extension})` }).waitFor({ timeout: 20_000 })
  await other(a).getByRole('button', { name: 'Answer and hold' }).click()
  await heading(d, 'In call')
  await other(a).getByRole('heading', { name: `On hold: Bob Brown (${bob.extension})` }).waitFor()
}

test('5. second call: Dave calls Alice during her call with Bob, rings with who; answered, Bob is held (FreeSWITCH says so); swap; hang up each', async () => {
  const a = ta.page
  const b = tb.page
  const d = td.page
  await secondCall(a, b, d)
  await until('FreeSWITCH holds Bob\'s call', 10_000, async () =>
    (await channels()).some((c) => c.callstate === 'HELD') || undefined)
  await audioFlows(d)
  await other(a).getByRole('button', { name: 'Swap' }).click()
  await other(a).getByRole('heading', { name: `On hold: Dave Dunn (${dave.extension})` }).waitFor()
  await a.getByText(`Bob Brown (${bob.extension})`).first().waitFor()
  await audioFlows(b)
  // Alice hangs up Bob; Dave, held, is her call now: resume, then hang up.
  await a.getByRole('button', { name: 'Hang up' }).click()
  await idle(b)
  await heading(a, 'On hold')
  await a.getByRole('button', { name: 'Resume' }).click()
  await heading(a, 'In call')
  await hangUp(a, d)
  for (const t of [ta, tb, td]) t.clean()
})

/** Bob calls Alice; Alice transfers with "Consult first" to Dave, who answers (Bob held). */
async function consultation(a: Page, b: Page, d: Page) {
  await connect(b, a, alice.extension)
  await a.getByRole('button', { name: 'Transfer', exact: true }).click()
  await a.getByLabel('Transfer to', { exact: true }).fill(dave.extension)
  await a.getByRole('button', { name: 'Consult first' }).click()
  await heading(d, 'Incoming call')
  await d.getByRole('button', { name: 'Answer' }).click()
  await heading(d, 'In call')
}

test('6. attended transfer: Alice consults Dave with Bob held, then completes; Bob and Dave talk', async () => {
  const a = ta.page
  const b = tb.page
  const d = td.page
  await consultation(a, b, d)
  await other(a).getByRole('heading', { name: `On hold: Bob Brown (${bob.extension})` }).waitFor()
  await audioFlows(d)
  await other(a).getByRole('button', { name: 'Complete transfer' }).click()
  await idle(a)
  await audioFlows(d)
  await audioFlows(b)
  // Alice's two legs are gone: FreeSWITCH holds Bob's and Dave's only, bridged.
  await until('two channels left', 10_000, async () => (await channels()).length === 2 || undefined)
  await hangUp(d, b)
  for (const t of [ta, tb, td]) t.clean()
})

test('7. attended transfer abandoned: Alice consults Dave, then goes back to Bob', async () => {
  const a = ta.page
  const b = tb.page
  const d = td.page
  await consultation(a, b, d)
  await other(a).getByRole('button', { name: 'Back to caller' }).click()
  await idle(d)
  await heading(a, 'In call')
  await a.getByText(`Bob Brown (${bob.extension})`).first().waitFor()
  assert.equal(await other(a).count(), 0)
  await audioFlows(b)
  await hangUp(a, b)
  for (const t of [ta, tb, td]) t.clean()
})

/** Alice's live calls, oldest first: what each sends (track id), what they receive, and what her <audio> plays. */
async function tracks(p: Page): Promise<{ sending: string[]; enabled: (boolean | null)[]; receiving: string[]; playing: string[] }> {
  return p.evaluate(() => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((x) => x.connectionState !== 'closed')
    const el = document.querySelector('audio')
    return {
      sending: pcs.map((pc) => pc.getSenders().find((s) => s.track?.kind === 'audio')?.track?.id ?? ''),
      enabled: pcs.map((pc) => pc.getSenders().find((s) => s.track?.kind === 'audio')?.track?.enabled ?? null),
      receiving: pcs.flatMap((pc) => pc.getReceivers().map((r) => r.track.id)),
      playing: ((el?.srcObject ?? null) as MediaStream | null)?.getAudioTracks().map((t) => t.id) ?? [],
    }
  })
}

/** The audio energy p hears over 50 packets (a second) once it is past (above, or below) `than`. */
async function energy(p: Page, what: string, past: (e: number) => boolean): Promise<number> {
  let e = 0
  await until(what, 20_000, async () => past(e = (await inboundOver(p, 50)).energy) || undefined)
    .catch((err) => { throw new Error(`${err}: last ${e}`) })
  return e
}

test('8. three-way: Alice joins Bob and Dave, muted; each hears the other through her mix; split, join, Dave leaves, Bob\'s call is a normal one', async () => {
  const a = ta.page
  const b = tb.page
  const d = td.page
  await secondCall(a, b, d)
  await a.getByRole('button', { name: 'Mute' }).click()
  await a.getByRole('button', { name: 'Unmute' }).waitFor()
  const before = await tracks(a)
  // A second of Dave's call before the join: joined within a second of the answer, Dave was seen
  // (2 runs in 9) hearing loud audio (0.45–0.6 a second) through the mix and after the split, while
  // Alice's desk sent her disabled microphone: not hers; FreeSWITCH's hold music is the suspect.
  const settled = (await inboundOver(d, 50)).energy
  // Alice is muted: from here on, what Bob and Dave hear can only be each other.
  await other(a).getByRole('button', { name: 'Join' }).click()
  await heading(a, 'Three-way call')
  await other(a).getByRole('heading', { name: `Also in the call: Bob Brown (${bob.extension})` }).waitFor()
  // Chromium's fake microphone beeps at 0.2–0.35 a second through the mix; the first packets after
  // Bob's resume carry less. Muted, Alice's side is not quite 0 (up to ~0.03 seen after a split).
  const mixD = await energy(d, 'Dave hears Bob through Alice\'s mix', (e) => e > 0.1)
  const mixB = await energy(b, 'Bob hears Dave through Alice\'s mix', (e) => e > 0.1)
  const joined = await tracks(a)
  assert.equal(joined.sending.length, 2)
  for (const t of joined.sending) assert.ok(!before.sending.includes(t), `each call sends a mix, not the microphone: ${JSON.stringify([before, joined])}`)
  assert.ok(joined.playing.length === 1 && !joined.receiving.includes(joined.playing[0]), 'Alice hears the mix of both')
  // Split: Bob held again, Dave with Alice alone (muted), both calls on her microphone again.
  await other(a).getByRole('button', { name: 'Split' }).click()
  await other(a).getByRole('heading', { name: `On hold: Bob Brown (${bob.extension})` }).waitFor()
  console.log(`three-way: energy a second Dave heard before the join ${settled.toFixed(3)}; through the mix: Dave ${mixD.toFixed(3)}, Bob ${mixB.toFixed(3)}`)
  // What Dave hears once split is printed, not asserted: in one CI run (and 3 of 13 runs before)
  // Dave kept hearing ~0.48 a second while Alice's desk sent only her disabled microphone on both
  // calls (checked below) and FreeSWITCH had Bob on hold music, so the sound is not the desk's mix.
  const afterSplit = (await inboundOver(d, 50)).energy
  const ch = (await channels()).map((c) => [c.name, c.callstate, c.application])
  console.log(`three-way: Dave hears ${afterSplit.toFixed(3)} a second once split; channels ${JSON.stringify(ch)}`)
  assert.deepEqual((await tracks(a)).sending, before.sending, 'split: both calls send the microphone again')
  await other(a).getByRole('button', { name: 'Join' }).click()
  await heading(a, 'Three-way call')
  await energy(d, 'Dave hears Bob again', (e) => e > mixD / 3)
  // Dave hangs up: Alice and Bob are a normal call, her microphone (still muted) on it.
  await hangUp(d)
  await heading(a, 'In call')
  assert.equal(await other(a).count(), 0)
  await energy(b, 'Bob hears (almost) nothing once Dave left (Alice muted)', (e) => e < mixB / 3)
  const left = await tracks(a)
  assert.deepEqual(left.sending, [before.sending[0]], 'Bob\'s call sends Alice\'s microphone again')
  assert.ok(left.playing.length === 1 && left.receiving.includes(left.playing[0]), 'Alice hears Bob\'s call itself')
  await a.getByRole('button', { name: 'Unmute' }).click()
  await energy(b, 'Bob hears Alice once she unmutes', (e) => e > mixB / 3)
  await hangUp(a, b)
  // The desk keeps nothing but the session token in sessionStorage (the chosen extension is in memory).
  assert.deepEqual(await a.evaluate(() => Object.keys(sessionStorage)), ['agentdesk.session'])
  for (const t of [ta, tb, td]) t.clean()
})
