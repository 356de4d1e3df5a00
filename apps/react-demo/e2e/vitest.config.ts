import { fileURLToPath } from 'node:url'

// A plain object, not defineConfig: vitest is not (yet) a devDependency of this app, so
// 'vitest/config' does not resolve from here. See package.json's test script.
export default {
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
}
