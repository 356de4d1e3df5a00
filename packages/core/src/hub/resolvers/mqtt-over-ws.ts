import { toBuffer } from '../publish-properties'
import type { ProviderResolver } from '../provider'
import { urlIdentity } from './identity-key'
import { randomClientId } from './random-client-id'

/** Resolves `mqttOverWs` options (already validated in the tab) into connection settings. */
export const resolveMqttOverWs: ProviderResolver = options => {
  const o = options as { url: string; username?: string; password?: string; clientId?: string; protocolVersion: 4 | 5; keepalive: number; clean: boolean; connectTimeout: number; will?: { payload: Uint8Array } & Record<string, unknown>; properties?: Record<string, unknown> }
  const clientId = o.clientId ?? randomClientId()
  return {
    // Without a fixed client id, same-config tabs share one connection with one random id.
    key: ['mqtt', urlIdentity(o.url), o.clientId ?? '*', o.username ?? ''].join('|'),
    clientId,
    protocolVersion: o.protocolVersion,
    prepare: async () => ({
      url: o.url,
      options: {
        keepalive: o.keepalive,
        clean: o.clean,
        connectTimeout: o.connectTimeout,
        ...(o.username !== undefined ? { username: o.username } : {}),
        ...(o.password !== undefined ? { password: o.password } : {}),
        ...(o.will ? { will: { ...o.will, payload: toBuffer(o.will.payload) } as never } : {}),
        ...(o.properties ? { properties: o.properties } : {}),
      },
    }),
  }
}
