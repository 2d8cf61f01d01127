// The one API client every view uses. It adds the bearer token, unwraps the
// success envelope, turns failures into ApiError (stable code, field, a
// message for people), acts inside the superadmin's chosen tenant
// (?tenant_id=), and sends the user back to /login with "your session
// ended" when a token stops working. The token is never put in a URL.
import { useSessionStore } from '../stores/session'
import { useScopeStore } from '../stores/scope'
import type { paths } from './schema'
import type { ErrorCode, UnauthorizedReason } from './types'

export class ApiError extends Error {
  readonly status: number
  readonly code: ErrorCode | 'network_error'
  readonly field?: string
  readonly retryAfter?: number
  /** On a 401 for a token: why (session_expired, session_revoked, account_suspended, account_deleted). */
  reason?: UnauthorizedReason
  /** The error object as sent, for routes that add to it (the import's line and rows). */
  detail?: Record<string, unknown>

  constructor(status: number, code: ApiError['code'], message: string, field?: string, retryAfter?: number) {
    super(message)
    this.status = status
    this.code = code
    this.field = field
    this.retryAfter = retryAfter
  }
}

const MESSAGES: Partial<Record<ApiError['code'], string>> = {
  invalid_credentials: 'Wrong email or password.',
  email_taken: 'This email is already used by another user.',
  pool_exhausted: 'No free extension is left in this tenant\u2019s pool. Free some extensions or ask for a bigger pool.',
  pool_overlap: 'This number range overlaps another tenant\u2019s pool.',
  cannot_modify_self: 'You cannot suspend, delete or change the role of yourself.',
  role_not_allowed: 'That role cannot be given here.',
  wrong_password: 'The current password is wrong.',
  forbidden: 'You are not allowed to do that.',
  not_found: 'Not found: it does not exist, or it was deleted.',
  cluster_in_use: 'Tenants still belong to this cluster: move them first.',
  store_unavailable: 'The database does not answer. Try again in a moment.',
  network_error: 'agentdesk cannot be reached. Check the connection and try again.',
  payload_too_large: 'That is too much text.',
  invalid_token: 'This link is invalid or expired.',
  mail_disabled: 'This server does not send email.',
  number_taken: 'This number is already used: by another queue, the extension pool, a reserved number, or (inbound numbers) another tenant.',
  queue_in_use: 'An inbound number or another queue\u2019s timeout still sends callers to this queue: change those first.',
  agent_suspended: 'This agent is suspended: a suspended agent stays logged out of queues.',
  sso_required: 'Your organisation signs in with single sign-on: use the button above.',
  invalid_code: 'The sign-in did not finish in time. Sign in again.',
}

/** A message for people: ours for well-known codes, else the API's. */
/** What the login page says when the server refused the session for a reason
 *  of the account (undefined: the session alone ended, the default words). */
export const ACCOUNT_GONE = 'Your account was suspended or removed – contact your administrator'
export function sessionEndedNotice(reason: UnauthorizedReason | undefined): string | undefined {
  return reason === 'account_suspended' || reason === 'account_deleted' ? ACCOUNT_GONE : undefined
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.code === 'too_many_attempts') {
      const s = e.retryAfter ?? 0
      const when = s >= 120 ? `${Math.ceil(s / 60)} minutes` : `${s} seconds`
      return `Too many failed attempts. Try again in ${when}.`
    }
    if (e.code === 'validation_failed' || e.code === 'conflict') return e.message
    return MESSAGES[e.code] ?? e.message
  }
  return e instanceof Error ? e.message : String(e)
}

/** The field an error belongs to, with its message; null for a form-level one. */
export function fieldError(e: unknown): { field: string; message: string } | null {
  if (e instanceof ApiError && e.field) return { field: e.field, message: errorMessage(e) }
  return null
}

type QueryValue = string | number | boolean | null | undefined
type Query = Record<string, QueryValue>

interface BaseOptions {
  /** Do not add the superadmin's ?tenant_id= (platform routes). */
  platform?: boolean
  /**
   * A 401 does not end the session here: the caller decides (the desk lets
   * a live call finish before it sends the agent to log in again).
   */
  keepSessionOn401?: boolean
}

interface RequestOptions extends BaseOptions {
  query?: Query
  body?: unknown
  /** A file, not JSON: a success answers the Response itself. */
  raw?: boolean
  /** A CSV file's text sent as the body (text/csv) instead of JSON. */
  csv?: string
}

/** Routes that act inside one tenant (a superadmin names it). */
function tenantScoped(path: string): boolean {
  return /^\/v1\/admin\/(agents|imports|extensions|audit|events|calls|analytics|queues|queue-settings|break-reasons|numbers)(\/|$)/.test(path)
}

/** `/v1/admin/agents/{id}` with { id: 7 }: `/v1/admin/agents/7`. */
function fillPath(path: string, params: Record<string, string | number> | undefined): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = params?.[name]
    if (v === undefined) throw new Error(`${path}: no value for {${name}}`)
    return encodeURIComponent(String(v))
  })
}

/* The token a refresh (POST /v1/auth/refresh) is replacing. The server
 * revokes it at once, so a request sent with it just before may get 401
 * session_revoked before the refresh's answer brings the new token: that
 * does not end the session (a refresh that fails ends it, in
 * useTokenRefresh). */
let replacing: string | null = null

/* The requests on their way. A logout cancels them before it revokes the
 * token, and sends nothing more until the session is gone: none of the
 * page's own requests comes back 401 under a user who is leaving. */
const inFlight = new Set<AbortController>()

/** What a request of a page being left answers: nothing (the page goes to login). */
function never<T>(): Promise<T> {
  return new Promise<T>(() => {})
}

async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const session = useSessionStore()
  const isLogout = method === 'POST' && path === '/v1/auth/logout'
  if (session.leaving && !isLogout) return never()
  const scope = useScopeStore()
  const query: Query = { ...(opts.query ?? {}) }
  if (!opts.platform && session.user?.role === 'superadmin' && scope.tenantId && tenantScoped(path))
    query.tenant_id = scope.tenantId
  const qs = new URLSearchParams()
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v))
  const url = path + (qs.toString() ? `?${qs}` : '')
  const headers: Record<string, string> = { Accept: opts.raw ? '*/*' : 'application/json' }
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json'
  if (opts.csv !== undefined) headers['Content-Type'] = 'text/csv; charset=utf-8'
  const sentToken = session.token
  if (sentToken) headers.Authorization = `Bearer ${sentToken}`

  const refresh = method === 'POST' && path === '/v1/auth/refresh'
  if (refresh) replacing = sentToken
  const ctrl = new AbortController()
  if (!isLogout) inFlight.add(ctrl)
  let res: Response
  let json: any = null
  try {
    try {
      res = await fetch(url, {
        method,
        headers,
        body: opts.csv ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
        cache: 'no-store',
        credentials: 'omit',
        signal: ctrl.signal,
      })
    } catch {
      if (refresh) replacing = null
      if (ctrl.signal.aborted) return never()
      throw new ApiError(0, 'network_error', MESSAGES.network_error as string)
    }
    if (refresh && !res.ok) replacing = null
    if (opts.raw && res.ok) return res as T
    try {
      json = await res.json()
    } catch {
      json = null
    }
    if (ctrl.signal.aborted) return never()
  } finally {
    inFlight.delete(ctrl)
  }
  if (res.ok && json && json.success === true) return json as T

  const err = json?.error ?? {}
  const retry = Number(res.headers.get('Retry-After'))
  const e = new ApiError(res.status, err.code ?? 'internal_error', err.message ?? `HTTP ${res.status}`,
                         err.field, Number.isFinite(retry) && retry > 0 ? retry : undefined)
  e.reason = err.reason
  e.detail = err
  const replaced = err.reason === 'session_revoked' && sentToken === replacing
  if (res.status === 401 && sentToken && session.token === sentToken && !opts.keepSessionOn401 && !replaced) session.expire(sessionEndedNotice(e.reason))
  else if (e.code === 'password_change_required') session.requirePasswordChange()
  throw e
}


// ---- typed from the OpenAPI document (schema.d.ts's `paths`)
//
// A call names the route as the document spells it, path parameters apart:
//   api.patch('/v1/admin/agents/{id}', { status }, { path: { id } })
// so the body, the query and the answer are the document's types, and a
// route, field or method the API does not have fails the typecheck.

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete'
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>
/** The routes that answer method M. */
export type PathsWith<M extends Method> = { [P in keyof paths]: [Op<P, M>] extends [never] ? never : P }[keyof paths]

type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : never
/** The JSON of an operation's success answers (2xx). */
export type Answer<O> = O extends { responses: infer R } ? JsonOf<R[Extract<keyof R, 200 | 201 | 202>]> : never
/** The JSON body an operation takes (undefined when it takes none). */
export type BodyOf<O> = O extends { requestBody: { content: { 'application/json': infer B } } } ? B
  : O extends { requestBody?: never } ? undefined
  : O extends { requestBody?: { content: { 'application/json': infer B } } } ? B | undefined : undefined
type PathParams<O> = O extends { parameters: { path: infer PP } } ? PP : undefined
type QueryOf<O> = O extends { parameters: { query?: infer Q } } ? [NonNullable<Q>] extends [never] ? never : NonNullable<Q> : never

/** What a call may add: its path parameters (required when the route has some) and query. */
export type CallOptions<O> = BaseOptions
  & ([QueryOf<O>] extends [never] ? { query?: never } : { query?: { [K in keyof QueryOf<O>]?: QueryOf<O>[K] | null } })
  & (PathParams<O> extends undefined ? { path?: never } : { path: PathParams<O> })
type Rest<O> = PathParams<O> extends undefined ? [opts?: CallOptions<O>] : [opts: CallOptions<O>]

function call(method: string, path: string, body: unknown, opts: unknown) {
  const { path: params, query, ...rest } = (opts ?? {}) as BaseOptions & { path?: Record<string, string | number>; query?: Query }
  return request<never>(method.toUpperCase(), fillPath(path, params), { ...rest, query, body })
}

export const api = {
  get: <P extends PathsWith<'get'>>(path: P, ...[opts]: Rest<Op<P, 'get'>>): Promise<Answer<Op<P, 'get'>>> =>
    call('get', path, undefined, opts),
  post: <P extends PathsWith<'post'>>(path: P, body: BodyOf<Op<P, 'post'>>, ...[opts]: Rest<Op<P, 'post'>>): Promise<Answer<Op<P, 'post'>>> =>
    call('post', path, body, opts),
  put: <P extends PathsWith<'put'>>(path: P, body: BodyOf<Op<P, 'put'>>, ...[opts]: Rest<Op<P, 'put'>>): Promise<Answer<Op<P, 'put'>>> =>
    call('put', path, body, opts),
  patch: <P extends PathsWith<'patch'>>(path: P, body: BodyOf<Op<P, 'patch'>>, ...[opts]: Rest<Op<P, 'patch'>>): Promise<Answer<Op<P, 'patch'>>> =>
    call('patch', path, body, opts),
  del: <P extends PathsWith<'delete'>>(path: P, ...[opts]: Rest<Op<P, 'delete'>>): Promise<Answer<Op<P, 'delete'>>> =>
    call('delete', path, undefined, opts),
}

/** POSTs the text of a CSV file (the agents import) to a route that takes text/csv. */
export function postCsv<P extends PathsWith<'post'>>(path: P, text: string, ...[opts]: Rest<Op<P, 'post'>>): Promise<Answer<Op<P, 'post'>>> {
  const { path: params, query, ...rest } = (opts ?? {}) as BaseOptions & { path?: Record<string, string | number>; query?: Query }
  return request<never>('POST', fillPath(path, params), { ...rest, query, csv: text })
}

/**
 * GETs a file (the usage CSV) with the bearer header — a token never goes
 * in a URL, so no plain link can do it — and has the browser save it.
 */
export async function download<P extends PathsWith<'get'>>(path: P, fallbackName: string, ...[opts]: Rest<Op<P, 'get'>>): Promise<void> {
  const { path: params, query, ...rest } = (opts ?? {}) as BaseOptions & { path?: Record<string, string | number>; query?: Query }
  const res = await request<Response>('GET', fillPath(path, params), { ...rest, query, raw: true })
  const blob = await res.blob()
  const named = /filename="?([^";]+)"?/.exec(res.headers.get('Content-Disposition') ?? '')
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = named?.[1] ?? fallbackName
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** Revokes the token on the server (if it still answers) and forgets the session here. */
export async function logout(): Promise<void> {
  useSessionStore().leaving = true
  for (const c of inFlight) c.abort()
  inFlight.clear()
  try {
    await api.post('/v1/auth/logout', undefined)
  } catch {
    // The session is dropped here either way.
  }
  useSessionStore().clear()
}
