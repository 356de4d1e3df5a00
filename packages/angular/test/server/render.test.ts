import { Component, inject, provideZonelessChangeDetection } from '@angular/core'
import { bootstrapApplication, type BootstrapContext } from '@angular/platform-browser'
import { provideServerRendering, renderApplication } from '@angular/platform-server'
import { toSignal } from '@angular/core/rxjs-interop'
import { describe, expect, it, vi } from 'vitest'
import { createPubSub, type PubSub } from '@tabmq/core'
import { createHub } from '@tabmq/core/hub'
import { mqttOverWs } from '@tabmq/core/providers'
import { PubSubService, injectConnectionState, injectPublish, injectTopic, provideTabmq } from '../../src/index'

@Component({
  selector: 'app-root',
  template: `<p id="state">{{ state().status }}</p><p id="topic">{{ topic().status }} {{ topic().data ?? '–' }}</p><p id="rx">{{ rx() ?? 'none' }}</p><p id="pending">{{ publisher.pending() }}</p>`,
})
class Dashboard {
  readonly state = injectConnectionState()
  readonly topic = injectTopic<number>('devices/+/telemetry', { keep: 10 })
  readonly rx = toSignal(inject(PubSubService).topic$('alerts/#'))
  readonly publisher = injectPublish()
}

/** Renders `Dashboard` on the server with `client`, as `@angular/ssr` would for a request. */
function render(client: () => PubSub): Promise<string> {
  const bootstrap = (context: BootstrapContext) =>
    bootstrapApplication(Dashboard, { providers: [provideZonelessChangeDetection(), provideServerRendering(), provideTabmq(client)] }, context)
  return renderApplication(bootstrap, { document: '<html><body><app-root></app-root></body></html>', url: '/' })
}

describe('server rendering', () => {
  it('renders the idle state and starts no worker, no hub session, no broker connection', async () => {
    const hub = createHub({ warn: () => {} })
    // A broker URL nothing listens on: a connection attempt would show as `connecting`, then an error.
    const pubsub = createPubSub({ provider: mqttOverWs({ url: 'ws://127.0.0.1:9/mqtt' }), hub })
    const spies = [vi.spyOn(pubsub, 'subscribe'), vi.spyOn(pubsub, 'publish'), vi.spyOn(pubsub, 'getStats'), vi.spyOn(pubsub.connectionState, 'subscribe')]
    const html = await render(() => pubsub)
    expect(html).toContain('<p id="state">idle</p>')
    expect(html).toContain('<p id="topic">idle –</p>')
    expect(html).toContain('<p id="rx">none</p>')
    expect(html).toContain('<p id="pending">false</p>')
    for (const spy of spies) expect(spy).not.toHaveBeenCalled()
    expect((await hub.stats()).tabs).toBe(0)
    // The request's application is destroyed after rendering, and its client with it.
    expect(pubsub.connectionState.get().status).toBe('closed')
  })

  it('renders with createPubSub options too, and a publish during rendering rejects without connecting', async () => {
    const hub = createHub({ warn: () => {} })
    let publishError: unknown
    @Component({ selector: 'app-root', template: 'ok' })
    class Publisher {
      constructor() {
        injectPublish()
          .publish('cmd/x', 1, { qos: 1 })
          .catch(e => (publishError = e))
      }
    }
    const html = await renderApplication(
      context => bootstrapApplication(Publisher, { providers: [provideZonelessChangeDetection(), provideServerRendering(), provideTabmq({ provider: mqttOverWs({ url: 'ws://127.0.0.1:9/mqtt' }), hub })] }, context),
      { document: '<html><body><app-root></app-root></body></html>', url: '/' },
    )
    expect(html).toContain('ok')
    expect(publishError).toMatchObject({ code: 'NOT_CONNECTED', message: expect.stringContaining('server rendering') })
    expect((await hub.stats()).tabs).toBe(0)
  })
})
