import type { PubSub } from '../create-pubsub.js'
import { PubSubError } from '../errors.js'
import { requestId, requestResponse } from './request-response.js'

/** `key=value&…`, URL-encoded, as IoT Hub writes message properties into topics. */
function propertyBag(properties: Record<string, string> | undefined): string {
  if (!properties) return ''
  return Object.entries(properties)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&')
}

function parseBag(bag: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const part of bag.split('&')) {
    if (!part) continue
    const eq = part.indexOf('=')
    const k = eq < 0 ? part : part.slice(0, eq)
    out[decodeURIComponent(k)] = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1))
  }
  return out
}

/**
 * The IoT Hub topics of one device: https://learn.microsoft.com/azure/iot/iot-mqtt-connect-to-iot-hub
 *
 * @example
 * const t = iotHubTopics('sensor-42')
 * await pubsub.publish(t.events({ '$.ct': 'application/json', kind: 'telemetry' }), { temp: 21 }, { qos: 1 })
 * pubsub.subscribe(t.cloudToDevice)
 */
export function iotHubTopics(deviceId: string) {
  return {
    /** Device-to-cloud messages, with optional application (and `$.ct`, `$.ce`, …) properties. */
    events: (properties?: Record<string, string>) => `devices/${deviceId}/messages/events/${propertyBag(properties)}`,
    /** Cloud-to-device messages (the only filter IoT Hub accepts for them). */
    cloudToDevice: `devices/${deviceId}/messages/devicebound/#`,
    /** Responses to twin GET and PATCH requests. */
    twinResponses: '$iothub/twin/res/#',
    twinGet: (rid: string) => `$iothub/twin/GET/?$rid=${rid}`,
    twinPatchReported: (rid: string) => `$iothub/twin/PATCH/properties/reported/?$rid=${rid}`,
    /** Desired property updates. */
    desiredUpdates: '$iothub/twin/PATCH/properties/desired/#',
    /** Direct method calls. */
    methods: '$iothub/methods/POST/#',
    methodResponse: (status: number, rid: string) => `$iothub/methods/res/${status}/?$rid=${rid}`,
  }
}

/** An IoT Hub topic a device receives, taken apart. */
export type IotHubTopic =
  | { kind: 'cloudToDevice'; properties: Record<string, string> }
  | { kind: 'twinResponse'; status: number; rid: string; version: number | undefined }
  | { kind: 'desired'; version: number | undefined }
  | { kind: 'method'; name: string; rid: string }

/**
 * Takes apart a topic IoT Hub delivers to a device; undefined for anything else.
 *
 * @example
 * parseIotHubTopic('$iothub/twin/res/200/?$rid=7') // { kind: 'twinResponse', status: 200, rid: '7', version: undefined }
 */
export function parseIotHubTopic(topic: string): IotHubTopic | undefined {
  let m = /^devices\/[^/]+\/messages\/devicebound\/(.*)$/.exec(topic)
  if (m) return { kind: 'cloudToDevice', properties: parseBag(m[1]!) }
  m = /^\$iothub\/twin\/res\/(\d{3})\/\?(.*)$/.exec(topic)
  if (m) {
    const q = parseBag(m[2]!)
    return { kind: 'twinResponse', status: Number(m[1]), rid: q.$rid ?? '', version: q.$version === undefined ? undefined : Number(q.$version) }
  }
  m = /^\$iothub\/twin\/PATCH\/properties\/desired\/\?(.*)$/.exec(topic)
  if (m) {
    const v = parseBag(m[1]!).$version
    return { kind: 'desired', version: v === undefined ? undefined : Number(v) }
  }
  m = /^\$iothub\/methods\/POST\/([^/]+)\/\?(.*)$/.exec(topic)
  if (m) return { kind: 'method', name: decodeURIComponent(m[1]!), rid: parseBag(m[2]!).$rid ?? '' }
  return undefined
}

/** A device twin as IoT Hub returns it. */
export interface DeviceTwin {
  desired: Record<string, unknown> & { $version?: number }
  reported: Record<string, unknown> & { $version?: number }
}

function twinRequest<R>(pubsub: PubSub, topic: (rid: string) => string, body: string, read: (status: number, payload: Uint8Array, version: number | undefined) => R, timeoutMs: number): Promise<R> {
  const rid = requestId()
  const t = topic(rid)
  return requestResponse(pubsub, {
    responses: '$iothub/twin/res/#',
    topic: t,
    payload: body,
    timeoutMs,
    what: `IoT Hub ${t}`,
    match: m => {
      const r = parseIotHubTopic(m.topic)
      if (r?.kind !== 'twinResponse' || r.rid !== rid) return undefined
      if (r.status >= 300) {
        throw new PubSubError(r.status === 429 ? 'PUBLISH_REFUSED' : 'PROVIDER_ERROR', `IoT Hub answered ${r.status} to ${t.split('/?')[0]}${r.status === 429 ? ': throttled, try again later' : ''}.`, { details: { status: r.status } })
      }
      return read(r.status, m.payload, r.version)
    },
  })
}

/**
 * Reads the device's twin (desired and reported properties).
 *
 * @example
 * const { desired } = await getTwin(pubsub)
 */
export function getTwin(pubsub: PubSub, options: { timeoutMs?: number } = {}): Promise<DeviceTwin> {
  return twinRequest(pubsub, rid => `$iothub/twin/GET/?$rid=${rid}`, '', (_s, payload) => JSON.parse(new TextDecoder().decode(payload)) as DeviceTwin, options.timeoutMs ?? 10_000)
}

/**
 * Updates reported properties; resolves with the twin's new reported version.
 *
 * @example
 * await updateReportedProperties(pubsub, { firmware: '1.2.0' })
 */
export function updateReportedProperties(pubsub: PubSub, patch: Record<string, unknown>, options: { timeoutMs?: number } = {}): Promise<{ version: number | undefined }> {
  return twinRequest(pubsub, rid => `$iothub/twin/PATCH/properties/reported/?$rid=${rid}`, JSON.stringify(patch), (_s, _p, version) => ({ version }), options.timeoutMs ?? 10_000)
}
