import { ChangeDetectionStrategy, Component } from '@angular/core'
import { injectConnectionState } from '@tabmq/angular'
import { CONNECTION_LABELS } from '@tabmq/demo-kit'
import { settings } from '../settings'
import { injectHubStats } from './hub-stats'

@Component({
  selector: 'header[app-header]',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'header' },
  template: `
    <div class="brand">
      <span class="brand-mark" aria-hidden="true"></span>
      <div>
        <h1>tabmq</h1>
        <p class="muted">Live IoT dashboard · Angular</p>
      </div>
    </div>
    <dl class="header-stats">
      <div class="stat">
        <dt>Connection</dt>
        <dd>
          <span [class]="'badge badge-' + state().status" data-testid="connection-state" [attr.data-status]="state().status" [title]="brokerUrl">{{ state().status }}</span>
          <span class="sr-only">{{ labels[state().status] }}</span>
        </dd>
      </div>
      <div class="stat">
        <dt>Tabs sharing</dt>
        <dd data-testid="tab-count">{{ stats()?.tabs ?? '–' }}</dd>
      </div>
      <div class="stat">
        <dt>Broker connections</dt>
        <dd data-testid="connection-count">{{ stats()?.connections?.length ?? '–' }}</dd>
      </div>
    </dl>
    @if (state().status !== 'connected' && state().error; as error) {
      <p class="banner" role="status" data-testid="connection-error">{{ error.message }}@if (state().attempt > 0) {<span class="muted"> · attempt {{ state().attempt }}</span>}</p>
    }
  `,
})
export class Header {
  protected readonly state = injectConnectionState()
  protected readonly stats = injectHubStats(1000)
  protected readonly brokerUrl = settings.brokerUrl
  protected readonly labels = CONNECTION_LABELS
}
