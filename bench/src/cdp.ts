import WebSocket from 'ws'

interface Pending {
  resolve(value: unknown): void
  reject(error: Error): void
  method: string
}

/**
 * A bare Chrome DevTools Protocol connection: commands in, results out, nothing enabled by itself.
 * Every method sent is recorded, so a run can show which domains its driver touched.
 */
export class Cdp {
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  /** Each distinct method sent, with how often: the proof that no domain was enabled. */
  readonly methodsSent = new Map<string, number>()

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', data => {
      const message = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } }
      if (message.id === undefined) return // events: none are subscribed to, the few Target ones are ignored
      const pending = this.pending.get(message.id)
      if (!pending) return
      this.pending.delete(message.id)
      if (message.error) pending.reject(new Error(`${pending.method}: ${message.error.message}`))
      else pending.resolve(message.result)
    })
    socket.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error(`${p.method}: the DevTools connection closed`))
      this.pending.clear()
    })
  }

  static connect(url: string): Promise<Cdp> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { perMessageDeflate: false })
      socket.once('open', () => resolve(new Cdp(socket)))
      socket.once('error', reject)
    })
  }

  send<T = unknown>(method: string, params: object = {}, sessionId?: string): Promise<T> {
    const id = this.nextId++
    this.methodsSent.set(method, (this.methodsSent.get(method) ?? 0) + 1)
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, method })
      this.socket.send(JSON.stringify(sessionId ? { id, method, params, sessionId } : { id, method, params }))
    })
  }

  close(): void {
    this.socket.close()
  }
}
