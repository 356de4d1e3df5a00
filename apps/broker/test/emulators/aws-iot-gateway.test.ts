import { createHash, createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAwsIotEmulator, type AwsIotEmulator } from '../../src/index'
import { connectClient, record, sleep, until } from '../helpers'

// A presigner written here from AWS's SigV4 documentation, so the gateway is checked against an
// implementation other than its own verifier.
const enc = (v: string) => encodeURIComponent(v).replace(/[!'()*]/g, c => '%' + c.charCodeAt(0).toString(16).toUpperCase())
const hmac = (k: Buffer | string, d: string) => createHmac('sha256', k).update(d).digest()
function presign(o: { host: string; region: string; akid: string; secret: string; token?: string; signToken?: boolean; date?: Date; expires?: number; service?: string }): string {
  const date = (o.date ?? new Date()).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
  const day = date.slice(0, 8)
  const service = o.service ?? 'iotdevicegateway'
  const params: Record<string, string> = {
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${o.akid}/${day}/${o.region}/${service}/aws4_request`,
    'X-Amz-Date': date,
    'X-Amz-Expires': String(o.expires ?? 300),
    'X-Amz-SignedHeaders': 'host',
  }
  if (o.token && o.signToken) params['X-Amz-Security-Token'] = o.token
  const query = Object.keys(params).sort().map(k => `${enc(k)}=${enc(params[k]!)}`).join('&')
  const canonical = ['GET', '/mqtt', query, `host:${o.host}\n`, 'host', createHash('sha256').update('').digest('hex')].join('\n')
  const toSign = ['AWS4-HMAC-SHA256', date, `${day}/${o.region}/${service}/aws4_request`, createHash('sha256').update(canonical).digest('hex')].join('\n')
  const sig = createHmac('sha256', hmac(hmac(hmac(hmac(`AWS4${o.secret}`, day), o.region), service), 'aws4_request')).update(toSign).digest('hex')
  const token = o.token && !o.signToken ? `&X-Amz-Security-Token=${enc(o.token)}` : ''
  return `ws://${o.host}/mqtt?${query}&X-Amz-Signature=${sig}${token}`
}

const LONG = { accessKeyId: 'AKIALONGTERM00000001', secretAccessKey: 'long/term+secret0000000000000000000' }
const TEMP = { accessKeyId: 'ASIATEMPORARY0000001', secretAccessKey: 'temporary/secret+000000000000000000', sessionToken: 'FwoGZXIvYXdzE+/token==' }

describe('AWS IoT gateway emulator', () => {
  let aws: AwsIotEmulator
  beforeAll(async () => {
    aws = await startAwsIotEmulator({ region: 'eu-west-1', credentials: [LONG, TEMP], allowClientId: id => id !== 'not-in-policy', denySubscribe: ['forbidden/#'] })
  })
  afterAll(() => aws.close())
  const url = (o: Partial<Parameters<typeof presign>[0]> = {}) => presign({ host: aws.endpoint, region: 'eu-west-1', akid: LONG.accessKeyId, secret: LONG.secretAccessKey, ...o })

  it('accepts a correctly presigned URL and speaks MQTT', async () => {
    const a = await connectClient(url(), { clientId: 'device-a' })
    const b = await connectClient(url({ akid: TEMP.accessKeyId, secret: TEMP.secretAccessKey, token: TEMP.sessionToken }), { clientId: 'device-b' })
    const got = record(b)
    await b.subscribeAsync('t/#', { qos: 1 })
    await a.publishAsync('t/1', 'hi', { qos: 1 })
    await until(() => got.length === 1, 'the message')
    expect(aws.connectedClients().sort()).toEqual(['device-a', 'device-b'])
    expect(aws.handshakes.filter(h => h.status === 101).map(h => h.accessKeyId)).toEqual([LONG.accessKeyId, TEMP.accessKeyId])
  })

  it.each([
    ['a wrong secret', { secret: 'wrong' }, /signature does not match/],
    ['an unknown access key', { akid: 'AKIAUNKNOWN000000001' }, /not known/],
    ['another region', { region: 'us-east-1' }, /region/],
    ['another service', { service: 'iotdata' }, /not iotdevicegateway/],
    ['a clock 10 minutes ahead', { date: new Date(Date.now() + 600_000) }, /not yet current/],
    ['an expired URL', { date: new Date(Date.now() - 400_000), expires: 300 }, /expired/],
    ['temporary keys without their token', { akid: TEMP.accessKeyId, secret: TEMP.secretAccessKey }, /need X-Amz-Security-Token/],
    ['a signed token', { akid: TEMP.accessKeyId, secret: TEMP.secretAccessKey, token: TEMP.sessionToken, signToken: true }, /appended after signing/],
    ['a wrong token', { akid: TEMP.accessKeyId, secret: TEMP.secretAccessKey, token: 'another' }, /invalid/],
  ])('refuses %s with HTTP 403 before MQTT', async (_what, override, reason) => {
    await expect(connectClient(url(override), { clientId: 'refused' })).rejects.toThrow()
    expect(aws.handshakes.at(-1)).toMatchObject({ status: 403, reason: expect.stringMatching(reason) })
    for (const secret of [LONG.secretAccessKey, TEMP.secretAccessKey, TEMP.sessionToken]) expect(JSON.stringify(aws.handshakes)).not.toContain(secret)
  })

  it('closes the socket without CONNACK for a client id the policy refuses', async () => {
    await expect(connectClient(url(), { clientId: 'not-in-policy' })).rejects.toThrow(/closed before CONNACK/)
  })

  it('refuses subscriptions the policy denies (SUBACK 0x80)', async () => {
    const c = await connectClient(url(), { clientId: 'sub-policy' })
    await expect(c.subscribeAsync('forbidden/x')).rejects.toThrow()
  })

  it('closes connections when their credentials expire, and refuses them afterwards', async () => {
    const short = { accessKeyId: 'ASIASHORTLIVED000001', secretAccessKey: 'short/lived+secret00000000000000000', sessionToken: 'short-token', expiresAt: Date.now() + 600 }
    aws.addCredentials(short)
    const c = await connectClient(url({ akid: short.accessKeyId, secret: short.secretAccessKey, token: short.sessionToken }), { clientId: 'short' })
    let closed = false
    c.on('close', () => (closed = true))
    await until(() => closed, 'the cut at expiry', 3000)
    await sleep(10)
    await expect(connectClient(url({ akid: short.accessKeyId, secret: short.secretAccessKey, token: short.sessionToken }), { clientId: 'short' })).rejects.toThrow()
    expect(aws.handshakes.at(-1)?.reason).toMatch(/expired/)
  })

  it('closes every connection after maxConnectionMs (24 h on AWS)', async () => {
    const quick = await startAwsIotEmulator({ region: 'eu-west-1', credentials: [LONG], maxConnectionMs: 300 })
    const c = await connectClient(presign({ host: quick.endpoint, region: 'eu-west-1', akid: LONG.accessKeyId, secret: LONG.secretAccessKey }), { clientId: 'day-long' })
    let closed = false
    c.on('close', () => (closed = true))
    await until(() => closed, 'the cut after maxConnectionMs', 3000)
    await quick.close()
  })
})

describe('TABMQ_EMULATE', () => {
  it('reads the switch and refuses unknown platforms in one line', async () => {
    const { emulationFromEnv } = await import('../../src/emulators/cli')
    expect(emulationFromEnv({})).toBeUndefined()
    expect(emulationFromEnv({ TABMQ_EMULATE: ' AWS ' })).toBe('aws')
    expect(() => emulationFromEnv({ TABMQ_EMULATE: 'gcp' })).toThrow('TABMQ_EMULATE=gcp is not valid: expected one of aws, watson, azure')
  })

  it.each(['aws', 'watson', 'azure'] as const)('starts the %s emulator on the configured ports and says how to connect', async kind => {
    const { startEmulation } = await import('../../src/emulators/cli')
    const e = await startEmulation(kind, { host: '127.0.0.1', wsPort: 0, tcpPort: 0 })
    expect(e.describe).toMatch(/protocol: 'ws'/)
    await e.stop()
  })
})
