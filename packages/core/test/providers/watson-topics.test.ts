import { describe, expect, it } from 'vitest'
import { fitsRule } from '../../src/providers/watson-iot/topic-rules'
import { parseWatsonDm, parseWatsonNotification, parseWatsonTopic, watsonDmResponse, watsonDmTopics, watsonTopics } from '../../src/providers/index'

describe('Watson IoT topic builders and parsers', () => {
  it('builds the documented topics', () => {
    expect(watsonTopics.deviceEvent('status')).toBe('iot-2/evt/status/fmt/json')
    expect(watsonTopics.deviceCommands()).toBe('iot-2/cmd/+/fmt/+')
    expect(watsonTopics.deviceCommands('reboot', 'json')).toBe('iot-2/cmd/reboot/fmt/json')
    expect(watsonTopics.event({ typeId: 'mygateway', deviceId: 'gateway1', eventId: 'status' })).toBe('iot-2/type/mygateway/id/gateway1/evt/status/fmt/json')
    expect(watsonTopics.event({ typeId: '+', deviceId: '+' })).toBe('iot-2/type/+/id/+/evt/+/fmt/+')
    expect(watsonTopics.command({ typeId: 'mydevice', deviceId: '+' })).toBe('iot-2/type/mydevice/id/+/cmd/+/fmt/+')
    expect(watsonTopics.notify({ typeId: 'mygateway', deviceId: 'gateway1' })).toBe('iot-2/type/mygateway/id/gateway1/notify')
    expect(watsonTopics.deviceStatus({ typeId: 't', deviceId: 'd' })).toBe('iot-2/type/t/id/d/mon')
    expect(watsonTopics.appStatus('app1')).toBe('iot-2/app/app1/mon')
  })

  it('parses topics back, and ignores others', () => {
    expect(parseWatsonTopic('iot-2/evt/status/fmt/json')).toEqual({ kind: 'event', eventId: 'status', format: 'json' })
    expect(parseWatsonTopic('iot-2/type/t/id/d/cmd/c/fmt/bin')).toEqual({ kind: 'command', typeId: 't', deviceId: 'd', commandId: 'c', format: 'bin' })
    expect(parseWatsonTopic('iot-2/type/t/id/d/notify')).toEqual({ kind: 'notify', typeId: 't', deviceId: 'd' })
    expect(parseWatsonTopic('iot-2/type/t/id/d/mon')).toEqual({ kind: 'deviceStatus', typeId: 't', deviceId: 'd' })
    expect(parseWatsonTopic('iot-2/app/a/mon')).toEqual({ kind: 'appStatus', appId: 'a' })
    expect(parseWatsonTopic('iot-2/type/t/id/d/evt/e')).toBeUndefined()
    expect(parseWatsonTopic('other/topic')).toBeUndefined()
  })

  it('reads gateway notifications into typed objects (either client field name)', () => {
    const n = parseWatsonNotification('{"Request":"Subscribe","Time":"2024-05-01T10:00:00.000Z","Topic":"iot-2/type/x/id/y/cmd/+/fmt/+","Type":"x","Id":"y","Client":"g:o:gw:1","RC":403,"Message":"Device type is not valid."}')
    expect(n).toEqual({ request: 'subscribe', time: new Date('2024-05-01T10:00:00.000Z'), topic: 'iot-2/type/x/id/y/cmd/+/fmt/+', typeId: 'x', deviceId: 'y', clientId: 'g:o:gw:1', rc: 403, message: 'Device type is not valid.' })
    expect(() => parseWatsonNotification('not json')).toThrow(/Not a Watson IoT JSON message/)
  })

  it('device management: topics for a device and behind a gateway, requests and responses by reqId', () => {
    expect(watsonDmTopics()).toMatchObject({ manage: 'iotdevice-1/mgmt/manage', response: 'iotdevice-1/response', responses: 'iotdm-1/response', all: 'iotdm-1/#' })
    expect(watsonDmTopics({ typeId: 't', deviceId: 'd' })).toMatchObject({ manage: 'iotdevice-1/type/t/id/d/mgmt/manage', responses: 'iotdm-1/type/t/id/d/response', all: 'iotdm-1/type/t/id/d/#' })
    expect(parseWatsonDm('iotdm-1/response', '{"rc":200,"reqId":"r1"}')).toEqual({ kind: 'response', rc: 200, reqId: 'r1' })
    expect(parseWatsonDm('iotdm-1/type/t/id/d/mgmt/initiate/firmware/download', '{"reqId":"r2","d":{"uri":"x"}}')).toEqual({ kind: 'request', action: 'mgmt/initiate/firmware/download', reqId: 'r2', d: { uri: 'x' } })
    expect(parseWatsonDm('iotdm-1/device/update', { d: { fields: [] } })).toEqual({ kind: 'request', action: 'device/update', reqId: undefined, d: { fields: [] } })
    expect(parseWatsonDm('iot-2/evt/x/fmt/json', '{}')).toBeUndefined()
    expect(watsonDmResponse('r3', 501, 'not implemented')).toEqual({ rc: 501, reqId: 'r3', message: 'not implemented' })
  })

  it('topic rules: * is one level (+ only in filters), a final ** anything', () => {
    expect(fitsRule('iot-2/evt/*/fmt/*', 'iot-2/evt/a/fmt/json', false)).toBe(true)
    expect(fitsRule('iot-2/evt/*/fmt/*', 'iot-2/evt/+/fmt/json', false)).toBe(false)
    expect(fitsRule('iot-2/cmd/*/fmt/*', 'iot-2/cmd/+/fmt/+', true)).toBe(true)
    expect(fitsRule('iot-2/cmd/*/fmt/*', 'iot-2/cmd/#', true)).toBe(false)
    expect(fitsRule('iot-2/cmd/*/fmt/*', 'iot-2/+/x/fmt/y', true)).toBe(false)
    expect(fitsRule('iotdm-1/**', 'iotdm-1/#', true)).toBe(true)
    expect(fitsRule('iotdm-1/**', 'iotdm-1/mgmt/initiate/device/reboot', false)).toBe(true)
    expect(fitsRule('iot-2/evt/*/fmt/*', 'iot-2/evt/a/fmt/json/extra', false)).toBe(false)
  })
})
