import type { PubSub } from '../../create-pubsub.js'
import { PubSubError } from '../../errors.js'
import { requestId, requestResponse } from '../shared/request-response.js'
import { readJson } from './read-json.js'
import type { WatsonDeviceRef } from './topics.js'

/** Result codes of the device management protocol. */
export const watsonDmResults: Record<number, string> = {
  200: 'operation succeeded',
  202: 'accepted (for initiating commands)',
  204: 'changed (for attribute updates)',
  400: 'bad request',
  404: 'not found (or an invalid topic)',
  409: 'conflict: retry later',
  500: 'unexpected device error',
  501: 'operation not implemented',
}

/**
 * The device management topics of a device (no argument) or of a device behind a gateway.
 *
 * @example
 * const dm = watsonDmTopics()
 * await watsonDmRequest(pubsub, dm.manage, { lifetime: 3600, supports: { deviceActions: true } })
 */
export function watsonDmTopics(behindGateway?: WatsonDeviceRef) {
  const dev = behindGateway ? `iotdevice-1/type/${behindGateway.typeId}/id/${behindGateway.deviceId}` : 'iotdevice-1'
  const dm = behindGateway ? `iotdm-1/type/${behindGateway.typeId}/id/${behindGateway.deviceId}` : 'iotdm-1'
  return {
    manage: `${dev}/mgmt/manage`,
    unmanage: `${dev}/mgmt/unmanage`,
    updateLocation: `${dev}/device/update/location`,
    addErrorCode: `${dev}/add/diag/errorCodes`,
    clearErrorCodes: `${dev}/clear/diag/errorCodes`,
    addLog: `${dev}/add/diag/log`,
    clearLogs: `${dev}/clear/diag/log`,
    /** Where the device answers the platform's requests. */
    response: `${dev}/response`,
    /** The platform's answers to the device's requests. */
    responses: `${dm}/response`,
    /** Everything the platform sends: requests (reboot, firmware, update, observe) and responses. */
    all: `${dm}/#`,
  }
}

/** A device management message from the platform. */
export type WatsonDmMessage =
  | { kind: 'response'; reqId: string; rc: number; message?: string; d?: unknown }
  | { kind: 'request'; action: string; reqId: string | undefined; d: unknown }

/**
 * Reads a message on `iotdm-1/...`: a response to a request (by `reqId`, with its result code) or a
 * request from the platform (`action` like "mgmt/initiate/device/reboot" or "device/update").
 *
 * @example
 * const msg = parseWatsonDm(m.topic, m.payload)
 * if (msg?.kind === 'request' && msg.action === 'mgmt/initiate/device/reboot') respond(msg.reqId, 202)
 */
export function parseWatsonDm(topic: string, payload: Uint8Array | string | object): WatsonDmMessage | undefined {
  const m = /^iotdm-1\/(?:type\/[^/]+\/id\/[^/]+\/)?(.+)$/.exec(topic)
  if (!m) return undefined
  const body = readJson(payload)
  const reqId = typeof body.reqId === 'string' ? body.reqId : undefined
  if (m[1] === 'response') {
    return { kind: 'response', reqId: reqId ?? '', rc: Number(body.rc), ...(typeof body.message === 'string' ? { message: body.message } : {}), ...(body.d !== undefined ? { d: body.d } : {}) }
  }
  return { kind: 'request', action: m[1]!, reqId, d: body.d }
}

/** The payload answering a platform request. */
export function watsonDmResponse(reqId: string, rc: number, message?: string): { rc: number; reqId: string; message?: string } {
  return message === undefined ? { rc, reqId } : { rc, reqId, message }
}

/**
 * Sends a device management request and resolves with the platform's response (matched by
 * `reqId`); a result code of 400 or more rejects with a `PubSubError`.
 *
 * @example
 * await watsonDmRequest(pubsub, watsonDmTopics().manage, { lifetime: 3600 })
 */
export function watsonDmRequest(
  pubsub: PubSub,
  topic: string,
  d?: unknown,
  options: { responses?: string; timeoutMs?: number } = {},
): Promise<Extract<WatsonDmMessage, { kind: 'response' }>> {
  const reqId = requestId()
  const responses = options.responses ?? topic.replace(/^iotdevice-1\/(type\/[^/]+\/id\/[^/]+\/)?.*$/, 'iotdm-1/$1response')
  return requestResponse(pubsub, {
    responses,
    topic,
    payload: d === undefined ? { reqId } : { d, reqId },
    timeoutMs: options.timeoutMs ?? 10_000,
    what: `Watson IoT ${topic}`,
    match: m => {
      const r = parseWatsonDm(m.topic, m.payload)
      if (r?.kind !== 'response' || r.reqId !== reqId) return undefined
      if (r.rc >= 400) throw new PubSubError('PUBLISH_REFUSED', `Watson IoT answered ${r.rc} (${watsonDmResults[r.rc] ?? 'error'}) to ${topic}${r.message ? `: ${r.message}` : ''}.`, { details: { rc: r.rc, reqId } })
      return r
    },
  })
}
