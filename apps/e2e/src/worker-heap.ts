/**
 * The JS heap of a SharedWorker, read through the DevTools protocol after a forced garbage
 * collection: the hub's real memory, which no page can read (`performance.memory` exists in
 * windows only, and `measureUserAgentSpecificMemory` needs cross-origin isolation).
 */
import type { Browser, CDPSession } from 'playwright-core'

interface TargetInfo {
  targetId: string
  type: string
  url: string
}

/** Sends one command to an attached target through the browser session (non-flat attach). */
function sendToTarget(cdp: CDPSession, sessionId: string, method: string, params: object = {}): Promise<Record<string, unknown>> {
  const id = Math.floor(Math.random() * 1e9)
  return new Promise((resolve, reject) => {
    const onMessage = (event: { sessionId: string; message: string }) => {
      if (event.sessionId !== sessionId) return
      const reply = JSON.parse(event.message) as { id?: number; result?: Record<string, unknown>; error?: { message: string } }
      if (reply.id !== id) return
      cdp.off('Target.receivedMessageFromTarget', onMessage)
      if (reply.error) reject(new Error(`${method}: ${reply.error.message}`))
      else resolve(reply.result ?? {})
    }
    cdp.on('Target.receivedMessageFromTarget', onMessage)
    cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject)
  })
}

/**
 * Bytes used by the heap of the SharedWorker whose script URL starts with `origin`, after two
 * forced garbage collections. Fails when there is not exactly one such worker.
 *
 * @example
 * const before = await sharedWorkerHeap(browser, server.origin)
 */
export async function sharedWorkerHeap(browser: Browser, origin: string): Promise<number> {
  const cdp = await browser.newBrowserCDPSession()
  try {
    const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: TargetInfo[] }
    const workers = targetInfos.filter(t => t.type === 'shared_worker' && t.url.startsWith(origin))
    if (workers.length !== 1) throw new Error(`Expected one SharedWorker of ${origin}, found ${workers.length}: ${JSON.stringify(targetInfos.map(t => [t.type, t.url]))}`)
    const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId: workers[0]!.targetId, flatten: false })) as { sessionId: string }
    try {
      await sendToTarget(cdp, sessionId, 'HeapProfiler.collectGarbage')
      await sendToTarget(cdp, sessionId, 'HeapProfiler.collectGarbage')
      const usage = await sendToTarget(cdp, sessionId, 'Runtime.getHeapUsage')
      return usage.usedSize as number
    } finally {
      await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => {})
    }
  } finally {
    await cdp.detach().catch(() => {})
  }
}
