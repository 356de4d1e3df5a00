import type { WatsonIotOptions } from './options.js'

// Watson IoT disconnects a client that publishes or subscribes outside its rules: https://cloud.ibm.com/docs/IoT?topic=IoT-mqtt

/**
 * Whether `value` fits `rule`. Rule levels: a literal, `*` (one level: any name in a topic, a name
 * or `+` in a filter) or a final `**` (any further levels, wildcards included).
 */
export function fitsRule(rule: string, value: string, isFilter: boolean): boolean {
  const r = rule.split('/')
  const v = value.split('/')
  for (let i = 0; i < r.length; i++) {
    const level = r[i]!
    if (level === '**') return true
    const other = v[i]
    if (other === undefined || other === '#') return false
    if (level === '*') {
      if (other === '' || (!isFilter && other === '+')) return false
      continue
    }
    if (other !== level) return false
  }
  return r.length === v.length
}

/** The client, as far as its rules depend on it. */
export interface WatsonClient {
  kind: WatsonIotOptions['kind']
  quickstart: boolean
  /** A gateway's own type and id (it may subscribe to its notifications). */
  typeId?: string
  deviceId?: string
}

/** The topics each kind of client may publish and subscribe to. */
export function topicRules(c: WatsonClient): { publish: string[]; subscribe: string[] } {
  if (c.quickstart) return { publish: ['iot-2/evt/*/fmt/*'], subscribe: [] }
  if (c.kind === 'device') return { publish: ['iot-2/evt/*/fmt/*', 'iotdevice-1/**'], subscribe: ['iot-2/cmd/*/fmt/*', 'iotdm-1/**'] }
  if (c.kind === 'gateway') {
    return {
      publish: ['iot-2/type/*/id/*/evt/*/fmt/*', 'iotdevice-1/type/*/id/*/**'],
      subscribe: ['iot-2/type/*/id/*/cmd/*/fmt/*', `iot-2/type/${c.typeId}/id/${c.deviceId}/notify`, 'iotdm-1/type/*/id/*/**'],
    }
  }
  const events = 'iot-2/type/*/id/*/evt/*/fmt/*'
  const commands = 'iot-2/type/*/id/*/cmd/*/fmt/*'
  return { publish: [events, commands], subscribe: [events, commands, 'iot-2/type/*/id/*/mon', 'iot-2/app/*/mon'] }
}
