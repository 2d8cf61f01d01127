// After `vite build`: a .gz sibling for every text file in dist/, which
// agentdesk sends to clients that accept gzip. Files that do not shrink
// are left alone.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync, constants } from 'node:zlib'

const root = new URL('../dist/', import.meta.url).pathname
const text = /\.(js|mjs|css|html|svg|json|txt|map|ttf|eot)$/

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) walk(path)
    else if (text.test(name)) {
      const raw = readFileSync(path)
      const gz = gzipSync(raw, { level: constants.Z_BEST_COMPRESSION })
      if (gz.length < raw.length) writeFileSync(path + '.gz', gz)
    }
  }
}
walk(root)
