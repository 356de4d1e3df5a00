import { PubSubError, toPubSubError } from '../../errors.js'
import type { ProviderContext } from '../provider.js'

/**
 * Every tab that opened a connection with the same key, as a way to call the app's functions
 * (credentials, SAS tokens) back. The hub resolves a provider once per tab and keeps the first
 * one, whose context stops reaching other tabs once its own tab has closed: this pool remembers
 * each tab's context, so a function is still called through a live tab after the first has gone.
 */
interface Pool {
  contexts: ProviderContext[]
  /** The context that answered last: tried first next time (a closed tab costs a timeout). */
  preferred: ProviderContext | undefined
}

const pools = new Map<string, Pool>()
/** A pool never grows past this: the newest tabs are the likeliest to be alive. */
const MAX_CONTEXTS = 16

/** Calls functions the app gave in a tab, trying every tab of this connection in turn. */
export interface ProviderCalls {
  call<T>(name: string, ...args: unknown[]): Promise<T>
  /** Forgets the pool: the connection this key named is gone. */
  release(): void
}

/**
 * Joins the pool of the connection `key` with this tab's context.
 *
 * @example
 * const calls = joinProviderCalls(key, context)
 * const credentials = await calls.call<AwsCredentials>('credentials')
 */
export function joinProviderCalls(key: string, context: ProviderContext): ProviderCalls {
  let pool = pools.get(key)
  if (!pool) pools.set(key, (pool = { contexts: [], preferred: undefined }))
  pool.contexts.unshift(context)
  if (pool.contexts.length > MAX_CONTEXTS) pool.contexts.length = MAX_CONTEXTS
  return {
    async call<T>(name: string, ...args: unknown[]): Promise<T> {
      const current = pools.get(key) ?? { contexts: [context], preferred: undefined }
      const order = [current.preferred, ...current.contexts].filter((c, i, a): c is ProviderContext => c !== undefined && a.indexOf(c) === i)
      let lastError: unknown = new PubSubError('PROVIDER_ERROR', `No open tab can provide "${name}": open the app again.`)
      for (const candidate of order) {
        try {
          const value = await candidate.call<T>(name, ...args)
          current.preferred = candidate
          return value
        } catch (error) {
          // A closed tab (timeout) or the app's function failing there: the next tab may answer.
          lastError = error
        }
      }
      throw toPubSubError(lastError, 'PROVIDER_ERROR')
    },
    release() {
      if (pools.get(key) === pool) pools.delete(key)
    },
  }
}
