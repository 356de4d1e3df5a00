/**
 * Whether some topic name matches both filters (`a/+/c` and `a/b/+` share `a/b/c`). Wildcards at
 * the first level never match `$` topics (MQTT 4.7.2). Assumes both are valid and not shared.
 * @internal
 *
 * @example
 * filtersOverlap('a/+/c', 'a/b/+') // true
 * filtersOverlap('a/#', 'a')       // true: "#" also matches the parent
 * filtersOverlap('a/+', 'a/b/c')   // false
 */
export function filtersOverlap(a: string, b: string): boolean {
  const x = a.split('/')
  const y = b.split('/')
  const wild = (level: string | undefined) => level === '+' || level === '#'
  if ((x[0]!.startsWith('$') && wild(y[0])) || (y[0]!.startsWith('$') && wild(x[0]))) return false
  for (let i = 0; ; i++) {
    const p = x[i]
    const q = y[i]
    if (p === '#' || q === '#') return true
    if (p === undefined || q === undefined) return p === q
    if (p !== '+' && q !== '+' && p !== q) return false
  }
}
