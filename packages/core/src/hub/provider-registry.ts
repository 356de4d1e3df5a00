import { PubSubError } from '../errors.js'
import type { ProviderConfig } from '../protocol.js'
import type { ProviderContext, ProviderResolver, ResolvedProvider } from './provider.js'

const resolvers = new Map<string, ProviderResolver>()

/**
 * Registers how the hub resolves a provider `kind`. Built-in providers register themselves;
 * an app-owned worker can add its own.
 *
 * @example
 * registerProvider('my-cloud', options => ({ key: 'my-cloud|' + options.url, ... }))
 */
export function registerProvider(kind: string, resolver: ProviderResolver): void {
  resolvers.set(kind, resolver)
}

/** Resolves a provider config sent by a tab. */
export async function resolveProvider(config: ProviderConfig, context: ProviderContext): Promise<ResolvedProvider> {
  const resolver = resolvers.get(config.kind)
  if (!resolver) {
    throw new PubSubError('INVALID_OPTIONS', `Unknown provider "${config.kind}": the worker does not know it. Use a provider from @tabmq/core/providers, or register it in your worker file.`)
  }
  return resolver(config.options, context)
}
