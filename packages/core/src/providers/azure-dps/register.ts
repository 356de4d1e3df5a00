import { PubSubError } from '../../errors.js'
import { createMqttClient } from '../../hub/mqtt-client.js'
import { connackError, transportError } from '../../hub/mqtt-errors.js'
import { checkHost } from '../azure-iot-hub/iot-hub-target.js'
import { deriveDeviceKey, fromBase64, sasToken } from '../azure-iot-hub/sas.js'
import type { Unchecked } from '../shared/wire-options.js'
import type { AzureDpsOptions } from './options.js'

/** DPS's MQTT API version: https://learn.microsoft.com/azure/iot-dps/iot-dps-mqtt-support */
const DPS_API_VERSION = '2019-03-31'
const DPS_GLOBAL_ENDPOINT = 'global.azure-devices-provisioning.net'
/** Registration ids: up to 128 of these, case-insensitive, ending in a letter, digit or dash. */
const REGISTRATION_ID = /^[a-z0-9\-._:]{0,127}[a-z0-9-]$/i

/** Options of {@link registerWithDps}: the registration part of `azureDps`'s options. */
export type DpsRegisterOptions = Pick<AzureDpsOptions, 'idScope' | 'registrationId' | 'symmetricKey' | 'groupKey' | 'globalEndpoint' | 'protocol' | 'payload'> & {
  /** Time limit in ms for the whole registration. Default 60000. */
  timeoutMs?: number
}

/** Where DPS placed the device. */
export interface DpsAssignment {
  assignedHub: string
  deviceId: string
  registrationId: string
  status: string
  substatus?: string
  /** The allocation policy's answer to `payload`, if any. */
  payload?: unknown
}

interface OperationStatus {
  operationId?: string
  status?: string
  registrationState?: { assignedHub?: string; deviceId?: string; status?: string; substatus?: string; errorCode?: number; errorMessage?: string; payload?: unknown }
  errorCode?: number
  message?: string
}

function invalid(message: string): PubSubError {
  return new PubSubError('INVALID_OPTIONS', `azureDps: ${message}`)
}

/** Checks DPS options; returns them normalised. */
export function checkRegister(o: Unchecked<DpsRegisterOptions>) {
  const protocol = (o.protocol ?? 'wss') as 'wss' | 'ws'
  if (typeof o.idScope !== 'string' || !/^[A-Za-z0-9]{4,32}$/.test(o.idScope)) throw invalid('idScope is missing or malformed: copy the ID Scope ("0ne…") from the DPS overview page.')
  if (typeof o.registrationId !== 'string' || !REGISTRATION_ID.test(o.registrationId)) {
    throw invalid('registrationId is missing or malformed: up to 128 letters, digits and - . _ :, ending in a letter, digit or dash.')
  }
  const hasKey = typeof o.symmetricKey === 'string' && o.symmetricKey !== ''
  const hasGroup = typeof o.groupKey === 'string' && o.groupKey !== ''
  if (hasKey === hasGroup) {
    throw invalid(hasKey ? 'give symmetricKey or groupKey, not both.' : 'a key is missing: give symmetricKey (individual enrollment) or groupKey (enrollment group).')
  }
  fromBase64((hasKey ? o.symmetricKey : o.groupKey) as string, `azureDps: ${hasKey ? 'symmetricKey' : 'groupKey'}`)
  const endpoint = checkHost('azureDps', 'globalEndpoint', o.globalEndpoint ?? DPS_GLOBAL_ENDPOINT, DPS_GLOBAL_ENDPOINT, protocol)
  const timeoutMs = (o.timeoutMs ?? 60_000) as number
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0)) throw invalid('timeoutMs is a positive number of milliseconds.')
  return {
    idScope: o.idScope,
    registrationId: o.registrationId,
    key: { value: (hasKey ? o.symmetricKey : o.groupKey) as string, group: hasGroup },
    endpoint,
    protocol,
    payload: o.payload,
    timeoutMs,
  }
}

function randomRid(): string {
  const b = new Uint8Array(6)
  crypto.getRandomValues(b)
  return Array.from(b, x => x.toString(16).padStart(2, '0')).join('')
}

/** `$dps/registrations/res/<status>/?$rid=<rid>&retry-after=<s>` → its parts. */
function parseResponseTopic(topic: string): { status: number; rid: string; retryAfter: number | undefined } | undefined {
  const m = /^\$dps\/registrations\/res\/(\d{3})\/\?(.*)$/.exec(topic)
  if (!m) return undefined
  const query = new URLSearchParams(m[2])
  const retry = query.get('retry-after')
  return { status: Number(m[1]), rid: query.get('$rid') ?? '', retryAfter: retry !== null && retry !== '' && Number.isFinite(Number(retry)) ? Number(retry) : undefined }
}

function parseBody(payload: Uint8Array): OperationStatus {
  try {
    return JSON.parse(new TextDecoder().decode(payload)) as OperationStatus
  } catch {
    return {}
  }
}

/**
 * Registers a device with Azure IoT Device Provisioning Service over MQTT on WebSocket and returns
 * the IoT Hub and device id it was assigned: subscribe `$dps/registrations/res/#`, publish
 * `$dps/registrations/PUT/iotdps-register/?$rid=…`, then poll `…/GET/iotdps-get-operationstatus/…`
 * after each `retry-after` until DPS answers 200. Throttling (429) and server errors are retried.
 * Usable on its own in a worker or Node; `azureDps` calls it inside the hub.
 *
 * @example
 * const { assignedHub, deviceId } = await registerWithDps({ idScope: '0ne00000A0A', registrationId: 'sensor-42', groupKey })
 */
export async function registerWithDps(options: DpsRegisterOptions): Promise<DpsAssignment> {
  const o = checkRegister(options)
  const deviceKey = o.key.group ? await deriveDeviceKey(o.key.value, o.registrationId) : o.key.value
  const resource = `${o.idScope}/registrations/${o.registrationId}`
  const password = await sasToken({ resource, key: deviceKey, expiry: Math.floor(Date.now() / 1000) + 3600, policy: 'registration' })
  const client = createMqttClient(`${o.protocol}://${o.endpoint}/$iothub/websocket`, {
    clientId: o.registrationId,
    username: `${resource}/api-version=${DPS_API_VERSION}`,
    password,
    protocolVersion: 4,
    clean: true,
    keepalive: 60,
    connectTimeout: Math.min(o.timeoutMs, 30_000),
  })
  return new Promise<DpsAssignment>((resolve, reject) => {
    let settled = false
    let rid = ''
    let pollTimer: ReturnType<typeof setTimeout> | undefined
    let retries = 0
    const finish = (error: PubSubError | undefined, value?: DpsAssignment) => {
      if (settled) return
      settled = true
      clearTimeout(deadline)
      clearTimeout(pollTimer)
      client.end(true)
      if (error) reject(error)
      else resolve(value!)
    }
    const deadline = setTimeout(
      () => finish(new PubSubError('TIMEOUT', `azureDps: DPS did not assign "${o.registrationId}" within ${o.timeoutMs} ms: check the enrollment's allocation policy and linked hubs.`)),
      o.timeoutMs,
    )
    const send = (topic: string, body: string) => client.publish(topic, body, { qos: 1 }, error => error && finish(transportError(error)))
    let lastRequest: () => void = () => {}
    const register = () => {
      rid = randomRid()
      const body: Record<string, unknown> = { registrationId: o.registrationId }
      if (o.payload !== undefined) body.payload = o.payload
      send(`$dps/registrations/PUT/iotdps-register/?$rid=${rid}`, JSON.stringify(body))
    }
    const poll = (operationId: string) => {
      rid = randomRid()
      send(`$dps/registrations/GET/iotdps-get-operationstatus/?$rid=${rid}&operationId=${encodeURIComponent(operationId)}`, '')
    }
    const after = (seconds: number | undefined, fallback: number, next: () => void) => {
      pollTimer = setTimeout(next, Math.max(0, (seconds ?? fallback) * 1000))
    }

    client.on('connect', () => {
      client.subscribe('$dps/registrations/res/#', { qos: 1 }, error => {
        if (error) return finish(new PubSubError('NOT_AUTHORIZED', `azureDps: DPS refused the subscription to its responses: ${error.message}.`))
        lastRequest = register
        register()
      })
    })
    client.on('message', (topic, payload) => {
      const res = parseResponseTopic(topic)
      if (!res || res.rid !== rid) return
      const body = parseBody(payload)
      const state = body.registrationState
      if (res.status === 200 || res.status === 202) {
        retries = 0
        const status = body.status ?? state?.status
        if (status === 'assigned' && state?.assignedHub && state.deviceId) {
          return finish(undefined, {
            assignedHub: state.assignedHub,
            deviceId: state.deviceId,
            registrationId: o.registrationId,
            status,
            ...(state.substatus ? { substatus: state.substatus } : {}),
            ...(state.payload !== undefined ? { payload: state.payload } : {}),
          })
        }
        if (status === 'failed' || status === 'disabled') {
          const why = state?.errorMessage ?? body.message ?? status
          return finish(new PubSubError('PROVIDER_ERROR', `azureDps: DPS did not assign "${o.registrationId}" (${status}): ${why}. Check the enrollment in the DPS portal.`, { details: { status, errorCode: state?.errorCode } }))
        }
        if (!body.operationId) return finish(new PubSubError('PROVIDER_ERROR', `azureDps: DPS answered ${res.status} without an operationId.`))
        const operationId = body.operationId
        lastRequest = () => poll(operationId)
        return after(res.retryAfter, 2, lastRequest)
      }
      if (res.status === 429 || res.status >= 500) {
        // Throttled or a server hiccup: DPS says when to try again.
        if (++retries > 5) return finish(new PubSubError('PROVIDER_ERROR', `azureDps: DPS kept answering ${res.status}; try again later.`, { details: { status: res.status } }))
        return after(res.retryAfter, 2 ** retries, lastRequest)
      }
      const detail = body.message ? `: ${body.message}` : ''
      const hint =
        res.status === 401
          ? 'the key does not match the enrollment (an enrollment group needs groupKey, an individual enrollment symmetricKey)'
          : res.status === 404
            ? `there is no enrollment for "${o.registrationId}" in ID scope ${o.idScope}`
            : 'check the registration payload and the enrollment'
      finish(new PubSubError(res.status === 401 ? 'BAD_CREDENTIALS' : 'PROVIDER_ERROR', `azureDps: DPS refused the registration (${res.status}${detail}): ${hint}.`, { details: { status: res.status } }))
    })
    client.on('error', error => {
      const code = (error as { code?: unknown }).code
      const mapped = typeof code === 'number' ? connackError(code, 4) : transportError(error)
      if (mapped.code === 'BAD_CREDENTIALS' || mapped.code === 'NOT_AUTHORIZED') {
        return finish(new PubSubError(mapped.code, `azureDps: DPS refused the login of "${o.registrationId}": check idScope, registrationId and the key (an enrollment group needs groupKey, an individual enrollment symmetricKey).`, { details: mapped.details ?? {} }))
      }
      finish(new PubSubError(mapped.code, `azureDps: ${mapped.message}`, { cause: error }))
    })
    client.on('close', () => finish(new PubSubError('UNREACHABLE', `azureDps: the connection to DPS (${o.endpoint}) closed before the registration completed.`)))
    client.connect()
  })
}
