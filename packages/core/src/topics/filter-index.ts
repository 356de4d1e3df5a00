import { sharedFilterStart } from './shared-subscription.js'
import { validateFilter } from './validate-filter.js'

const DOLLAR = 0x24

/** A filter string ending at a trie node, with the values held under it. */
interface Entry<T> {
  readonly filter: string
  readonly values: Set<T>
}

/** One filter level. Wildcard children are kept apart so matching never scans. */
interface TrieNode<T> {
  literals: Map<string, TrieNode<T>> | undefined
  plus: TrieNode<T> | undefined
  hash: TrieNode<T> | undefined
  /** Copied on write, so a `match` in progress keeps a stable list. */
  entries: readonly Entry<T>[] | undefined
}

function node<T>(): TrieNode<T> {
  return { literals: undefined, plus: undefined, hash: undefined, entries: undefined }
}

function isEmpty<T>(n: TrieNode<T>): boolean {
  return n.entries === undefined && n.plus === undefined && n.hash === undefined && n.literals === undefined
}

/** The levels the trie is keyed by: those of the filter after any `$share/<group>/`. */
function levels(filter: string): string[] {
  return filter.slice(sharedFilterStart(filter)).split('/')
}

/**
 * Topic filters and the values (observers, tabs, ...) held under each, in a trie
 * keyed by filter level, so matching a topic costs the number of matching trie
 * paths, not the number of filters held. Shared filters (`$share/<group>/<f>`) are
 * matched as `f` and visited under their full filter.
 *
 * @example
 * const index = new FilterIndex<string>()
 * index.add('sensors/+/temp', 'tab-1')
 * index.add('sensors/#', 'tab-2')
 * index.match('sensors/kitchen/temp', (filter, tabs) => console.log(filter, [...tabs]))
 * // sensors/# [ 'tab-2' ]      (in no particular order)
 * // sensors/+/temp [ 'tab-1' ]
 */
export class FilterIndex<T> {
  // Not `#private`: tests count its nodes to check that deletes prune.
  private readonly root: TrieNode<T> = node()
  readonly #byFilter = new Map<string, Set<T>>()

  /** The number of distinct filters held (each with at least one value). */
  get size(): number {
    return this.#byFilter.size
  }

  /**
   * Holds `value` under `filter`; returns `true` if the filter is new to the index
   * (its first value: time to subscribe at the broker).
   * Throws `PubSubError` `INVALID_FILTER` for an invalid filter.
   */
  add(filter: string, value: T): boolean {
    const held = this.#byFilter.get(filter)
    if (held !== undefined) {
      held.add(value)
      return false
    }
    validateFilter(filter)
    const values = new Set<T>([value])
    this.#byFilter.set(filter, values)
    let n = this.root
    for (const level of levels(filter)) {
      let child: TrieNode<T> | undefined
      if (level === '+') child = n.plus ??= node()
      else if (level === '#') child = n.hash ??= node()
      else {
        const literals = (n.literals ??= new Map())
        child = literals.get(level)
        if (child === undefined) literals.set(level, (child = node()))
      }
      n = child
    }
    n.entries = n.entries === undefined ? [{ filter, values }] : [...n.entries, { filter, values }]
    return true
  }

  /**
   * Drops `value` from `filter`; returns whether it was held. The filter goes
   * when its last value does (then `has(filter)` is `false`: time to unsubscribe).
   */
  delete(filter: string, value: T): boolean {
    const values = this.#byFilter.get(filter)
    if (values === undefined || !values.delete(value)) return false
    if (values.size > 0) return true
    this.#byFilter.delete(filter)
    const keys = levels(filter)
    const path: TrieNode<T>[] = [this.root]
    let n: TrieNode<T> | undefined = this.root
    for (const level of keys) {
      n = level === '+' ? n.plus : level === '#' ? n.hash : n.literals?.get(level)
      if (n === undefined) return true // unreachable: held filters have a path
      path.push(n)
    }
    const rest = n.entries?.filter((e) => e.filter !== filter)
    n.entries = rest === undefined || rest.length === 0 ? undefined : rest
    // Prune the nodes left empty, deepest first.
    for (let depth = keys.length; depth > 0; depth--) {
      const child = path[depth]
      const parent = path[depth - 1]
      if (child === undefined || parent === undefined || !isEmpty(child)) break
      const level = keys[depth - 1]
      if (level === '+') parent.plus = undefined
      else if (level === '#') parent.hash = undefined
      else if (parent.literals !== undefined && level !== undefined) {
        parent.literals.delete(level)
        if (parent.literals.size === 0) parent.literals = undefined
      }
    }
    return true
  }

  /** Whether `filter` is held (with at least one value). */
  has(filter: string): boolean {
    return this.#byFilter.has(filter)
  }

  /** The values held under `filter` (live, do not keep), or `undefined`. */
  values(filter: string): ReadonlySet<T> | undefined {
    return this.#byFilter.get(filter)
  }

  /** The filters held, in the order they were first added. */
  filters(): IterableIterator<string> {
    return this.#byFilter.keys()
  }

  /**
   * Calls `visit` once for each held filter that matches topic name `topic`
   * (MQTT 4.7, with `$` topics skipped by leading wildcards), with the filter's
   * live values. `visit` may add and delete: a filter deleted before its turn
   * is not visited, one added during the match may or may not be.
   */
  match(topic: string, visit: (filter: string, values: ReadonlySet<T>) => void): void {
    const root = this.root
    if (topic.charCodeAt(0) === DOLLAR) {
      // MQTT 4.7.2: a filter starting with "+" or "#" does not match a "$" topic.
      const end = topic.indexOf('/')
      const child = root.literals?.get(end === -1 ? topic : topic.slice(0, end))
      if (child !== undefined) walk(child, topic, end === -1 ? topic.length + 1 : end + 1, visit)
    } else {
      walk(root, topic, 0, visit)
    }
  }
}

function emit<T>(entries: readonly Entry<T>[] | undefined, visit: (filter: string, values: ReadonlySet<T>) => void): void {
  if (entries === undefined) return
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!
    if (entry.values.size > 0) visit(entry.filter, entry.values)
  }
}

/** Visits the filters below `n`, which matched the topic up to `pos` (past the end: all of it). */
function walk<T>(n: TrieNode<T>, topic: string, pos: number, visit: (filter: string, values: ReadonlySet<T>) => void): void {
  const length = topic.length
  if (pos > length) {
    emit(n.entries, visit)
    // "#" also matches its parent level: "sport/#" matches "sport" (MQTT 4.7.1.2).
    if (n.hash !== undefined) emit(n.hash.entries, visit)
    return
  }
  if (n.hash !== undefined) emit(n.hash.entries, visit)
  let end = topic.indexOf('/', pos)
  if (end === -1) end = length
  if (n.literals !== undefined) {
    const child = n.literals.get(topic.slice(pos, end))
    if (child !== undefined) walk(child, topic, end + 1, visit)
  }
  if (n.plus !== undefined) walk(n.plus, topic, end + 1, visit)
}
