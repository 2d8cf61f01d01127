// The web app's entry: Vue, Pinia, the router, PrimeVue (Aura theme) with
// its toast and confirmation services. The theme's CSS is a static sheet
// built from src/theme.ts at build time (scripts/primevue-theme.ts), so PrimeVue
// runs with theme 'none' and computes no style in the browser.
// First: an emailed link's token leaves the address bar before the router reads it.
import './linkToken'
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import PrimeVue from 'primevue/config'
import ToastService from 'primevue/toastservice'
import ConfirmationService from 'primevue/confirmationservice'
import App from './App.vue'
import { router } from './router'
import './style.css'
// After the app's sheet, as PrimeVue's injected styles were.
import 'virtual:primevue-theme.css'

const app = createApp(App)
app.use(createPinia())
app.use(router)
// A table that scrolls sideways on a phone must be reachable by keyboard.
app.use(PrimeVue, {
  theme: 'none',
  pt: { datatable: { tableContainer: { tabindex: 0 } } },
})
app.use(ToastService)
app.use(ConfirmationService)
app.mount('#app')
