import { settings } from './settings'
import { Header } from './components/Header'
import { Telemetry } from './components/Telemetry'
import { Commands } from './components/Commands'
import { Explorer } from './components/Explorer'

export function App() {
  return (
    <div className="app">
      <Header />
      <main className="grid">
        <Telemetry deviceId={settings.deviceId} />
        <Commands deviceId={settings.deviceId} />
        <Explorer />
      </main>
      <footer className="footer muted">
        Open this page in more tabs: they share one MQTT connection to <code>{settings.brokerUrl}</code> through a SharedWorker.
      </footer>
    </div>
  )
}
