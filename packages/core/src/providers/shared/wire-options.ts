/**
 * How a provider's options travel from the tab's factory to the hub's resolver: as plain data, with
 * the functions the app passed (credentials, tokens) left in the tab and named by {@link IN_TAB}.
 */

/** Stands, in the options the hub receives, for a function that stays in the tab (the hub calls it back). The tab writes it as a literal checked against this, like the kinds (see ../resolvers.ts). */
export const IN_TAB = 'function'

/** A provider's options as the hub receives them: the functions named `F` replaced by {@link IN_TAB}. */
export type WireOptions<O, F extends keyof O = never> = {
  [K in keyof O]: K extends F ? Exclude<O[K], (...args: never[]) => unknown> | typeof IN_TAB : O[K]
}

type KeysOfAny<O> = O extends unknown ? keyof O : never

/**
 * Options from a tab, not yet checked: the resolver knows their names from the provider's option
 * types (a misspelt name does not compile), and checks every value before trusting it.
 */
export type Unchecked<O> = { readonly [K in KeysOfAny<O>]?: unknown }
