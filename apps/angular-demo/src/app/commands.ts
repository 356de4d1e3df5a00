import { ChangeDetectionStrategy, Component, computed, input, signal } from '@angular/core'
import { injectPublish, injectTopic } from '@tabmq/angular'
import type { Reading } from './telemetry'

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

@Component({
  selector: 'section[app-commands]',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'card commands', 'aria-labelledby': 'commands-title' },
  template: `
    <div class="card-head">
      <h2 id="commands-title">Commands</h2>
      <span class="muted small">QoS 1</span>
    </div>
    <p class="muted small">Fan {{ fan() }} · setpoint {{ reading()?.setpoint ?? '–' }} °C</p>
    <div class="buttons">
      <button type="button" (click)="send('fan', { on: true })">Fan on</button>
      <button type="button" class="secondary" (click)="send('fan', { on: false })">Fan off</button>
    </div>
    <form class="inline-form" (submit)="onSetpoint($event)">
      <label for="setpoint">Setpoint</label>
      <input id="setpoint" type="number" step="0.5" [value]="setpoint()" (input)="setpoint.set(inputValue($event))" data-testid="setpoint-input" />
      <span class="unit">°C</span>
      <button type="submit">Set</button>
    </form>
    <dl class="result">
      <div>
        <dt>Result</dt>
        <dd data-testid="command-result" [attr.data-state]="outcome()?.state ?? 'none'" [class]="outcome() ? 'result-' + outcome()!.state : ''">{{ result() }}</dd>
      </div>
      <div>
        <dt>Device reply</dt>
        <dd data-testid="command-reply" [attr.data-ok]="replyOk()" [class]="reply() ? (reply()!.ok ? 'reply-ok' : 'reply-error') : ''">{{ replyText() }}</dd>
      </div>
    </dl>
  `,
})
export class Commands {
  readonly deviceId = input.required<string>()
  readonly #publisher = injectPublish()
  // The same telemetry topic as the Telemetry card: one SUBSCRIBE at the broker serves both.
  readonly #telemetry = injectTopic<Reading>(() => `devices/${this.deviceId()}/telemetry`, { codec: 'json' })
  readonly #replies = injectTopic<Reply>(() => `devices/${this.deviceId()}/reply/+`, { codec: 'json' })
  protected readonly outcome = signal<Outcome | undefined>(undefined)
  protected readonly setpoint = signal('21')

  protected readonly reading = computed(() => this.#telemetry().data)
  protected readonly reply = computed(() => this.#replies().data)
  protected readonly fan = computed(() => {
    const fan = this.reading()?.fan
    return fan === undefined ? '–' : fan ? 'on' : 'off'
  })
  protected readonly result = computed(() => {
    const o = this.outcome()
    return o ? `${o.command}: ${o.state}${o.error ? ` (${o.error})` : ''}` : 'No command sent yet'
  })
  protected readonly replyOk = computed(() => {
    const reply = this.reply()
    return reply ? String(reply.ok) : null
  })
  protected readonly replyText = computed(() => {
    const reply = this.reply()
    if (!reply) return 'Waiting for a command'
    const fresh = reply.requestId === this.outcome()?.requestId
    const what = reply.ok ? `ok · fan ${reply.state?.fan ? 'on' : 'off'}, setpoint ${reply.state?.setpoint} °C` : `refused · ${reply.error}`
    return `${reply.command}: ${what}${fresh ? '' : ' (earlier command)'}`
  })

  protected send(command: string, payload: Record<string, unknown>): void {
    const requestId = newRequestId()
    this.outcome.set({ requestId, command, state: 'sent' })
    const settle = (next: Partial<Outcome>) => this.outcome.update(o => (o?.requestId === requestId ? { ...o, ...next } : o))
    this.#publisher.publish(`devices/${this.deviceId()}/cmd/${command}`, { ...payload, requestId }, { qos: 1 }).then(
      () => settle({ state: 'acknowledged' }),
      (error: Error) => settle({ state: 'failed', error: error.message }),
    )
  }

  protected onSetpoint(event: Event): void {
    event.preventDefault()
    this.send('setpoint', { value: Number(this.setpoint()) })
  }

  protected inputValue(event: Event): string {
    return (event.target as HTMLInputElement).value
  }
}
