// Amplify PubSub v6 with its MQTT-over-WebSocket provider (MqttOverWS, Paho inside), pointed at the
// bench broker. It decodes every payload as JSON itself and tags each message with its topic.
import { PubSub } from '@aws-amplify/pubsub/mqtt'
import { broker, expose, filter, firstMessageClock, mode, pageCounter } from './harness.js'

const pubsub = new PubSub({ endpoint: broker, aws_appsync_dangerously_connect_to_http_endpoint_for_testing: true } as never)
// The topic hides under a module-private symbol: find it once.
let topicKey: symbol | undefined
const topicOf = (data: object) => (data as Record<symbol, string>)[(topicKey ??= Object.getOwnPropertySymbols(data)[0]!)]!

if (mode === 'retained') {
  const clock = firstMessageClock()
  pubsub.subscribe({ topics: [filter] }).subscribe({ next: () => clock.hit() })
  expose(pageCounter().side, { retained: () => clock.first })
} else {
  const { counter, side } = pageCounter()
  // Amplify hands over the parsed object only: the byte count is the JSON's length, close enough.
  pubsub.subscribe({ topics: [filter] }).subscribe({ next: data => counter.message(topicOf(data), data, 200) })
  expose(side)
}
