import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// No tabmq-specific configuration: @tabmq/core and @tabmq/vue resolve to their built dist, as in
// any app, and the worker is bundled from `new SharedWorker(new URL('./tabmq.worker.ts', import.meta.url))`.
export default defineConfig({
  plugins: [vue()],
  server: { host: '127.0.0.1', port: 5174 },
  preview: { host: '127.0.0.1', port: 4174 },
  worker: { format: 'es' },
})
