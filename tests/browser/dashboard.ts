// What the browser tests check of the Dashboard (test_dashboard.ts,
// desk_live.ts): every figure it shows against what the API answers.
import type { Page } from 'playwright-core'
import { type Agentdesk, type Tab, assert, quiet } from './harness.ts'

const pct = (x: number) => `${Math.round(x * 100)} %`
const dur = (s: number) => {
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), ss = String(s % 60).padStart(2, '0')
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`
}

/** The figures of a "Now" or totals card, by its data-figure. */
async function figure(p: Page, name: string): Promise<string> {
  return (await p.locator(`[data-figure="${name}"]`).innerText()).trim()
}

/** Shows a chart panel's table (once is enough: it stays so). */
async function asTable(panel: ReturnType<Page['getByRole']>): Promise<void> {
  const b = panel.getByRole('button', { name: 'Show as table' })
  if (await b.count()) await b.click()
}

/** What the dashboard must say, from the API. */
export async function checkDashboard(tab: Tab, a: Agentdesk, token: string, from: string, to: string): Promise<void> {
  const p = tab.page
  const ext = await a.api('GET', '/v1/admin/extensions?limit=1', token)
  assert.equal(ext.status, 200)
  const s = ext.body.stats
  // utilisation is assigned / total; a server that leaves it out is answered by the page's own division.
  const util = s.utilisation ?? (s.total ? s.assigned / s.total : 0)
  await p.locator('[data-figure="utilisation"]').filter({ hasText: pct(util) }).waitFor()
  await p.getByText(`${s.assigned} of ${s.total} extensions assigned`).waitFor()
  assert.equal(await figure(p, 'registered'), s.registered === null || s.registered === undefined ? 'Unknown' : String(s.registered))
  const calls = await a.api('GET', '/v1/admin/calls?active=true&limit=200', token)
  assert.equal(calls.status, 200, JSON.stringify(calls.body))
  await p.locator('[data-figure="active-calls"]').filter({ hasText: new RegExp(`^${calls.body.calls.length}$`) }).waitFor()
  if (calls.body.calls.length) {
    const t = p.getByRole('table', { name: 'Calls in progress' })
    for (const c of calls.body.calls) await t.getByRole('row').filter({ hasText: c.agent_name }).filter({ hasText: c.callee }).waitFor()
  } else {
    await p.getByText('No call in progress.').waitFor()
  }

  const day = await a.api('GET', `/v1/admin/analytics/usage?group_by=day&from=${from}&to=${to}`, token)
  const agent = await a.api('GET', `/v1/admin/analytics/usage?group_by=agent&from=${from}&to=${to}`, token)
  assert.equal(day.status, 200, JSON.stringify(day.body))
  assert.equal(agent.status, 200, JSON.stringify(agent.body))
  const sum = (rows: any[], f: string) => rows.reduce((n, r) => n + r[f], 0)
  const rows = day.body.rows
  assert.equal(await figure(p, 'calls'), String(sum(rows, 'calls_placed') + sum(rows, 'calls_received')))
  assert.equal(await figure(p, 'answered'), String(sum(rows, 'answered')))
  assert.equal(await figure(p, 'missed'), String(sum(rows, 'missed')))
  assert.equal(await figure(p, 'talk'), dur(sum(rows, 'talk_seconds')))

  // Each chart's table: every row the API answered, with its numbers.
  const dayPanel = p.getByRole('region', { name: 'Calls and talk time per day', exact: true })
  await asTable(dayPanel)
  const dayTable = dayPanel.getByRole('table', { name: 'Calls and talk time per day' })
  await dayTable.waitFor()
  const days = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1
  assert.equal(await dayTable.locator('tbody tr').count(), days, 'a row for every day of the period')
  for (const r of rows) {
    const cells = await dayTable.getByRole('row').filter({ has: p.getByRole('rowheader', { name: r.day, exact: true }) }).locator('td').allInnerTexts()
    assert.deepEqual(cells, [r.calls_placed, r.calls_received, r.answered, r.missed].map(String).concat(dur(r.talk_seconds)), `day ${r.day}`)
  }
  if (agent.body.rows.length) {
    const agentPanel = p.getByRole('region', { name: 'Calls and talk time per agent', exact: true })
    await asTable(agentPanel)
    const agentTable = agentPanel.getByRole('table', { name: 'Calls and talk time per agent' })
    assert.equal(await agentTable.locator('tbody tr').count(), agent.body.rows.length)
    for (const r of agent.body.rows) {
      const cells = await agentTable.getByRole('row').filter({ has: p.getByRole('rowheader', { name: r.agent_name, exact: true }) }).locator('td').allInnerTexts()
      assert.deepEqual(cells, [r.calls_placed, r.calls_received, r.answered, r.missed].map(String).concat(dur(r.talk_seconds)), `agent ${r.agent_name}`)
    }
  } else {
    await p.getByText('No agent had a call in this period.').waitFor()
  }
}

/** Logs in (unless `who` is null: already in the portal) and opens the Dashboard through the navigation. */
export async function openDashboard(tab: Tab, who: { email: string; password: string } | null): Promise<void> {
  const p = tab.page
  if (who) await tab.login(who.email, who.password, /\/admin\/agents$/)
  await p.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Dashboard' }).click()
  await p.waitForURL(/\/admin\/dashboard$/)
  await p.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor()
  await p.getByText('Live', { exact: true }).waitFor({ timeout: 10_000 })
  await quiet(p)
}

