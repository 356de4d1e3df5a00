import { PubSubError } from '../../errors.js'
import type { ProviderResolver, ResolvedProvider } from '../../hub/provider.js'
import { checkHubSettings, iotHubTarget } from '../azure-iot-hub/iot-hub-target.js'
import { deriveDeviceKey } from '../azure-iot-hub/sas.js'
import { hubRules } from '../azure-iot-hub/topic-rules.js'
import type { Unchecked } from '../shared/wire-options.js'
import type { AzureDpsOptions } from './options.js'
import { checkRegister, registerWithDps, type DpsAssignment, type DpsRegisterOptions } from './register.js'

/** Assignments by DPS instance and registration id: one registration per device per worker life. */
const assignments = new Map<string, Promise<DpsAssignment>>()

/** Resolves `azureDps`: registers through DPS once (cached), then connects to the assigned IoT Hub. */
export const resolveAzureDps: ProviderResolver = (raw, context) => {
  const options: Unchecked<AzureDpsOptions> = raw
  const settings = checkHubSettings('azureDps', options)
  const reg = checkRegister(options)
  const key = ['azure-dps', `${reg.protocol}://${reg.endpoint}`, reg.idScope, reg.registrationId.toLowerCase()].join('|')
  const cacheKey = key
  let assignment: DpsAssignment | undefined
  let deviceKey: Promise<string> | undefined
  const assign = (): Promise<DpsAssignment> => {
    let pending = assignments.get(cacheKey)
    if (!pending) {
      pending = registerWithDps({ ...(options as unknown as DpsRegisterOptions) })
      assignments.set(cacheKey, pending)
      pending.catch(() => assignments.get(cacheKey) === pending && assignments.delete(cacheKey))
    }
    return pending
  }
  const provider: ResolvedProvider = {
    key,
    // The device id DPS assigns (often the registration id); known once registered.
    get clientId() {
      return assignment?.deviceId ?? reg.registrationId
    },
    protocolVersion: 4,
    async prepare() {
      assignment = await assign()
      deviceKey ??= reg.key.group ? deriveDeviceKey(reg.key.value, reg.registrationId) : Promise.resolve(reg.key.value)
      const hub = iotHubTarget(settings, { key: await deviceKey }, context.warn)
      return hub.prepare(assignment.assignedHub.toLowerCase(), assignment.deviceId)
    },
    checkPublish(topic, payload, publishOptions) {
      return hubRules(assignment?.deviceId ?? reg.registrationId).checkPublish!(topic, payload, publishOptions)
    },
    checkSubscribe(filter, qos) {
      hubRules(assignment?.deviceId ?? reg.registrationId).checkSubscribe!(filter, qos)
    },
    explainError(error) {
      if (error.code === 'BAD_CREDENTIALS' || error.code === 'NOT_AUTHORIZED') {
        // The device may have been moved or re-provisioned: register again on the next attempt.
        assignments.delete(cacheKey)
        return new PubSubError(error.code, `The IoT Hub DPS assigned (${assignment?.assignedHub ?? 'unknown'}) refused device "${assignment?.deviceId ?? reg.registrationId}"; tabmq registers again on the next attempt.`, { details: error.details ?? {} })
      }
      return error
    },
  }
  return provider
}
