import { describe, expect, it } from 'vitest'
import { version } from 'vue'

// Guards the Vue 3.3 run (vitest.vue-3.3.config.ts): without it, a broken alias would run the
// tests on Vue 3.5 twice and prove nothing about the older peer.
describe('the Vue under test', () => {
  it(`is Vue ${process.env.TABMQ_EXPECT_VUE}`, () => {
    expect(process.env.TABMQ_EXPECT_VUE).toMatch(/^3\.\d+$/)
    expect(version.startsWith(`${process.env.TABMQ_EXPECT_VUE}.`)).toBe(true)
  })
})
