import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// The browser test of the built demo: real Chromium, a real broker, the demo as users get it.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
})
