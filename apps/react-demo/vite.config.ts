import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// No tabmq-specific configuration: @tabmq/core and @tabmq/react resolve to their built dist, as in
// any app, and the worker is bundled from `new SharedWorker(new URL('./tabmq.worker.ts', import.meta.url))`.
export default defineConfig({
  plugins: [react()],
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  worker: { format: 'es' },
})
