import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['tabmq-source'] },
  test: { include: ['test/**/*.test.ts'] },
})
