import { BROKER_URL, DEVICE_ID } from './pubsub'
import { Header } from './components/Header'
import { Telemetry } from './components/Telemetry'
import { Commands } from './components/Commands'
import { Explorer } from './components/Explorer'

export function App() {
  return (
    <div className="app">
      <Header />
      <main className="grid">
        <Telemetry deviceId={DEVICE_ID} />
        <Commands deviceId={DEVICE_ID} />
        <Explorer />
      </main>
      <footer className="footer muted">
        Open this page in more tabs: they share one MQTT connection to <code>{BROKER_URL}</code> through a SharedWorker.
      </footer>
    </div>
  )
}
