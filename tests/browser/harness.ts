// Harness for the browser tests: the real agentdesk binary (temp SQLite
// database, or a fresh PostgreSQL one from tests/harness/pg.sh) serving the
// built web app from web/dist, and Debian's Chromium driven by
// playwright-core. Fixtures are made with the binary's own command line
// (tenant create, user create), as tests/integration/agentdesk_harness/ does.
//
// Environment (ctest sets it):
//   AGENTDESK_BIN          the binary (default build/agentdesk)
//   AGENTDESK_SOURCE_DIR   the repository (web/dist is served from there)
//   AGENTDESK_TEST_PG_DIR  the PostgreSQL fixture's state dir
//   BROWSER_BACKEND        sqlite (default) | postgres
//   BROWSER_SHOTS          where screenshots go (default ./browser-shots)
//   CHROMIUM               the browser (default /usr/bin/chromium)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, openSync, closeSync } from 'node:fs'
import { reservePort } from './ports.ts'
import http from 'node:http'
import https from 'node:https'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import assert from 'node:assert/strict'
import { afterEach } from 'node:test'
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core'
import AxeBuilder from '@axe-core/playwright'

export const SOURCE = resolve(process.env.AGENTDESK_SOURCE_DIR ?? fileURLToPath(new URL('../..', import.meta.url)))
const BIN = process.env.AGENTDESK_BIN ?? join(SOURCE, 'build/agentdesk')
const PG_SH = join(SOURCE, 'tests/harness/pg.sh')
const WEB = join(SOURCE, 'web')
export const SHOTS = resolve(process.env.BROWSER_SHOTS ?? 'browser-shots')
const SANITIZER_MARKS = ['ERROR: AddressSanitizer', 'ERROR: LeakSanitizer', 'runtime error:', 'WARNING: ThreadSanitizer']

// What a failed test leaves to read: every running server's log tail, and
// every open tab's address, visible text and a screenshot (failure-*.png).
const runningServers = new Set<Agentdesk>()
const openTabs = new Set<Tab>()
afterEach(async (t) => {
  // TestContext.passed is Node 20.12's (the @types/node here predates it).
  if ((t as { passed?: boolean }).passed !== false) return
  const out: string[] = [`---- after the failure of "${t.name}" ----`]
  for (const ad of runningServers) out.push('agentdesk log tail:', ...ad.log().split('\n').slice(-40))
  let n = 0
  for (const tab of openTabs) {
    n++
    try {
      const text = await tab.page.evaluate(() => document.body.innerText)
      out.push(`tab ${n} at ${tab.page.url()}:`, text.slice(0, 1500))
      await tab.shot(`failure-${n}`)
    } catch (e) { out.push(`tab ${n}: ${String(e)}`) }
  }
  process.stdout.write(out.join('\n') + '\n----\n')
})

export const DESKTOP = { width: 1280, height: 800 }
export const PHONE = { width: 390, height: 844 }

/** A loopback port free now and claimed for this test process (ports.ts), at
 * random in 20000-25399: below the kernel's ephemeral range, so no outgoing
 * connection of a parallel test takes it before the server binds it (see
 * tests/integration/agentdesk_harness). */
export function freePort(): Promise<number> {
  return reservePort(20000, 25399)
}

export async function until<T>(what: string, ms: number, f: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + ms
  let last: unknown
  for (;;) {
    try {
      const v = await f()
      if (v !== undefined) return v
    } catch (e) { last = e }
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms (${String(last ?? '')})`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export interface ApiResult { status: number; headers: Headers; body: any }

/** One agentdesk data set and server, plus the web app's address. */
/** A throwaway self-signed certificate for 127.0.0.1 in dir: its PEM files. */
export function selfSignedCert(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`)
  const key = join(dir, `${name}.key`)
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { encoding: 'utf8' })
  assert.equal(r.status, 0, 'openssl: ' + r.stderr)
  return { cert, key }
}

export class Agentdesk {
  readonly tmp = mkdtempSync(join(tmpdir(), 'agentdesk-browser-'))
  readonly db: string
  readonly env: NodeJS.ProcessEnv
  apiUrl = ''
  /** Where the browser goes: the same agentdesk, which serves the app. */
  webUrl = ''
  private proc: ChildProcess | null = null
  private logPath = ''
  private port = 0

  constructor(extraEnv: Record<string, string> = {}) {
    const backend = process.env.BROWSER_BACKEND ?? 'sqlite'
    if (backend === 'postgres') {
      const dir = process.env.AGENTDESK_TEST_PG_DIR
      if (!dir) throw new Error('AGENTDESK_TEST_PG_DIR is not set (run through ctest)')
      const name = 'b_' + randomBytes(8).toString('hex')
      const r = spawnSync(PG_SH, ['createdb', dir, name], { encoding: 'utf8' })
      if (r.status !== 0) throw new Error('pg.sh createdb: ' + r.stderr)
      this.db = r.stdout.trim()
    } else {
      this.db = `sqlite:${this.tmp}/agentdesk.db`
    }
    this.env = { ...process.env, AGENTDESK_SECRET_KEY_FILE: join(this.tmp, 'key'), AGENTDESK_WEB_DIR: join(WEB, 'dist'),
                 AGENTDESK_LOG_LEVEL: process.env.AGENTDESK_TEST_LOG_LEVEL ?? 'warn', ...extraEnv }
  }

  /** Runs the command line; its stdout. */
  cli(...args: string[]): string {
    const r = spawnSync(BIN, [...args, '--db', this.db], { env: this.env, encoding: 'utf8', timeout: 120_000 })
    for (const m of SANITIZER_MARKS) assert.ok(!r.stderr.includes(m), `${args.join(' ')}: ${r.stderr}`)
    assert.equal(r.status, 0, `${args.join(' ')} exited ${r.status}: ${r.stderr}`)
    return r.stdout
  }

  tenant(name: string, poolSize = 1000): number {
    return JSON.parse(this.cli('tenant', 'create', '--name', name, '--pool-size', String(poolSize))).id
  }

  /** `user create`; first and last null: a user without a name, as the command line allows. */
  user(tenant: number | null, email: string, password: string, role: string,
       first: string | null = 'Test', last: string | null = 'User'): number {
    const args = ['user', 'create', '--email', email, '--password', password, '--role', role]
    if (first !== null) args.push('--first-name', first)
    if (last !== null) args.push('--last-name', last)
    if (tenant !== null) args.push('--tenant', String(tenant))
    return JSON.parse(this.cli(...args)).id
  }

  /** Serve over HTTPS with a throwaway self-signed certificate for 127.0.0.1. */
  useTls(): this {
    const { cert, key } = selfSignedCert(this.tmp, 'tls')
    this.env.AGENTDESK_TLS_CERT_FILE = cert
    this.env.AGENTDESK_TLS_KEY_FILE = key
    this.ca = readFileSync(cert)
    return this
  }

  private ca: Buffer | null = null

  /** GET over HTTP or HTTPS (trusting only our certificate): status and body. */
  private get(url: string): Promise<{ status: number; text: string }> {
    const mod = url.startsWith('https:') ? https : http
    return new Promise((ok, fail) => {
      const req = mod.get(url, this.ca ? { ca: this.ca } : {}, (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c) => { text += c })
        res.on('end', () => ok({ status: res.statusCode ?? 0, text }))
      })
      req.on('error', fail)
    })
  }

  /** The port start() will listen on, chosen now (for settings that name the server's own URL). */
  async reservePort(): Promise<number> {
    if (!this.port) this.port = await freePort()
    return this.port
  }

  /**
   * Starts the server. Tests claim their ports from each other (ports.ts),
   * but a process outside the tests can still bind a port between the
   * check and the server's bind: the server then exits saying so, and
   * starts again on ports picked anew (three tries; a port the test
   * reserved is kept).
   */
  async start(): Promise<this> {
    const reserved = this.port !== 0
    for (let attempt = 1; ; attempt++) {
      if (!reserved) this.port = 0
      const port = await this.reservePort()
      const metrics = await freePort()
      this.apiUrl = `${this.ca ? 'https' : 'http'}://127.0.0.1:${port}`
      this.logPath = join(this.tmp, 'serve.log')
      const fd = openSync(this.logPath, 'w')
      // /metrics on a port of its own (the default one would be shared by every server of the suite).
      const env = { AGENTDESK_METRICS_LISTEN: `127.0.0.1:${metrics}`, ...this.env }
      const ownMetrics = env.AGENTDESK_METRICS_LISTEN === `127.0.0.1:${metrics}`
      const proc = spawn(BIN, ['serve', '--db', this.db, '--listen', `127.0.0.1:${port}`], { env, stdio: ['ignore', 'ignore', fd] })
      this.proc = proc
      closeSync(fd)
      const exited = new Promise<void>((r) => (proc.exitCode !== null ? r() : proc.once('exit', () => r())))
      const ready = await until('agentdesk ready', 20_000, async () => {
        if (proc.exitCode !== null) return false
        // /readyz: 200 once every listener is up (/metrics' own starts after the main one).
        return (await this.get(this.apiUrl + '/readyz').catch(() => ({ status: 0 }))).status === 200 ? true : undefined
      })
      if (ready) break
      await exited
      const log = this.log()
      const taken = (!reserved && log.includes(`127.0.0.1:${port}: Failed to bind`)) ||
                    (ownMetrics && log.includes(`127.0.0.1:${metrics}: Failed to bind`))
      this.proc = null
      if (!taken || attempt === 3) throw new Error('serve exited: ' + log)
    }
    const home = await this.get(this.apiUrl + '/')
    assert.ok(home.status === 200 && home.text.includes('<div id="app">'), 'agentdesk serves the web app from web/dist')
    this.webUrl = this.apiUrl
    runningServers.add(this)
    return this
  }

  log(): string {
    try { return readFileSync(this.logPath, 'utf8') } catch { return '' }
  }

  async stop(): Promise<void> {
    if (this.proc) {
      const p = this.proc
      this.proc = null
      runningServers.delete(this)
      p.kill('SIGTERM')
      const code = await new Promise<number | null>((r) => (p.exitCode !== null ? r(p.exitCode) : p.once('exit', (c) => r(c))))
      const text = this.log()
      for (const m of SANITIZER_MARKS) assert.ok(!text.includes(m), 'serve: ' + text.slice(-4000))
      assert.equal(code, 0, 'serve exit code: ' + text.slice(-2000))
    }
    rmSync(this.tmp, { recursive: true, force: true })
  }

  async api(method: string, path: string, token?: string, body?: unknown): Promise<ApiResult> {
    const headers: Record<string, string> = {}
    if (token) headers.Authorization = `Bearer ${token}`
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const r = await fetch(this.apiUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    const text = await r.text()
    let parsed: any = text
    try { parsed = JSON.parse(text) } catch { /* text */ }
    return { status: r.status, headers: r.headers, body: parsed }
  }

  async login(email: string, password: string): Promise<string> {
    const r = await this.api('POST', '/v1/auth/login', undefined, { email, password })
    assert.equal(r.status, 200, JSON.stringify(r.body))
    return r.body.data.token
  }
}

/**
 * Waits until the page has loaded and fetched nothing new for `ms`: what
 * waitForLoadState('networkidle') would do, except that the portal keeps
 * its live event stream open (an EventSource), which Chromium counts as a
 * request in flight for as long as it lasts, so the page is never idle.
 */
export async function quiet(page: Page, ms = 500, timeout = 15_000): Promise<void> {
  await page.waitForLoadState('load')
  const end = Date.now() + timeout
  let n = -1
  let since = Date.now()
  for (;;) {
    const m = await page.evaluate(() => performance.getEntriesByType('resource').length)
    if (m !== n) { n = m; since = Date.now() }
    else if (Date.now() - since >= ms) return
    if (Date.now() > end) throw new Error(`the page still fetches after ${timeout} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** A Chromium of Debian's, headless, no network beyond loopback; extraArgs for the desk's media flags. */
/** Waits until a toast is gone (axe judges the page, not a toast fading over it). */
export async function gone(p: Page, toast: string): Promise<void> {
  await until(`"${toast}" gone`, 15_000, async () => ((await p.getByText(toast).count()) === 0 ? true : undefined))
}

export async function launch(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
           '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage', ...extraArgs],
  })
}

/**
 * A tab that records what must not happen: page errors, dialogs (alert from
 * injected script), and console errors other than Chromium's "Failed to
 * load resource" for a 4xx inside a step that expects one (expect4xx).
 */
export class Tab {
  readonly problems: string[] = []
  private allow4xx = 0
  /** 4xx answers seen inside expect4xx steps, and Chromium's console lines for 4xx. */
  private expected4xx = 0
  private failedLoads: string[] = []
  /** The 4xx answers outside such steps (the query left out): which request it was. */
  private unexpected4xx: string[] = []
  private stepRequests = new WeakSet<Request>()

  private constructor(readonly context: BrowserContext, readonly page: Page, readonly base: string) {}

  static async open(browser: Browser, base: string, viewport = DESKTOP): Promise<Tab> {
    // A throwaway certificate (useTls) is not in Chromium's store.
    const context = await browser.newContext({ viewport, baseURL: base, ignoreHTTPSErrors: base.startsWith('https:'), reducedMotion: 'reduce' })
    const page = await context.newPage()
    const tab = new Tab(context, page, base)
    openTabs.add(tab)
    context.on('close', () => openTabs.delete(tab))
    page.on('pageerror', (e) => tab.problems.push('page error: ' + e.message))
    page.on('dialog', (d) => { tab.problems.push(`dialog (${d.type()}): ${d.message()}`); void d.dismiss() })
    // A request sent during such a step counts even when its answer is
    // reported after the step ended (Chromium's events arrive in any order).
    page.on('request', (r) => { if (tab.allow4xx > 0) tab.stepRequests.add(r) })
    page.on('response', (r) => {
      if (r.status() < 400 || r.status() >= 500) return
      if (tab.allow4xx > 0 || tab.stepRequests.has(r.request())) tab.expected4xx++
      else tab.unexpected4xx.push(`${r.status()} ${r.request().method()} ${r.url().split('?')[0]}`)
    })
    page.on('console', (m) => {
      if (m.type() !== 'error') return
      if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) tab.failedLoads.push(m.text())
      else tab.problems.push('console error: ' + m.text())
    })
    return tab
  }

  /**
   * Runs a step that provokes 4xx answers (it should wait for what the
   * user sees after them): Chromium's "Failed to load resource" line is
   * accepted once for each 4xx answered during such a step, never otherwise.
   */
  async expect4xx<T>(step: () => Promise<T>): Promise<T> {
    this.allow4xx++
    try {
      return await step()
    } finally {
      this.allow4xx--
    }
  }

  /** Clicks and waits for the answer of the write it makes (for 4xx steps): not a GET, which a
   *  live page may be sending meanwhile for the same route (a list reloaded on an event). */
  async clickFor(urlPart: string, click: () => Promise<void>): Promise<number> {
    const [r] = await Promise.all([this.page.waitForResponse((r) => r.url().includes(urlPart) && r.request().method() !== 'GET'), click()])
    return r.status()
  }

  /** Fails on anything recorded. */
  clean(): void {
    assert.deepEqual(this.problems, [], 'page errors, dialogs or console errors')
    assert.ok(this.failedLoads.length <= this.expected4xx,
              `console errors for 4xx answers no step provoked: ${this.failedLoads.join('; ')}` +
              ` (answers outside the steps: ${this.unexpected4xx.join('; ') || 'none seen'})`)
  }

  async close(): Promise<void> {
    await this.context.close()
  }

  async shot(name: string): Promise<void> {
    mkdirSync(SHOTS, { recursive: true })
    const vp = this.page.viewportSize()
    await this.page.screenshot({ path: join(SHOTS, `${name}-${vp?.width ?? 0}x${vp?.height ?? 0}.png`), fullPage: true })
  }

  /** axe-core on the page as it is now: no serious or critical violation. */
  async axe(what: string): Promise<void> {
    const r = await new AxeBuilder({ page: this.page }).analyze()
    const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    assert.deepEqual(bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`), [],
                     `${what}: accessibility violations`)
  }

  /** Logs in through the login page and waits for the landing page. */
  async login(email: string, password: string, landing: RegExp): Promise<void> {
    const p = this.page
    await p.goto('/login')
    await p.getByLabel('Email').fill(email)
    await p.getByLabel('Password', { exact: true }).fill(password)
    await p.getByRole('button', { name: 'Log in' }).click()
    await p.waitForURL(landing)
  }
}

export { assert }
