import { PubSubError } from '../../errors.js'
import type { ProviderResolver, ResolvedProvider } from '../../hub/provider.js'
import type { PublishOptions } from '../../types.js'
import { fingerprint } from '../shared/fingerprint.js'
import { randomClientId } from '../shared/random-client-id.js'
import { RefreshingCredentials, toExpiration } from '../shared/refreshing-credentials.js'
import { IN_TAB, type Unchecked } from '../shared/wire-options.js'
import type { AwsCredentials, AwsIotOptions, AwsIotWireOptions } from './options.js'
import { presignAwsIotUrl } from './sigv4.js'

/** AWS IoT limits: https://docs.aws.amazon.com/general/latest/gr/iot-core.html#message-broker-limits */
const MAX_PAYLOAD = 131_072
const MAX_TOPIC_BYTES = 256
const MAX_SLASHES = 7
/** Seconds a presigned URL may open a connection: AWS's own samples use a day, which tolerates a slow clock. */
const URL_EXPIRES_IN = 86_400

/** The options checked, with their defaults, and the endpoint reduced to its host. */
interface Options extends Required<Pick<AwsIotWireOptions, 'region' | 'protocol' | 'credentials' | 'protocolVersion' | 'keepalive' | 'clean' | 'connectTimeout'>> {
  host: string
  clientId?: string
}

function invalid(message: string): PubSubError {
  return new PubSubError('INVALID_OPTIONS', `awsIot: ${message}`)
}

const DESCRIBE = 'run `aws iot describe-endpoint --endpoint-type iot:Data-ATS` for yours'

/** Checks the options a tab sent; every message says what to fix and never echoes a secret. */
function check(raw: Unchecked<AwsIotWireOptions>): Options {
  const region = raw.region
  if (typeof region !== 'string' || region === '') throw invalid('region is missing: give the AWS region of your IoT endpoint, for example "eu-west-1".')
  if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region)) throw invalid(`region "${region.slice(0, 40)}" is not an AWS region name like "eu-west-1".`)
  let endpoint = raw.endpoint
  if (typeof endpoint !== 'string' || endpoint === '') throw invalid(`endpoint is missing: give your account's AWS IoT data endpoint, like "abc123-ats.iot.${region}.amazonaws.com" (${DESCRIBE}).`)
  let protocol = raw.protocol ?? 'wss'
  if (endpoint.includes('://')) {
    // Forgive a URL where a host name was wanted.
    try {
      const url = new URL(endpoint)
      if (url.protocol === 'ws:' || url.protocol === 'wss:') protocol = raw.protocol ?? url.protocol.slice(0, -1)
      endpoint = url.host
    } catch {
      throw invalid(`endpoint "${String(endpoint).slice(0, 100)}" is not a host name: give it as "abc123-ats.iot.${region}.amazonaws.com".`)
    }
  }
  const host = (endpoint as string).toLowerCase().replace(/\/+$/, '')
  if (protocol !== 'wss' && protocol !== 'ws') throw invalid('protocol must be "wss" (or "ws" for a local emulator).')
  const aws = /\.amazonaws\.com(\.cn)?(:\d+)?$/.test(host)
  if (aws) {
    const m = /^([a-z0-9]+)(-ats)?\.iot\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?(:443)?$/.exec(host)
    if (!m) throw invalid(`endpoint "${host}" is not an AWS IoT data endpoint: it looks like "abc123-ats.iot.${region}.amazonaws.com" (${DESCRIBE}).`)
    if (!m[2]) {
      throw invalid(`endpoint "${host}" is a legacy (VeriSign) endpoint that browsers do not trust: use the ATS endpoint "${m[1]}-ats.iot.${m[3]}.amazonaws.com" (${DESCRIBE}).`)
    }
    if (m[3] !== region) throw invalid(`the endpoint is in region "${m[3]}" but region is "${region}": the signature would be refused. Make them the same.`)
    if (protocol !== 'wss') throw invalid('AWS IoT takes only wss://: leave protocol out (ws is for a local emulator).')
  }
  const credentials = raw.credentials
  if (credentials !== IN_TAB) {
    const c = credentials as Partial<AwsCredentials> | undefined
    if (!c || typeof c !== 'object') throw invalid('credentials are missing: give { accessKeyId, secretAccessKey, sessionToken? } or an async function returning them (a Cognito identity pool provider, say).')
    if (typeof c.accessKeyId !== 'string' || !/^[A-Z0-9]{16,128}$/.test(c.accessKeyId)) throw invalid('credentials.accessKeyId is missing or malformed: it looks like "AKIA…" or "ASIA…" (16+ capital letters and digits).')
    if (typeof c.secretAccessKey !== 'string' || c.secretAccessKey.length < 16) throw invalid('credentials.secretAccessKey is missing or too short: copy the whole secret access key.')
    if (c.sessionToken !== undefined && typeof c.sessionToken !== 'string') throw invalid('credentials.sessionToken must be a string.')
    if (c.accessKeyId.startsWith('ASIA') && !c.sessionToken) throw invalid('temporary credentials (accessKeyId "ASIA…") need their sessionToken too.')
  }
  const o: Options = {
    region,
    host,
    protocol,
    credentials: credentials === IN_TAB ? IN_TAB : normaliseStatic(credentials as AwsCredentials),
    protocolVersion: (raw.protocolVersion ?? 4) as 4 | 5,
    keepalive: (raw.keepalive ?? 60) as number,
    clean: (raw.clean ?? true) as boolean,
    connectTimeout: (raw.connectTimeout ?? 10_000) as number,
  }
  if (raw.clientId !== undefined) {
    if (typeof raw.clientId !== 'string' || raw.clientId.length === 0 || new TextEncoder().encode(raw.clientId).length > 128) {
      throw invalid('clientId must be a non-empty string of at most 128 bytes (or left out for a random one).')
    }
    o.clientId = raw.clientId
  }
  if (o.protocolVersion !== 4 && o.protocolVersion !== 5) throw invalid('protocolVersion must be 4 (MQTT 3.1.1) or 5.')
  // AWS IoT accepts keep-alive intervals from 30 to 1200 seconds (0 is raised to 1200).
  if (!Number.isInteger(o.keepalive) || o.keepalive < 30 || o.keepalive > 1200) throw invalid('keepalive is in seconds, 30 to 1200 for AWS IoT.')
  if (typeof o.clean !== 'boolean') throw invalid('clean must be true or false.')
  if (typeof o.connectTimeout !== 'number' || !(o.connectTimeout > 0)) throw invalid('connectTimeout is a positive number of milliseconds.')
  return o
}

function normaliseStatic(c: AwsCredentials): AwsCredentials {
  const expiration = toExpiration(c.expiration, 'awsIot credentials')
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}), ...(expiration ? { expiration } : {}) }
}

/** Checks what the app's credentials function returned. */
function normaliseFetched(raw: unknown): AwsCredentials {
  const c = raw as Partial<AwsCredentials> | undefined
  if (!c || typeof c !== 'object' || typeof c.accessKeyId !== 'string' || typeof c.secretAccessKey !== 'string' || !c.accessKeyId || !c.secretAccessKey) {
    throw new PubSubError('PROVIDER_ERROR', 'awsIot: the credentials function returned no accessKeyId and secretAccessKey: it must resolve to { accessKeyId, secretAccessKey, sessionToken?, expiration? }.')
  }
  return normaliseStatic(c as AwsCredentials)
}

/** Topic rules AWS IoT enforces by closing the connection: checked before sending, so other tabs stay connected. */
function checkTopic(topic: string, what: 'topic' | 'filter'): void {
  // Basic Ingest ($aws/rules/<rule>/...) does not count its first three levels.
  const counted = topic.toLowerCase().startsWith('$aws/rules/') ? topic.split('/').slice(3).join('/') : topic
  const slashes = counted.split('/').length - 1
  const code = what === 'topic' ? 'INVALID_TOPIC' : 'INVALID_FILTER'
  if (new TextEncoder().encode(topic).length > MAX_TOPIC_BYTES) throw new PubSubError(code, `AWS IoT takes ${what}s of at most ${MAX_TOPIC_BYTES} bytes: shorten "${topic.slice(0, 60)}…".`, { details: { [what]: topic } })
  if (slashes > MAX_SLASHES) throw new PubSubError(code, `AWS IoT takes ${what}s of at most 8 levels (7 slashes): "${topic}" has ${slashes + 1}.`, { details: { [what]: topic } })
}

/** Resolves `awsIot` options: SigV4-presigned wss URL per connect attempt, refreshed credentials. */
export const resolveAwsIot: ProviderResolver = async (options, context) => {
  const o = check(options)
  const identity = o.credentials === IN_TAB ? 'fn' : await fingerprint(o.credentials.accessKeyId)
  // Without a fixed client id, same-config tabs share one connection with one random id.
  const key = ['aws-iot', `${o.protocol}://${o.host}/mqtt`, o.clientId ?? '*', identity].join('|')
  const clientId = o.clientId ?? randomClientId()
  const refreshing =
    o.credentials === IN_TAB
      ? new RefreshingCredentials<AwsCredentials>(() => context.call('credentials' satisfies keyof AwsIotOptions), normaliseFetched, m => context.warn(`awsIot: ${m}`))
      : undefined
  const getCredentials = async (): Promise<AwsCredentials> => {
    if (refreshing) return refreshing.get()
    const c = o.credentials as AwsCredentials
    if (c.expiration && c.expiration.getTime() <= Date.now()) {
      throw new PubSubError('BAD_CREDENTIALS', `awsIot: the credentials expired at ${c.expiration.toISOString()}: pass an async function as credentials (a Cognito identity pool provider, say), so tabmq can refresh them.`)
    }
    return c
  }
  const provider: ResolvedProvider = {
    key,
    clientId,
    protocolVersion: o.protocolVersion,
    async prepare() {
      const credentials = await getCredentials()
      const url = await presignAwsIotUrl({ protocol: o.protocol, host: o.host, region: o.region, credentials, expiresIn: URL_EXPIRES_IN })
      return { url, options: { keepalive: o.keepalive, clean: o.clean, connectTimeout: o.connectTimeout } }
    },
    checkPublish(topic: string, payload: Uint8Array, publishOptions: PublishOptions): PublishOptions {
      if (payload.byteLength > MAX_PAYLOAD) {
        throw new PubSubError('PAYLOAD_TOO_LARGE', `AWS IoT takes payloads of at most 128 KB (${MAX_PAYLOAD} bytes); this one is ${payload.byteLength} bytes. Split it or store it in S3 and publish a link.`, { details: { topic } })
      }
      if (publishOptions.qos === 2) throw new PubSubError('INVALID_QOS', `AWS IoT does not support QoS 2 (it would close the connection): publish to "${topic}" with qos 1.`, { details: { topic } })
      checkTopic(topic, 'topic')
      return publishOptions
    },
    checkSubscribe(filter: string) {
      checkTopic(filter, 'filter')
    },
    explainError(error: PubSubError): PubSubError {
      // Node's ws reports the HTTP status of a refused upgrade; browsers hide it.
      const status = /server response: (\d{3})/i.exec(error.message)?.[1]
      if (status === '403' || status === '401') {
        refreshing?.invalidate()
        return new PubSubError(
          'BAD_CREDENTIALS',
          `AWS IoT refused the signed URL (HTTP ${status}): the access key, secret or session token is wrong or expired, the region does not match the endpoint, or this computer's clock is off by more than 5 minutes.`,
          { details: { httpStatus: Number(status) } },
        )
      }
      if (error.code === 'UNREACHABLE' && !/ENOTFOUND|ECONNREFUSED|EAI_AGAIN|getaddrinfo|ETIMEDOUT/.test(error.message)) {
        // Amplify's "Socket closed": AWS IoT closes the socket, with no MQTT answer, both for a refused
        // signature and for a client its IoT policy does not allow. Fresh credentials may help.
        refreshing?.invalidate()
        return new PubSubError(
          'UNREACHABLE',
          `AWS IoT closed the connection before MQTT was established ("Socket closed"). Most likely the IoT policy (or the Cognito identity pool's role) does not allow iot:Connect for client id "${clientId}"; otherwise the signature was refused: wrong or expired credentials, a region that does not match the endpoint, or a clock off by more than 5 minutes.`,
          { cause: error },
        )
      }
      return error
    },
    dispose() {
      refreshing?.dispose()
    },
  }
  return provider
}
