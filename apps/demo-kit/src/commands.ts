import type { Payload, PublishOptions } from '@tabmq/core'
import { deviceTopics } from './device-topics'
import type { Reading } from './telemetry'

/** A command to the device: published to devices/<id>/cmd/<command> (see apps/broker/src/commands.ts). */
export interface Command {
  command: string
  payload: Record<string, unknown>
}

/** A button of the commands card. */
export interface CommandButton extends Command {
  label: string
  /** Drawn in the secondary style. */
  secondary?: boolean
}

/**
 * The commands card's buttons, in order.
 *
 * @example
 * COMMAND_BUTTONS.map(b => <button onClick={() => send(b)}>{b.label}</button>)
 */
export const COMMAND_BUTTONS: readonly CommandButton[] = [
  { label: 'Fan on', command: 'fan', payload: { on: true } },
  { label: 'Fan off', command: 'fan', payload: { on: false }, secondary: true },
]

/** The setpoint form's starting value, in °C. */
export const SETPOINT_DEFAULT = '21'

/**
 * The setpoint form's command; the device refuses a value out of its range (and says so).
 *
 * @example
 * send(setpointCommand(input.value))
 */
export function setpointCommand(value: string | number): Command {
  return { command: 'setpoint', payload: { value: Number(value) } }
}

/** The device's answer on devices/<id>/reply/<command>. */
export interface Reply {
  ok: boolean
  command: string
  error?: string
  requestId?: string
  state?: { fan: boolean; setpoint: number }
}

/** How the last command this tab sent is going. */
export interface Outcome {
  requestId: string
  command: string
  state: 'sent' | 'acknowledged' | 'failed'
  error?: string
}

/** A binding's publish (`usePublish().publish`, `injectPublish().publish`). */
export type Publish = (topic: string, payload: Payload, options: PublishOptions) => Promise<unknown>

/** Applies a change to the outcome held in the framework's state (`setState`, a ref, a signal's `update`). */
export type UpdateOutcome = (change: (current: Outcome | undefined) => Outcome | undefined) => void

/** Not crypto.randomUUID: that needs a secure context, and a phone on the LAN is plain http. */
const newRequestId = () => Math.random().toString(36).slice(2, 10)

/**
 * Publishes `command` with QoS 1 and a fresh request id, and reports its outcome: sent, then
 * acknowledged (PUBACK) or failed with the error. An older command's outcome no longer changes the
 * newest one.
 *
 * @example
 * sendCommand(publish, deviceId, COMMAND_BUTTONS[0], change => setOutcome(change))
 */
export function sendCommand(publish: Publish, deviceId: string, { command, payload }: Command, update: UpdateOutcome): void {
  const requestId = newRequestId()
  update(() => ({ requestId, command, state: 'sent' }))
  const settle = (next: Partial<Outcome>) => update(o => (o?.requestId === requestId ? { ...o, ...next } : o))
  publish(deviceTopics(deviceId).command(command), { ...payload, requestId }, { qos: 1 }).then(
    () => settle({ state: 'acknowledged' }),
    (error: Error) => settle({ state: 'failed', error: error.message }),
  )
}

/**
 * The device's state line: `Fan on · setpoint 21 °C` (`–` for what no reading told yet).
 *
 * @example
 * deviceState(undefined) // 'Fan – · setpoint – °C'
 */
export function deviceState(reading: Reading | undefined): string {
  const fan = reading?.fan === undefined ? '–' : reading.fan ? 'on' : 'off'
  return `Fan ${fan} · setpoint ${reading?.setpoint ?? '–'} °C`
}

/**
 * The result line: `fan: acknowledged`, `fan: failed (<error>)`.
 *
 * @example
 * resultText({ requestId: 'r1', command: 'fan', state: 'sent' }) // 'fan: sent'
 */
export function resultText(outcome: Outcome | undefined): string {
  return outcome ? `${outcome.command}: ${outcome.state}${outcome.error ? ` (${outcome.error})` : ''}` : 'No command sent yet'
}

/**
 * The device's last reply in words, marked when it answers a command other than this tab's last.
 *
 * @example
 * replyText({ ok: false, command: 'setpoint', error: 'too hot' }, undefined) // 'setpoint: refused · too hot (earlier command)'
 */
export function replyText(reply: Reply | undefined, outcome: Outcome | undefined): string {
  if (!reply) return 'Waiting for a command'
  const fresh = outcome !== undefined && reply.requestId === outcome.requestId
  const what = reply.ok ? `ok · fan ${reply.state?.fan ? 'on' : 'off'}, setpoint ${reply.state?.setpoint} °C` : `refused · ${reply.error}`
  return `${reply.command}: ${what}${fresh ? '' : ' (earlier command)'}`
}
