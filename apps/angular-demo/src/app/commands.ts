import { ChangeDetectionStrategy, Component, computed, input, signal } from '@angular/core'
import { injectPublish, injectTopic } from '@tabmq/angular'
import { COMMAND_BUTTONS, type Command, deviceState, deviceTopics, type Outcome, type Reading, type Reply, replyText, resultText, SETPOINT_DEFAULT, sendCommand, setpointCommand } from '@tabmq/demo-kit'

@Component({
  selector: 'section[app-commands]',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'card commands', 'aria-labelledby': 'commands-title' },
  template: `
    <div class="card-head">
      <h2 id="commands-title">Commands</h2>
      <span class="muted small">QoS 1</span>
    </div>
    <p class="muted small">{{ state() }}</p>
    <div class="buttons">
      @for (button of buttons; track button.label) {
        <button type="button" [class.secondary]="button.secondary" (click)="send(button)">{{ button.label }}</button>
      }
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
        <dd data-testid="command-reply" [attr.data-ok]="replyOk()" [class]="reply() ? (reply()!.ok ? 'reply-ok' : 'reply-error') : ''">{{ replyLine() }}</dd>
      </div>
    </dl>
  `,
})
export class Commands {
  readonly deviceId = input.required<string>()
  readonly #topics = computed(() => deviceTopics(this.deviceId()))
  readonly #publisher = injectPublish()
  // The same telemetry topic as the Telemetry card: one SUBSCRIBE at the broker serves both.
  readonly #telemetry = injectTopic<Reading>(() => this.#topics().telemetry, { codec: 'json' })
  readonly #replies = injectTopic<Reply>(() => this.#topics().replies, { codec: 'json' })
  protected readonly buttons = COMMAND_BUTTONS
  protected readonly outcome = signal<Outcome | undefined>(undefined)
  protected readonly setpoint = signal(SETPOINT_DEFAULT)

  protected readonly reply = computed(() => this.#replies().data)
  protected readonly state = computed(() => deviceState(this.#telemetry().data))
  protected readonly result = computed(() => resultText(this.outcome()))
  protected readonly replyOk = computed(() => {
    const reply = this.reply()
    return reply ? String(reply.ok) : null
  })
  protected readonly replyLine = computed(() => replyText(this.reply(), this.outcome()))

  protected send(command: Command): void {
    sendCommand(this.#publisher.publish, this.deviceId(), command, change => this.outcome.update(change))
  }

  protected onSetpoint(event: Event): void {
    event.preventDefault()
    this.send(setpointCommand(this.setpoint()))
  }

  protected inputValue(event: Event): string {
    return (event.target as HTMLInputElement).value
  }
}
