// The signed-in user and the bearer token. The session lives in
// sessionStorage (this tab only, gone when it closes); nothing here ever
// goes to localStorage or a cookie. expire() is called by the API client
// when a token stops working; the login page then says the session ended.
import { defineStore } from 'pinia'
import type { AuthUser, LoginData } from '../api/types'

const KEY = 'agentdesk.session'

interface Saved {
  token: string
  expiresAt: string
  user: AuthUser
  mustChangePassword: boolean
}

function load(): Saved | null {
  try {
    const raw = sessionStorage.getItem(KEY)
    return raw ? (JSON.parse(raw) as Saved) : null
  } catch {
    return null
  }
}

export const useSessionStore = defineStore('session', {
  state: () => {
    const s = load()
    return {
      token: s?.token ?? null as string | null,
      expiresAt: s?.expiresAt ?? null as string | null,
      user: s?.user ?? null as AuthUser | null,
      mustChangePassword: s?.mustChangePassword ?? false,
      /** Shown once on the login page: why the user is there. */
      notice: null as string | null,
      /** The user is logging out: the end of the session is theirs, nothing to ask. */
      leaving: false,
    }
  },
  getters: {
    loggedIn: (s) => s.token !== null && s.user !== null,
    role: (s) => s.user?.role ?? null,
    /** Supervisors read; admins and superadmins write. */
    canWrite: (s) => s.user?.role === 'admin' || s.user?.role === 'superadmin',
    isSuperadmin: (s) => s.user?.role === 'superadmin',
    /** Where a user lands after login. */
    home: (s): string => {
      switch (s.user?.role) {
        case 'superadmin': return '/admin/tenants'
        case 'admin':
        case 'supervisor': return '/admin/agents'
        default: return '/desk'
      }
    },
  },
  actions: {
    start(d: LoginData) {
      this.token = d.token
      this.expiresAt = d.expiresAt
      this.user = d.user
      this.mustChangePassword = d.mustChangePassword
      this.notice = null
      this.save()
    },
    passwordChanged(token: string, expiresAt: string) {
      this.token = token
      this.expiresAt = expiresAt
      this.mustChangePassword = false
      this.save()
    },
    /** POST /v1/auth/refresh answered: the new token replaces the old one. */
    refreshed(token: string, expiresAt: string) {
      this.token = token
      this.expiresAt = expiresAt
      this.save()
    },
    requirePasswordChange() {
      this.mustChangePassword = true
      this.save()
    },
    save() {
      if (!this.token || !this.user) return
      const s: Saved = { token: this.token, expiresAt: this.expiresAt ?? '', user: this.user,
                         mustChangePassword: this.mustChangePassword }
      sessionStorage.setItem(KEY, JSON.stringify(s))
    },
    clear() {
      this.token = null
      this.expiresAt = null
      this.user = null
      this.mustChangePassword = false
      this.leaving = false
      sessionStorage.clear()
    },
    /** The server refused the token: back to login with the reason. */
    expire(notice = 'Your session ended. Please log in again.') {
      this.clear()
      this.notice = notice
    },
  },
})
