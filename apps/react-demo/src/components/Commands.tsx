import { useState, type FormEvent } from 'react'
import { usePublish, useTopic } from '@tabmq/react'
import { COMMAND_BUTTONS, type Command, deviceState, deviceTopics, type Outcome, type Reading, type Reply, replyText, resultText, SETPOINT_DEFAULT, sendCommand, setpointCommand } from '@tabmq/demo-kit'

export function Commands({ deviceId }: { deviceId: string }) {
  const topics = deviceTopics(deviceId)
  const { publish } = usePublish()
  // The same telemetry topic as the Telemetry card: one SUBSCRIBE at the broker serves both.
  const { data: reading } = useTopic<Reading>(topics.telemetry, { codec: 'json' })
  const { data: reply } = useTopic<Reply>(topics.replies, { codec: 'json' })
  const [outcome, setOutcome] = useState<Outcome>()
  const [setpoint, setSetpoint] = useState(SETPOINT_DEFAULT)

  const send = (command: Command) => sendCommand(publish, deviceId, command, setOutcome)
  const onSetpoint = (e: FormEvent) => {
    e.preventDefault()
    send(setpointCommand(setpoint))
  }

  return (
    <section className="card commands" aria-labelledby="commands-title">
      <div className="card-head">
        <h2 id="commands-title">Commands</h2>
        <span className="muted small">QoS 1</span>
      </div>
      <p className="muted small">{deviceState(reading)}</p>
      <div className="buttons">
        {COMMAND_BUTTONS.map(button => (
          <button key={button.label} type="button" className={button.secondary ? 'secondary' : undefined} onClick={() => send(button)}>
            {button.label}
          </button>
        ))}
      </div>
      <form className="inline-form" onSubmit={onSetpoint}>
        <label htmlFor="setpoint">Setpoint</label>
        <input id="setpoint" type="number" step="0.5" value={setpoint} onChange={e => setSetpoint(e.target.value)} data-testid="setpoint-input" />
        <span className="unit">°C</span>
        <button type="submit">Set</button>
      </form>
      <dl className="result">
        <div>
          <dt>Result</dt>
          <dd data-testid="command-result" data-state={outcome?.state ?? 'none'} className={outcome ? `result-${outcome.state}` : undefined}>
            {resultText(outcome)}
          </dd>
        </div>
        <div>
          <dt>Device reply</dt>
          <dd data-testid="command-reply" data-ok={reply ? String(reply.ok) : undefined} className={reply ? (reply.ok ? 'reply-ok' : 'reply-error') : undefined}>
            {replyText(reply, outcome)}
          </dd>
        </div>
      </dl>
    </section>
  )
}
