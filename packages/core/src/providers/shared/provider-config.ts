import { PubSubError } from '../../errors.js'
import type { ProviderConfig, ProviderFunctions } from '../../protocol.js'
import type { IN_TAB } from './wire-options.js'

/**
 * What every cloud factory does in the tab: check that the required options are there (the hub
 * checks everything else, keeping what a tab loads small) and move functions into `functions`.
 */
export function providerConfig<O extends object>(
  name: string,
  kind: string,
  options: O,
  required: { [K in keyof O & string]?: string },
  functionNames: Array<keyof O & string> = [],
): ProviderConfig {
  if (!options || typeof options !== 'object') throw new PubSubError('INVALID_OPTIONS', `${name} needs an options object.`)
  const plain: Record<string, unknown> = {}
  const functions: ProviderFunctions = {}
  for (const [key, value] of Object.entries(options)) {
    if (typeof value === 'function' && (functionNames as string[]).includes(key)) {
      functions[key] = value as ProviderFunctions[string]
      plain[key] = 'function' satisfies typeof IN_TAB
    } else if (value !== undefined) plain[key] = value
  }
  for (const [key, hint] of Object.entries(required) as Array<[string, string]>) {
    if (plain[key] === undefined || plain[key] === '') throw new PubSubError('INVALID_OPTIONS', `${name}: ${key} is missing: ${hint}`)
  }
  return Object.keys(functions).length ? { kind, options: plain, functions } : { kind, options: plain }
}
