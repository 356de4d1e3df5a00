/**
 * What the React, Vue and Angular demos share apart from their framework: each demo keeps only its
 * framework's glue, so the three stay the same dashboard (../shared/DEMO.md). The stylesheet is
 * `@tabmq/demo-kit/styles.css`.
 */
export { demoSettings } from './settings'
export type { DemoSettings, DemoSettingsSource, Platform, SettingName } from './settings'
export { deviceTopics } from './device-topics'
export { deviceStatus, latestReading, telemetryNote, telemetrySeries, TELEMETRY_KEEP } from './telemetry'
export type { DeviceStatus, Reading } from './telemetry'
export { CHART_HEIGHT, CHART_WIDTH, chartView } from './chart'
export type { ChartView, Point } from './chart'
export { COMMAND_BUTTONS, deviceState, replyText, resultText, sendCommand, SETPOINT_DEFAULT, setpointCommand } from './commands'
export type { Command, CommandButton, Outcome, Publish, Reply, UpdateOutcome } from './commands'
export { payloadPreview } from './payload-preview'
export { EXPLORER, explorerEmptyText } from './explorer'
export { CONNECTION_LABELS } from './connection-labels'
export { pollHubStats } from './hub-stats'
