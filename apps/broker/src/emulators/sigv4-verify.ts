import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

/** Credentials the emulated AWS account knows. */
export interface AwsEmulatorCredentials {
  accessKeyId: string
  secretAccessKey: string
  /** Temporary credentials: the token the URL must carry, appended after signing. */
  sessionToken?: string
  /** Epoch ms after which the credentials (and connections opened with them) stop working. */
  expiresAt?: number
}

export type SigV4Verdict = { ok: true; accessKeyId: string; expiresAt: number | undefined } | { ok: false; status: 400 | 403 | 404; reason: string }

export interface VerifyOptions {
  region: string
  /** What the emulated server's clock says now, epoch ms. */
  now: number
  /** Largest accepted difference between X-Amz-Date and the server's clock. Default 5 minutes. */
  maxSkewMs?: number
  lookup(accessKeyId: string): AwsEmulatorCredentials | undefined
}

/** RFC 3986 encoding, as SigV4 canonical requests use it. */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest()
const sha256hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex')

/** `20240102T030405Z` → epoch ms, or NaN. */
function parseAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value)
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN
}

/** The signature of a presigned GET with these query parameters (X-Amz-Signature left out). */
export function sigv4QuerySignature(o: { secretAccessKey: string; region: string; service: string; host: string; path: string; params: Array<[string, string]>; amzDate: string }): string {
  const canonicalQuery = o.params
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
  const canonicalRequest = ['GET', o.path, canonicalQuery, `host:${o.host}\n`, 'host', sha256hex('')].join('\n')
  const day = o.amzDate.slice(0, 8)
  const scope = `${day}/${o.region}/${o.service}/aws4_request`
  const stringToSign = ['AWS4-HMAC-SHA256', o.amzDate, scope, sha256hex(canonicalRequest)].join('\n')
  const kSigning = hmac(hmac(hmac(hmac(`AWS4${o.secretAccessKey}`, day), o.region), o.service), 'aws4_request')
  return createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest('hex')
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))
}

/**
 * Checks an AWS IoT presigned WebSocket request the way the device gateway does: algorithm,
 * credential scope (known access key, region, `iotdevicegateway`), date within the allowed skew,
 * expiry, signed headers `host`, the signature, and the session token rule (temporary credentials
 * must carry their token, appended after signing rather than signed). Reasons never hold secrets.
 */
export function verifyPresignedRequest(rawUrl: string, hostHeader: string | undefined, o: VerifyOptions): SigV4Verdict {
  const q = rawUrl.indexOf('?')
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q)
  if (path !== '/mqtt') return { ok: false, status: 404, reason: `no such path ${path.slice(0, 50)}: AWS IoT listens on /mqtt` }
  const params: Array<[string, string]> = []
  try {
    for (const part of (q < 0 ? '' : rawUrl.slice(q + 1)).split('&')) {
      if (!part) continue
      const eq = part.indexOf('=')
      params.push([decodeURIComponent(eq < 0 ? part : part.slice(0, eq)), eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1))])
    }
  } catch {
    return { ok: false, status: 400, reason: 'malformed query string' }
  }
  const get = (k: string) => params.find(([name]) => name === k)?.[1]
  const algorithm = get('X-Amz-Algorithm')
  const credential = get('X-Amz-Credential')
  const amzDate = get('X-Amz-Date')
  const expires = get('X-Amz-Expires')
  const signedHeaders = get('X-Amz-SignedHeaders')
  const signature = get('X-Amz-Signature')
  const token = get('X-Amz-Security-Token')
  if (!algorithm || !credential || !amzDate || !signedHeaders || !signature) return { ok: false, status: 403, reason: 'not a presigned URL: X-Amz-Algorithm, -Credential, -Date, -SignedHeaders and -Signature are required' }
  if (algorithm !== 'AWS4-HMAC-SHA256') return { ok: false, status: 403, reason: `unsupported algorithm ${algorithm.slice(0, 30)}` }
  const [accessKeyId, day, region, service, terminator, ...extra] = credential.split('/')
  if (!accessKeyId || extra.length || terminator !== 'aws4_request') return { ok: false, status: 403, reason: 'malformed credential scope' }
  if (service !== 'iotdevicegateway') return { ok: false, status: 403, reason: `credential scope names service ${String(service).slice(0, 30)}, not iotdevicegateway` }
  if (region !== o.region) return { ok: false, status: 403, reason: `credential scope names region ${String(region).slice(0, 30)}; this endpoint is in ${o.region}` }
  const signedAt = parseAmzDate(amzDate)
  if (Number.isNaN(signedAt) || day !== amzDate.slice(0, 8)) return { ok: false, status: 403, reason: 'X-Amz-Date is malformed or does not match the credential scope date' }
  const skew = o.maxSkewMs ?? 5 * 60_000
  if (signedAt > o.now + skew) return { ok: false, status: 403, reason: 'signature not yet current: the signing clock is ahead of the server' }
  const expiresIn = expires === undefined ? 900 : Number(expires)
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > 604_800) return { ok: false, status: 403, reason: 'X-Amz-Expires must be 1 to 604800 seconds' }
  if (o.now > signedAt + expiresIn * 1000) return { ok: false, status: 403, reason: 'signature expired: the URL is older than X-Amz-Expires (or the signing clock is behind)' }
  if (signedHeaders !== 'host') return { ok: false, status: 403, reason: 'X-Amz-SignedHeaders must be "host"' }
  if (!hostHeader) return { ok: false, status: 400, reason: 'no Host header' }
  const known = o.lookup(accessKeyId)
  if (!known) return { ok: false, status: 403, reason: 'the access key id is not known to this account' }
  const base = { secretAccessKey: known.secretAccessKey, region: o.region, service: 'iotdevicegateway', host: hostHeader, path, amzDate }
  const unsigned = params.filter(([k]) => k !== 'X-Amz-Security-Token')
  if (!sameHex(sigv4QuerySignature({ ...base, params: unsigned }), signature)) {
    if (token !== undefined && sameHex(sigv4QuerySignature({ ...base, params }), signature)) {
      return { ok: false, status: 403, reason: 'the session token was signed: AWS IoT wants X-Amz-Security-Token appended after signing' }
    }
    return { ok: false, status: 403, reason: 'signature does not match (wrong secret key, host, or canonical request)' }
  }
  if (known.sessionToken !== undefined && token !== known.sessionToken) {
    return { ok: false, status: 403, reason: token === undefined ? 'temporary credentials need X-Amz-Security-Token' : 'the security token is invalid' }
  }
  if (known.sessionToken === undefined && token !== undefined) return { ok: false, status: 403, reason: 'a security token was sent with long-term credentials' }
  if (known.expiresAt !== undefined && known.expiresAt <= o.now) return { ok: false, status: 403, reason: 'the security token has expired' }
  return { ok: true, accessKeyId, expiresAt: known.expiresAt }
}
