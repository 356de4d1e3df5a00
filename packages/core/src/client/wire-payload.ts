import { PubSubError } from '../errors.js'
import type { WirePayload } from '../protocol.js'
import type { Payload } from '../types.js'

/**
 * A publish's payload as it crosses to the hub: text and bytes as they are (the hub encodes text
 * as UTF-8), anything else as JSON made here, in the tab, where an object's `toJSON` and getters
 * still exist (a structured clone would drop them).
 */
export function toWirePayload(payload: Payload): WirePayload {
  if (typeof payload === 'string' || payload instanceof ArrayBuffer || ArrayBuffer.isView(payload)) return payload
  let json: string | undefined
  let cause: unknown
  try {
    json = JSON.stringify(payload)
  } catch (error) {
    cause = error
  }
  if (json === undefined) throw new PubSubError('INVALID_PAYLOAD', `Cannot publish this ${typeof payload} (${cause ?? 'no JSON'}): send a string, bytes or a JSON-serialisable value.`, { cause })
  return json
}
