// Web app figures, in Debian's Chromium on loopback against the real
// agentdesk (tests/browser/harness.ts): a tenant of 1,000 agents; the time
// from navigation to the agents table rendered (median of 10, cold cache:
// a new browser context each time; warm: the same context, with when the
// agents list API answered, the rest being rendering), and the
// compressed JS+CSS bytes the login page and the agents page load.
// Figures only, beside their targets; nothing here passes or fails.
// BENCH_AGENTS changes the tenant's size; BENCH_DEBUG=1 prints the warm
// page's performance entries (where the time goes); AGENTDESK_WEB_DIR
// serves another build of web/dist (to compare two builds back to back).
//   AGENTDESK_BIN=build-rel/agentdesk tsx --tsconfig tests/browser/tsconfig.json bench/web_agents.ts
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { cpus, loadavg } from 'node:os'
import { Agentdesk, DESKTOP, launch, quiet } from '../tests/browser/harness.ts'

const AGENTS = Number(process.env.BENCH_AGENTS ?? 1000)
const RUNS = 10

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2 }

async function session(ad: Agentdesk, browser: Browser, token: string, user: unknown): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: DESKTOP, baseURL: ad.webUrl })
  const saved = JSON.stringify({ token, expiresAt: '', user, mustChangePassword: false })
  await ctx.addInitScript((s) => { sessionStorage.setItem('agentdesk.session', s) }, saved)
  return ctx
}

/** ms from navigation start until the table shows its first page of rows,
 *  and until the agents list's API answer ended (the rest is rendering). */
async function tableTime(page: Page): Promise<{ table: number, api: number }> {
  await page.goto('/admin/agents', { waitUntil: 'commit' })
  // Checked at every frame inside the page (CSP forbids waitForFunction's
  // eval; a string is not rewritten by the TypeScript transform).
  return page.evaluate<{ table: number, api: number }>(`new Promise((ok) => {
    const check = () => document.querySelectorAll('table[aria-label="Agents"] tbody tr').length >= 25
      ? ok({ table: performance.now(), api: Math.max(0, ...performance.getEntriesByType('resource')
          .filter((e) => e.name.includes('/v1/admin/agents?')).map((e) => e.responseEnd)) })
      : requestAnimationFrame(check)
    check()
  })`)
}

/** Compressed bytes of the scripts and style sheets a cold page load fetched. */
async function jsCssBytes(page: Page, path: string, ready: () => Promise<unknown>): Promise<number> {
  await page.goto(path)
  await ready()
  await quiet(page)
  return page.evaluate(() => performance.getEntriesByType('resource')
    .filter((e) => /\.(js|css)(\?|$)/.test(e.name))
    .reduce((n, e) => n + (e as PerformanceResourceTiming).encodedBodySize, 0)
)
}

async function main() {
  const web = process.env.AGENTDESK_WEB_DIR
  const ad = new Agentdesk({ AGENTDESK_LOG_LEVEL: 'error', ...(web ? { AGENTDESK_WEB_DIR: web } : {}) })
  const t = ad.tenant('Bench', AGENTS + 10)
  ad.user(t, 'admin@bench.test', 'bench-password-1', 'admin', 'Bench', 'Admin')
  await ad.start()
  let browser: Browser | null = null
  try {
    const login = await ad.api('POST', '/v1/auth/login', undefined, { email: 'admin@bench.test', password: 'bench-password-1' })
    const token = login.body.data.token as string
    const user = login.body.data.user
    const t0 = Date.now()
    for (let i = 0; i < AGENTS; i += 20) {
      await Promise.all(Array.from({ length: Math.min(20, AGENTS - i) }, (_, j) =>
        ad.api('POST', '/v1/admin/agents', token, { first_name: `First${i + j}`, last_name: `Last${i + j}`, email: `a${i + j}@bench.test`, extensions_count: 1 })))
    }
    process.stdout.write(`  tenant of ${AGENTS} agents made in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`)
    browser = await launch()

    const cold: number[] = []
    for (let i = 0; i < RUNS; i++) {
      const ctx = await session(ad, browser, token, user)
      cold.push((await tableTime(await ctx.newPage())).table)
      await ctx.close()
    }
    const ctx = await session(ad, browser, token, user)
    const page = await ctx.newPage()
    await tableTime(page)
    const warm: number[] = [], warmApi: number[] = []
    for (let i = 0; i < RUNS; i++) { const t = await tableTime(page); warm.push(t.table); warmApi.push(t.api) }
    if (process.env.BENCH_DEBUG) console.log(await page.evaluate(`JSON.stringify(performance.getEntries().map(e => [e.entryType, e.name.slice(-40), Math.round(e.startTime), Math.round(e.duration)]))`))
    await ctx.close()

    const fresh = await browser.newContext({ viewport: DESKTOP, baseURL: ad.webUrl })
    const lp = await fresh.newPage()
    const loginBytes = await jsCssBytes(lp, '/login', () => lp.getByLabel('Email').waitFor())
    await fresh.close()
    const actx = await session(ad, browser, token, user)
    const ap = await actx.newPage()
    const agentsBytes = await jsCssBytes(ap, '/admin/agents', () => ap.getByRole('table', { name: 'Agents' }).waitFor())
    await actx.close()

    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`
    process.stdout.write(`  (${cpus().length} CPUs, load average ${loadavg()[0].toFixed(1)} while measuring)\n`)
    process.stdout.write(`  agents table rendered, cold cache: median ${median(cold).toFixed(0)} ms of ${RUNS}\n`)
    process.stdout.write(`  agents table rendered, warm cache: median ${median(warm).toFixed(0)} ms of ${RUNS}   (target < 300 ms)\n`)
    process.stdout.write(`  agents list API answered, warm cache: median ${median(warmApi).toFixed(0)} ms after navigation (the rest is rendering)\n`)
    process.stdout.write(`  login page JS+CSS, compressed: ${kb(loginBytes)}   (target <= 150 KB)\n`)
    process.stdout.write(`  agents page JS+CSS, compressed: ${kb(agentsBytes)}\n`)
  } finally {
    await browser?.close()
    await ad.stop()
  }
}
main().catch((e) => { console.error(e); process.exitCode = 1 })
