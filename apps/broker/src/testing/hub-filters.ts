/**
 * What `hubFilters` reads: a tabmq client's `getStats()`, typed by its shape so this package need
 * not depend on @tabmq/core (core's tests depend on this package; turbo refuses the cycle).
 */
export interface StatsSource {
  getStats(): Promise<{ connections: ReadonlyArray<{ filters: ReadonlyArray<{ filter: string; refs: number }> }> }>
}

/**
 * The filters the client's hub holds on its first connection, with how many observers hold each.
 *
 * @example
 * expect(await hubFilters(pubsub)).toEqual([{ filter: 'a/b', refs: 2 }])
 */
export async function hubFilters(pubsub: StatsSource): Promise<Array<{ filter: string; refs: number }>> {
  const stats = await pubsub.getStats()
  return (stats.connections[0]?.filters ?? []).map(({ filter, refs }) => ({ filter, refs }))
}
