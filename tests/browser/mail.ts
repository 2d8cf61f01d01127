// The SMTP server of the browser tests: the mail work's tests/harness/smtp.py
// (Debian's aiosmtpd under /usr/bin/python3) on a loopback port, with
// STARTTLS on a throwaway certificate and AUTH, as the integration tests
// run it; and readers of what it received (the emailed link).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { SOURCE, assert, freePort, until } from './harness.ts'

const SMTP_PY = join(SOURCE, 'tests/harness/smtp.py')
const USER = 'agentdesk'
const PASSWORD = 'smtp secret 42'

export interface Mail { to: string; subject: string; text: string; html: string; raw: string }

/** Quoted-printable (RFC 2045 6.7) to text: what curl's encoder wrote. */
function unQuote(s: string): string {
  const bytes = Buffer.from(s.replace(/=\r?\n/g, ''), 'latin1')
  const out: number[] = []
  for (let i = 0; i < bytes.length; i++) {
    const hex = bytes[i] === 0x3d ? bytes.subarray(i + 1, i + 3).toString('latin1') : ''
    if (/^[0-9A-F]{2}$/i.test(hex)) { out.push(parseInt(hex, 16)); i += 2 } else out.push(bytes[i])
  }
  return Buffer.from(out).toString('utf8')
}

/** The text/plain and text/html parts of a multipart/alternative message. */
function parse(raw: string): Mail {
  const end = raw.search(/\r?\n\r?\n/)
  const head = raw.slice(0, end)
  const body = raw.slice(end)
  const header = (name: string) => head.replace(/\r?\n[ \t]+/g, ' ').match(new RegExp(`^${name}:\\s*(.*)$`, 'mi'))?.[1] ?? ''
  const boundary = header('Content-Type').match(/boundary="?([^";]+)"?/)?.[1]
  assert.ok(boundary, 'a multipart message: ' + head)
  const part = (type: string) => {
    const p = body.split('--' + boundary).find((x) => new RegExp(`^Content-Type:\\s*${type}`, 'mi').test(x))
    assert.ok(p, `a ${type} part`)
    const i = p.search(/\r?\n\r?\n/)
    return /^Content-Transfer-Encoding:\s*quoted-printable/mi.test(p.slice(0, i)) ? unQuote(p.slice(i).trim()) : p.slice(i).trim()
  }
  return { to: header('X-Envelope-To'), subject: header('Subject'), text: part('text/plain'), html: part('text/html'), raw }
}

export class SmtpServer {
  private readonly dir = mkdtempSync(join(tmpdir(), 'agentdesk-smtp-'))
  private readonly maildir = join(this.dir, 'mail')
  private proc: ChildProcess | null = null
  private port = 0
  private cert = ''

  async start(): Promise<this> {
    mkdirSync(this.maildir)
    this.cert = join(this.dir, 'cert.pem')
    const key = join(this.dir, 'cert.key')
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', key, '-out', this.cert], { encoding: 'utf8' })
    assert.equal(r.status, 0, 'openssl: ' + r.stderr)
    this.port = await freePort()
    const p = spawn('/usr/bin/python3', [SMTP_PY, '--port', String(this.port), '--dir', this.maildir, '--cert', this.cert, '--key', key,
      '--user', USER, '--password', PASSWORD], { stdio: ['ignore', 'pipe', 'inherit'] })
    this.proc = p
    const first = await new Promise<string>((ok) => {
      const lines = createInterface({ input: p.stdout! })
      lines.once('line', (l) => { lines.close(); ok(l) })
      p.once('exit', () => ok('exited'))
    })
    assert.equal(first.trim(), 'ready', 'smtp.py did not start')
    return this
  }

  /** agentdesk's settings to send through this server, links starting at publicUrl. */
  env(publicUrl: string): Record<string, string> {
    return {
      AGENTDESK_SMTP_URL: `smtp://127.0.0.1:${this.port}`, AGENTDESK_SMTP_TLS: 'required', AGENTDESK_SMTP_CA_FILE: this.cert,
      AGENTDESK_SMTP_USER: USER, AGENTDESK_SMTP_PASSWORD: PASSWORD, AGENTDESK_MAIL_FROM: 'noreply@desk.test',
      AGENTDESK_PUBLIC_URL: publicUrl, AGENTDESK_MAIL_RETRY_BASE: '1',
    }
  }

  /** Every message received so far, oldest first. */
  messages(): Mail[] {
    return readdirSync(this.maildir).filter((n) => /^msg-\d+\.eml$/.test(n)).sort()
      .map((n) => parse(readFileSync(join(this.maildir, n), 'latin1')))
  }

  /** The newest message to `address` after the first `skip` of them, waiting up to 30 s. */
  async mailTo(address: string, skip = 0): Promise<Mail> {
    return until(`a message to ${address}`, 30_000, async () => this.messages().filter((m) => m.to.includes(address))[skip])
  }

  async stop(): Promise<void> {
    const p = this.proc
    this.proc = null
    if (p && p.exitCode === null) {
      p.kill('SIGTERM')
      await new Promise((r) => p.once('exit', r))
    }
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/** The link to `page` (set-password or reset-password) in a message, checked in both parts. */
export function linkIn(m: Mail, base: string, page: string): string {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const found = m.text.match(new RegExp(`${esc(base)}/${page}#token=[A-Za-z0-9_-]{43}`))
  assert.ok(found, `a ${page} link in: ${m.text}`)
  assert.ok(m.html.includes(found[0]), 'the same link in the HTML part')
  return found[0]
}
