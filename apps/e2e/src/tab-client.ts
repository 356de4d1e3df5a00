/**
 * The demo's own client, driven from inside its page (`window.__tabmq`, which each demo sets): the
 * suite publishes, subscribes and reads the hub's stats as the page's code would.
 */
import type { HubStats, PubSub } from '@tabmq/core'
import type { Page } from 'playwright-core'

/** How a call ended in the page: ok, or the error as the page saw it. */
export type Outcome = { ok: true } | { ok: false; name: string; code: string | undefined; message: string }

/** How a stream of publishes from a page ended: every payload sent, and how each settled. */
export interface StreamResult {
  sent: string[]
  /** Payload → how many times its promise settled as resolved (once, or the test fails). */
  resolved: Record<string, number>
  rejected: Array<{ payload: string; code: string | undefined; message: string }>
}

declare global {
  interface Window {
    __tabmq: PubSub
    __stream?: { running: boolean; done: Promise<void>; result: StreamResult }
    __subs?: Record<number, { status: string; code?: string | undefined; messages: string[] }>
  }
}

export class TabClient {
  constructor(readonly page: Page) {}

  /** Waits for the demo to have made its client (its module has run). */
  ready(): Promise<unknown> {
    return this.page.waitForFunction(() => window.__tabmq !== undefined, null, { polling: 20, timeout: 10_000 })
  }

  stats(): Promise<HubStats> {
    return this.page.evaluate(() => window.__tabmq.getStats())
  }

  /** Publishes from the page; the outcome says how it ended (the error's name, code and message). */
  publish(topic: string | string[], payload: unknown, options: { qos?: number; retain?: boolean } = {}): Promise<Outcome> {
    return this.page.evaluate(
      ([t, p, o]) =>
        window.__tabmq.publish(t, p as never, o as never).then(
          () => ({ ok: true as const }),
          (e: { name?: string; code?: string; message?: string }) => ({ ok: false as const, name: String(e?.name), code: e?.code, message: String(e?.message) }),
        ),
      [topic, payload, options] as const,
    )
  }

  /** Subscribes from the page and keeps what arrives; returns the subscription's number. */
  subscribe(filters: string | string[], qos = 0): Promise<number> {
    return this.page.evaluate(
      ([f, q]) => {
        const subs = (window.__subs ??= {})
        const id = Object.keys(subs).length + 1
        const entry: { status: string; code?: string | undefined; messages: string[] } = { status: 'pending', messages: [] }
        subs[id] = entry
        window.__tabmq
          .subscribe(f, {
            qos: q as 0 | 1 | 2,
            codec: 'text',
            onStatus: s => void ((entry.status = s.status), (entry.code = s.status === 'error' ? s.error.code : undefined)),
          })
          .subscribe({ next: m => void entry.messages.push(`${m.topic} ${String(m.data)}`), error: e => void ((entry.status = 'error'), (entry.code = (e as { code?: string }).code)) })
        return id
      },
      [filters, qos] as const,
    )
  }

  subscription(id: number): Promise<{ status: string; code?: string | undefined; messages: string[] } | undefined> {
    return this.page.evaluate(i => window.__subs?.[i], id)
  }

  /** Closes the client; the page stays open (so does the SharedWorker it keeps alive). */
  close(): Promise<void> {
    return this.page.evaluate(() => window.__tabmq.close())
  }

  /**
   * Starts publishing `<prefix>-<n>` to `topic` at QoS 1 every `intervalMs` until {@link stopStream}.
   * Each promise is tracked, so the result says how every single publish settled.
   */
  startStream(topic: string, prefix: string, intervalMs: number): Promise<void> {
    return this.page.evaluate(
      ([t, p, ms]) => {
        const result: StreamResult = { sent: [], resolved: {}, rejected: [] }
        const settled: Promise<void>[] = []
        const stream = { running: true, done: Promise.resolve(), result }
        window.__stream = stream
        stream.done = (async () => {
          for (let n = 0; stream.running; n++) {
            const payload = `${p}-${n}`
            result.sent.push(payload)
            settled.push(
              window.__tabmq.publish(t, payload, { qos: 1 }).then(
                () => void (result.resolved[payload] = (result.resolved[payload] ?? 0) + 1),
                (e: { code?: string; message?: string }) => void result.rejected.push({ payload, code: e?.code, message: String(e?.message) }),
              ),
            )
            await new Promise(r => setTimeout(r, ms))
          }
          await Promise.all(settled)
        })()
      },
      [topic, prefix, intervalMs] as const,
    )
  }

  /** Stops the stream and waits until every publish of it has settled. */
  stopStream(): Promise<StreamResult> {
    return this.page.evaluate(async () => {
      const stream = window.__stream!
      stream.running = false
      await stream.done
      return stream.result
    })
  }
}
