// The superadmin's tenant in the query of links between the queue pages
// (an admin's or supervisor's own tenant needs none).
import { useScopeStore } from '../../stores/scope'
import { useSessionStore } from '../../stores/session'

export function tenantQuery(): Record<string, string> {
  const scope = useScopeStore()
  return useSessionStore().isSuperadmin && scope.tenantId ? { tenant_id: String(scope.tenantId) } : {}
}
