import { defineConfig } from 'vitest/config'

// Tests run against the sources of core and of this package (the `tabmq-source` export
// condition), never a stale dist. Angular compiles the test components just in time
// (`@angular/compiler` is loaded by the setup files); the published package is compiled ahead
// of time by ng-packagr, and the demo's production build checks that an application links it.
export default defineConfig({
  resolve: { conditions: ['tabmq-source'] },
  ssr: { resolve: { conditions: ['tabmq-source'] } },
  test: {
    environment: 'happy-dom',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    fileParallelism: false,
    projects: [
      // Zoneless, the default of current Angular.
      { extends: true, test: { name: 'zoneless', include: ['test/*.test.ts'], setupFiles: ['test/setup.ts'] } },
      // zone.js loaded before Angular, as in an application that still uses it.
      { extends: true, test: { name: 'zone.js', include: ['test/zone/*.test.ts'], setupFiles: ['test/zone/setup.ts'] } },
      // Server rendering with @angular/platform-server, in Node.
      { extends: true, test: { name: 'server', include: ['test/server/*.test.ts'], environment: 'node', setupFiles: ['test/server/setup.ts'] } },
    ],
  },
})
