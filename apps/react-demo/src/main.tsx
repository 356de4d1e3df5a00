import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { PubSubProvider } from '@tabmq/react'
import { pubsub } from './pubsub'
import { App } from './App'
import '@tabmq/demo-kit/styles.css'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <PubSubProvider client={pubsub}>
      <App />
    </PubSubProvider>
  </StrictMode>,
)
