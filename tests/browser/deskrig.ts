// What the desk's browser tests share: a real FreeSWITCH (fsctl.py over the
// suite's harness, xml_curl bound to agentdesk), agentdesk wired to it,
// Chromium with the media flags ../shared/freeswitch/README.md found
// necessary, tenants A (a.example) and B (b.example) with an admin each,
// agents made through the API, and a desk tab that logs in as a user does.
//
// These tests run inside a network namespace with only `lo` (netns.sh):
// Chromium offers every address of the machine as an ICE candidate, and
// media must stay on loopback.
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface, type Interface } from 'node:readline'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import type { Browser, Page } from 'playwright-core'
import { Agentdesk, SOURCE, Tab, assert, launch } from './harness.ts'

export const MEDIA_FLAGS = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
                            '--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required']
export const PASSWORD = 'agent-password-1'
const ADMIN_PASSWORD = 'admin-password-1'
const XMLCURL_PASSWORD = 'xc-' + randomBytes(6).toString('hex')

/** FreeSWITCH through tests/browser/fsctl.py (one JSON line per command). */
export class FreeSwitch {
  ports!: { ws_port: number; wss_port: number; esl_port: number; esl_password: string; sip_port: number }
  private proc!: ChildProcess
  private lines!: Interface
  private queue: ((line: string) => void)[] = []
  private buffered: string[] = []

  async open(): Promise<this> {
    this.proc = spawn(process.env.SYSTEM_PYTHON3 ?? '/usr/bin/python3', [join(SOURCE, 'tests/browser/fsctl.py')],
                      { stdio: ['pipe', 'pipe', 'inherit'] })
    this.lines = createInterface({ input: this.proc.stdout! })
    this.lines.on('line', (l) => {
      const w = this.queue.shift()
      if (w) w(l)
      else this.buffered.push(l)
    })
    const first = JSON.parse(await this.next())
    if (first.skip) {
      console.log(`SKIP: ${first.skip}`)
      process.exit(process.env.CI === 'true' ? 1 : 77)
    }
    this.ports = first
    return this
  }

  private next(): Promise<string> {
    const b = this.buffered.shift()
    if (b !== undefined) return Promise.resolve(b)
    return new Promise((ok) => this.queue.push(ok))
  }

  async cmd(c: Record<string, unknown>): Promise<any> {
    this.proc.stdin!.write(JSON.stringify(c) + '\n')
    const r = JSON.parse(await this.next())
    assert.ok(r.ok, `fsctl ${String(c.cmd)}: ${r.error}`)
    return r
  }

  async esl(arg: string): Promise<string> {
    return (await this.cmd({ cmd: 'esl', arg })).out
  }

  /** Contacts registered for user@domain in the profile's list. */
  async registrations(user: string): Promise<number> {
    const out = await this.esl('sofia status profile internal reg')
    return out.split('\n').filter((l) => /^User:\s/.test(l) && l.includes(user)).length
  }

  async close(failed: boolean): Promise<void> {
    if (!this.proc || this.proc.exitCode !== null) return
    if (failed) await this.cmd({ cmd: 'failed' }).catch(() => {})
    this.proc.stdin!.end()
    await new Promise((ok) => this.proc.once('exit', ok))
  }
}

export async function until<T>(what: string, ms: number, f: () => Promise<T | undefined | false>): Promise<T> {
  const end = Date.now() + ms
  let last: unknown
  for (;;) {
    try {
      const v = await f()
      if (v !== undefined && v !== false) return v
    } catch (e) { last = e }
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms ${last ? String(last) : ''}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

export interface Agent { id: number; email: string; first: string; last: string; temp: string; extension: string; extensionId: number; password: string }

export interface RigOptions { tls?: boolean; browserArgs?: string[] }

/** FreeSWITCH + agentdesk + Chromium, and tenants A and B. */
export class Rig {
  fs = new FreeSwitch()
  ad!: Agentdesk
  browser!: Browser
  admins: Record<'A' | 'B', string> = { A: '', B: '' }
  /** The tenants' ids (their dialplan contexts are tenant_<id>). */
  tenantIds: Record<'A' | 'B', number> = { A: 0, B: 0 }
  root = ''
  failed = false

  async open(opts: RigOptions = {}): Promise<this> {
    await this.fs.open()
    const p = this.fs.ports
    const scheme = opts.tls ? 'wss' : 'ws'
    const env: Record<string, string> = {
      AGENTDESK_FS_ESL: `127.0.0.1:${p.esl_port}`, AGENTDESK_FS_ESL_PASSWORD: p.esl_password,
      AGENTDESK_XMLCURL_PASSWORD: XMLCURL_PASSWORD, AGENTDESK_FS_MODE: 'xml_curl', AGENTDESK_FS_RETRY_BASE: '1',
      AGENTDESK_SIP_WS_URL: `${scheme}://127.0.0.1:${opts.tls ? p.wss_port : p.ws_port}`,
    }
    this.ad = new Agentdesk(env)
    if (opts.tls) this.ad.useTls()
    const ta = this.ad.tenant('Tenant A', 100)
    const tb = this.ad.tenant('Tenant B', 100)
    this.tenantIds = { A: ta, B: tb }
    this.ad.user(null, 'root@platform.test', ADMIN_PASSWORD, 'superadmin', 'Root', 'Admin')
    this.ad.user(ta, 'admin@a.test', ADMIN_PASSWORD, 'admin', 'Ada', 'Admin')
    this.ad.user(tb, 'admin@b.test', ADMIN_PASSWORD, 'admin', 'Ben', 'Admin')
    await this.ad.start()
    this.root = await this.ad.login('root@platform.test', ADMIN_PASSWORD)
    for (const [id, domain] of [[ta, 'a.example'], [tb, 'b.example']] as const) {
      const r = await this.ad.api('PATCH', `/v1/admin/tenants/${id}`, this.root, { sip_domain: domain })
      assert.equal(r.status, 200, JSON.stringify(r.body))
    }
    this.admins.A = await this.ad.login('admin@a.test', ADMIN_PASSWORD)
    this.admins.B = await this.ad.login('admin@b.test', ADMIN_PASSWORD)
    // As an operator would: the binding `agentdesk freeswitch config` prints.
    const binding = this.ad.cli('freeswitch', 'config', '--url', this.ad.apiUrl)
    await this.fs.cmd({ cmd: 'start', binding })
    await this.fs.cmd({ cmd: 'events', names: 'DTMF CUSTOM sofia::register sofia::unregister' })
    this.browser = await launch([...MEDIA_FLAGS, ...(opts.browserArgs ?? [])])
    return this
  }

  async close(): Promise<void> {
    await this.browser?.close().catch(() => {})
    await this.fs.close(this.failed)
    await this.ad?.stop()
  }

  /** A new agent of tenant key, made by its admin through the API (temporary password). */
  async agent(key: 'A' | 'B', first: string, last: string): Promise<Agent> {
    const email = `${first.toLowerCase()}@${key.toLowerCase()}.test`
    const r = await this.ad.api('POST', '/v1/admin/agents', this.admins[key],
                                { first_name: first, last_name: last, email, role: 'agent', extensions_count: 1 })
    assert.equal(r.status, 201, JSON.stringify(r.body))
    const x = r.body.agent.extensions[0]
    return { id: r.body.agent.id, email, first, last, temp: r.body.temporary_password, extension: x.extension,
             extensionId: x.id, password: PASSWORD }
  }

  /** Waits until FreeSWITCH lists (n > 0) or no longer lists (n = 0) the agent's registration. */
  async registered(a: Agent, domain: string, n: number, ms = 20_000): Promise<void> {
    await until(`${a.extension}@${domain} registrations = ${n}`, ms,
                async () => (await this.fs.registrations(`${a.extension}@${domain}`)) === n || undefined)
  }
}

/** A desk tab: its own browser context; records every RTCPeerConnection for getStats. */
export async function deskTab(rig: Rig): Promise<Tab> {
  const tab = await Tab.open(rig.browser, rig.ad.webUrl)
  await tab.context.addInitScript(() => {
    const Native = window.RTCPeerConnection
    const seen: RTCPeerConnection[] = []
    ;(window as unknown as { __pcs: RTCPeerConnection[] }).__pcs = seen
    window.RTCPeerConnection = class extends Native {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args)
        seen.push(this)
      }
    } as typeof RTCPeerConnection
  })
  return tab
}

/** The call panel's heading (In call, On hold, Incoming call…). */
export async function heading(p: Page, name: string, ms = 20_000) {
  await p.getByRole('heading', { name }).waitFor({ timeout: ms })
}

/** No call: the number field is back. */
export async function idle(p: Page) {
  await p.getByLabel('Number').waitFor({ timeout: 20_000 })
}

export async function dial(p: Page, number: string) {
  await p.getByLabel('Number').fill(number)
  await p.getByLabel('Number').press('Enter')
}

/** from dials number, which rings on to; to answers; both are In call. */
export async function connect(from: Page, to: Page, number: string) {
  await dial(from, number)
  await heading(to, 'Incoming call')
  await to.getByRole('button', { name: 'Answer' }).click()
  await heading(to, 'In call')
  await heading(from, 'In call')
}

/** p hangs up; p and the others are idle again. */
export async function hangUp(p: Page, ...others: Page[]) {
  await p.getByRole('button', { name: 'Hang up' }).click()
  for (const x of [p, ...others]) await idle(x)
}

export function status(p: Page) {
  return p.getByTestId('desk-status')
}

export async function waitStatus(p: Page, text: string | RegExp, ms = 30_000): Promise<void> {
  await status(p).filter({ hasText: text }).waitFor({ timeout: ms })
}

/** First login: temporary password, the forced change, then the desk Connected (within ms). */
export async function firstLogin(tab: Tab, a: Agent, ms = 30_000): Promise<void> {
  const p = tab.page
  await tab.login(a.email, a.temp, /\/change-password$/)
  await p.getByLabel('Current password').fill(a.temp)
  await p.getByLabel('New password', { exact: true }).fill(a.password)
  await p.getByLabel('Repeat the new password').fill(a.password)
  await p.getByRole('button', { name: 'Change password' }).click()
  await p.waitForURL(/\/desk$/)
  await waitStatus(p, `Extension ${a.extension} – Connected`, ms)
}

export interface AudioStats { packets: number; bytes: number; energy: number }

/** Inbound audio of the tab's newest live peer connection. */
export async function inbound(p: Page): Promise<AudioStats> {
  return p.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((x) => x.connectionState !== 'closed')
    const pc = pcs[pcs.length - 1]
    const out = { packets: 0, bytes: 0, energy: 0 }
    if (!pc) return out
    for (const s of (await pc.getStats()).values()) {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        out.packets += s.packetsReceived ?? 0
        out.bytes += s.bytesReceived ?? 0
        out.energy += s.totalAudioEnergy ?? 0
      }
    }
    return out
  })
}

/**
 * Inbound audio of the tab once `packets` more packets (20 ms each) have
 * arrived: what it gained. Counted in packets, not in time, so a machine
 * under load (later packets, not fewer) cannot fail it; ms bounds the wait.
 */
export async function inboundOver(p: Page, packets: number, ms = 20_000): Promise<AudioStats> {
  const a = await inbound(p)
  const b = await until(`${packets} more inbound RTP packets (from ${a.packets})`, ms,
                        async () => { const s = await inbound(p); return s.packets >= a.packets + packets ? s : undefined })
  return { packets: b.packets - a.packets, bytes: b.bytes - a.bytes, energy: b.energy - a.energy }
}

/** Audio flows in: packets arrive, and 50 more (a second's worth) carry bytes; the growth over those. */
export async function audioFlows(p: Page): Promise<AudioStats> {
  await until('inbound RTP', 15_000, async () => ((await inbound(p)).packets > 0 ? true : undefined))
  const g = await inboundOver(p, 50)
  assert.ok(g.bytes > 0, `audio flows: ${JSON.stringify(g)}`)
  return g
}
