import { useConnectionState } from '@tabmq/react'
import { CONNECTION_LABELS } from '@tabmq/demo-kit'
import { settings } from '../settings'
import { useHubStats } from '../useHubStats'

export function Header() {
  const { status, error, attempt } = useConnectionState()
  const stats = useHubStats(1000)
  return (
    <header className="header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <div>
          <h1>tabmq</h1>
          <p className="muted">Live IoT dashboard · React</p>
        </div>
      </div>
      <dl className="header-stats">
        <div className="stat">
          <dt>Connection</dt>
          <dd>
            <span className={`badge badge-${status}`} data-testid="connection-state" data-status={status} title={settings.brokerUrl}>
              {status}
            </span>
            <span className="sr-only">{CONNECTION_LABELS[status]}</span>
          </dd>
        </div>
        <div className="stat">
          <dt>Tabs sharing</dt>
          <dd data-testid="tab-count">{stats?.tabs ?? '–'}</dd>
        </div>
        <div className="stat">
          <dt>Broker connections</dt>
          <dd data-testid="connection-count">{stats?.connections.length ?? '–'}</dd>
        </div>
      </dl>
      {error && status !== 'connected' && (
        <p className="banner" role="status" data-testid="connection-error">
          {error.message}
          {attempt > 0 && <span className="muted"> · attempt {attempt}</span>}
        </p>
      )}
    </header>
  )
}
