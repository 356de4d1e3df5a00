import type http from 'node:http'
import { Aedes, type AedesOptions, type Client } from 'aedes'
import { accessHooks, type AccessOptions } from '../access'
import { verifyPresignedRequest, type AwsEmulatorCredentials } from './sigv4-verify'
import { startEmulatorServer } from './ws-server'

export type { AwsEmulatorCredentials } from './sigv4-verify'

/** Options of {@link startAwsIotEmulator}. */
export interface AwsIotEmulatorOptions extends Pick<AccessOptions, 'denySubscribe' | 'denyPublish'> {
  /** Default `us-east-1`. */
  region?: string
  /** The account's credentials; add more later with `addCredentials`. */
  credentials?: AwsEmulatorCredentials[]
  /** Largest accepted clock difference of a signature. Default 5 minutes. */
  maxSkewMs?: number
  /** AWS IoT closes every connection after 24 hours. Default 24 h. */
  maxConnectionMs?: number
  /** The emulated server's clock minus the real one (a client clock that is off). Default 0. */
  clockOffsetMs?: number
  /**
   * The IoT policy: may this client id connect with these credentials? A refusal closes the socket
   * without a CONNACK, as AWS IoT does (Amplify's "Socket closed"). Default: any.
   */
  allowClientId?: (clientId: string, accessKeyId: string) => boolean
  host?: string
  port?: number
}

/** A refused or accepted handshake, for tests; never holds a secret. */
export interface AwsHandshake {
  at: number
  status: number
  reason: string
  accessKeyId?: string
}

export interface AwsIotEmulator {
  /** `127.0.0.1:<port>`: pass as `endpoint` with `protocol: 'ws'`. */
  endpoint: string
  region: string
  aedes: Aedes
  /** Every handshake, refused (403 …) or accepted (101), oldest first. */
  handshakes: AwsHandshake[]
  /** Connected MQTT client ids. */
  connectedClients(): string[]
  addCredentials(credentials: AwsEmulatorCredentials): void
  /** Publishes as the cloud would (a rule, another device). */
  publish(topic: string, payload: string | Buffer, qos?: 0 | 1): Promise<void>
  close(): Promise<void>
}

/**
 * An emulated AWS IoT device gateway: checks the SigV4 presigned URL of each WebSocket upgrade
 * (known access key and secret, region, service `iotdevicegateway`, date within the skew,
 * expiry, the session token appended after signing) and answers 403 with a reason otherwise;
 * then speaks MQTT through an embedded aedes. Connections close when their credentials expire
 * and after `maxConnectionMs` (24 h), as AWS IoT closes them.
 *
 * @example
 * const aws = await startAwsIotEmulator({ credentials: [{ accessKeyId: 'AKIDEXAMPLE0000000', secretAccessKey: 'secret' }] })
 * awsIot({ region: aws.region, endpoint: aws.endpoint, protocol: 'ws', credentials })
 */
export async function startAwsIotEmulator(opts: AwsIotEmulatorOptions = {}): Promise<AwsIotEmulator> {
  const region = opts.region ?? 'us-east-1'
  const known = new Map<string, AwsEmulatorCredentials>()
  for (const c of opts.credentials ?? []) known.set(c.accessKeyId, { ...c })
  const handshakes: AwsHandshake[] = []
  const now = () => Date.now() + (opts.clockOffsetMs ?? 0)
  const maxConnectionMs = opts.maxConnectionMs ?? 24 * 3600_000
  /** The access key id each accepted upgrade signed with, by request. */
  const signedWith = new WeakMap<http.IncomingMessage, string>()

  const hooks: Partial<AedesOptions> = accessHooks({ denySubscribe: opts.denySubscribe ?? [], denyPublish: opts.denyPublish ?? [] })
  hooks.preConnect = (client: Client, packet, callback) => {
    const accessKeyId = (client.req && signedWith.get(client.req)) ?? ''
    if (opts.allowClientId && !opts.allowClientId(packet.clientId, accessKeyId)) {
      // AWS IoT answers a policy refusal by closing the socket: no CONNACK, no reason.
      client.conn.destroy()
      return callback(null, false)
    }
    callback(null, true)
  }
  const aedes = await Aedes.createBroker(hooks)
  const server = await startEmulatorServer({
    aedes,
    envVar: 'TABMQ_WS_PORT',
    ...(opts.host ? { host: opts.host } : {}),
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    verify(req) {
      const verdict = verifyPresignedRequest(req.url ?? '/', req.headers.host, { region, now: now(), maxSkewMs: opts.maxSkewMs ?? 5 * 60_000, lookup: id => known.get(id) })
      if (!verdict.ok) {
        handshakes.push({ at: Date.now(), status: verdict.status, reason: verdict.reason })
        return { accept: false, status: verdict.status, reason: verdict.reason }
      }
      handshakes.push({ at: Date.now(), status: 101, reason: 'accepted', accessKeyId: verdict.accessKeyId })
      signedWith.set(req, verdict.accessKeyId)
      const expiresAt = verdict.expiresAt
      return {
        accept: true,
        onOpen(ws) {
          // Expired credentials and the 24-hour limit end the connection.
          const until = Math.min(expiresAt === undefined ? Infinity : expiresAt - now(), maxConnectionMs)
          const timer = setTimeout(() => ws.terminate(), Math.max(0, until))
          timer.unref()
          ws.once('close', () => clearTimeout(timer))
        },
      }
    },
  })
  return {
    endpoint: server.hostPort,
    region,
    aedes,
    handshakes,
    connectedClients: () => [...server.clients.values()].filter(c => c.connected).map(c => c.id),
    addCredentials: c => void known.set(c.accessKeyId, { ...c }),
    publish: (topic, payload, qos = 0) =>
      new Promise((resolve, reject) =>
        aedes.publish({ cmd: 'publish', topic, payload: typeof payload === 'string' ? Buffer.from(payload) : payload, qos, retain: false, dup: false }, e => (e ? reject(e) : resolve())),
      ),
    close: () => server.close(),
  }
}
