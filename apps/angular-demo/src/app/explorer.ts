import { ChangeDetectionStrategy, Component, computed, signal } from '@angular/core'
import { injectTopic } from '@tabmq/angular'
import { EXPLORER, explorerEmptyText, payloadPreview } from '@tabmq/demo-kit'
import { debounced } from './debounced'

@Component({
  selector: 'section[app-explorer]',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'card explorer', 'aria-labelledby': 'explorer-title' },
  template: `
    <div class="card-head">
      <h2 id="explorer-title">Topic explorer</h2>
      <span [class]="'badge badge-sub-' + topic().status" data-testid="explorer-status">{{ topic().status }}</span>
    </div>
    <label class="field">
      <span class="muted small">Topic filter (+ one level, # the rest)</span>
      <input
        [value]="input()"
        (input)="input.set(inputValue($event))"
        spellcheck="false"
        autocapitalize="off"
        autocomplete="off"
        [attr.aria-invalid]="topic().error ? true : null"
        [attr.aria-describedby]="topic().error ? 'explorer-error' : null"
        data-testid="explorer-input"
      />
    </label>
    @if (topic().error; as error) {
      <p id="explorer-error" class="field-error" role="alert" data-testid="explorer-error" [attr.data-code]="error.code">{{ error.message }}</p>
    }
    <div class="table-wrap">
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
          @for (row of rows(); track row.message) {
            <tr data-testid="explorer-row">
              <td class="mono topic">{{ row.message.topic }}</td>
              <td class="mono payload">{{ row.preview }}</td>
              <td>{{ row.message.qos }}</td>
              <td>{{ row.message.retain ? 'yes' : '' }}</td>
            </tr>
          } @empty {
            <tr>
              <td colspan="4" class="muted empty">{{ emptyText() }}</td>
            </tr>
          }
        </tbody>
      </table>
    </div>
  `,
})
export class Explorer {
  protected readonly input = signal(EXPLORER.initialFilter)
  readonly #filter = debounced(
    computed(() => this.input().trim()),
    EXPLORER.debounceMs,
  )
  // Checked by the hub like every filter: a bad one fails this subscription alone, with the reason.
  protected readonly topic = injectTopic(this.#filter, { codec: 'binary', keep: EXPLORER.keep, enabled: () => this.#filter() !== '' })
  protected readonly rows = computed(() =>
    [...this.topic().messages].reverse().map(message => ({ message, preview: payloadPreview(message.payload) })),
  )
  protected readonly emptyText = computed(() => explorerEmptyText(Boolean(this.topic().error), this.#filter()))

  protected inputValue(event: Event): string {
    return (event.target as HTMLInputElement).value
  }
}
