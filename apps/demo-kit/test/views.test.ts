import { describe, expect, it } from 'vitest'
import { CHART_HEIGHT, CHART_WIDTH, chartView, deviceStatus, explorerEmptyText, latestReading, payloadPreview, pollHubStats, telemetryNote, telemetrySeries } from '../src/index'
import type { HubStats } from '@tabmq/core'

describe('chartView', () => {
  it('draws the last minute, the newest point at the right edge, scaled to its own range', () => {
    const view = chartView([
      { ts: 30_000, value: 5 }, // a minute before the newest: left out
      { ts: 45_000, value: 10 },
      { ts: 60_000, value: 20 },
      { ts: 90_000, value: 15 },
    ])
    expect(view).toMatchObject({ count: 3, min: 10, max: 20, range: '10.0–20.0' })
    const points = view.line.split(' ').map(p => p.split(',').map(Number))
    expect(points[2]).toEqual([CHART_WIDTH, CHART_HEIGHT / 2]) // 15: mid range
    expect(points[0]).toEqual([CHART_WIDTH / 4, CHART_HEIGHT - 4]) // 10: bottom, 45 s back
    expect(points[1]).toEqual([CHART_WIDTH / 2, 4]) // 20: top, 30 s back
  })

  it('draws nothing for no points, and a lone point at the bottom right', () => {
    expect(chartView([])).toMatchObject({ count: 0, line: '' })
    expect(chartView([{ ts: 1, value: 3 }]).line).toBe(`${CHART_WIDTH.toFixed(1)},${(CHART_HEIGHT - 4).toFixed(1)}`)
  })
})

describe('telemetry', () => {
  it('splits the readings into series, leaving out payloads that were not JSON', () => {
    const series = telemetrySeries([{ data: { temperature: 21, humidity: 40, ts: 1 } }, { data: undefined }, { data: { temperature: 22, humidity: 41, ts: 2 } }])
    expect(series).toEqual({
      temperature: [
        { ts: 1, value: 21 },
        { ts: 2, value: 22 },
      ],
      humidity: [
        { ts: 1, value: 40 },
        { ts: 2, value: 41 },
      ],
    })
  })

  it('says what the panel shows and waits for', () => {
    expect(deviceStatus(undefined)).toBe('unknown')
    expect(deviceStatus({ online: true })).toBe('online')
    expect(deviceStatus({ online: false })).toBe('offline')
    expect(latestReading(undefined)).toEqual({ temperature: '–', humidity: '–' })
    expect(latestReading({ temperature: 21.26, humidity: 40.5, ts: 0 })).toEqual({ temperature: '21.3', humidity: '41' })
    expect(telemetryNote(undefined, 'pending')).toBe('Subscribing…')
    expect(telemetryNote(undefined, 'active')).toBe('Waiting for the device…')
    expect(telemetryNote({ temperature: 1, humidity: 1, ts: 0 }, 'active')).toBe(`Last reading ${new Date(0).toLocaleTimeString()}`)
  })
})

describe('the explorer', () => {
  it('previews text as it is, cut at 120 characters', () => {
    expect(payloadPreview(new Uint8Array())).toBe('(empty)')
    expect(payloadPreview(new TextEncoder().encode('{"t":21} °C'))).toBe('{"t":21} °C')
    expect(payloadPreview(new TextEncoder().encode('x'.repeat(121)))).toBe(`${'x'.repeat(120)}…`)
  })

  it('previews bytes that are not UTF-8 as hex, the first 32', () => {
    expect(payloadPreview(new Uint8Array([0xff, 0x00, 0x0a]))).toBe('ff 00 0a')
    expect(payloadPreview(new Uint8Array(33).fill(0xfe))).toBe(`${Array(32).fill('fe').join(' ')} …`)
  })

  it('says why the table is empty', () => {
    expect(explorerEmptyText(true, 'a/#/b')).toBe('Fix the filter to see messages.')
    expect(explorerEmptyText(false, '')).toBe('Type a filter, e.g. devices/#')
    expect(explorerEmptyText(false, 'devices/#')).toBe('No messages yet.')
  })
})

describe('pollHubStats', () => {
  it('polls at once and then every interval, keeps the last numbers through a failed poll, and stops', async () => {
    let polls = 0
    const stats = (tabs: number) => ({ transport: 'inline', tabs, connections: [] }) as HubStats
    const pubsub = { getStats: () => (++polls === 2 ? Promise.reject(new Error('busy')) : Promise.resolve(stats(polls))) }
    const seen: number[] = []
    const stop = pollHubStats(pubsub, 10, s => seen.push(s.tabs))
    const deadline = Date.now() + 5000
    while (seen.length < 2 && Date.now() < deadline) await new Promise(r => setTimeout(r, 5))
    expect(seen.slice(0, 2)).toEqual([1, 3])
    stop()
    const stoppedAt = polls
    await new Promise(r => setTimeout(r, 50))
    expect(polls).toBe(stoppedAt)
  })

  it('drops an answer that comes after it stopped', async () => {
    let answer!: (stats: HubStats) => void
    const seen: HubStats[] = []
    const stop = pollHubStats({ getStats: () => new Promise<HubStats>(resolve => (answer = resolve)) }, 60_000, s => seen.push(s))
    stop()
    answer({ transport: 'inline', tabs: 1, connections: [] })
    await new Promise(r => setTimeout(r, 0))
    expect(seen).toEqual([])
  })
})
