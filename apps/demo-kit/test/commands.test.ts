import { describe, expect, it } from 'vitest'
import { COMMAND_BUTTONS, deviceState, type Outcome, type Publish, replyText, resultText, sendCommand, setpointCommand } from '../src/index'

/** A publish whose promise the test settles, and the outcome as a framework's state would hold it. */
function harness() {
  const published: Array<{ topic: string; payload: unknown; options: unknown; settle: (error?: Error) => void }> = []
  const publish: Publish = (topic, payload, options) =>
    new Promise((resolve, reject) => published.push({ topic, payload, options, settle: error => (error ? reject(error) : resolve(undefined)) }))
  let outcome: Outcome | undefined
  const update = (change: (current: Outcome | undefined) => Outcome | undefined) => void (outcome = change(outcome))
  return { published, publish, update, outcome: () => outcome }
}

const tick = () => new Promise(resolve => setTimeout(resolve, 0))

describe('sendCommand', () => {
  it("publishes to the device's command topic with QoS 1 and a request id, sent then acknowledged", async () => {
    const h = harness()
    sendCommand(h.publish, 'device-1', COMMAND_BUTTONS[0]!, h.update)
    expect(h.published).toHaveLength(1)
    const [sent] = h.published
    expect(sent).toMatchObject({ topic: 'devices/device-1/cmd/fan', payload: { on: true }, options: { qos: 1 } })
    const requestId = (sent!.payload as { requestId: string }).requestId
    expect(requestId).toMatch(/^[0-9a-z]+$/)
    expect(h.outcome()).toEqual({ requestId, command: 'fan', state: 'sent' })
    sent!.settle()
    await tick()
    expect(h.outcome()).toEqual({ requestId, command: 'fan', state: 'acknowledged' })
  })

  it("reports a failed publish with its error's message", async () => {
    const h = harness()
    sendCommand(h.publish, 'd', setpointCommand('18.5'), h.update)
    expect(h.published[0]?.payload).toMatchObject({ value: 18.5 })
    h.published[0]!.settle(new Error('Not connected'))
    await tick()
    expect(h.outcome()).toMatchObject({ command: 'setpoint', state: 'failed', error: 'Not connected' })
  })

  it("leaves the newest command's outcome alone when an older one settles", async () => {
    const h = harness()
    sendCommand(h.publish, 'd', COMMAND_BUTTONS[0]!, h.update)
    sendCommand(h.publish, 'd', COMMAND_BUTTONS[1]!, h.update)
    h.published[0]!.settle()
    await tick()
    expect(h.outcome()).toMatchObject({ command: 'fan', state: 'sent', requestId: (h.published[1]!.payload as { requestId: string }).requestId })
  })
})

describe('the commands texts', () => {
  it('say what the last command did', () => {
    expect(resultText(undefined)).toBe('No command sent yet')
    expect(resultText({ requestId: 'r', command: 'fan', state: 'acknowledged' })).toBe('fan: acknowledged')
    expect(resultText({ requestId: 'r', command: 'fan', state: 'failed', error: 'Timed out' })).toBe('fan: failed (Timed out)')
  })

  it("say the device's reply, and whether it answers this tab's last command", () => {
    const outcome: Outcome = { requestId: 'r2', command: 'fan', state: 'acknowledged' }
    expect(replyText(undefined, outcome)).toBe('Waiting for a command')
    const ok = { ok: true, command: 'fan', requestId: 'r2', state: { fan: true, setpoint: 21 } }
    expect(replyText(ok, outcome)).toBe('fan: ok · fan on, setpoint 21 °C')
    expect(replyText({ ...ok, requestId: 'r1' }, outcome)).toBe('fan: ok · fan on, setpoint 21 °C (earlier command)')
    expect(replyText({ ok: false, command: 'setpoint', error: 'setpoint must be between 5 and 35' }, undefined)).toBe(
      'setpoint: refused · setpoint must be between 5 and 35 (earlier command)',
    )
  })

  it("say the device's state, with – for what no reading told yet", () => {
    expect(deviceState(undefined)).toBe('Fan – · setpoint – °C')
    expect(deviceState({ temperature: 20, humidity: 40, ts: 0, fan: false, setpoint: 19.5 })).toBe('Fan off · setpoint 19.5 °C')
  })
})
