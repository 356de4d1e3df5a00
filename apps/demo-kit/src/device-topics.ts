/**
 * The topics of a simulated device of apps/broker (apps/broker/src/device.ts and commands.ts):
 * its telemetry every second, its retained status, commands to it and its replies.
 *
 * @example
 * useTopic<Reading>(deviceTopics('device-1').telemetry, { codec: 'json' })
 */
export function deviceTopics(deviceId: string) {
  return {
    telemetry: `devices/${deviceId}/telemetry`,
    status: `devices/${deviceId}/status`,
    /** Every reply, whatever the command. */
    replies: `devices/${deviceId}/reply/+`,
    command: (name: string) => `devices/${deviceId}/cmd/${name}`,
  }
}
