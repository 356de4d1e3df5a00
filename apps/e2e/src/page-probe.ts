/**
 * What the suite records inside each demo page, from before the demo's scripts run: every state
 * the tab's client reports, and what the header's connection badge showed. Installed with
 * `context.addInitScript(probePage)`; read with {@link readRecord}.
 */
import type { Page } from 'playwright-core'

export interface PageRecord {
  /** Every state the tab's client reported, in order (its store, as the bindings read it). */
  states: Array<{ status: string; code: string | undefined; attempt: number; at: number }>
  /** What the header's `connection-state` badge showed, each change once, in order. */
  shown: string[]
  /** Epoch ms when this document started: a reload starts a new record. */
  startedAt: number
}

/**
 * The init script. The demos assign their client to `window.__tabmq` when their module runs; a
 * setter catches that moment, so no state is missed. Runs in the page: self-contained.
 */
export function probePage(): void {
  type Client = { connectionState: { get(): State; subscribe(listener: (s: State) => void): () => void } }
  type State = { status: string; attempt: number; error?: { code?: string } | undefined }
  const w = window as unknown as { __tabmq?: Client; __e2e?: PageRecord }
  if (w.__e2e) return
  const record: PageRecord = { states: [], shown: [], startedAt: Date.now() }
  w.__e2e = record
  let client: Client | undefined
  Object.defineProperty(w, '__tabmq', {
    configurable: true,
    get: () => client,
    set(value: Client) {
      client = value
      const push = (s: State) => void record.states.push({ status: s.status, code: s.error?.code, attempt: s.attempt, at: Date.now() })
      push(value.connectionState.get())
      value.connectionState.subscribe(push)
    },
  })
  let last = ''
  new MutationObserver(() => {
    const text = document.querySelector('[data-testid="connection-state"]')?.textContent?.trim() ?? ''
    if (text && text !== last) record.shown.push((last = text))
  }).observe(document, { subtree: true, childList: true, characterData: true })
}

export const readRecord = (page: Page): Promise<PageRecord> => page.evaluate(() => (window as unknown as { __e2e: PageRecord }).__e2e)

/** `a a b b a` → `a b a`: the distinct steps a state went through. */
export function steps(values: readonly string[]): string[] {
  return values.filter((v, i) => i === 0 || v !== values[i - 1])
}
