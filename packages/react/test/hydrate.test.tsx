import { act } from 'react'
import { renderToString } from 'react-dom/server'
import { hydrateRoot, type Root } from 'react-dom/client'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { waitFor } from '@testing-library/react'
import { startTestBroker, type TestBroker } from '@tabmq/broker/testing'
import { PubSubProvider, useConnectionState, useTopic } from '../src/index'
import { client } from './helpers'

function Reading() {
  const { data, status } = useTopic<{ temperature: number }>('hydrate/d1/telemetry')
  const connection = useConnectionState()
  return (
    <p data-connection={connection.status} data-status={status}>
      {data ? `${data.temperature} °C` : '–'}
    </p>
  )
}

describe('hydration', () => {
  let broker: TestBroker
  beforeAll(async () => {
    broker = await startTestBroker('aedes')
  })
  afterAll(() => broker.close())

  it('hydrates the idle server HTML without a mismatch, then subscribes', async () => {
    const pubsub = client(broker)
    const outside = client(broker)
    // Testing Library sets this inside its own helpers; hydrateRoot is called directly here.
    ;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true
    const errors = vi.spyOn(console, 'error')
    const container = document.createElement('div')
    document.body.append(container)
    let root: Root | undefined
    try {
      const app = (
        <PubSubProvider client={pubsub}>
          <Reading />
        </PubSubProvider>
      )
      container.innerHTML = renderToString(app)
      expect(container.querySelector('p')?.dataset.status).toBe('idle')
      await act(async () => {
        root = hydrateRoot(container, app, { onRecoverableError: error => errors(error) })
      })
      await waitFor(() => expect(container.querySelector('p')?.dataset.status).toBe('active'))
      await outside.publish('hydrate/d1/telemetry', { temperature: 21.5 }, { qos: 1 })
      await waitFor(() => expect(container.textContent).toBe('21.5 °C'))
      expect(errors).not.toHaveBeenCalled()
    } finally {
      act(() => root?.unmount())
      container.remove()
      errors.mockRestore()
      await Promise.all([pubsub.close(), outside.close()])
    }
  })
})
