import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['tabmq-source'] },
  ssr: { resolve: { conditions: ['tabmq-source'] } },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    fileParallelism: false,
  },
})
