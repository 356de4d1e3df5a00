import { describe, expect, it } from 'vitest'
import { demoSettings, type SettingName } from '../src/index'

const env =
  (values: Partial<Record<SettingName, string>>) =>
  (name: SettingName): string | undefined =>
    values[name]

describe('demoSettings', () => {
  it('defaults to the dev broker, its device and plain MQTT over WebSocket', () => {
    const settings = demoSettings({ app: 'react-demo', env: env({}), search: '' })
    expect(settings).toMatchObject({ brokerUrl: 'ws://127.0.0.1:8083/mqtt', deviceId: 'device-1', platform: 'mqtt' })
    expect(settings.provider()).toEqual({ kind: 'mqtt', options: { url: 'ws://127.0.0.1:8083/mqtt' } })
  })

  it("takes the build's settings over the defaults, and the page's query over both", () => {
    const build = env({ BROKER_URL: 'ws://build:1/mqtt', DEVICE_ID: 'build-device' })
    expect(demoSettings({ app: 'vue-demo', env: build, search: '' })).toMatchObject({ brokerUrl: 'ws://build:1/mqtt', deviceId: 'build-device' })
    const page = demoSettings({ app: 'vue-demo', env: build, search: '?broker=ws%3A%2F%2Fpage%3A2%2Fmqtt&device=page-device' })
    expect(page).toMatchObject({ brokerUrl: 'ws://page:2/mqtt', deviceId: 'page-device' })
  })

  it('treats an empty setting as unset', () => {
    expect(demoSettings({ app: 'a', env: env({ BROKER_URL: '', PROVIDER: '' }), search: '?broker=' })).toMatchObject({ brokerUrl: 'ws://127.0.0.1:8083/mqtt', platform: 'mqtt' })
  })

  it("passes the query's login and keepalive to the MQTT provider, and ignores a keepalive that is not a positive whole number", () => {
    const settings = demoSettings({ app: 'a', env: env({}), search: '?user=alice&password=pw&keepalive=2' })
    expect(settings.provider().options).toEqual({ url: 'ws://127.0.0.1:8083/mqtt', username: 'alice', password: 'pw', keepalive: 2 })
    for (const keepalive of ['0', '-3', '1.5', 'soon']) {
      expect(demoSettings({ app: 'a', env: env({}), search: `?keepalive=${keepalive}` }).provider().options).not.toHaveProperty('keepalive')
    }
  })

  it("reaches an emulated cloud at the broker URL's host, with the emulator's development accounts", () => {
    const search = '?broker=ws://127.0.0.1:8090/mqtt'
    const aws = demoSettings({ app: 'a', env: env({ PROVIDER: 'aws' }), search }).provider()
    expect(aws.kind).toBe('aws-iot')
    expect(aws.options).toMatchObject({ region: 'us-east-1', endpoint: '127.0.0.1:8090', protocol: 'ws' })
    const watson = demoSettings({ app: 'a', env: env({ PROVIDER: 'watson', WATSON_ORG: 'myorg' }), search }).provider()
    expect(watson.options).toMatchObject({ org: 'myorg', host: '127.0.0.1:8090', token: 'demo-device-token' })
    const azure = demoSettings({ app: 'angular-demo', env: env({ PROVIDER: 'azure' }), search }).provider()
    expect(azure.options).toMatchObject({ idScope: '0ne00000A0A', registrationId: 'angular-demo', globalEndpoint: '127.0.0.1:8090', groupKey: btoa('tabmq emulator enrollment group!') })
  })

  it("builds the provider's config when asked, so a settings object alone does not validate it", () => {
    const settings = demoSettings({ app: 'a', env: env({}), search: '?broker=http://not-a-websocket' })
    expect(settings.brokerUrl).toBe('http://not-a-websocket')
    expect(() => settings.provider()).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }))
  })
})
