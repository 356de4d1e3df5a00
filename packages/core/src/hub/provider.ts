import type { IClientOptions } from 'mqtt'
import type { PubSubError } from '../errors.js'
import type { PublishOptions } from '../types.js'

/** What a provider may ask of the hub while it resolves or connects. */
export interface ProviderContext {
  /**
   * Calls a function the app passed in `ProviderConfig.functions` (a credentials provider, say):
   * in an app-owned worker directly, else through any live tab, with a timeout.
   */
  call<T>(name: string, ...args: unknown[]): Promise<T>
  /** Logs a warning a developer should see (never a secret). */
  warn(message: string): void
}

/** The connection settings for one connect attempt. */
export interface ConnectTarget {
  /** The ws/wss URL for this attempt (presigned URLs are re-made per attempt). */
  url: string
  options: Partial<IClientOptions>
}

/** A provider resolved inside the hub: everything the shared connection needs. */
export interface ResolvedProvider {
  /** Identity key: configs with the same key share a connection. No secrets in it. */
  key: string
  clientId: string
  protocolVersion: 3 | 4 | 5
  /** Called before every connect attempt, so credentials and signed URLs are fresh. */
  prepare(): Promise<ConnectTarget>
  /** Platform rules for a publish (size limits, retain); may throw a `PubSubError` or return adjusted options. */
  checkPublish?(topic: string, payload: Uint8Array, options: PublishOptions): PublishOptions
  /** Platform rules for a subscription; may throw a `PubSubError`. */
  checkSubscribe?(filter: string, qos: number): void
  /** Rewrites a connection failure into one a person can act on (e.g. AWS's bare "Socket closed"). */
  explainError?(error: PubSubError): PubSubError
  /** Stops timers the provider runs (credential refresh). */
  dispose?(): void
}

/** Turns a provider's options into a `ResolvedProvider`. Registered per `kind`. */
export type ProviderResolver = (options: Record<string, unknown>, context: ProviderContext) => ResolvedProvider | Promise<ResolvedProvider>
