import type { AccessOptions } from '../access'

/** The brokers the fixtures can run. */
export type BrokerKind = 'aedes' | 'mosquitto' | 'rabbitmq'

/** Options of every test broker: who may connect, subscribe and publish. */
export type TestBrokerOptions = AccessOptions & {
  /** Mosquitto: keep sessions and their queued messages across {@link TestBroker.restart}. */
  persistence?: boolean
}

/** One subscription as the broker holds it. */
export interface BrokerSubscription {
  clientId: string
  filter: string
  /** Granted QoS. */
  qos: number
}

/** A real broker on free ports, and what it saw. */
export interface TestBroker {
  kind: BrokerKind
  /** `ws://127.0.0.1:<port>/mqtt` (Mosquitto's WebSocket listener serves any path; RabbitMQ's Web MQTT `/ws`). */
  wsUrl: string
  /** `mqtt://127.0.0.1:<port>` */
  tcpUrl: string
  /** MQTT protocol versions it accepts: aedes and RabbitMQ 3.10 `[3, 4]`, Mosquitto `[3, 4, 5]`. */
  protocolVersions: number[]
  /** Ids of the clients connected right now. */
  connectedClients(): string[]
  /** Subscriptions the broker holds right now (clean-session clients lose theirs on disconnect). */
  subscriptions(): BrokerSubscription[]
  /** How many times any client asked to SUBSCRIBE to exactly `filter` (granted or refused). */
  subscribeCount(filter: string): number
  /**
   * Polls `predicate` until it is true. Rejects after `timeoutMs` (default
   * 5000) with a message naming `what` and the broker's current state.
   * Mosquitto's and RabbitMQ's views come from their logs and lag a few ms behind their acks:
   * wait for it rather than reading it right after SUBACK.
   */
  waitFor(predicate: () => boolean, timeoutMs?: number, what?: string): Promise<void>
  /** Process id of the broker (Mosquitto's child process; RabbitMQ's process group); undefined for in-process aedes. */
  pid?: number
  /** How long the broker took to start, in ms (RabbitMQ: about 10 s). */
  startMs?: number
  /**
   * RabbitMQ only: its clients and subscriptions as the node itself reports them (one rabbitmqctl
   * eval of its MQTT client-id tracker and its bindings; about a second), to check the log-based
   * view against.
   */
  held?(): Promise<{ clients: string[]; subscriptions: BrokerSubscription[] }>
  /** What the broker logged (Mosquitto) or the events it emitted (aedes), for debugging. */
  log(): string[]
  /**
   * Mosquitto: stops the broker (SIGTERM, so it saves its persistence) and starts it again on the
   * same ports. RabbitMQ: stops and starts its application in the running node (rabbitmqctl
   * stop_app, start_app; retained messages survive). Every client is cut off meanwhile; resolves
   * once it accepts connections again.
   */
  restart?(): Promise<void>
  /** Stops the broker, dropping every client. Safe to call twice. */
  close(): Promise<void>
}
