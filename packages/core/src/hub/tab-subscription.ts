import type { Codec, QoS } from '../types.js'
import type { TabLink } from './tab-link.js'

/**
 * One `subscribe()` of a tab, as the hub holds it: the filters it asked for and where its
 * messages go. Not the tab-side Observable's observer: the tab fans a delivery out to those.
 */
export interface TabSubscription {
  link: TabLink
  /** The tab's id for this subscription; deliveries name it. */
  subId: number
  filters: string[]
  qos: QoS
  /** How its messages are decoded, in the hub, before they cross to the tab. */
  codec: Codec
  /** Routing state: waiting for its retained messages (MQTT 3.1.1: only these get retain=1 replays). */
  awaitingRetained: boolean
  /** Routing state: the last message delivered, so overlapping filters deliver once. */
  lastSeq: number
}
