import type { PubSub } from '../../create-pubsub.js'
import { PubSubError } from '../../errors.js'
import { requestId, requestResponse } from '../shared/request-response.js'
import { parseIotHubTopic, TWIN_RESPONSES, twinGetTopic, twinPatchReportedTopic } from './topics.js'

/** A device twin as IoT Hub returns it. */
export interface DeviceTwin {
  desired: Record<string, unknown> & { $version?: number }
  reported: Record<string, unknown> & { $version?: number }
}

function twinRequest<R>(pubsub: PubSub, topic: (rid: string) => string, body: string, read: (status: number, payload: Uint8Array, version: number | undefined) => R, timeoutMs: number): Promise<R> {
  const rid = requestId()
  const t = topic(rid)
  return requestResponse(pubsub, {
    responses: TWIN_RESPONSES,
    topic: t,
    payload: body,
    timeoutMs,
    what: `IoT Hub ${t}`,
    match: m => {
      const r = parseIotHubTopic(m.topic)
      if (r?.kind !== 'twinResponse' || r.rid !== rid) return undefined
      if (r.status >= 300) {
        throw new PubSubError(r.status === 429 ? 'PUBLISH_REFUSED' : 'PROVIDER_ERROR', `IoT Hub answered ${r.status} to ${t.split('/?')[0]}${r.status === 429 ? ': throttled, try again later' : ''}.`, { details: { status: r.status } })
      }
      return read(r.status, m.payload, r.version)
    },
  })
}

/**
 * Reads the device's twin (desired and reported properties).
 *
 * @example
 * const { desired } = await getTwin(pubsub)
 */
export function getTwin(pubsub: PubSub, options: { timeoutMs?: number } = {}): Promise<DeviceTwin> {
  return twinRequest(pubsub, twinGetTopic, '', (_s, payload) => JSON.parse(new TextDecoder().decode(payload)) as DeviceTwin, options.timeoutMs ?? 10_000)
}

/**
 * Updates reported properties; resolves with the twin's new reported version.
 *
 * @example
 * await updateReportedProperties(pubsub, { firmware: '1.2.0' })
 */
export function updateReportedProperties(pubsub: PubSub, patch: Record<string, unknown>, options: { timeoutMs?: number } = {}): Promise<{ version: number | undefined }> {
  return twinRequest(pubsub, twinPatchReportedTopic, JSON.stringify(patch), (_s, _p, version) => ({ version }), options.timeoutMs ?? 10_000)
}
