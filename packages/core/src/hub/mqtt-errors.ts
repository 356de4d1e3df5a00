import { PubSubError, type PubSubErrorCode } from '../errors.js'

/** MQTT 3.1.1 CONNACK return codes (section 3.2.2.3). */
const v3Connack: Record<number, [PubSubErrorCode, string]> = {
  1: ['CONNECTION_REFUSED', 'the broker does not support this MQTT protocol version: try protocolVersion 4'],
  2: ['CONNECTION_REFUSED', 'the broker rejected the client id'],
  3: ['CONNECTION_REFUSED', 'the broker is unavailable'],
  4: ['BAD_CREDENTIALS', 'bad user name or password'],
  5: ['NOT_AUTHORIZED', 'not authorized to connect'],
}

/** MQTT 5 reason codes (section 2.4) that matter to a person. */
const v5Reasons: Record<number, [PubSubErrorCode, string]> = {
  0x80: ['CONNECTION_REFUSED', 'unspecified error'],
  0x81: ['CONNECTION_REFUSED', 'malformed packet'],
  0x82: ['CONNECTION_REFUSED', 'protocol error'],
  0x83: ['CONNECTION_REFUSED', 'implementation specific error'],
  0x84: ['CONNECTION_REFUSED', 'unsupported protocol version: try protocolVersion 4'],
  0x85: ['CONNECTION_REFUSED', 'client identifier not valid'],
  0x86: ['BAD_CREDENTIALS', 'bad user name or password'],
  0x87: ['NOT_AUTHORIZED', 'not authorized'],
  0x88: ['CONNECTION_REFUSED', 'server unavailable'],
  0x89: ['CONNECTION_REFUSED', 'server busy'],
  0x8a: ['CONNECTION_REFUSED', 'banned'],
  0x8c: ['BAD_CREDENTIALS', 'bad authentication method'],
  0x90: ['INVALID_TOPIC', 'topic name invalid'],
  0x95: ['PAYLOAD_TOO_LARGE', 'packet too large'],
  0x97: ['PUBLISH_REFUSED', 'quota exceeded'],
  0x99: ['INVALID_PAYLOAD', 'payload format invalid'],
  0x9d: ['CONNECTION_REFUSED', 'server moved'],
  0x9f: ['CONNECTION_REFUSED', 'connection rate exceeded'],
}

/** True for refusals that retrying with the same credentials cannot fix. */
export function isAuthFailure(error: PubSubError): boolean {
  return error.code === 'BAD_CREDENTIALS' || error.code === 'NOT_AUTHORIZED'
}

/** Maps a CONNACK refusal to a `PubSubError`. */
export function connackError(code: number, protocolVersion: number): PubSubError {
  const entry = protocolVersion === 5 ? v5Reasons[code] : v3Connack[code]
  const [c, why] = entry ?? ['CONNECTION_REFUSED', `refused with code ${code}`]
  return new PubSubError(c, `The broker refused the connection: ${why}.`, { details: { reasonCode: code } })
}

/** Maps a failed PUBACK/PUBREC reason code to a `PubSubError`. */
export function publishError(code: number, topic: string): PubSubError {
  const entry = v5Reasons[code]
  const c: PubSubErrorCode = code === 0x87 ? 'NOT_AUTHORIZED' : entry?.[0] === 'PAYLOAD_TOO_LARGE' || entry?.[0] === 'INVALID_TOPIC' ? entry[0] : 'PUBLISH_REFUSED'
  return new PubSubError(c, `The broker refused the publish to "${topic}": ${entry?.[1] ?? `reason code ${code}`}.`, { details: { topic, reasonCode: code } })
}

/**
 * The connection closed before any CONNACK, with no error to say why: the WebSocket upgrade was
 * refused (mqtt.js drops the HTTP status), or the broker took the socket and closed it. An MQTT 5
 * CONNECT to a broker that only speaks 3.1.1 is closed that way (RabbitMQ before 3.13 does; others
 * answer CONNACK 1), and so is a refused login on RabbitMQ's Web MQTT. Either may also be a broker
 * going down, so the connection keeps retrying with backoff: the message says what to check.
 */
export function noConnackError(protocolVersion: number): PubSubError {
  const message =
    protocolVersion === 5
      ? 'The broker closed the connection without answering the MQTT 5 CONNECT (no CONNACK): it may not speak MQTT 5 (RabbitMQ before 3.13 does not): try protocolVersion: 4. Else check the URL and the path (often /mqtt).'
      : "The broker did not complete the connection (no CONNACK): check the URL, the path (often /mqtt) and that it speaks MQTT over WebSocket; some brokers (RabbitMQ's Web MQTT) also close a refused login this way: check the user name and password."
  return new PubSubError('UNREACHABLE', message, { details: { protocolVersion } })
}

/** Maps a transport error (socket, WebSocket, timeout) to a `PubSubError` without leaking the URL. */
export function transportError(error: unknown): PubSubError {
  if (error instanceof PubSubError) return error
  const e = error as { code?: unknown; message?: string }
  if (typeof e?.code === 'number') return connackError(e.code, e.code >= 0x80 ? 5 : 4)
  const raw = String(e?.message ?? error)
  // Strip anything URL-shaped: presigned URLs carry credentials in their query.
  const safe = raw.replace(/\b(wss?|https?|mqtts?):\/\/\S+/gi, '<url>')
  return new PubSubError('UNREACHABLE', `Cannot reach the broker: ${safe || 'connection failed'}.`, { cause: error })
}
