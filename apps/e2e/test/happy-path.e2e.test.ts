/**
 * The happy path of every demo against both brokers: what a user sees (readings, commands, the
 * explorer) rests on the binding of each demo and on how each broker answers, so this runs in
 * full, every demo × every broker. Screenshots go to test-results/screenshots.
 */
import type { BrokerKind } from '@tabmq/broker/testing'
import { useChromium } from '../src/chromium'
import { selectedDemos } from '../src/demos'
import { describeMessageCases } from '../src/message-cases'

/** The embedded aedes and Debian's Mosquitto (named here: a broker added to the fixtures is a choice for this suite's time budget). */
const BROKERS: BrokerKind[] = ['aedes', 'mosquitto']

const chromium = useChromium()

for (const demo of selectedDemos()) for (const kind of BROKERS) describeMessageCases(chromium, demo, kind, 'shared')
