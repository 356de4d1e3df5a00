import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAwsIotEmulator, type AwsIotEmulator } from '@tabmq/broker'
import { awsIot, type AwsCredentials } from '../../src/providers/index'
import { PubSubError } from '../../src/index'
import { resolveAwsIot } from '../../src/providers/aws-iot/resolver'
import { Collector, expectNoSecrets, providerTabs, rejection, thrown, until, waitActive, waitError, waitStatus } from './helpers'

const STATIC = { accessKeyId: 'AKIASTATIC0000000001', secretAccessKey: 'static/secret+key/000000000000000000000' }

/** A credentials function as a Cognito identity pool provider behaves: new temporary keys per call. */
function temporaryCredentials(aws: AwsIotEmulator, lifetimeMs: number) {
  let n = 0
  const issued: AwsCredentials[] = []
  const fn = async (): Promise<AwsCredentials> => {
    n++
    const c = {
      accessKeyId: `ASIATEMP${String(n).padStart(12, '0')}`,
      secretAccessKey: `temp/secret+${n}/${Math.random().toString(36).slice(2)}0000000000`,
      sessionToken: `IQoJb3JpZ2luX2VjE+/${n}${Math.random().toString(36).slice(2)}==`,
      expiration: new Date(Date.now() + lifetimeMs),
    }
    aws.addCredentials({ ...c, expiresAt: c.expiration.getTime() })
    issued.push(c)
    return c
  }
  return { fn, issued, calls: () => n }
}

describe('awsIot against the AWS IoT gateway emulator', () => {
  let aws: AwsIotEmulator
  beforeAll(async () => {
    aws = await startAwsIotEmulator({ region: 'eu-west-1', credentials: [STATIC] })
  })
  afterAll(() => aws.close())

  const provider = (extra: Partial<Parameters<typeof awsIot>[0]> = {}) =>
    awsIot({ region: 'eu-west-1', endpoint: aws.endpoint, protocol: 'ws', credentials: STATIC, clientId: 'static-client', ...extra })

  it('two tabs share one presigned connection and both receive', async () => {
    const { clients, hub } = providerTabs(provider(), 2)
    const seen = clients.map(() => new Collector())
    clients.forEach((c, i) => void c.subscribe('things/+/shadow', { qos: 1 }).subscribe(seen[i]!.observer))
    await waitActive(clients[0]!, 'things/+/shadow')
    expect(aws.connectedClients()).toEqual(['static-client'])
    await aws.publish('things/t1/shadow', JSON.stringify({ on: true }), 1)
    for (const s of seen) await s.waitFor(c => c.messages.length === 1, 'the message')
    expect(seen[1]!.messages[0]!.data).toEqual({ on: true })
    await clients[0]!.publish('things/t1/cmd', 'from a tab', { qos: 1 })
    const stats = await hub.stats()
    expect(stats.connections).toHaveLength(1)
    expect(stats.connections[0]!.key).toMatch(/^aws-iot\|ws:\/\/127\.0\.0\.1:\d+\/mqtt\|static-client\|k:[0-9a-f]{12}$/)
    expectNoSecrets([JSON.stringify(stats)], [STATIC.secretAccessKey, STATIC.accessKeyId])
    await Promise.all(clients.map(c => c.close()))
  })

  it('refreshes expiring credentials and comes back after the gateway cuts the connection; tabs stay subscribed', async () => {
    const creds = temporaryCredentials(aws, 2500)
    const { clients, hub, warnings } = providerTabs(() => provider({ credentials: creds.fn, clientId: 'temp-client' }), 2)
    const seen = clients.map(() => new Collector())
    clients.forEach((c, i) => void c.subscribe('fleet/#', { qos: 1 }).subscribe(seen[i]!.observer))
    await waitActive(clients[0]!, 'fleet/#')
    await aws.publish('fleet/a', 'before', 1)
    for (const s of seen) await s.waitFor(c => c.messages.length === 1, 'first message')
    const acceptedBefore = aws.handshakes.filter(h => h.status === 101).length
    // The gateway closes the connection when the credentials expire (2.5 s); the hub reconnects with
    // credentials it refreshed ahead of time, re-signs the URL and resubscribes.
    await until(() => aws.handshakes.filter(h => h.status === 101).length >= acceptedBefore + 2, 'two reconnects', 12_000)
    await waitStatus(clients[0]!, 'connected')
    await waitActive(clients[0]!, 'fleet/#')
    await aws.publish('fleet/b', 'after', 1)
    for (const s of seen) await s.waitFor(c => c.topics().includes('fleet/b'), 'message after the reconnects')
    const keys = aws.handshakes.filter(h => h.status === 101 && h.accessKeyId?.startsWith('ASIATEMP')).map(h => h.accessKeyId)
    expect(new Set(keys).size).toBeGreaterThanOrEqual(2)
    // Refreshed ahead of expiry: no handshake was refused for expired credentials.
    expect(aws.handshakes.filter(h => /expired/.test(h.reason))).toEqual([])
    const stats = await hub.stats()
    expect(stats.connections).toHaveLength(1)
    expectNoSecrets([JSON.stringify(stats), ...warnings, ...clients.map(c => String(c.connectionState.get().error?.message))], creds.issued.flatMap(c => [c.secretAccessKey, c.sessionToken!]))
    await Promise.all(clients.map(c => c.close()))
  }, 20_000)

  it('calls the credentials function through another tab after the tab that gave it has closed', async () => {
    const creds = temporaryCredentials(aws, 2000)
    let aOpen = true
    let viaA = 0
    let viaB = 0
    // A closed tab's function cannot answer: in a browser its port is gone (the hub times out).
    const fromA = async () => {
      if (!aOpen) throw new Error('tab A is closed')
      viaA++
      return creds.fn()
    }
    const fromB = async () => (viaB++, creds.fn())
    const t = providerTabs(provider({ credentials: fromA, clientId: 'handover-client' }), 1)
    const a = t.clients[0]!
    await waitStatus(a, 'connected')
    const b = t.add(provider({ credentials: fromB, clientId: 'handover-client' }))
    const seen = new Collector()
    b.subscribe('handover/#', { qos: 1 }).subscribe(seen.observer)
    await waitActive(b, 'handover/#')
    expect((await t.hub.stats()).connections).toHaveLength(1)
    await a.close()
    aOpen = false
    const before = viaA
    await until(() => viaB >= 1, 'a refresh through tab B', 8000)
    await until(() => aws.handshakes.some(h => h.status === 101 && h.accessKeyId === creds.issued[creds.issued.length - 1]!.accessKeyId), 'a connection with B\'s credentials', 8000)
    await waitStatus(b, 'connected')
    await waitActive(b, 'handover/#')
    await aws.publish('handover/x', 'still here', 1)
    await seen.waitFor(c => c.topics().includes('handover/x'), 'a message after the handover')
    expect(viaA).toBe(before)
    await b.close()
  }, 20_000)
})

describe('awsIot bad input: each gives a PubSubError with a code, a fix, and no secret', () => {
  let aws: AwsIotEmulator
  const messages: string[] = []
  const secrets = [STATIC.secretAccessKey, 'wrong/secret+key/00000000000000000000', 'IQoJ-session-token-secret']
  beforeAll(async () => {
    aws = await startAwsIotEmulator({ region: 'eu-west-1', credentials: [STATIC], allowClientId: id => !id.startsWith('denied') })
  })
  afterAll(async () => {
    expectNoSecrets(messages, secrets)
    await aws.close()
  })
  const base = () => ({ region: 'eu-west-1', endpoint: aws.endpoint, protocol: 'ws' as const, credentials: STATIC })

  it.each([
    ['region', { region: undefined }],
    ['endpoint', { endpoint: '' }],
    ['credentials', { credentials: undefined }],
  ])('a missing %s throws at once', (what, override) => {
    const e = thrown(() => awsIot({ ...base(), ...override } as never))
    messages.push(e.message)
    expect(e.code).toBe('INVALID_OPTIONS')
    expect(e.message).toContain(`${what} is missing`)
  })

  it.each([
    ['an endpoint without -ats', { endpoint: 'abc123.iot.eu-west-1.amazonaws.com', protocol: 'wss' }, /legacy.*abc123-ats\.iot\.eu-west-1/],
    ['an endpoint in another region', { endpoint: 'abc123-ats.iot.us-east-1.amazonaws.com', protocol: 'wss' }, /region "us-east-1" but region is "eu-west-1"/],
    ['an endpoint that is not AWS IoT', { endpoint: 'example.amazonaws.com', protocol: 'wss' }, /not an AWS IoT data endpoint/],
    ['ws to AWS', { endpoint: 'abc123-ats.iot.eu-west-1.amazonaws.com' }, /only wss/],
    ['a malformed region', { region: 'Ireland' }, /not an AWS region/],
    ['a malformed access key id', { credentials: { accessKeyId: 'my-key', secretAccessKey: STATIC.secretAccessKey } }, /accessKeyId is missing or malformed/],
    ['temporary keys without their token', { credentials: { accessKeyId: 'ASIATEMP000000000001', secretAccessKey: STATIC.secretAccessKey } }, /need their sessionToken/],
    ['a keepalive AWS refuses', { keepalive: 5 }, /30 to 1200/],
  ])('%s: the hub refuses the options and says what to fix', async (_what, override, message) => {
    const { clients } = providerTabs(awsIot({ ...base(), ...override } as never), 1)
    const state = await waitStatus(clients[0]!, 'offline')
    messages.push(state.error!.message)
    expect(state.error?.code).toBe('INVALID_OPTIONS')
    expect(state.error?.message).toMatch(message)
    await clients[0]!.close()
  })

  /**
   * A refused WebSocket upgrade reaches the connection as a close without CONNACK (mqtt.js drops
   * the HTTP status; browsers never see it). The provider's explanation of that error, as the
   * connection shows it once it routes no-CONNACK closes through explainError.
   */
  async function explained(error: PubSubError): Promise<PubSubError> {
    const provider = await resolveAwsIot(awsIot(base()).options, { call: async () => undefined as never, warn: () => {} })
    return provider.explainError!(error)
  }

  it('a wrong secret key: the gateway refuses the signature; the explanation names policy, keys, region and clock', async () => {
    const { clients } = providerTabs(awsIot({ ...base(), credentials: { accessKeyId: STATIC.accessKeyId, secretAccessKey: secrets[1]! } }), 1)
    const error = await waitError(clients[0]!)
    messages.push(error.message)
    expect(error.code).toBe('UNREACHABLE')
    expect(aws.handshakes.at(-1)).toMatchObject({ status: 403, reason: expect.stringMatching(/signature does not match/) })
    expect(error.message).toMatch(/Socket closed.*IoT policy.*wrong or expired credentials.*clock/)
    // Where the HTTP status is known (Node's ws), it is named.
    expect((await explained(new PubSubError('UNREACHABLE', 'Cannot reach the broker: Unexpected server response: 403.'))).code).toBe('BAD_CREDENTIALS')
    await clients[0]!.close()
  })

  it('a clock far off: the signature is refused as not yet current', async () => {
    const behind = await startAwsIotEmulator({ region: 'eu-west-1', credentials: [STATIC], clockOffsetMs: -3_600_000 })
    const { clients } = providerTabs(awsIot({ ...base(), endpoint: behind.endpoint }), 1)
    const error = await waitError(clients[0]!)
    messages.push(error.message)
    expect(error.code).toBe('UNREACHABLE')
    expect(behind.handshakes[0]).toMatchObject({ status: 403, reason: expect.stringMatching(/not yet current/) })
    expect(error.message).toMatch(/clock off by more than 5 minutes/)
    await clients[0]!.close()
    await behind.close()
  })

  it('expired fixed credentials: BAD_CREDENTIALS saying to pass a function', async () => {
    const { clients } = providerTabs(awsIot({ ...base(), credentials: { ...STATIC, accessKeyId: 'ASIAEXPIRED000000001', sessionToken: secrets[2], expiration: new Date(Date.now() - 1000) } }), 1)
    const error = await waitError(clients[0]!)
    messages.push(error.message)
    expect(error.code).toBe('BAD_CREDENTIALS')
    expect(error.message).toMatch(/expired at .*pass an async function/)
    await clients[0]!.close()
  })

  it.each([
    ['returns nothing useful', async () => ({ accessKeyId: '' })],
    ['throws', async () => Promise.reject(new Error('Cognito is down'))],
  ])('a credentials function that %s: PROVIDER_ERROR', async (_what, fn) => {
    const { clients } = providerTabs(awsIot({ ...base(), credentials: fn as never }), 1)
    const error = await waitError(clients[0]!)
    messages.push(error.message)
    expect(error.code).toBe('PROVIDER_ERROR')
    await clients[0]!.close()
  })

  it('a client id the IoT policy refuses: the gateway closes the socket after the upgrade ("Socket closed")', async () => {
    const { clients } = providerTabs(awsIot({ ...base(), clientId: 'denied-1' }), 1)
    const error = await waitError(clients[0]!)
    messages.push(error.message)
    expect(error.code).toBe('UNREACHABLE')
    expect(aws.handshakes.at(-1)).toMatchObject({ status: 101 })
    // The state itself carries the explanation (the hub passes the no-CONNACK close through explainError).
    expect(error.message).toMatch(/IoT policy .*iot:Connect/)
    await clients[0]!.close()
  })

  it('platform limits are enforced in the hub: payload, QoS 2, topic depth; the other tab is undisturbed', async () => {
    const { clients } = providerTabs(awsIot({ ...base(), clientId: 'limits' }), 2)
    const [bad, good] = clients as [(typeof clients)[0], (typeof clients)[0]]
    const seen = new Collector()
    good.subscribe('ok/#', { qos: 1 }).subscribe(seen.observer)
    await waitActive(good, 'ok/#')
    const big = await rejection(bad.publish('ok/big', new Uint8Array(131_073), { qos: 1 }))
    expect(big.code).toBe('PAYLOAD_TOO_LARGE')
    expect((await rejection(bad.publish('ok/q2', 'x', { qos: 2 }))).code).toBe('INVALID_QOS')
    expect((await rejection(bad.publish('a/b/c/d/e/f/g/h/i', 'x'))).code).toBe('INVALID_TOPIC')
    await bad.publish('ok/fine', new Uint8Array(131_072), { qos: 1 })
    await seen.waitFor(c => c.topics().includes('ok/fine'), 'a message at the limit')
    expect(good.connectionState.get().status).toBe('connected')
    await Promise.all(clients.map(c => c.close()))
  })
})
