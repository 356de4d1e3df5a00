import { createHash, createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { verifyPresignedRequest } from '@tabmq/broker'
import { SignatureV4 } from '@smithy/signature-v4'
import { Sha256 } from '@aws-crypto/sha256-js'
import { presignAwsIotUrl } from '../../src/providers/aws-iot/sigv4'

// An implementation of SigV4 query signing written from AWS's documentation, independent of the
// code under test (which uses @smithy/signature-v4), checked first against AWS's published vectors.
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest()
const hex = (data: string) => createHash('sha256').update(data).digest('hex')
const enc = (v: string) => encodeURIComponent(v).replace(/[!'()*]/g, c => '%' + c.charCodeAt(0).toString(16).toUpperCase())
function signingKey(secret: string, day: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request')
}
function querySignature(o: { secret: string; region: string; service: string; host: string; path: string; params: Record<string, string>; payloadHash: string }): string {
  const amzDate = o.params['X-Amz-Date']!
  const query = Object.keys(o.params)
    .sort()
    .map(k => `${enc(k)}=${enc(o.params[k]!)}`)
    .join('&')
  const canonical = ['GET', o.path, query, `host:${o.host}\n`, 'host', o.payloadHash].join('\n')
  const scope = `${amzDate.slice(0, 8)}/${o.region}/${o.service}/aws4_request`
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, hex(canonical)].join('\n')
  return createHmac('sha256', signingKey(o.secret, amzDate.slice(0, 8), o.region, o.service)).update(toSign).digest('hex')
}

describe('the independent SigV4 implementation reproduces AWS published examples', () => {
  it('derives the signing key of "Examples of how to derive a signing key" (iam, 20120215)', () => {
    expect(signingKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20120215', 'us-east-1', 'iam').toString('hex')).toBe('f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d')
  })
  it('signs the S3 presigned URL example (GET /test.txt, 20130524, 86400 s)', () => {
    const params = {
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request',
      'X-Amz-Date': '20130524T000000Z',
      'X-Amz-Expires': '86400',
      'X-Amz-SignedHeaders': 'host',
    }
    const sig = querySignature({ secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', region: 'us-east-1', service: 's3', host: 'examplebucket.s3.amazonaws.com', path: '/test.txt', params, payloadHash: 'UNSIGNED-PAYLOAD' })
    expect(sig).toBe('aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404')
  })
})

describe('presignAwsIotUrl', () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE12345', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
  const signingDate = new Date('2024-03-05T06:07:08Z')
  const host = 'abc123-ats.iot.eu-west-1.amazonaws.com'

  function split(url: string) {
    const u = new URL(url)
    const params: Record<string, string> = {}
    for (const part of u.search.slice(1).split('&')) params[decodeURIComponent(part.split('=')[0]!)] = decodeURIComponent(part.split('=')[1]!)
    return { u, params }
  }

  it('matches the independent implementation: service iotdevicegateway, signed header host, empty-payload hash', async () => {
    const url = await presignAwsIotUrl({ protocol: 'wss', host, region: 'eu-west-1', credentials, expiresIn: 86400, signingDate })
    const { u, params } = split(url)
    expect(`${u.protocol}//${u.host}${u.pathname}`).toBe(`wss://${host}/mqtt`)
    expect(params['X-Amz-Credential']).toBe('AKIDEXAMPLE12345/20240305/eu-west-1/iotdevicegateway/aws4_request')
    expect(params['X-Amz-Date']).toBe('20240305T060708Z')
    expect(params['X-Amz-SignedHeaders']).toBe('host')
    expect(params['X-Amz-Expires']).toBe('86400')
    const { 'X-Amz-Signature': signature, ...signed } = params
    expect(signature).toBe(querySignature({ secret: credentials.secretAccessKey, region: 'eu-west-1', service: 'iotdevicegateway', host, path: '/mqtt', params: signed, payloadHash: hex('') }))
  })

  it('appends the session token after signing: the signature is the same as without it', async () => {
    const token = 'IQoJb3JpZ2luX2VjEHwaCWV1LXdlc3QtMSJHMEUCIQ+/=='
    const withToken = await presignAwsIotUrl({ protocol: 'wss', host, region: 'eu-west-1', credentials: { ...credentials, sessionToken: token }, expiresIn: 86400, signingDate })
    const without = await presignAwsIotUrl({ protocol: 'wss', host, region: 'eu-west-1', credentials, expiresIn: 86400, signingDate })
    expect(withToken.startsWith(without + '&X-Amz-Security-Token=')).toBe(true)
    expect(split(withToken).params['X-Amz-Security-Token']).toBe(token)
  })

  it('signs host:port for an emulator and uses ws', async () => {
    const url = await presignAwsIotUrl({ protocol: 'ws', host: '127.0.0.1:4567', region: 'us-east-1', credentials, expiresIn: 300, signingDate })
    const { u, params } = split(url)
    expect(u.host).toBe('127.0.0.1:4567')
    const { 'X-Amz-Signature': signature, ...signed } = params
    expect(signature).toBe(querySignature({ secret: credentials.secretAccessKey, region: 'us-east-1', service: 'iotdevicegateway', host: '127.0.0.1:4567', path: '/mqtt', params: signed, payloadHash: hex('') }))
  })
})

describe("the emulator's verifier (apps/broker)", () => {
  const creds = { accessKeyId: 'ASIAEXAMPLE00001', secretAccessKey: 'secret-secret-secret-00', sessionToken: 'token/with+chars=' }
  const lookup = (id: string) => (id === creds.accessKeyId ? creds : undefined)
  const host = '127.0.0.1:4567'
  const pathOf = (url: string) => url.slice(url.indexOf('/mqtt'))

  it('accepts our URL and names the key it was signed with', async () => {
    const url = await presignAwsIotUrl({ protocol: 'ws', host, region: 'us-east-1', credentials: creds, expiresIn: 300 })
    expect(verifyPresignedRequest(pathOf(url), host, { region: 'us-east-1', now: Date.now(), lookup })).toEqual({ ok: true, accessKeyId: creds.accessKeyId, expiresAt: undefined })
  })

  it('refuses a URL whose session token was signed (the SDK default), as AWS IoT does', async () => {
    const signer = new SignatureV4({ service: 'iotdevicegateway', region: 'us-east-1', credentials: creds, sha256: Sha256 })
    const req = await signer.presign({ method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port: 4567, path: '/mqtt', query: {}, headers: { host } }, { expiresIn: 300 })
    const query = Object.entries(req.query as Record<string, string>).map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')
    const verdict = verifyPresignedRequest(`/mqtt?${query}`, host, { region: 'us-east-1', now: Date.now(), lookup })
    expect(verdict).toMatchObject({ ok: false, status: 403 })
    expect((verdict as { reason: string }).reason).toMatch(/appended after signing/)
  })

  it.each([
    ['a wrong secret', { secretAccessKey: 'another-secret-0000000' }, {}, /signature does not match/],
    ['a missing token', { sessionToken: undefined }, {}, /signature does not match|need X-Amz-Security-Token/],
    ['a clock 10 minutes ahead', {}, { signingDate: new Date(Date.now() + 600_000) }, /not yet current/],
    ['a clock a day and more behind', {}, { signingDate: new Date(Date.now() - 90_000_000) }, /expired/],
    ['another region', {}, { region: 'eu-west-1' }, /region/],
  ] as const)('refuses %s with a reason and no secret', async (_what, credOverride, presignOverride, reason) => {
    const url = await presignAwsIotUrl({ protocol: 'ws', host, region: 'us-east-1', credentials: { ...creds, ...credOverride } as typeof creds, expiresIn: 86400, ...presignOverride })
    const verdict = verifyPresignedRequest(pathOf(url), host, { region: 'us-east-1', now: Date.now(), lookup })
    expect(verdict.ok).toBe(false)
    const text = JSON.stringify(verdict)
    expect(text).toMatch(reason)
    for (const secret of [creds.secretAccessKey, creds.sessionToken]) expect(text.includes(secret)).toBe(false)
  })

  it('refuses expired credentials', async () => {
    const url = await presignAwsIotUrl({ protocol: 'ws', host, region: 'us-east-1', credentials: creds, expiresIn: 300 })
    const verdict = verifyPresignedRequest(pathOf(url), host, { region: 'us-east-1', now: Date.now(), lookup: () => ({ ...creds, expiresAt: Date.now() - 1 }) })
    expect(verdict).toMatchObject({ ok: false, reason: expect.stringMatching(/expired/) })
  })
})
