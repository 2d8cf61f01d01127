// The tenant a superadmin is acting in (the portal's tenant switcher). It
// follows the URL's ?tenant_id= (router.ts keeps the two in step), so a
// link or a reload stays in the same tenant.
import { defineStore } from 'pinia'

export const useScopeStore = defineStore('scope', {
  state: () => ({ tenantId: null as number | null, tenantName: null as string | null }),
})
