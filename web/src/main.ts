// The web app's entry: Vue, Pinia, the router, PrimeVue (Aura theme) with
// its toast and confirmation services.
// First: an emailed link's token leaves the address bar before the router reads it.
import './linkToken'
import { createApp, markRaw } from 'vue'
import { createPinia } from 'pinia'
import PrimeVue from 'primevue/config'
import ToastService from 'primevue/toastservice'
import ConfirmationService from 'primevue/confirmationservice'
import { AgentdeskTheme } from './theme'
import { vFocusableTable } from './components/focusableTable'
import App from './App.vue'
import { router } from './router'
import './style.css'

const app = createApp(App)
app.use(createPinia())
app.use(router)
// No global pass-through (`pt`): every component would look it up for each
// of its parts; the tables' keyboard access is v-focusable-table instead.
// The theme is markRaw: PrimeVue keeps its options reactive and watches them
// deeply, so a plain preset (thousands of tokens) would be walked through
// proxies at start and on every token lookup of every component's style;
// it never changes at run time.
app.use(PrimeVue, { theme: markRaw({ preset: AgentdeskTheme, options: { darkModeSelector: 'none' } }) })
app.directive('focusable-table', vFocusableTable)
app.use(ToastService)
app.use(ConfirmationService)
app.mount('#app')
