import { useState, type FormEvent } from 'react'
import { usePublish, useTopic } from '@tabmq/react'
import type { Reading } from './Telemetry'

/** The device's answer on devices/<id>/reply/<command> (see apps/broker/src/commands.ts). */
interface Reply {
  ok: boolean
  command: string
  error?: string
  requestId?: string
  state?: { fan: boolean; setpoint: number }
}

interface Outcome {
  requestId: string
  command: string
  state: 'sent' | 'acknowledged' | 'failed'
  error?: string
}

/** Not crypto.randomUUID: that needs a secure context, and a phone on the LAN is plain http. */
const newRequestId = () => Math.random().toString(36).slice(2, 10)

export function Commands({ deviceId }: { deviceId: string }) {
  const { publish } = usePublish()
  // The same telemetry topic as the Telemetry card: one SUBSCRIBE at the broker serves both.
  const { data: reading } = useTopic<Reading>(`devices/${deviceId}/telemetry`, { codec: 'json' })
  const { data: reply } = useTopic<Reply>(`devices/${deviceId}/reply/+`, { codec: 'json' })
  const [outcome, setOutcome] = useState<Outcome>()
  const [setpoint, setSetpoint] = useState('21')

  const send = (command: string, payload: Record<string, unknown>) => {
    const requestId = newRequestId()
    setOutcome({ requestId, command, state: 'sent' })
    const settle = (next: Partial<Outcome>) => setOutcome(o => (o?.requestId === requestId ? { ...o, ...next } : o))
    publish(`devices/${deviceId}/cmd/${command}`, { ...payload, requestId }, { qos: 1 }).then(
      () => settle({ state: 'acknowledged' }),
      (error: Error) => settle({ state: 'failed', error: error.message }),
    )
  }
  const onSetpoint = (e: FormEvent) => {
    e.preventDefault()
    send('setpoint', { value: Number(setpoint) })
  }
  const replyFresh = reply && outcome && reply.requestId === outcome.requestId

  return (
    <section className="card commands" aria-labelledby="commands-title">
      <div className="card-head">
        <h2 id="commands-title">Commands</h2>
        <span className="muted small">QoS 1</span>
      </div>
      <p className="muted small">
        Fan {reading?.fan === undefined ? '–' : reading.fan ? 'on' : 'off'} · setpoint {reading?.setpoint ?? '–'} °C
      </p>
      <div className="buttons">
        <button type="button" onClick={() => send('fan', { on: true })}>
          Fan on
        </button>
        <button type="button" className="secondary" onClick={() => send('fan', { on: false })}>
          Fan off
        </button>
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
            {outcome ? `${outcome.command}: ${outcome.state}${outcome.error ? ` (${outcome.error})` : ''}` : 'No command sent yet'}
          </dd>
        </div>
        <div>
          <dt>Device reply</dt>
          <dd data-testid="command-reply" data-ok={reply ? String(reply.ok) : undefined} className={reply ? (reply.ok ? 'reply-ok' : 'reply-error') : undefined}>
            {reply
              ? `${reply.command}: ${reply.ok ? `ok · fan ${reply.state?.fan ? 'on' : 'off'}, setpoint ${reply.state?.setpoint} °C` : `refused · ${reply.error}`}${replyFresh ? '' : ' (earlier command)'}`
              : 'Waiting for a command'}
          </dd>
        </div>
      </dl>
    </section>
  )
}
