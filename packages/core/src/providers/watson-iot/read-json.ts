import { PubSubError } from '../../errors.js'

/** A Watson IoT JSON message (bytes, text or an already decoded object) as an object. */
export function readJson(payload: Uint8Array | string | object): Record<string, unknown> {
  if (payload instanceof Uint8Array || typeof payload === 'string') {
    try {
      return JSON.parse(typeof payload === 'string' ? payload : new TextDecoder().decode(payload)) as Record<string, unknown>
    } catch {
      throw new PubSubError('INVALID_PAYLOAD', 'Not a Watson IoT JSON message.')
    }
  }
  return payload as Record<string, unknown>
}
