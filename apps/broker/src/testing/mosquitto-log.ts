import type { BrokerView } from './view'

const CONNECTED = /^New client connected from \S+ as (.+) \(p\d+, c(\d), k\d+(?:, u'.*')?\)\.$/
const GONE = [
  /^Client (.+?) (?:closed its connection\.|disconnected[.,:]|disconnected due to |has exceeded timeout)/,
  /^Socket error on client (.+), disconnecting\.$/,
  /^Bad socket read\/write on client (.+?): /,
]
const SUBSCRIBE = /^Received SUBSCRIBE from (.+)$/
const SUBSCRIBE_ITEM = /^\t(.*) \(QoS (\d+)\)$/
const UNSUBSCRIBE = /^Received UNSUBSCRIBE from (.+)$/

/**
 * Feeds Mosquitto 2.0 log lines (`log_type all`, `log_timestamp false`,
 * `connection_messages true`) into a {@link BrokerView}. The formats:
 *
 * ```
 * New client connected from 127.0.0.1:46106 as dup (p5, c1, k60, u'alice').
 * Client dup closed its connection.            (socket closed)
 * Client dup disconnected.                      (after DISCONNECT)
 * Client dup has exceeded timeout, disconnecting.
 * Client dup already connected, closing old connection.   (take-over: no "gone" line follows)
 * Received SUBSCRIBE from dup
 * \tx/# (QoS 1)            requested filter and QoS, one line per filter
 * dup 1 x/#                (log_type subscribe) only for filters that were granted
 * Sending SUBACK to dup
 * Received UNSUBSCRIBE from dup
 * \tx/+
 * dup x/+
 * Sending UNSUBACK to dup
 * ```
 */
export class MosquittoLogParser {
  private block: { kind: 'subscribe' | 'unsubscribe'; clientId: string; pending?: string } | undefined

  constructor(private readonly view: BrokerView) {}

  line(text: string): void {
    this.view.lines.push(text)
    if (this.block && this.inBlock(text, this.block)) return
    this.block = undefined
    let m: RegExpExecArray | null
    if ((m = CONNECTED.exec(text))) {
      this.view.connected(m[1]!, m[2] === '1')
      return
    }
    for (const re of GONE) {
      if ((m = re.exec(text))) {
        this.view.disconnected(m[1]!)
        return
      }
    }
    if ((m = SUBSCRIBE.exec(text))) this.block = { kind: 'subscribe', clientId: m[1]! }
    else if ((m = UNSUBSCRIBE.exec(text))) this.block = { kind: 'unsubscribe', clientId: m[1]! }
  }

  /** Handles a line inside a SUBSCRIBE/UNSUBSCRIBE block; false when the block has ended. */
  private inBlock(text: string, block: NonNullable<MosquittoLogParser['block']>): boolean {
    const { clientId } = block
    if (block.kind === 'subscribe') {
      const item = SUBSCRIBE_ITEM.exec(text)
      if (item) {
        block.pending = item[1]!
        this.view.subscribeRequested(block.pending)
        return true
      }
      const pending = block.pending
      if (pending !== undefined && text.startsWith(`${clientId} `) && text.endsWith(` ${pending}`)) {
        const qos = Number(text.slice(clientId.length + 1, text.length - pending.length - 1))
        if (Number.isInteger(qos)) {
          this.view.subscribed(clientId, pending, qos)
          return true
        }
      }
      return false
    }
    if (text.startsWith('\t')) {
      this.view.unsubscribed(clientId, text.slice(1))
      return true
    }
    return text.startsWith(`${clientId} `)
  }
}
