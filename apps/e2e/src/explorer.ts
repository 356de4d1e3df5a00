import { type Dashboard, eventually } from './dashboard'

/** How many references the hub counts to `filter` (every connection it holds). */
export async function refsTo(tab: Dashboard, filter: string): Promise<number> {
  const stats = await tab.client.stats()
  return stats.connections.flatMap(c => c.filters).find(f => f.filter === filter)?.refs ?? 0
}

/**
 * Types a filter into the tab's topic explorer and waits until the hub counts `refs` references to
 * it and the explorer's subscription is active (the explorer waits 300 ms for typing to stop, so
 * its badge alone still shows the previous filter's status for a moment).
 *
 * @example
 * await explore(tab, 'alerts/#', 1)
 */
export async function explore(tab: Dashboard, filter: string, refs = 1): Promise<void> {
  await tab.page.getByTestId('explorer-input').fill(filter)
  await eventually(`${refs} reference(s) to ${filter}`, async () => (await refsTo(tab, filter)) === refs && (await tab.text('explorer-status')) === 'active')
}

/** The explorer's rows, as text. */
export const explorerRows = (tab: Dashboard): Promise<string[]> => tab.page.getByTestId('explorer-row').allTextContents()
