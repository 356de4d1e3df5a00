/**
 * The messages between a tab and the hub. RPC goes through Comlink (or a direct call inline);
 * deliveries and pushes go on a dedicated port, one postMessage per batch.
 */
import type { PubSubErrorData } from './errors.js'
import type { Codec, ConnectionStateData, HubStats, OfflineQueueOptions, PublishOptions, PublishProperties, QoS, ReconnectOptions } from './types.js'

/** Results carry the error's `code` across the port (a thrown error would lose it). */
export type Result<T> = { ok: true; value: T } | { ok: false; error: PubSubErrorData }

/**
 * What a provider factory returns: plain data the hub resolves into a connection.
 * Functions (credential providers) go in `functions`: the hub calls them back through a live tab.
 */
export interface ProviderConfig {
  kind: string
  options: Record<string, unknown>
  functions?: ProviderFunctions
}

/** Callbacks a provider needs from the app (credentials, tokens). They stay in the tab. */
export type ProviderFunctions = Record<string, (...args: never[]) => unknown>

export interface OpenRequest {
  sessionId: string
  provider: ProviderConfig
  reconnect?: ReconnectOptions | undefined
  offline?: OfflineQueueOptions | undefined
  /** How long (ms) the connection stays open after its last tab leaves; absent: the hub's default. */
  closeDelayMs?: number | undefined
}

export interface OpenResult {
  state: ConnectionStateData
  clientId: string
  /** A Web Lock the hub holds for its lifetime: a grant to a tab means the hub died. */
  hubLock: string | null
}

/** The hub's RPC surface, one per port (SharedWorker) or in-process. */
export interface HubApi {
  /** `functions`: the provider's callbacks (a Comlink proxy across a port), called back by the hub. */
  open(request: OpenRequest, target: DeliveryTarget, functions?: ProviderFunctions): Promise<Result<OpenResult>>
  /** `codec`: how the hub decodes this subscription's messages before they cross to the tab. */
  subscribe(sessionId: string, subId: number, filters: string[], qos: QoS, codec: Codec): Promise<Result<null>>
  unsubscribe(sessionId: string, subId: number): Promise<void>
  /** `payload`: text or bytes; the tab has already turned objects into JSON text (`toWirePayload`). */
  /**
   * `ref`: the tab's name for this publish, the same each time the tab sends it again (to a new hub
   * after the old one died), so that a hub that restored it from the durable outbox sends it once.
   */
  publish(sessionId: string, topics: string[], payload: WirePayload, options: PublishOptions, ref?: string): Promise<Result<null>>
  close(sessionId: string): Promise<void>
  stats(): Promise<HubStats>
}

/** A publish's payload as it crosses to the hub: text (UTF-8 there) or bytes. */
export type WirePayload = string | Uint8Array | ArrayBuffer | ArrayBufferView

/**
 * One delivered message: `s` lists the tab's subscription ids it is for. The hub decodes it, off
 * the tab's main thread, once per codec those subscriptions use (not `binary`): `d` holds the
 * decoded values and `e` why a strict codec could not decode it.
 */
export interface WireMessage extends Omit<RoutedMessage, 'payload'> {
  s: number[]
  /** The bytes, when they are not UTF-8 text; else `x` holds the text (the tab encodes it back if read). */
  payload?: Uint8Array
  x?: string
  d: Partial<Record<Codec, unknown>>
  e?: Partial<Record<Codec, PubSubErrorData>>
}

/** A message as the hub routes it, before it is addressed to a tab. */
export interface RoutedMessage {
  topic: string
  payload: Uint8Array
  qos: QoS
  retain: boolean
  properties?: PublishProperties
}

/** What the hub posts to a tab. */
export type TabEvent =
  | { t: 'batch'; messages: WireMessage[] }
  | { t: 'state'; state: ConnectionStateData }
  | { t: 'sub'; subId: number; status: 'active' }
  | { t: 'sub'; subId: number; status: 'error'; error: PubSubErrorData }

/** Where the hub posts: a MessagePort, or a direct function in-process. */
export interface DeliveryTarget {
  postMessage(event: TabEvent): void
}
