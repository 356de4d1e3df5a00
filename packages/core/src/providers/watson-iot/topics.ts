import { readJson } from './read-json.js'

/** Where a Watson IoT topic belongs. `+` in any id builds a filter. */
export interface WatsonDeviceRef {
  typeId: string
  deviceId: string
}

const full = (d: WatsonDeviceRef) => `iot-2/type/${d.typeId}/id/${d.deviceId}`

/**
 * Watson IoT Platform topics. A device uses the short forms (`deviceEvent`, `deviceCommands`);
 * gateways and applications name the device (`event`, `command`), with `+` for any.
 *
 * @example
 * pubsub.publish(watsonTopics.deviceEvent('status'), { temp: 21 })
 * pubsub.subscribe(watsonTopics.command({ typeId: 'sensor', deviceId: '+', commandId: '+' }))
 */
export const watsonTopics = {
  /** A device's own event: `iot-2/evt/<eventId>/fmt/<format>`. */
  deviceEvent: (eventId: string, format = 'json') => `iot-2/evt/${eventId}/fmt/${format}`,
  /** A device's commands: `iot-2/cmd/<commandId>/fmt/<format>` (default: all). */
  deviceCommands: (commandId = '+', format = '+') => `iot-2/cmd/${commandId}/fmt/${format}`,
  /** `iot-2/type/<typeId>/id/<deviceId>/evt/<eventId>/fmt/<format>`. */
  event: (d: WatsonDeviceRef & { eventId?: string; format?: string }) => `${full(d)}/evt/${d.eventId ?? '+'}/fmt/${d.format ?? (d.eventId && d.eventId !== '+' ? 'json' : '+')}`,
  /** `iot-2/type/<typeId>/id/<deviceId>/cmd/<commandId>/fmt/<format>`. */
  command: (d: WatsonDeviceRef & { commandId?: string; format?: string }) =>
    `${full(d)}/cmd/${d.commandId ?? '+'}/fmt/${d.format ?? (d.commandId && d.commandId !== '+' ? 'json' : '+')}`,
  /** A gateway's notifications (refused topics, failed auto-registrations): `iot-2/type/<t>/id/<d>/notify`. */
  notify: (gateway: WatsonDeviceRef) => `${full(gateway)}/notify`,
  /** A device's connection status, for applications: `iot-2/type/<t>/id/<d>/mon`. */
  deviceStatus: (d: WatsonDeviceRef) => `${full(d)}/mon`,
  /** An application's connection status: `iot-2/app/<appId>/mon`. */
  appStatus: (appId: string) => `iot-2/app/${appId}/mon`,
}

/** A Watson topic taken apart. `typeId`/`deviceId` are absent in a device's short forms. */
export type WatsonTopic =
  | { kind: 'event'; typeId?: string; deviceId?: string; eventId: string; format: string }
  | { kind: 'command'; typeId?: string; deviceId?: string; commandId: string; format: string }
  | { kind: 'notify'; typeId: string; deviceId: string }
  | { kind: 'deviceStatus'; typeId: string; deviceId: string }
  | { kind: 'appStatus'; appId: string }

/**
 * Takes a Watson IoT topic apart; undefined for anything else.
 *
 * @example
 * parseWatsonTopic('iot-2/type/sensor/id/s1/evt/status/fmt/json') // { kind: 'event', typeId: 'sensor', deviceId: 's1', eventId: 'status', format: 'json' }
 */
export function parseWatsonTopic(topic: string): WatsonTopic | undefined {
  const l = topic.split('/')
  if (l[0] !== 'iot-2') return undefined
  if (l.length === 5 && l[3] === 'fmt' && (l[1] === 'evt' || l[1] === 'cmd')) {
    return l[1] === 'evt' ? { kind: 'event', eventId: l[2]!, format: l[4]! } : { kind: 'command', commandId: l[2]!, format: l[4]! }
  }
  if (l.length === 4 && l[1] === 'app' && l[3] === 'mon') return { kind: 'appStatus', appId: l[2]! }
  if (l[1] !== 'type' || l[3] !== 'id') return undefined
  const typeId = l[2]!
  const deviceId = l[4]!
  if (l.length === 6 && l[5] === 'notify') return { kind: 'notify', typeId, deviceId }
  if (l.length === 6 && l[5] === 'mon') return { kind: 'deviceStatus', typeId, deviceId }
  if (l.length === 9 && l[7] === 'fmt') {
    if (l[5] === 'evt') return { kind: 'event', typeId, deviceId, eventId: l[6]!, format: l[8]! }
    if (l[5] === 'cmd') return { kind: 'command', typeId, deviceId, commandId: l[6]!, format: l[8]! }
  }
  return undefined
}

/** A gateway notification: the platform refused a topic or could not register a device. */
export interface WatsonNotification {
  request: 'publish' | 'subscribe' | string
  time: Date | undefined
  topic: string
  typeId: string
  deviceId: string
  clientId: string
  /** The platform's return code. */
  rc: number
  message: string
}

/**
 * Reads a notification from a gateway's `notify` topic into a typed object.
 *
 * @example
 * pubsub.subscribe(watsonTopics.notify(gw)).subscribe({ next: m => console.warn(parseWatsonNotification(m.payload).message) })
 */
export function parseWatsonNotification(payload: Uint8Array | string | object): WatsonNotification {
  const n = readJson(payload)
  const time = typeof n.Time === 'string' ? new Date(n.Time) : undefined
  return {
    request: String(n.Request ?? '').toLowerCase(),
    time: time && !Number.isNaN(time.getTime()) ? time : undefined,
    topic: String(n.Topic ?? ''),
    typeId: String(n.Type ?? ''),
    deviceId: String(n.Id ?? ''),
    // The docs name the field both "Client" and "ClientID".
    clientId: String(n.ClientID ?? n.Client ?? ''),
    rc: Number(n.RC ?? 0),
    message: String(n.Message ?? ''),
  }
}
