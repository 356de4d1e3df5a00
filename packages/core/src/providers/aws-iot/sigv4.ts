import { Sha256 } from '@aws-crypto/sha256-js'
import { SignatureV4 } from '@smithy/signature-v4'
import type { AwsCredentials } from './options.js'

export interface PresignOptions {
  /** `wss` for AWS; `ws` for a local emulator. */
  protocol: 'wss' | 'ws'
  /** `<prefix>-ats.iot.<region>.amazonaws.com`, or `host:port` of an emulator. */
  host: string
  region: string
  credentials: AwsCredentials
  /** Seconds the URL may be used to open a connection. */
  expiresIn: number
  signingDate?: Date
}

/** RFC 3986 encoding, as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
function encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/**
 * The AWS IoT MQTT-over-WebSocket URL, presigned with SigV4 (service `iotdevicegateway`, signed
 * header `host`, empty-payload hash). AWS IoT wants the session token appended after signing,
 * not signed: https://docs.aws.amazon.com/iot/latest/developerguide/protocols.html
 *
 * @example
 * const url = await presignAwsIotUrl({ protocol: 'wss', host: 'abc-ats.iot.eu-west-1.amazonaws.com', region: 'eu-west-1', credentials, expiresIn: 300 })
 */
export async function presignAwsIotUrl(o: PresignOptions): Promise<string> {
  const signer = new SignatureV4({
    service: 'iotdevicegateway',
    region: o.region,
    credentials: { accessKeyId: o.credentials.accessKeyId, secretAccessKey: o.credentials.secretAccessKey },
    sha256: Sha256,
    uriEscapePath: true,
  })
  const colon = o.host.lastIndexOf(':')
  const hasPort = colon > o.host.lastIndexOf(']')
  const request = await signer.presign(
    {
      method: 'GET',
      protocol: `${o.protocol === 'ws' ? 'http' : 'https'}:`,
      hostname: hasPort ? o.host.slice(0, colon) : o.host,
      ...(hasPort ? { port: Number(o.host.slice(colon + 1)) } : {}),
      path: '/mqtt',
      query: {},
      headers: { host: o.host },
    },
    { expiresIn: o.expiresIn, ...(o.signingDate ? { signingDate: o.signingDate } : {}) },
  )
  const query = Object.entries(request.query as Record<string, string>)
    .map(([k, v]) => `${encode(k)}=${encode(v)}`)
    .join('&')
  const token = o.credentials.sessionToken ? `&X-Amz-Security-Token=${encode(o.credentials.sessionToken)}` : ''
  return `${o.protocol}://${o.host}/mqtt?${query}${token}`
}
