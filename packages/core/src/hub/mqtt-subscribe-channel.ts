import type { QoS } from '../types.js'
import type { SubscribeAnswer, SubscribeChannel } from './broker-subscriptions.js'
import type { MqttClient } from './mqtt-client.js'

/**
 * The broker-subscription bookkeeping's channel over an mqtt.js client. MQTT 5 subscriptions carry
 * their subscription identifier and Retain As Published (so the retained cache stays exact).
 *
 * @example
 * new BrokerSubscriptions(mqttSubscribeChannel(() => lifecycle.client, true), events, options)
 */
export function mqttSubscribeChannel(client: () => MqttClient | undefined, v5: boolean): SubscribeChannel {
  return {
    get connected() {
      return client()?.connected ?? false
    },
    subscribe(filter: string, qos: QoS, id: number, answer: (answer: SubscribeAnswer) => void): void {
      const options = v5 ? { qos, rap: true, properties: { subscriptionIdentifier: id } } : { qos }
      client()?.subscribe(filter, options, (error, granted) => {
        // mqtt.js reports a refusal as an error carrying the SUBACK packet with its return codes.
        const returned = (error as { packet?: { granted?: number[] } } | null)?.packet?.granted?.[0]
        const code = typeof returned === 'number' ? returned : granted?.[0]?.qos
        if (typeof code === 'number' && code >= 0x80) return answer({ refused: code })
        answer(error ? 'lost' : 'granted')
      })
    },
    unsubscribe(filter: string): void {
      client()?.unsubscribe(filter)
    },
  }
}
