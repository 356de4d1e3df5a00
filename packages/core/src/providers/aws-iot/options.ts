import type { WireOptions } from '../shared/wire-options.js'

/** AWS credentials, as the AWS SDK's credential providers return them. */
export interface AwsCredentials {
  accessKeyId: string
  secretAccessKey: string
  /** Temporary credentials (STS, Cognito) carry one. */
  sessionToken?: string
  /** When temporary credentials stop working: tabmq fetches new ones ahead of it. */
  expiration?: Date
}

/** Options of {@link awsIot}. */
export interface AwsIotOptions {
  /** The region of the endpoint, like "eu-west-1". */
  region: string
  /** Your account's data endpoint, like "abc123-ats.iot.eu-west-1.amazonaws.com" (`aws iot describe-endpoint --endpoint-type iot:Data-ATS`). */
  endpoint: string
  /**
   * Fixed credentials, or an async function returning them (a Cognito identity pool provider from
   * `@aws-sdk/credential-providers`, say). The hub calls the function through any open tab, before
   * the credentials expire and after a refusal; it never leaves the tab it was given in.
   */
  credentials: AwsCredentials | (() => Promise<AwsCredentials> | AwsCredentials)
  /** Fixed client id (IoT policies often pin it, e.g. to the Cognito identity id). Default: random. */
  clientId?: string
  /** 4 = MQTT 3.1.1 (default), 5 = MQTT 5. */
  protocolVersion?: 4 | 5
  /** Seconds, 30 to 1200. Default 60. */
  keepalive?: number
  /** Clean session. Default true. */
  clean?: boolean
  /** Milliseconds to wait for CONNACK. Default 10000. */
  connectTimeout?: number
  /** `ws` for a local emulator (endpoint "127.0.0.1:<port>"); AWS takes only `wss` (default). */
  protocol?: 'wss' | 'ws'
}

/** What the factory sends the hub: a credentials function stays in the tab. */
export type AwsIotWireOptions = WireOptions<AwsIotOptions, 'credentials'>
