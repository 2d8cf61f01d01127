// What this server offers, from /v1/auth/me's features: whether it sends
// mail (the add-agent form's "Send invitation by email", "Resend
// invitation"), and the redirect URI of single sign-on (null: the server
// has no public address, so no sign-on can start). Asked once per session;
// a failure reads as "no mail", so the forms fall back to the temporary
// password.
import { defineStore } from 'pinia'
import { api } from '../api/client'

export const useFeaturesStore = defineStore('features', {
  state: () => ({ mail: false, ssoRedirectUri: null as string | null, loaded: false }),
  actions: {
    async load(): Promise<void> {
      if (this.loaded) return
      try {
        const r = await api.get('/v1/auth/me')
        this.mail = r.data.features.mail === true
        this.ssoRedirectUri = r.data.features.sso_redirect_uri ?? null
        this.loaded = true
      } catch {
        this.mail = false
      }
    },
  },
})
