import { describe, expect, it } from 'vitest'
import { version } from 'react'
import { version as domVersion } from 'react-dom'
import { renderToString } from 'react-dom/server'
import { PubSubProvider, useConnectionState } from '@tabmq/react'

// Guards the setup itself: the borrowed hook tests must really run on React 18.
describe('the React these tests run on', () => {
  it('is 18, for the tests, the renderer and the hooks alike', () => {
    expect(version).toMatch(/^18\./)
    expect(domVersion).toMatch(/^18\./)
    function State() {
      return <span>{useConnectionState().status}</span>
    }
    const client = { connectionState: { get: () => ({ status: 'idle', attempt: 0 }), subscribe: () => () => {} } }
    expect(renderToString(<PubSubProvider client={client as never}><State /></PubSubProvider>)).toContain('idle')
  })
})
