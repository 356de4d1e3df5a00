import { useState } from 'react'
import { useTopic } from '@tabmq/react'
import type { Message } from '@tabmq/core'
import { useDebounced } from '../useDebounced'

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Text as it is (cut short), bytes that are not UTF-8 as hex. */
function preview(payload: Uint8Array): string {
  if (payload.length === 0) return '(empty)'
  let text: string
  try {
    text = utf8.decode(payload)
  } catch {
    text = Array.from(payload.subarray(0, 32), b => b.toString(16).padStart(2, '0')).join(' ') + (payload.length > 32 ? ' …' : '')
  }
  return text.length > 120 ? `${text.slice(0, 120)}…` : text
}

export function Explorer() {
  const [input, setInput] = useState('devices/#')
  const filter = useDebounced(input.trim(), 300)
  // Checked by the hub like every filter: a bad one fails this subscription alone, with the reason.
  const { messages, status, error } = useTopic(filter, { codec: 'binary', keep: 50, enabled: filter !== '' })
  const rows: Message[] = [...messages].reverse()

  return (
    <section className="card explorer" aria-labelledby="explorer-title">
      <div className="card-head">
        <h2 id="explorer-title">Topic explorer</h2>
        <span className={`badge badge-sub-${status}`} data-testid="explorer-status">
          {status}
        </span>
      </div>
      <label className="field">
        <span className="muted small">Topic filter (+ one level, # the rest)</span>
        <input
          value={input}
          onChange={e => setInput(e.target.value)}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'explorer-error' : undefined}
          data-testid="explorer-input"
        />
      </label>
      {error && (
        <p id="explorer-error" className="field-error" role="alert" data-testid="explorer-error" data-code={error.code}>
          {error.message}
        </p>
      )}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Topic</th>
              <th>Payload</th>
              <th>QoS</th>
              <th>Retained</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((m, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: numbered by arrival (length - i), so a row keeps its key as newer rows push older ones out
              <tr key={messages.length - i} data-testid="explorer-row">
                <td className="mono topic">{m.topic}</td>
                <td className="mono payload">{preview(m.payload)}</td>
                <td>{m.qos}</td>
                <td>{m.retain ? 'yes' : ''}</td>
              </tr>
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={4} className="muted empty">
                  {error ? 'Fix the filter to see messages.' : filter === '' ? 'Type a filter, e.g. devices/#' : 'No messages yet.'}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  )
}
