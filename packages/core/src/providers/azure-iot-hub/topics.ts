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

/** Where IoT Hub answers twin requests: the same for every device. */
export const TWIN_RESPONSES = '$iothub/twin/res/#'
/** A twin GET request, correlated by `rid`. */
export const twinGetTopic = (rid: string) => `$iothub/twin/GET/?$rid=${rid}`
/** A reported properties PATCH, correlated by `rid`. */
export const twinPatchReportedTopic = (rid: string) => `$iothub/twin/PATCH/properties/reported/?$rid=${rid}`

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
    twinResponses: TWIN_RESPONSES,
    twinGet: twinGetTopic,
    twinPatchReported: twinPatchReportedTopic,
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
