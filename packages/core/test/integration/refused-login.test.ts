import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAwsIotEmulator, startAzureEmulator, type AwsIotEmulator, type AzureEmulator } from '@tabmq/broker'
import { awsIot, azureDps, type AwsCredentials } from '../../src/providers/index'
import { providerTabs, sleep, until, waitStatus } from '../providers/helpers'

describe('a refusal reaches the provider every time (awsIot, credentials function)', () => {
  let aws: AwsIotEmulator
  beforeAll(async () => {
    aws = await startAwsIotEmulator({ region: 'eu-west-1', credentials: [] })
  })
  afterAll(() => aws.close())

  it('bad credentials twice, good ones afterwards: fetched anew after each refusal, then connected', async () => {
    let calls = 0
    // The app's function, e.g. a Cognito identity pool that hands out stale keys twice.
    const credentials = async (): Promise<AwsCredentials> => {
      calls++
      const c = {
        accessKeyId: `ASIA${calls <= 2 ? 'BAD' : 'GOOD'}${String(calls).padStart(12, '0')}`,
        secretAccessKey: `temp/secret+${calls}/0000000000000000000000`,
        sessionToken: `IQoJ-token-${calls}`,
        expiration: new Date(Date.now() + 3_600_000),
      }
      if (calls > 2) aws.addCredentials({ ...c, expiresAt: c.expiration.getTime() })
      return c
    }
    const { clients } = providerTabs(awsIot({ region: 'eu-west-1', endpoint: aws.endpoint, protocol: 'ws', credentials, clientId: 'refreshed-after-refusal' }), 1)
    await waitStatus(clients[0]!, 'connected', 15_000)
    const refused = aws.handshakes.filter(h => h.status === 403)
    // Each refused key was tried once: the refusal dropped it, and the next attempt asked the app again.
    expect(refused).toHaveLength(2)
    expect(calls).toBe(3)
    expect(aws.handshakes.at(-1)).toMatchObject({ status: 101, accessKeyId: 'ASIAGOOD000000000003' })
    await clients[0]!.close()
  }, 20_000)
})

describe('one rule for refused logins: offline with the error until a tab brings new settings (azureDps)', () => {
  const GROUP_KEY = Buffer.from('enrollment group key, 32 bytes!!').toString('base64')
  const WRONG_KEY = Buffer.from('this is not the right key at all').toString('base64')
  let azure: AzureEmulator
  beforeAll(async () => {
    azure = await startAzureEmulator({ groupKeys: [GROUP_KEY], assigningPolls: 0 })
  })
  afterAll(() => azure.close())

  const dps = (groupKey: string) => azureDps({ idScope: azure.idScope, registrationId: 'refused-1', groupKey, globalEndpoint: azure.globalEndpoint, protocol: 'ws' })

  it('a wrong key stops in offline with BAD_CREDENTIALS and no retries; a tab with the right key brings it back', async () => {
    const { clients, add } = providerTabs(dps(WRONG_KEY), 1)
    const wrong = clients[0]!
    const state = await waitStatus(wrong, 'offline')
    expect(state.error?.code).toBe('BAD_CREDENTIALS')
    expect(state.error?.message).toMatch(/DPS refused the login of "refused-1"/)
    const refusals = () => azure.refusals.filter(r => r.service === 'dps' && r.clientId === 'refused-1').length
    expect(refusals()).toBe(1)
    // The tabs' backoff is 100 to 400 ms: a storm would show several more refusals by now.
    await sleep(1500)
    expect(wrong.connectionState.get().status).toBe('offline')
    expect(refusals()).toBe(1)
    await expect(wrong.publish('devices/refused-1/messages/events/', 'x', { qos: 1 })).rejects.toMatchObject({ code: 'BAD_CREDENTIALS' })
    const right = add(dps(GROUP_KEY))
    await waitStatus(right, 'connected')
    await until(() => wrong.connectionState.get().status === 'connected', 'the first tab connected with the second tab\'s key')
    expect(azure.registrations).toEqual([{ registrationId: 'refused-1', deviceId: 'refused-1' }])
    await Promise.all([wrong.close(), right.close()])
  })
})
