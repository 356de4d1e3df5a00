import { PubSubError } from '../../errors.js'

/** Standard base64 to bytes; throws INVALID_OPTIONS naming `what` (never the value: it is a key). */
export function fromBase64(value: string, what: string): Uint8Array {
  try {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) throw new Error('not base64')
    return Uint8Array.from(atob(value), c => c.charCodeAt(0))
  } catch {
    throw new PubSubError('INVALID_OPTIONS', `${what} is not a base64 key: copy the primary or secondary key exactly as the Azure portal shows it.`)
  }
}

function toBase64(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s)
}

async function hmacSha256(key: Uint8Array, message: string): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey('raw', key as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, new TextEncoder().encode(message)))
}

/**
 * The device key for `registrationId` from an enrollment group key: HMAC-SHA256 of the registration
 * id with the group key, in base64 (Azure DPS symmetric key attestation).
 *
 * @example
 * const deviceKey = await deriveDeviceKey(groupKey, 'sensor-42')
 */
export async function deriveDeviceKey(groupKey: string, registrationId: string): Promise<string> {
  return toBase64(await hmacSha256(fromBase64(groupKey, 'groupKey'), registrationId))
}

export interface SasTokenOptions {
  /** The resource URI, not yet encoded: `<idScope>/registrations/<id>` or `<hub>/devices/<id>`. */
  resource: string
  /** The base64 key that signs. */
  key: string
  /** Expiry, seconds since the epoch. */
  expiry: number
  /** The policy name (`registration` for DPS); devices sign with their own key and leave it out. */
  policy?: string
}

/**
 * A shared access signature: `SharedAccessSignature sr=<encoded uri>&sig=<encoded base64 HMAC-SHA256
 * of "<encoded uri>\n<expiry>">&se=<expiry>[&skn=<policy>]`, computed with WebCrypto (workers, Node 20).
 * https://learn.microsoft.com/azure/iot-hub/authenticate-authorize-sas
 *
 * @example
 * const password = await sasToken({ resource: 'hub.azure-devices.net/devices/d1', key, expiry: nowSeconds + 3600 })
 */
export async function sasToken(o: SasTokenOptions): Promise<string> {
  const sr = encodeURIComponent(o.resource)
  const sig = toBase64(await hmacSha256(fromBase64(o.key, 'The key'), `${sr}\n${o.expiry}`))
  return `SharedAccessSignature sr=${sr}&sig=${encodeURIComponent(sig)}&se=${o.expiry}${o.policy ? `&skn=${encodeURIComponent(o.policy)}` : ''}`
}
