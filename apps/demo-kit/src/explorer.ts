/**
 * The topic explorer's settings: the filter it starts with, how long typing must pause before the
 * filter is subscribed, and how many messages it keeps.
 */
export const EXPLORER: Readonly<{ initialFilter: string; debounceMs: number; keep: number }> = { initialFilter: 'devices/#', debounceMs: 300, keep: 50 }

/**
 * What the explorer's empty table says.
 *
 * @example
 * explorerEmptyText(false, '') // 'Type a filter, e.g. devices/#'
 */
export function explorerEmptyText(failed: boolean, filter: string): string {
  return failed ? 'Fix the filter to see messages.' : filter === '' ? 'Type a filter, e.g. devices/#' : 'No messages yet.'
}
