// Loopback ports for browser tests that run side by side (ctest -j): the
// same claims as tests/harness/ports.py, on the same folder, so a port is
// handed to one test process at a time, Python or Node. A port free now
// can still be picked by another test before this test's server binds it
// (CI saw it); so it is also claimed: a file named after it, created only
// if absent, holding this process's id, removed when this process exits
// (the file of a process that is gone is taken over).
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'

const DIR = process.env.AGENTDESK_TEST_PORTS || join(tmpdir(), `agentdesk-test-ports-${userInfo().uid}`)
const mine = new Set<string>()
process.on('exit', () => { for (const f of mine) release(f) })

function release(f: string) {
  mine.delete(f)
  try { unlinkSync(f) } catch { /* gone already */ }
}

/** A claim whose process still runs. An empty file is one being written. */
function alive(text: string): boolean {
  const pid = Number(text)
  if (!Number.isInteger(pid) || pid <= 0) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}

function claim(port: number): string | null {
  mkdirSync(DIR, { recursive: true })
  const f = join(DIR, String(port))
  for (let i = 0; i < 2; i++) {
    try {
      writeFileSync(f, String(process.pid), { flag: 'wx' })
      mine.add(f)
      return f
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
    let text: string
    try { text = readFileSync(f, 'utf8').trim() } catch { continue }
    if (alive(text)) return null
    try { unlinkSync(f) } catch { /* another took it over */ }
  }
  return null
}

function bindable(port: number): Promise<boolean> {
  return new Promise<boolean>((ok) => {
    const s = createServer()
    s.once('error', () => ok(false))
    s.listen(port, '127.0.0.1', () => s.close(() => ok(true)))
  })
}

/** A loopback port in [lo, hi], free now and claimed for this process until it exits. */
export async function reservePort(lo: number, hi: number): Promise<number> {
  for (let i = 0; i < 500; i++) {
    const port = lo + Math.floor(Math.random() * (hi - lo + 1))
    const f = claim(port)
    if (!f) continue
    if (await bindable(port)) return port
    release(f)
  }
  throw new Error(`no free port in ${lo}-${hi}`)
}
