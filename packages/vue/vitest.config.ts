import { defineConfig } from 'vitest/config'

// Tests run against core's source (the `tabmq-source` export condition), never a stale dist.
export default defineConfig({
  resolve: { conditions: ['tabmq-source'] },
  ssr: { resolve: { conditions: ['tabmq-source'] } },
  test: {
    environment: 'happy-dom',
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    fileParallelism: false,
    env: { TABMQ_EXPECT_VUE: '3.5' },
  },
})
