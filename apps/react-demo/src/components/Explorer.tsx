import { useState } from 'react'
import { useTopic } from '@tabmq/react'
import type { Message } from '@tabmq/core'
import { EXPLORER, explorerEmptyText, payloadPreview } from '@tabmq/demo-kit'
import { useDebounced } from '../useDebounced'

export function Explorer() {
  const [input, setInput] = useState(EXPLORER.initialFilter)
  const filter = useDebounced(input.trim(), EXPLORER.debounceMs)
  // Checked by the hub like every filter: a bad one fails this subscription alone, with the reason.
  const { messages, status, error } = useTopic(filter, { codec: 'binary', keep: EXPLORER.keep, enabled: filter !== '' })
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
                <td className="mono payload">{payloadPreview(m.payload)}</td>
                <td>{m.qos}</td>
                <td>{m.retain ? 'yes' : ''}</td>
              </tr>
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={4} className="muted empty">
                  {explorerEmptyText(Boolean(error), filter)}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  )
}
