/**
 * Matching cost in the hub: a message's cost must grow with the filters that match it, not with
 * the filters held. Times FilterIndex.match for one topic with 10, 1 000 and 100 000 filters held
 * (one matching), against a linear scan with matchTopic over the same filters.
 *
 *   pnpm --filter @tabmq/core exec tsx bench/match.ts
 */
import { FilterIndex, matchTopic } from '../src/topics/index.js'

function time(fn: () => void, iterations: number): number {
  for (let i = 0; i < 1000; i++) fn()
  const start = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) fn()
  return Number(process.hrtime.bigint() - start) / iterations
}

console.log('match one topic (ns per message):')
for (const held of [10, 1_000, 100_000]) {
  const index = new FilterIndex<number>()
  const filters: string[] = []
  for (let i = 0; i < held; i++) {
    const f = i % 3 === 0 ? `site/${i}/+/telemetry` : i % 3 === 1 ? `site/${i}/#` : `site/${i}/dev/status`
    filters.push(f)
    index.add(f, i)
  }
  index.add('site/7/+/telemetry', -1)
  filters.push('site/7/+/telemetry')
  let hits = 0
  const trie = time(() => index.match('site/7/dev/telemetry', () => hits++), 200_000)
  const scanIterations = held >= 100_000 ? 50 : 5_000
  const scan = time(() => {
    for (const f of filters) if (matchTopic(f, 'site/7/dev/telemetry')) hits++
  }, scanIterations)
  console.log(`  ${String(held).padStart(7)} filters held: trie ${trie.toFixed(0).padStart(6)} ns, linear scan ${scan.toFixed(0).padStart(10)} ns (${(scan / trie).toFixed(0)}x)`)
}
