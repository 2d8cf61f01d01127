// Browser flow of the agents CSV import (issue 21): the admin picks a file,
// sees its first rows and the rows' errors by line, picks a fixed file
// (UTF-8 with a BOM, ';'), confirms, and downloads the temporary passwords
// once; a file above 500 rows shows a progress bar until it is done; a
// supervisor has no Import button.
import { after, before, test } from 'node:test'
import { readFileSync } from 'node:fs'
import type { Browser } from 'playwright-core'
import { Agentdesk, Tab, assert, launch } from './harness.ts'

let ad: Agentdesk
let browser: Browser
const ADMIN = { email: 'admin@acme.test', password: 'admin-password-1' }
const SUP = { email: 'sup@acme.test', password: 'supervisor-pass-1' }
const HEADER = 'first_name,last_name,email,role,extensions_count,voicemail_enabled,send_invite\r\n'

before(async () => {
  ad = new Agentdesk()
  const acme = ad.tenant('Acme', 1000)
  ad.user(acme, ADMIN.email, ADMIN.password, 'admin', 'Ada', 'Admin')
  ad.user(acme, SUP.email, SUP.password, 'supervisor', 'Sue', 'Supervisor')
  await ad.start()
  browser = await launch()
})

after(async () => {
  await browser?.close()
  await ad?.stop()
})

const csv = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') })

test('import: errors by row, then a good file, then the passwords once', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  await p.getByRole('button', { name: 'Import' }).click()
  const dialog = p.getByRole('dialog', { name: 'Import agents' })
  await dialog.getByLabel('CSV file').setInputFiles(csv('bad.csv', HEADER
    + 'Ann,Lee,ann@acme.test,agent,1,false,false\r\n'
    + 'Bob,Ray,not-an-email,agent,1,false,false\r\n'
    + 'Cy,Doe,ANN@acme.test,agent,1,false,false\r\n'))
  const errors = dialog.getByRole('table', { name: 'Errors' })
  await errors.waitFor()
  await errors.getByRole('row').filter({ hasText: /^3\s*email/ }).waitFor()
  await errors.getByRole('row').filter({ hasText: 'the file has this email on line 2 too' }).waitFor()
  await dialog.getByRole('table', { name: 'Preview' }).getByText('bob', { exact: false }).first().waitFor()
  assert.ok(await dialog.getByRole('button', { name: 'Import', exact: true }).isDisabled(), 'nothing to confirm')
  await tab.axe('import dialog with errors')
  await tab.shot('import-errors')

  await dialog.getByLabel('CSV file').setInputFiles(csv('good.csv', '\ufeff' + HEADER.replace(/,/g, ';')
    + 'Jos\u00e9;M\u00fcller;jose@acme.test;agent;1;true;false\r\n'
    + 'Ann;Lee;ann@acme.test;supervisor;;;false\r\n'
    + 'Zed;Zu;zed@acme.test;;0;false;false\r\n'))
  await dialog.getByText('3 rows are ready to import.').waitFor()
  await dialog.getByRole('table', { name: 'Preview' }).getByText('Jos\u00e9').waitFor()
  await dialog.getByRole('button', { name: 'Import 3 agents' }).click()
  await dialog.getByText('3 agents imported.').waitFor()
  const [file] = await Promise.all([
    p.waitForEvent('download'),
    dialog.getByRole('button', { name: 'Download temporary passwords' }).click(),
  ])
  const text = readFileSync((await file.path())!, 'utf8')
  assert.match(text, /^email,first_name,last_name,temporary_password\r\njose@acme.test,Jos\u00e9,M\u00fcller,\S{16}\r\n/)
  await dialog.getByRole('button', { name: 'Passwords downloaded' }).waitFor()
  await tab.shot('import-done')
  await dialog.getByRole('button', { name: 'Done' }).click()
  await dialog.waitFor({ state: 'hidden' })
  await p.getByRole('row').filter({ hasText: 'zed@acme.test' }).waitFor()
  tab.clean()
  await tab.close()
})

test('import above 500 rows: a progress bar until done', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login(ADMIN.email, ADMIN.password, /\/admin\/agents$/)
  await p.getByRole('button', { name: 'Import' }).click()
  const dialog = p.getByRole('dialog', { name: 'Import agents' })
  let rows = HEADER
  for (let i = 0; i < 600; i++) rows += `F${i},L${i},bulk${i}@acme.test,agent,1,false,false\r\n`
  await dialog.getByLabel('CSV file').setInputFiles(csv('bulk.csv', rows))
  const token = await ad.login(ADMIN.email, ADMIN.password)
  const before = (await ad.api('GET', '/v1/admin/agents?limit=1', token)).body.total
  await dialog.getByRole('button', { name: 'Import 600 agents' }).click()
  await dialog.getByRole('progressbar', { name: 'Import progress' }).or(dialog.getByText('600 agents imported.')).first().waitFor()
  await dialog.getByText('600 agents imported.').waitFor({ timeout: 60_000 })
  await tab.shot('import-bulk-done')
  const list = await ad.api('GET', '/v1/admin/agents?limit=1', token)
  assert.equal(list.body.total, before + 600)
  tab.clean()
  await tab.close()
})

test('a supervisor has no Import button', async () => {
  const tab = await Tab.open(browser, ad.webUrl)
  const p = tab.page
  await tab.login(SUP.email, SUP.password, /\/admin\/agents$/)
  await p.getByRole('table', { name: 'Agents' }).waitFor()
  assert.equal(await p.getByRole('button', { name: 'Import' }).count(), 0)
  tab.clean()
  await tab.close()
})
