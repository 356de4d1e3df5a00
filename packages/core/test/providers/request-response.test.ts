import { describe, expect, it } from 'vitest'
import { createPubSub, PubSubError } from '../../src/index'
import { createHub } from '../../src/hub/index'
import { getTwin, mqttOverWs, updateReportedProperties, watsonDmRequest, watsonDmTopics } from '../../src/providers/index'

describe('request/response helpers on a closed client', () => {
  // The subscription to the responses fails synchronously on a closed client: the helper must
  // reject with that error, not trip over its own unfinished setup.
  const closedClient = async () => {
    // Nothing listens on this port: a closed client never connects.
    const client = createPubSub({ provider: mqttOverWs({ url: 'ws://127.0.0.1:9/mqtt' }), hub: createHub() })
    await client.close()
    return client
  }

  it.each([
    ['getTwin', (c: Awaited<ReturnType<typeof closedClient>>) => getTwin(c, { timeoutMs: 60_000 })],
    ['updateReportedProperties', (c: Awaited<ReturnType<typeof closedClient>>) => updateReportedProperties(c, { firmware: '1.2.0' }, { timeoutMs: 60_000 })],
    ['watsonDmRequest', (c: Awaited<ReturnType<typeof closedClient>>) => watsonDmRequest(c, watsonDmTopics().manage, { lifetime: 3600 }, { timeoutMs: 60_000 })],
  ])('%s rejects with CLOSED', async (_name, request) => {
    const error = await request(await closedClient()).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(PubSubError)
    expect((error as PubSubError).code).toBe('CLOSED')
  })
})
