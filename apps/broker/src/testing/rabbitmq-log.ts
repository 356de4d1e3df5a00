import { readErlangString, readMqttTopics } from './erlang-terms'
import type { BrokerView } from './view'

/** One log event of RabbitMQ's JSON console formatter (`log.console.formatter = json`). */
interface LogEvent {
  msg?: unknown
  pid?: unknown
}

const CONNECT = 'Received a CONNECT, client ID: '
const SUBSCRIBE = 'Received a SUBSCRIBE for topic(s) '
const UNSUBSCRIBE = 'Received an UNSUBSCRIBE for topic(s) '
/** What a connection process logs as it ends, however it ends (rabbitmq_mqtt and rabbitmq_web_mqtt 3.10). */
const GONE = [
  /^closing (?:Web )?MQTT connection /,
  /^MQTT connection .* will terminate because peer closed/,
  /^MQTT detected (?:network|framing|TLS)/,
  /^MQTT connection .* is closing due to /,
  /^MQTT (?:login failed|cannot accept)/,
  /^MQTT protocol error/,
  /^MQTT disconnecting client /,
  /^Web MQTT disconnecting /,
]

/**
 * Feeds RabbitMQ 3.10 log events (JSON, one per line, connection events at debug level) into a
 * {@link BrokerView}. The MQTT plugin logs each packet from the connection's Erlang process, so
 * the `pid` field ties a SUBSCRIBE to the client id its CONNECT named:
 *
 * ```
 * {"msg":"Received a CONNECT, client ID: \"c1\" (expanded to \"c1\"), username: undefined, clean session: true, protocol version: 4, keepalive: 60","pid":"<0.716.0>",…}
 * {"msg":"Received a SUBSCRIBE for topic(s) [{mqtt_topic,\"a/#\",1}]","pid":"<0.716.0>",…}
 * {"msg":"Received an UNSUBSCRIBE for topic(s) [{mqtt_topic,\"a/#\",undefined}]","pid":"<0.716.0>",…}
 * {"msg":"closing Web MQTT connection <0.716.0> (127.0.0.1:39728 -> 127.0.0.1:21675)","pid":"<0.716.0>",…}
 * ```
 *
 * RabbitMQ grants QoS 2 as 1, and binds a filter to one queue per QoS: a repeated SUBSCRIBE at
 * another QoS adds a subscription instead of replacing it, and an UNSUBSCRIBE removes both. A
 * persistent session keeps only its QoS 1 queue (the QoS 0 one auto-deletes).
 */
export class RabbitLogParser {
  /** Connection process → client id. */
  private readonly clientOf = new Map<string, string>()
  /** Client id → its current connection process (a take-over leaves the old one closing). */
  private readonly processOf = new Map<string, string>()

  constructor(private readonly view: BrokerView) {}

  line(text: string): void {
    this.view.lines.push(text)
    // The few plain lines before the JSON handler is installed; its first event shares a line with one.
    const json = text.indexOf('{"time"')
    if (json < 0) return
    let event: LogEvent
    try {
      event = JSON.parse(text.slice(json)) as LogEvent
    } catch {
      return
    }
    const { msg, pid } = event
    if (typeof msg !== 'string' || typeof pid !== 'string') return
    const clientId = this.clientOf.get(pid)
    if (msg.startsWith(CONNECT)) {
      this.connect(pid, msg)
    } else if (msg.startsWith(SUBSCRIBE)) {
      for (const { name, qos } of readMqttTopics(msg.slice(SUBSCRIBE.length))) {
        this.view.subscribeRequested(name)
        if (clientId !== undefined) this.view.subscribed(clientId, name, Math.min(qos ?? 0, 1), false)
      }
    } else if (msg.startsWith(UNSUBSCRIBE)) {
      if (clientId === undefined) return
      for (const { name } of readMqttTopics(msg.slice(UNSUBSCRIBE.length))) this.view.unsubscribed(clientId, name)
    } else if (GONE.some((re) => re.test(msg))) {
      this.gone(pid)
    }
  }

  private connect(pid: string, msg: string): void {
    const at = msg.indexOf('(expanded to ')
    const id = at < 0 ? undefined : readErlangString(msg, at + '(expanded to '.length)
    const clean = /, clean session: (true|false),/.exec(msg)
    const version = /, protocol version: (\d+)/.exec(msg)
    // RabbitMQ 3.10 answers any other protocol version with CONNACK 1 and closes.
    if (!id || !clean || !version || !['3', '4'].includes(version[1]!)) return
    this.clientOf.set(pid, id.value)
    this.processOf.set(id.value, pid)
    this.view.connected(id.value, clean[1] === 'true')
  }

  private gone(pid: string): void {
    const clientId = this.clientOf.get(pid)
    if (clientId === undefined) return
    this.clientOf.delete(pid)
    if (this.processOf.get(clientId) !== pid) return // taken over by a newer connection
    this.processOf.delete(clientId)
    this.view.disconnected(clientId)
    // A persistent session keeps its durable QoS 1 queue; the QoS 0 one auto-deletes with the connection.
    for (const s of this.view.subscriptions()) if (s.clientId === clientId && s.qos === 0) this.view.unsubscribed(clientId, s.filter, 0)
  }
}
