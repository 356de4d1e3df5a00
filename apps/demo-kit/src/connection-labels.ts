import type { ConnectionStatus } from '@tabmq/core'

/**
 * The connection status in words, for screen readers (the badge shows the raw status).
 *
 * @example
 * CONNECTION_LABELS.reconnecting // 'Reconnecting'
 */
export const CONNECTION_LABELS: Readonly<Record<ConnectionStatus, string>> = {
  idle: 'Idle',
  connecting: 'Connecting',
  connected: 'Connected',
  reconnecting: 'Reconnecting',
  offline: 'Offline',
  closed: 'Closed',
}
