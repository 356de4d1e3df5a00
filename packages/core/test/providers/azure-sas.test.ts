import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { deriveDeviceKey, sasToken } from '../../src/providers/azure-iot-hub/sas'
import { parseIotHubTopic, iotHubTopics } from '../../src/providers/index'

// Microsoft's documented algorithm (the Node.js sample of "Control access to IoT Hub with shared
// access signatures"), with node:crypto: independent of the WebCrypto code under test.
function generateSasToken(resourceUri: string, signingKey: string, policyName: string | undefined, expires: number): string {
  resourceUri = encodeURIComponent(resourceUri)
  const toSign = resourceUri + '\n' + expires
  const hmac = createHmac('sha256', Buffer.from(signingKey, 'base64'))
  hmac.update(toSign)
  const base64UriEncoded = encodeURIComponent(hmac.digest('base64'))
  let token = 'SharedAccessSignature sr=' + resourceUri + '&sig=' + base64UriEncoded + '&se=' + expires
  if (policyName) token += '&skn=' + policyName
  return token
}

const KEY = Buffer.from('a device key of thirty-two bytes').toString('base64')

describe('SAS tokens (WebCrypto) against Microsoft\'s documented algorithm', () => {
  it.each([
    ['an IoT Hub device', 'my-hub.azure-devices.net/devices/sensor-42', undefined],
    ['a DPS registration', '0ne00000A0A/registrations/sensor-42', 'registration'],
    ['a device id with characters to encode', 'h.azure-devices.net/devices/a:b=c@d$e', undefined],
  ])('%s', async (_what, resource, policy) => {
    for (const expiry of [1_700_000_000, 1_900_000_123]) {
      expect(await sasToken({ resource, key: KEY, expiry, ...(policy ? { policy } : {}) })).toBe(generateSasToken(resource, KEY, policy, expiry))
    }
  })

  it('derives a group enrollment device key as Microsoft\'s example does', async () => {
    // "Provision devices using symmetric key enrollment groups": the documented example key and id.
    expect(await deriveDeviceKey('8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lF8e2YG1Te7w1KpZhJFFXJrqYKi9yegxkqIChbqOS9Egw==', 'sn-007-888-abc-mac-a1-b2-c3-d4-e5-f6')).toBe(
      'Jsm0lyGpjaVYVP2g3FnmnmG9dI/9qU24wNoykUmermc=',
    )
  })

  it('refuses a key that is not base64, without echoing it', async () => {
    const error = await sasToken({ resource: 'x', key: 'not base64 !!', expiry: 1 }).catch(e => e as Error)
    expect((error as { code?: string }).code).toBe('INVALID_OPTIONS')
    expect((error as Error).message).not.toContain('not base64 !!')
  })
})

describe('IoT Hub topics', () => {
  const t = iotHubTopics('d1')
  it('builds device topics', () => {
    expect(t.events()).toBe('devices/d1/messages/events/')
    expect(t.events({ '$.ct': 'application/json', kind: 'a b' })).toBe('devices/d1/messages/events/%24.ct=application%2Fjson&kind=a%20b')
    expect(t.cloudToDevice).toBe('devices/d1/messages/devicebound/#')
    expect(t.twinGet('7')).toBe('$iothub/twin/GET/?$rid=7')
    expect(t.methodResponse(200, 'r1')).toBe('$iothub/methods/res/200/?$rid=r1')
  })
  it('parses what a device receives', () => {
    expect(parseIotHubTopic('devices/d1/messages/devicebound/%24.to=%2Fdevices%2Fd1%2Fmessages%2Fdevicebound&color=red')).toEqual({
      kind: 'cloudToDevice',
      properties: { '$.to': '/devices/d1/messages/devicebound', color: 'red' },
    })
    expect(parseIotHubTopic('$iothub/twin/res/204/?$rid=9&$version=4')).toEqual({ kind: 'twinResponse', status: 204, rid: '9', version: 4 })
    expect(parseIotHubTopic('$iothub/twin/PATCH/properties/desired/?$version=12')).toEqual({ kind: 'desired', version: 12 })
    expect(parseIotHubTopic('$iothub/methods/POST/reboot/?$rid=42')).toEqual({ kind: 'method', name: 'reboot', rid: '42' })
    expect(parseIotHubTopic('other/topic')).toBeUndefined()
  })
})
