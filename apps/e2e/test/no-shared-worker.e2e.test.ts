/**
 * Where SharedWorker is missing (Android WebView, Chrome on Android before 148), each tab falls
 * back to a dedicated worker and the workers elect one host: the happy path's message cases must
 * pass as they are, every demo, against aedes (the fallback is the tabs' affair, not the broker's).
 */
import { useChromium } from '../src/chromium'
import { selectedDemos } from '../src/demos'
import { describeMessageCases } from '../src/message-cases'

const chromium = useChromium()

for (const demo of selectedDemos()) describeMessageCases(chromium, demo, 'aedes', 'dedicated')
