import { PubSubError } from '../../errors.js'
import type { ProviderResolver } from '../../hub/provider.js'
import type { PublishOptions } from '../../types.js'
import type { Unchecked } from '../shared/wire-options.js'
import type { WatsonIotOptions } from './options.js'
import { fitsRule, topicRules } from './topic-rules.js'

/** Watson IoT Platform rules: https://cloud.ibm.com/docs/IoT?topic=IoT-mqtt */
const MAX_PAYLOAD = 131_072
const DOMAIN = 'messaging.internetofthings.ibmcloud.com'
/** Type, device and app ids: at most 36 of these characters. */
const ID = /^[A-Za-z0-9\-_.]{1,36}$/

function invalid(message: string): PubSubError {
  return new PubSubError('INVALID_OPTIONS', `watsonIot: ${message}`)
}

interface Checked {
  kind: WatsonIotOptions['kind']
  org: string
  clientId: string
  username?: string
  password?: string
  url: string
  managed: boolean
  quickstart: boolean
  typeId?: string
  deviceId?: string
  keepalive: number
  clean: boolean
  connectTimeout: number
}

function checkId(value: unknown, what: string, example: string): string {
  if (typeof value !== 'string' || !ID.test(value)) throw invalid(`${what} is missing or malformed: up to 36 letters, digits, "-", "_" or "." (like "${example}").`)
  return value
}

function check(o: Unchecked<WatsonIotOptions>): Checked {
  const org = o.org
  if (typeof org !== 'string' || org === '') throw invalid('org is missing: give your organization id, the 6 characters before ".internetofthings.ibmcloud.com" in the dashboard URL.')
  const quickstart = org === 'quickstart'
  if (!quickstart && !/^[a-z0-9]{6}$/.test(org)) throw invalid(`org "${org.slice(0, 40)}" is not an organization id: 6 lowercase letters and digits, like "a1b2c3".`)
  const kind = o.kind
  if (kind !== 'device' && kind !== 'gateway' && kind !== 'application') throw invalid('kind must be "device", "gateway" or "application".')
  if (quickstart && kind !== 'device') throw invalid('the quickstart organization takes devices only: register an organization for gateways and applications.')
  const protocol = o.protocol ?? 'wss'
  if (protocol !== 'wss' && protocol !== 'ws') throw invalid('protocol must be "wss" (or "ws" for a local emulator).')
  const host = o.host ?? `${org}.${DOMAIN}:443`
  if (typeof host !== 'string' || host.includes('/')) throw invalid('host is a host name (and port), without a scheme or path.')
  if (host.endsWith(DOMAIN) || host.includes(`${DOMAIN}:`)) {
    if (!host.startsWith(`${org}.`)) throw invalid(`host "${host}" belongs to another organization than "${org}".`)
    if (protocol !== 'wss') throw invalid('Watson IoT takes wss:// here: leave protocol out (ws is for a local emulator).')
  }
  const managed = o.managed === true
  if (o.managed !== undefined && typeof o.managed !== 'boolean') throw invalid('managed must be true or false.')
  const c: Checked = {
    kind,
    org,
    clientId: '',
    url: `${protocol}://${host}/`,
    managed,
    quickstart,
    keepalive: (o.keepalive ?? 60) as number,
    clean: (o.clean ?? true) as boolean,
    connectTimeout: (o.connectTimeout ?? 10_000) as number,
  }
  if (kind === 'application') {
    const appId = checkId(o.appId, 'appId', 'dashboard-1')
    if (typeof o.apiKey !== 'string' || !o.apiKey.startsWith(`a-${org}-`)) throw invalid(`apiKey is missing or malformed: an API key looks like "a-${org}-xxxxxxxxxx" (Apps > API keys in the dashboard).`)
    if (typeof o.token !== 'string' || o.token === '') throw invalid('token is missing: give the authentication token shown when the API key was generated.')
    if (o.shared !== undefined && typeof o.shared !== 'boolean') throw invalid('shared must be true or false.')
    // "A:" marks a scalable application whose instances share the subscriptions.
    c.clientId = `${o.shared ? 'A' : 'a'}:${org}:${appId}`
    c.username = o.apiKey
    c.password = o.token
  } else {
    c.typeId = checkId(o.typeId, 'typeId', 'thermostat')
    c.deviceId = checkId(o.deviceId, 'deviceId', 'thermostat-42')
    c.clientId = `${kind === 'device' ? 'd' : 'g'}:${org}:${c.typeId}:${c.deviceId}`
    if (!quickstart) {
      if (typeof o.token !== 'string' || o.token === '') throw invalid(`token is missing: give the ${kind}'s authentication token (shown once when it was registered).`)
      c.username = 'use-token-auth'
      c.password = o.token
    }
  }
  if (!Number.isInteger(c.keepalive) || c.keepalive < 0 || c.keepalive > 65535) throw invalid('keepalive is in seconds, 0 to 65535.')
  if (typeof c.clean !== 'boolean') throw invalid('clean must be true or false.')
  if (typeof c.connectTimeout !== 'number' || !(c.connectTimeout > 0)) throw invalid('connectTimeout is a positive number of milliseconds.')
  return c
}

/** Resolves `watsonIot` options into its connection and the platform's rules. */
export const resolveWatsonIot: ProviderResolver = (options, context) => {
  const c = check(options)
  const rules = topicRules(c)
  const show = (list: string[]) => list.map(r => `"${r.replace(/\*\*/g, '…').replace(/\*/g, '<id>')}"`).join(', ')
  const warnedRetain = new Set<string>()
  return {
    key: ['watson', c.url, c.clientId].join('|'),
    clientId: c.clientId,
    protocolVersion: 4,
    prepare: async () => ({
      url: c.url,
      options: {
        keepalive: c.keepalive,
        clean: c.clean,
        connectTimeout: c.connectTimeout,
        ...(c.username !== undefined ? { username: c.username, password: c.password } : {}),
      },
    }),
    checkPublish(topic: string, payload: Uint8Array, publishOptions: PublishOptions): PublishOptions {
      if (!rules.publish.some(r => fitsRule(r, topic, false))) {
        throw new PubSubError('NOT_AUTHORIZED', `Watson IoT would disconnect this ${c.kind} for publishing to "${topic}": it may publish to ${show(rules.publish)}. Build topics with watsonTopics.`, { details: { topic } })
      }
      if (payload.byteLength > MAX_PAYLOAD) {
        throw new PubSubError('PAYLOAD_TOO_LARGE', `Watson IoT rejects payloads over ${MAX_PAYLOAD} bytes; this one is ${payload.byteLength} bytes.`, { details: { topic, limit: MAX_PAYLOAD } })
      }
      if (publishOptions.qos === 2 && c.managed) {
        throw new PubSubError('INVALID_QOS', `A managed Watson IoT ${c.kind} publishes with QoS 0 or 1 only: publish to "${topic}" with qos 1.`, { details: { topic } })
      }
      if ((publishOptions.qos ?? 0) > 0 && c.quickstart) throw new PubSubError('INVALID_QOS', 'The quickstart organization takes QoS 0 only.', { details: { topic } })
      if (publishOptions.retain) {
        // The platform ignores the flag; say so once per topic rather than pretend it was kept.
        if (!warnedRetain.has(topic) && warnedRetain.size < 100) {
          warnedRetain.add(topic)
          context.warn(`watsonIot: Watson IoT does not keep retained messages: the publish to "${topic}" was sent as not retained.`)
        }
        return { ...publishOptions, retain: false }
      }
      return publishOptions
    },
    checkSubscribe(filter: string) {
      if (!rules.subscribe.some(r => fitsRule(r, filter, true))) {
        const allowed = rules.subscribe.length ? `it may subscribe to ${show(rules.subscribe)} (with + for any <id>)` : 'quickstart devices cannot subscribe'
        throw new PubSubError('NOT_AUTHORIZED', `Watson IoT refuses "${filter}" for a ${c.kind}: ${allowed}.`, { details: { filter } })
      }
    },
    explainError(error) {
      if (error.code === 'BAD_CREDENTIALS' || error.code === 'NOT_AUTHORIZED') {
        const who = c.kind === 'application' ? 'the API key and its token' : `the ${c.kind} "${c.typeId}/${c.deviceId}" is registered in "${c.org}" and its token`
        return new PubSubError(error.code, `Watson IoT refused the login of ${c.clientId}: check that ${who} are right (tokens cannot be recovered, only regenerated).`, { details: error.details ?? {} })
      }
      if (error.code === 'CONNECTION_REFUSED' && error.details?.reasonCode === 2) {
        return new PubSubError('CONNECTION_REFUSED', `Watson IoT rejected the client id ${c.clientId}: check org, typeId and deviceId (or appId).`, { details: error.details })
      }
      return error
    },
  }
}
