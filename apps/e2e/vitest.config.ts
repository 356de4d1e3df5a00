import { defineConfig } from 'vitest/config'

// The demos as users get them: production builds in real Chromium against real brokers.
export default defineConfig({
  resolve: { conditions: ['tabmq-source'] },
  ssr: { resolve: { conditions: ['tabmq-source'] } },
  test: {
    include: ['test/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
})
