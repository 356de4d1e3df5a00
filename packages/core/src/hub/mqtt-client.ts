// The one place the hub imports mqtt.js. In a browser worker the bundler resolves `mqtt` to its
// browser ESM build (package.json "browser" condition); in Node to its Node build.
import mqtt from 'mqtt'
import type { IClientOptions, IConnackPacket, IStore, MqttClient, Packet } from 'mqtt'

export type { IClientOptions, IConnackPacket, IStore, MqttClient, Packet }
/**
 * mqtt.js's in-memory store of outgoing packets (the publish store wraps it). From the default
 * export: mqtt.js's browser ESM build has no named exports.
 */
export const Store = mqtt.Store

const inBrowser = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined' || typeof (globalThis as { window?: unknown }).window !== 'undefined'

/**
 * Creates an mqtt.js client that does not connect yet (handlers attach first) and never
 * reconnects by itself: the connection's own backoff decides, and refused logins stop.
 */
export function createMqttClient(url: string, options: IClientOptions): MqttClient {
  return mqtt.connect(url, {
    ...options,
    manualConnect: true,
    reconnectPeriod: 0,
    resubscribe: false,
    // Skips the packet ids of a kept session's QoS 2 publishes it resumes: the default provider
    // could hand one to a new publish, which the broker would take for a repeat and drop.
    messageIdProvider: new mqtt.UniqueMessageIdProvider(),
    // Native timers: workers have no setImmediate polyfill issues and throttle less.
    ...(inBrowser ? { timerVariant: 'native' as const } : {}),
  })
}
