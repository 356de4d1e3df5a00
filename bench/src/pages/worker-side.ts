import { createCounter, type Mode } from './counter.js'

declare const self: { postMessage(m: unknown): void; onmessage: ((e: MessageEvent) => void) | null; location: Location }

export function workerParams() {
  const p = new URLSearchParams(self.location.search)
  const mode = (p.get('mode') ?? 'flood') as Mode
  return { broker: p.get('broker')!, mode, filter: p.get('filter') ?? 'bench/#' }
}

/** A counter in a worker: tells the page once it is probed, answers 'arm' with 'done'. */
export function serveCounter(mode: Mode) {
  const counter = createCounter(mode)
  let toldProbed = false
  self.onmessage = (e: MessageEvent<{ t: string; n?: number }>) => {
    if (e.data.t === 'arm') void counter.arm(e.data.n!).then(result => self.postMessage({ t: 'done', result }))
    else if (e.data.t === 'partial') self.postMessage({ t: 'partial', result: counter.result() })
  }
  return {
    message(topic: string, value: unknown, bytes: number) {
      counter.message(topic, value, bytes)
      if (!toldProbed && counter.probed) {
        toldProbed = true
        self.postMessage({ t: 'probed' })
      }
    },
  }
}
