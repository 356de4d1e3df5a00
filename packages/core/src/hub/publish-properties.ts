import type { PublishProperties } from '../types.js'

type PacketProperties = Record<string, unknown> | undefined

/** MQTT 5 properties from a received packet, as plain clonable data (Buffers become exact Uint8Arrays). */
export function fromPacketProperties(p: PacketProperties): PublishProperties | undefined {
  if (!p) return undefined
  const out: PublishProperties = {}
  let any = false
  if (p.payloadFormatIndicator !== undefined) ((out.payloadFormatIndicator = Boolean(p.payloadFormatIndicator)), (any = true))
  if (typeof p.messageExpiryInterval === 'number') ((out.messageExpiryInterval = p.messageExpiryInterval), (any = true))
  if (typeof p.contentType === 'string') ((out.contentType = p.contentType), (any = true))
  if (typeof p.responseTopic === 'string') ((out.responseTopic = p.responseTopic), (any = true))
  if (p.correlationData instanceof Uint8Array) ((out.correlationData = new Uint8Array(p.correlationData)), (any = true))
  if (p.userProperties && typeof p.userProperties === 'object') ((out.userProperties = { ...(p.userProperties as Record<string, string | string[]>) }), (any = true))
  return any ? out : undefined
}

/** Properties for mqtt.js to send (it wants Buffers for binary fields in Node; Uint8Array works in both). */
export function toPacketProperties(p: PublishProperties | undefined): Record<string, unknown> | undefined {
  if (!p) return undefined
  const { correlationData, ...rest } = p
  return correlationData ? { ...rest, correlationData: toBuffer(correlationData) } : { ...rest }
}

/** A Buffer view where Node's Buffer exists (mqtt-packet checks Buffer.isBuffer), else the bytes. */
export function toBuffer(bytes: Uint8Array): Uint8Array {
  const B = (globalThis as { Buffer?: { from(b: ArrayBufferLike, o: number, l: number): Uint8Array } }).Buffer
  return B ? B.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes
}
