import type { PubSubError, PubSubErrorData } from './errors.js'

/** MQTT quality of service. */
export type QoS = 0 | 1 | 2

/** How a received payload becomes `message.data`. `auto`: JSON if it parses, else text if UTF-8, else bytes. */
export type Codec = 'json' | 'text' | 'binary' | 'auto'

/** What `publish` accepts: objects as JSON, strings as UTF-8, bytes as they are. */
export type Payload = string | Uint8Array | ArrayBuffer | object | number | boolean | null

/** MQTT 5 PUBLISH properties that pass through tabmq both ways. */
export interface PublishProperties {
  payloadFormatIndicator?: boolean
  messageExpiryInterval?: number
  contentType?: string
  responseTopic?: string
  correlationData?: Uint8Array
  userProperties?: Record<string, string | string[]>
}

/** A message delivered to an observer. */
export interface Message<T = unknown> {
  topic: string
  /** The raw bytes, an exact-size copy. */
  payload: Uint8Array
  /** The payload decoded by the subscription's codec. */
  data: T
  qos: QoS
  /** True for a retained message the broker (or the hub's cache) replayed on subscribe. */
  retain: boolean
  properties?: PublishProperties
  /** Set when the payload could not be decoded by the subscription's codec (`data` is then undefined). */
  error?: PubSubError
}

export interface SubscribeOptions {
  /** Maximum QoS asked of the broker. Default 0. */
  qos?: QoS
  /** How `message.data` is decoded. Default `auto`. */
  codec?: Codec
}

export interface PublishOptions {
  qos?: QoS
  retain?: boolean
  properties?: PublishProperties
}

/** The connection's lifecycle. `offline`: not connected and not retrying (the login was refused, or the options are wrong). */
export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'closed'

export interface ConnectionState {
  status: ConnectionStatus
  /** The last error, kept until the next successful connect. */
  error?: PubSubError | undefined
  /** Reconnect attempt, 0 when connected. */
  attempt: number
}

/** The state as it crosses a port (the error as plain data). */
export interface ConnectionStateData {
  status: ConnectionStatus
  error?: PubSubErrorData | undefined
  attempt: number
}

/** A value you can read now and watch: the one contract the framework bindings use. */
export interface ReadableStore<T> {
  get(): T
  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: (value: T) => void): () => void
}

/** Reconnect timing: exponential backoff; `jitter` is the randomised share of each delay. */
export interface ReconnectOptions {
  /** First delay in ms. Default 500. */
  initialDelayMs?: number
  /** Cap in ms. Default 30000. */
  maxDelayMs?: number
  /** Growth per attempt. Default 2. */
  factor?: number
  /** 0..1, the share of each delay that is randomised. Default 0.5. */
  jitter?: number
}

/** What the hub does with publishes made while disconnected. */
export interface OfflineQueueOptions {
  /** Maximum queued QoS 1/2 publishes per connection; when full, `publish` rejects with QUEUE_FULL. Default 1000. */
  maxSize?: number
  /** Queue QoS 0 publishes too (default false: they reject with NOT_CONNECTED, since QoS 0 promises nothing). */
  qos0?: boolean
  /**
   * Keep this client's queued QoS 1/2 publishes in IndexedDB (per connection identity), so that they
   * survive every tab closing or reloading and go out, in order, when any tab of the origin brings
   * the connection back. Default false. See the README, "Durable outbox", for what it guarantees.
   */
  persist?: boolean
}

/** Where a hub runs, as its stats report it. */
export type HubTransport = 'shared' | 'elected' | 'dedicated' | 'inline'

/** Counters for debugging and tests: what the hub holds right now. */
export interface HubStats {
  /**
   * How tabs reach this hub: `shared` (a SharedWorker), `elected` (where there is no SharedWorker:
   * the dedicated worker of one tab, elected host, serves every tab; the others' workers relay to
   * it), `dedicated` (a worker of the tab's own, where workers cannot elect: no Web Locks or
   * BroadcastChannel), `inline` (in this process).
   */
  transport: HubTransport
  /** Sessions (one per `createPubSub` client, usually one per tab). */
  tabs: number
  connections: ConnectionStats[]
}

export interface ConnectionStats {
  /** The identity key: provider kind, URL without query, client id, user name. No secrets. */
  key: string
  clientId: string
  status: ConnectionStatus
  tabs: number
  /** Filters observers asked for, with how many observers hold each. */
  filters: Array<{ filter: string; refs: number; qos: QoS }>
  /** Filters actually SUBSCRIBEd at the broker (overlaps folded); `leaving` ones are unsubscribed after a short linger. */
  brokerFilters: Array<{ filter: string; qos: QoS; state: 'pending' | 'active' | 'leaving' }>
  retainedCached: number
  messagesIn: number
  messagesOut: number
  queuedPublishes: number
  /** Publishes kept in IndexedDB for this identity by `offline.persist` (written, not yet acknowledged). */
  storedPublishes: number
}
