/**
 * A tiny app using a cloud provider of @tabmq/core as any Vite app would (default SharedWorker).
 * Query: provider=aws|azure|watson and its settings; the AWS credentials function fetches
 * temporary keys from the test server, as an app would from Cognito or its backend.
 */
import { createPubSub, type Message, type ProviderConfig } from '@tabmq/core'
import { awsIot, azureDps, watsonIot } from '@tabmq/core/providers'

declare global {
  interface Window {
    cloud: {
      state(): { status: string; attempt: number; error?: string | undefined; code?: string | undefined }
      subscribe(filter: string): void
      publish(topic: string, payload: unknown, qos?: 0 | 1): Promise<string>
      stats(): Promise<unknown>
      close(): Promise<void>
    }
    cloudReceived: Array<{ topic: string; data: unknown }>
    cloudCredentialCalls: number
    cloudError?: string
  }
}

const q = new URLSearchParams(location.search)
const get = (k: string) => q.get(k) ?? ''
window.cloudReceived = []
window.cloudCredentialCalls = 0

try {
  let provider: ProviderConfig
  if (get('provider') === 'aws') {
    provider = awsIot({
      region: get('region'),
      endpoint: get('endpoint'),
      protocol: 'ws',
      clientId: get('clientId'),
      credentials: async () => {
        window.cloudCredentialCalls++
        const res = await fetch(`/creds?tab=${get('tab')}`)
        const c = (await res.json()) as { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: string }
        return { ...c, expiration: new Date(c.expiration) }
      },
    })
  } else if (get('provider') === 'azure') {
    provider = azureDps({ idScope: get('idScope'), registrationId: get('registrationId'), groupKey: get('groupKey'), globalEndpoint: get('globalEndpoint'), protocol: 'ws', tokenTtlSeconds: Number(get('ttl') || 3600) })
  } else {
    provider = watsonIot({ org: get('org'), host: get('host'), protocol: 'ws', kind: 'device', typeId: get('typeId'), deviceId: get('deviceId'), token: get('token') })
  }
  const pubsub = createPubSub({ provider, reconnect: { initialDelayMs: 100, maxDelayMs: 1000 }, timeoutMs: 5000 })
  pubsub.connectionState.subscribe(() => {})
  window.cloud = {
    state() {
      const s = pubsub.connectionState.get()
      return { status: s.status, attempt: s.attempt, error: s.error?.message, code: s.error?.code }
    },
    subscribe(filter) {
      pubsub.subscribe(filter, { qos: 1 }).subscribe({ next: (m: Message) => void window.cloudReceived.push({ topic: m.topic, data: m.data }) })
    },
    async publish(topic, payload, qos = 1) {
      try {
        await pubsub.publish(topic, payload as never, { qos })
        return 'ok'
      } catch (e) {
        return `${(e as { code?: string }).code}: ${(e as Error).message}`
      }
    },
    stats: () => pubsub.getStats(),
    close: () => pubsub.close(),
  }
} catch (error) {
  window.cloudError = String((error as Error)?.stack ?? error)
}
