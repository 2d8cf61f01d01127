// Routes. Two sections, each its own lazy chunk: the portal under /admin
// (superadmin, admin, supervisor) and the agent desktop at /desk. Guards:
// no session → /login; a temporary password → /change-password only; an
// agent who opens /admin → /desk; the emailed links' pages are public; superadmin-only pages for superadmins.
import { createRouter, createWebHistory, type RouteLocationNormalized } from 'vue-router'
import { useSessionStore } from './stores/session'
import { useScopeStore } from './stores/scope'
import { agentsFirstPageDrop, agentsFirstPageSend } from './views/portal/agentsFirstPage'

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean
    portal?: boolean
    superadmin?: boolean
    /** Admins' only (the API refuses supervisors everything on the page). */
    writers?: boolean
    /** Acts inside a tenant: a superadmin keeps ?tenant_id= across these. */
    tenantScoped?: boolean
    title?: string
  }
}

const portal = () => import('./views/portal/PortalLayout.vue')

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', component: () => import('./views/LoginPage.vue'), meta: { public: true, title: 'Log in' } },
    { path: '/forgot-password', component: () => import('./views/ForgotPasswordPage.vue'), meta: { public: true, title: 'Forgot password' } },
    { path: '/set-password', component: () => import('./views/LinkPasswordPage.vue'), meta: { public: true, title: 'Choose your password' } },
    { path: '/reset-password', component: () => import('./views/LinkPasswordPage.vue'), meta: { public: true, title: 'Reset your password' } },
    { path: '/change-password', component: () => import('./views/ChangePasswordPage.vue'), meta: { title: 'Change your password' } },
    { path: '/desk', component: () => import('./views/desk/DeskPage.vue'), meta: { title: 'Agent desktop' } },
    {
      path: '/admin',
      component: portal,
      meta: { portal: true },
      children: [
        { path: '', redirect: () => useSessionStore().home },
        { path: 'dashboard', component: () => import('./views/portal/DashboardPage.vue'), meta: { portal: true, tenantScoped: true, title: 'Dashboard' } },
        {
          path: 'agents', component: () => import('./views/portal/AgentsPage.vue'), meta: { portal: true, tenantScoped: true, title: 'Agents' },
          // The list is asked for before the page's code loads (agentsFirstPage.ts).
          beforeEnter: () => { if (!useSessionStore().isSuperadmin) agentsFirstPageSend() },
        },
        { path: 'agents/:id(\\d+)', component: () => import('./views/portal/AgentDetailPage.vue'), meta: { portal: true, tenantScoped: true, title: 'Agent' } },
        { path: 'queues', component: () => import('./views/portal/QueuesPage.vue'), meta: { portal: true, tenantScoped: true, title: 'Queues' } },
        { path: 'queues/:id(\\d+)', component: () => import('./views/portal/QueueDetailPage.vue'), meta: { portal: true, tenantScoped: true, title: 'Queue' } },
        { path: 'numbers', component: () => import('./views/portal/NumbersPage.vue'), meta: { portal: true, tenantScoped: true, title: 'Inbound numbers' } },
        { path: 'queue-settings', component: () => import('./views/portal/QueueSettingsPage.vue'), meta: { portal: true, tenantScoped: true, title: 'Queue settings' } },
        { path: 'extensions', component: () => import('./views/portal/ExtensionsPage.vue'), meta: { portal: true, tenantScoped: true, title: 'Extensions' } },
        { path: 'scim', component: () => import('./views/portal/IdentityProviderPage.vue'), meta: { portal: true, tenantScoped: true, writers: true, title: 'Identity provider' } },
        { path: 'webhooks', component: () => import('./views/portal/WebhooksPage.vue'), meta: { portal: true, tenantScoped: true, title: 'Webhooks' } },
        { path: 'audit', component: () => import('./views/portal/AuditPage.vue'), meta: { portal: true, tenantScoped: true, title: 'Audit log' } },
        { path: 'freeswitch', component: () => import('./views/portal/FreeswitchPage.vue'), meta: { portal: true, title: 'FreeSWITCH' } },
        { path: 'tenants', component: () => import('./views/portal/TenantsPage.vue'), meta: { portal: true, superadmin: true, title: 'Tenants' } },
        { path: 'clusters', component: () => import('./views/portal/ClustersPage.vue'), meta: { portal: true, superadmin: true, title: 'Clusters' } },
      ],
    },
    { path: '/', redirect: () => useSessionStore().home },
    { path: '/:rest(.*)*', component: () => import('./views/NotFoundPage.vue'), meta: { public: true, title: 'Not found' } },
  ],
})

function tenantParam(r: RouteLocationNormalized): number | null {
  const v = Number(r.query.tenant_id)
  return Number.isInteger(v) && v > 0 ? v : null
}

router.beforeEach((to, from) => {
  const session = useSessionStore()
  if (to.meta.public) {
    if (to.path === '/login' && session.loggedIn && !session.mustChangePassword) return session.home
    return true
  }
  if (!session.loggedIn) return { path: '/login' }
  if (session.mustChangePassword) return to.path === '/change-password' ? true : '/change-password'
  if (to.path === '/change-password') return session.home
  if (to.meta.portal && session.role === 'agent') return '/desk'
  if (to.meta.superadmin && !session.isSuperadmin) return session.home
  if (to.meta.writers && !session.canWrite) return session.home
  // A superadmin moving between tenant pages stays in the chosen tenant.
  if (session.isSuperadmin && to.meta.tenantScoped && !tenantParam(to) && tenantParam(from))
    return { ...to, query: { ...to.query, tenant_id: String(tenantParam(from)) } }
  return true
})

router.afterEach((to, _from, failure) => {
  if (failure) agentsFirstPageDrop()
  const scope = useScopeStore()
  const id = tenantParam(to)
  if (to.meta.tenantScoped || id) {
    if (id !== scope.tenantId) scope.tenantName = null
    scope.tenantId = id
  }
  document.title = to.meta.title ? `${to.meta.title} · agentdesk` : 'agentdesk'
})
