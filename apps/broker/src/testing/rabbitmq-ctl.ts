import { execFile } from 'node:child_process'
import path from 'node:path'
import type { BrokerSubscription } from './types'

/** How to reach one test node with its CLI: the scripts' folder, the node name and the environment it runs in. */
export interface RabbitNode {
  bin: string
  node: string
  env: NodeJS.ProcessEnv
}

/**
 * Runs `rabbitmqctl -n <node> <args>` and resolves with its stdout. Each call starts an Erlang VM
 * of its own (about a second): use it for what only the broker can say, not to poll.
 */
export function rabbitmqctl(target: RabbitNode, args: string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(path.join(target.bin, 'rabbitmqctl'), ['-n', target.node, ...args], { env: target.env, timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`rabbitmqctl ${args.join(' ')} failed: ${stderr.trim() || error.message}`))
      else resolve(stdout)
    })
  })
}

/** An AMQP binding key of the MQTT plugin as the MQTT filter it came from (`a.*.#` → `a/+/#`). */
export function filterOfKey(key: string): string {
  return key.replace(/\./g, '/').replace(/\*/g, '+')
}

/** One binding from `amq.topic` (the MQTT plugin's exchange) to a queue. */
export interface TopicBinding {
  queue: string
  key: string
}

/**
 * The MQTT subscriptions RabbitMQ holds, from its bindings: the plugin binds each filter from
 * `amq.topic` to the client's queue for the subscription's QoS, `mqtt-subscription-<id>qos0` or
 * `…qos1`.
 */
export function subscriptionsOfBindings(bindings: readonly TopicBinding[]): BrokerSubscription[] {
  const out: BrokerSubscription[] = []
  for (const b of bindings) {
    const m = /^mqtt-subscription-(.*)qos([01])$/.exec(b.queue)
    if (m) out.push({ clientId: m[1]!, filter: filterOfKey(b.key), qos: Number(m[2]) })
  }
  return out
}

/**
 * Erlang evaluated on the node: the client ids its MQTT client-id tracker holds (every MQTT and
 * Web MQTT connection registers there) and the bindings of `amq.topic`, as one JSON line. One
 * CLI call instead of two, and `rabbitmqctl list_mqtt_connections` answers `:not_found` in 3.10.
 */
const HELD = [
  'Bs = rabbit_binding:list_for_source(rabbit_misc:r(<<"/">>, exchange, <<"amq.topic">>)),',
  'J = #{clients => [list_to_binary(Id) || {Id, _} <- rabbit_mqtt_collector:list()],',
  '      bindings => [#{queue => element(4, element(4, B)), key => element(3, B)} || B <- Bs]},',
  'io:format("~s~n", [rabbit_json:encode(J)]).',
].join(' ')

/** What the node itself says it holds: its MQTT clients and subscriptions (one CLI call, about a second). */
export async function rabbitHeld(target: RabbitNode): Promise<{ clients: string[]; subscriptions: BrokerSubscription[] }> {
  const out = await rabbitmqctl(target, ['eval', HELD])
  const line = out.split('\n').find((l) => l.startsWith('{'))
  if (!line) throw new Error(`rabbitmqctl eval printed no JSON: ${out}`)
  const held = JSON.parse(line) as { clients: string[]; bindings: TopicBinding[] }
  return { clients: held.clients, subscriptions: subscriptionsOfBindings(held.bindings) }
}
