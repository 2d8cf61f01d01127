// Fails when src/api/schema.d.ts is not what `npm run gen:api` makes from
// docs/api/openapi.yaml now, so the UI's API types cannot drift silently.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const web = new URL('..', import.meta.url).pathname
const dir = mkdtempSync(join(tmpdir(), 'agentdesk-api-'))
const fresh = join(dir, 'schema.d.ts')
try {
  execFileSync(join(web, 'node_modules/.bin/openapi-typescript'),
    [join(web, '../docs/api/openapi.yaml'), '-o', fresh], { stdio: ['ignore', 'ignore', 'inherit'] })
  if (readFileSync(fresh, 'utf8') !== readFileSync(join(web, 'src/api/schema.d.ts'), 'utf8')) {
    console.error('src/api/schema.d.ts is stale: run `npm run gen:api` in web/ and commit it')
    process.exitCode = 1
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
