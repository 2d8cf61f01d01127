// Vite configuration: the portal and the desk are separate lazy chunks
// (router.ts imports each view on demand). `npm run dev` proxies the API to
// a running agentdesk (AGENTDESK_API_URL, default http://127.0.0.1:8080).
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const api = process.env.AGENTDESK_API_URL ?? 'http://127.0.0.1:8080'
const proxy = { '/v1': { target: api, changeOrigin: false } }

export default defineConfig({
  plugins: [vue()],
  build: {
    target: 'es2020',
    sourcemap: false,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 600,
  },
  server: { proxy },
  preview: { proxy },
})
