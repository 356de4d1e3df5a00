/**
 * What elected workers say to each other. MessagePorts cannot cross a BroadcastChannel, so the
 * relay stands in for its tab: it carries the tab's calls to the host, the host's events back to
 * the tab's delivery port, and the host's calls of the tab's provider functions (credentials).
 */
import type { PubSubErrorData } from '../errors.js'
import type { HubApi, OpenRequest, TabEvent } from '../protocol.js'

/** On the discovery channel. */
export type DiscoveryMessage =
  /** A candidate asks who hosts; it will relay on link `link`. */
  | { t: 'where'; link: string }
  /** The host answers candidate `link` (its link channel is open). */
  | { t: 'here'; host: string; link: string }
  /** A worker became host: relays of any other host drop their link (that host was replaced). */
  | { t: 'host'; host: string }

/** The HubApi methods a relay forwards as they are (open carries a port and functions: its own message). */
export type ForwardedMethod = Exclude<keyof HubApi, 'open'>

/** From a relay to its host, on their link channel. */
export type RelayMessage =
  | { t: 'open'; id: number; request: OpenRequest; functions: boolean }
  | { t: 'call'; id: number; method: ForwardedMethod; args: unknown[] }
  /** The answer to a provider function the host called. */
  | { t: 'fn-result'; id: number; ok: true; value: unknown }
  | { t: 'fn-result'; id: number; ok: false; error: PubSubErrorData }
  | { t: 'ping' }

/** From a host to one relay, on their link channel. */
export type HostMessage =
  /** The answer to call `id`; `error` when the hub threw (its methods answer with a Result otherwise). */
  | { t: 'result'; id: number; value: unknown; error?: PubSubErrorData }
  /** What the hub posts to session `session`. */
  | { t: 'event'; session: string; event: TabEvent }
  /** The hub calls provider function `name` of session `session`. */
  | { t: 'fn'; id: number; session: string; name: string; args: unknown[] }
  | { t: 'pong' }
  /** The host stops serving (another worker took over): the relay's tab must move. */
  | { t: 'bye' }
