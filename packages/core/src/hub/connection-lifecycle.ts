import { PubSubError, toPubSubError } from '../errors.js'
import type { ConnectionStateData, ConnectionStatus, ReconnectOptions } from '../types.js'
import { backoffDelay } from './backoff.js'
import { createMqttClient, type IConnackPacket, type MqttClient } from './mqtt-client.js'
import { connackError, isAuthFailure, noConnackError, transportError } from './mqtt-errors.js'
import type { ConnectTarget, ResolvedProvider } from './provider.js'
import type { ReceivedPacket } from './delivery-router.js'

/** What went wrong on one network connection, as the provider explains it. */
interface Failure {
  error: PubSubError
  /** A refused login: retrying with the same credentials cannot fix it. */
  refused: boolean
}

/**
 * Where the connection is. Every change goes through {@link ConnectionLifecycle.go}, the one
 * place the state tabs see is derived and pushed.
 */
type Phase =
  /** Not started: no tab has attached yet. */
  | { name: 'idle'; attempt: 0 }
  /** The provider prepares the attempt (signs the URL, fetches credentials, registers). */
  | { name: 'preparing'; attempt: number }
  /** MQTT CONNECT sent, waiting for the CONNACK. */
  | { name: 'opening'; attempt: number; failure?: Failure | undefined }
  /** Connected (CONNACK accepted). */
  | { name: 'open'; attempt: 0; failure?: Failure | undefined }
  /** Backing off before attempt `attempt`. */
  | { name: 'waiting'; attempt: number; timer: ReturnType<typeof setTimeout> }
  /** The login was refused: no retry until a tab brings new settings ({@link ConnectionLifecycle.retryWith}). */
  | { name: 'refused'; attempt: number }
  /** Ended for good. */
  | { name: 'closed'; attempt: number }

const STATUS: Record<Phase['name'], (attempt: number) => ConnectionStatus> = {
  idle: () => 'idle',
  preparing: attempt => (attempt === 0 ? 'connecting' : 'reconnecting'),
  opening: attempt => (attempt === 0 ? 'connecting' : 'reconnecting'),
  open: () => 'connected',
  waiting: () => 'reconnecting',
  refused: () => 'offline',
  closed: () => 'closed',
}

/** What the lifecycle tells the connection. */
export interface LifecycleEvents {
  /** A client was made for an attempt and is about to connect (its stores can be set now). */
  created?(client: MqttClient): void
  /** The state tabs see changed. */
  state(state: ConnectionStateData): void
  /** CONNACK accepted on `client`. */
  connected(connack: IConnackPacket, client: MqttClient): void
  /** A PUBLISH from the broker. */
  message(topic: string, payload: Uint8Array, packet: ReceivedPacket): void
  /** The network connection ended (also one that never got its CONNACK). */
  disconnected(): void
  /** The login was refused: the connection stops until a tab brings new settings. */
  refused(error: PubSubError): void
}

/**
 * The connection's lifecycle: connect, and after every loss reconnect with backoff, asking the
 * provider to prepare each attempt (fresh signed URLs and tokens). One rule for every provider: a
 * refused login (BAD_CREDENTIALS or NOT_AUTHORIZED, from the CONNACK or from the provider while it
 * prepares) stops in `offline` with the error until a tab brings new settings. mqtt.js never
 * reconnects by itself.
 *
 * @example
 * const lifecycle = new ConnectionLifecycle(provider, { reconnect }, events)
 * lifecycle.start()
 */
export class ConnectionLifecycle {
  private phase: Phase = { name: 'idle', attempt: 0 }
  private lastError: PubSubError | undefined
  private published: ConnectionStateData = { status: 'idle', attempt: 0 }
  /** This attempt's mqtt.js client: a new one per attempt, so nothing of a dead connection carries over. */
  private mqtt: MqttClient | undefined

  constructor(
    public provider: ResolvedProvider,
    private readonly options: { reconnect?: ReconnectOptions | undefined },
    private readonly events: LifecycleEvents,
  ) {}

  get state(): ConnectionStateData {
    return this.published
  }

  /** The current attempt's mqtt.js client (connected or not). */
  get client(): MqttClient | undefined {
    return this.mqtt
  }

  get closed(): boolean {
    return this.phase.name === 'closed'
  }

  /** The refusal that stops the connection, if the login was refused. */
  get refusal(): PubSubError | undefined {
    const p = this.phase
    const refused = p.name === 'refused' || ((p.name === 'opening' || p.name === 'open') && p.failure?.refused)
    return refused ? (this.lastError ?? new PubSubError('NOT_AUTHORIZED', 'The broker refused the login.')) : undefined
  }

  /** Connects for the first time. */
  start(): void {
    if (this.phase.name === 'idle') void this.attempt(0)
  }

  /** The network came back (the browser's `online` event): skip the rest of the backoff. */
  kick(): void {
    if (this.phase.name !== 'waiting') return
    clearTimeout(this.phase.timer)
    void this.attempt(this.phase.attempt)
  }

  /**
   * A tab opens this identity with fresh settings (a corrected password) while the login stands
   * refused: try again with them instead of leaving every tab on the refusal.
   */
  retryWith(provider: ResolvedProvider): boolean {
    if (this.phase.name !== 'refused') return false
    this.provider.dispose?.()
    this.provider = provider
    this.published = { status: this.published.status, attempt: 0 }
    void this.attempt(0)
    return true
  }

  /**
   * Replaces the open network connection with a new one at once. A kept session's unfinished QoS 2
   * publishes can only be completed from a CONNACK (with their packet ids, before anything else).
   */
  restart(): void {
    if (this.phase.name !== 'open') return
    const client = this.mqtt
    this.mqtt = undefined // its close is not heard: the disconnect is reported here
    this.events.disconnected()
    client?.end(true)
    void this.attempt(1)
  }

  /** Ends the connection for good. */
  async close(): Promise<void> {
    if (this.phase.name === 'closed') return
    if (this.phase.name === 'waiting') clearTimeout(this.phase.timer)
    this.provider.dispose?.()
    this.go({ name: 'closed', attempt: this.phase.attempt })
    const client = this.mqtt
    if (client) await new Promise<void>(resolve => client.end(true, {}, () => resolve()))
  }

  // --- transitions --------------------------------------------------------------------------

  /** The one place the phase changes; pushes the state tabs see when it changed. */
  private go(next: Phase): void {
    this.phase = next
    const status = STATUS[next.name](next.attempt)
    const before = this.published
    if (before.status === status && before.attempt === next.attempt && before.error?.message === this.lastError?.message) return
    this.published = { status, attempt: next.attempt, ...(this.lastError ? { error: this.lastError.toJSON() } : {}) }
    this.events.state(this.published)
  }

  private async attempt(attempt: number): Promise<void> {
    const preparing: Phase = { name: 'preparing', attempt }
    this.go(preparing)
    let target: ConnectTarget
    try {
      target = await this.provider.prepare()
    } catch (error) {
      if (this.phase !== preparing) return
      this.lastError = toPubSubError(error, 'PROVIDER_ERROR')
      // A provider refused before MQTT (DPS refusing the registration, expired fixed credentials):
      // the same rule as a refused CONNACK.
      if (isAuthFailure(this.lastError)) this.stop(attempt)
      else this.retryLater(attempt)
      return
    }
    if (this.phase !== preparing) return // closed meanwhile
    this.go({ name: 'opening', attempt })
    // A new client per attempt rather than mqtt.js's reconnect(): that swaps in an empty store of
    // outgoing messages and leaves the old callbacks pending. Unacknowledged publishes are the
    // connection's to send again (OutgoingPublishes), not mqtt.js's.
    const previous = this.mqtt
    const client = createMqttClient(target.url, {
      connectTimeout: 10_000,
      ...target.options,
      clientId: this.provider.clientId,
      protocolVersion: this.provider.protocolVersion,
    })
    this.mqtt = client
    previous?.end(true) // closed already; this frees whatever it still holds
    this.events.created?.(client)
    this.listen(client)
    client.connect()
  }

  /** A refused login: retrying it only hammers the broker. Stop and show it until a tab brings new settings. */
  private stop(attempt: number): void {
    this.go({ name: 'refused', attempt })
    this.events.refused(this.refusal!)
  }

  private retryLater(attempt: number): void {
    const next = attempt + 1
    this.go({ name: 'waiting', attempt: next, timer: setTimeout(() => void this.attempt(next), backoffDelay(next, this.options.reconnect)) })
  }

  /** Listens to one attempt's client; a client replaced by a later attempt is not heard any more. */
  private listen(client: MqttClient): void {
    const current = () => client === this.mqtt
    client.on('connect', connack => {
      if (!current() || this.phase.name !== 'opening') return
      this.lastError = undefined
      this.go({ name: 'open', attempt: 0 })
      this.events.connected(connack, client)
    })
    client.on('message', (topic, payload, packet) => current() && this.events.message(topic, payload, packet))
    client.on('error', error => {
      if (!current()) return
      const code = (error as { code?: unknown }).code
      this.fail(typeof code === 'number' ? connackError(code, this.provider.protocolVersion) : transportError(error))
    })
    client.on('close', () => current() && this.closedConnection())
  }

  /** Keeps a connection failure, in the provider's words where it has better ones. */
  private fail(error: PubSubError): void {
    const explained = this.provider.explainError ? this.provider.explainError(error) : error
    this.lastError = explained
    const p = this.phase
    if (p.name !== 'opening' && p.name !== 'open') return
    const refused = Boolean(p.failure?.refused) || isAuthFailure(error) || isAuthFailure(explained)
    p.failure = { error: explained, refused }
  }

  private closedConnection(): void {
    this.events.disconnected()
    const p = this.phase
    if (p.name !== 'opening' && p.name !== 'open') return
    if (p.name === 'opening' && !p.failure) {
      // Also what a refused WebSocket upgrade looks like: mqtt.js drops the HTTP status. Every such
      // close reaches the provider, whose explanation may drop credentials the server refused.
      this.fail(noConnackError(this.provider.protocolVersion))
    }
    if (p.failure?.refused) this.stop(p.attempt)
    else this.retryLater(p.attempt)
  }
}
