import { defineConfig, mergeConfig } from 'vitest/config'
import base from './vitest.config'

// The same tests on Vue 3.3, the oldest peer we support (3.3 brought MaybeRefOrGetter, toValue,
// hasInjectionContext and getter refs). test/vue-version.test.ts checks the alias took.
export default mergeConfig(
  base,
  defineConfig({
    resolve: {
      alias: [
        { find: /^vue$/, replacement: 'vue-3.3' },
        { find: /^vue\/server-renderer$/, replacement: 'vue-3.3/server-renderer' },
      ],
    },
    test: { env: { TABMQ_EXPECT_VUE: '3.3' } },
  }),
)
