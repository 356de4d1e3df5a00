import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const reactPackage = fileURLToPath(new URL('../react/', import.meta.url))

// @tabmq/react's own hook tests, with React and ReactDOM 18 from this package: `dedupe` makes
// every `react`/`react-dom` import (the hooks', the tests', Testing Library's) resolve here.
export default defineConfig({
  resolve: { conditions: ['tabmq-source'], dedupe: ['react', 'react-dom', '@testing-library/react', '@testing-library/dom'] },
  ssr: { resolve: { conditions: ['tabmq-source'] } },
  server: { fs: { allow: [reactPackage, fileURLToPath(new URL('.', import.meta.url))] } },
  test: {
    dir: reactPackage,
    include: [`${reactPackage}test/**/*.test.{ts,tsx}`, `${fileURLToPath(new URL('.', import.meta.url))}test/**/*.test.{ts,tsx}`],
    environment: 'happy-dom',
    setupFiles: [`${reactPackage}test/setup.ts`],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    fileParallelism: false,
    server: { deps: { inline: [/@testing-library/] } },
  },
})
