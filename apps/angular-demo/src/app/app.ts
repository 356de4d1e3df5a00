import { ChangeDetectionStrategy, Component } from '@angular/core'
import { settings } from '../settings'
import { Commands } from './commands'
import { Explorer } from './explorer'
import { Header } from './header'
import { Telemetry } from './telemetry'

@Component({
  selector: 'app-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [Header, Telemetry, Commands, Explorer],
  template: `
    <div class="app">
      <header app-header></header>
      <main class="grid">
        <section app-telemetry [deviceId]="deviceId"></section>
        <section app-commands [deviceId]="deviceId"></section>
        <section app-explorer></section>
      </main>
      <footer class="footer muted">
        Open this page in more tabs: they share one MQTT connection to <code>{{ brokerUrl }}</code> through a SharedWorker.
      </footer>
    </div>
  `,
})
export class App {
  protected readonly deviceId = settings.deviceId
  protected readonly brokerUrl = settings.brokerUrl
}
