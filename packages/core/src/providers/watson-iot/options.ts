interface WatsonCommon {
  /** Your organization id: the 6 characters before ".internetofthings.ibmcloud.com" (or "quickstart"). */
  org: string
  /** Default `<org>.messaging.internetofthings.ibmcloud.com:443`; `host:port` of an emulator. */
  host?: string
  /** `ws` for a local emulator only. Default `wss`. */
  protocol?: 'wss' | 'ws'
  /** Seconds. Default 60. */
  keepalive?: number
  /** Clean session. Default true. */
  clean?: boolean
  connectTimeout?: number
}

/** A device (`d:<org>:<typeId>:<deviceId>`) or a gateway (`g:…`) with its authentication token. */
export interface WatsonDeviceOptions extends WatsonCommon {
  kind: 'device' | 'gateway'
  typeId: string
  deviceId: string
  /** The authentication token (not needed in the quickstart organization). */
  token?: string
  /** Uses the device management protocol: QoS 2 is then refused, as the platform requires. */
  managed?: boolean
}

/** An application (`a:<org>:<appId>`) with an API key and its token. */
export interface WatsonApplicationOptions extends WatsonCommon {
  kind: 'application'
  appId: string
  apiKey: string
  token: string
  /** A scalable application (`A:` client id): instances share the subscriptions' messages. */
  shared?: boolean
}

/** Options of {@link watsonIot}: a device, a gateway or an application. */
export type WatsonIotOptions = WatsonDeviceOptions | WatsonApplicationOptions
