/**
 * A provider's factory (tab side) and its resolver (hub side) live in one folder: this checks that
 * bundling still keeps them apart, the way a bundler follows the imports. A tab loading
 * `@tabmq/core/providers` must not get a resolver, mqtt.js or the AWS signing code; the worker's
 * resolvers must not get the tab's factories or client.
 */
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Metafile } from 'esbuild'
import { describe, expect, it } from 'vitest'

const src = join(dirname(fileURLToPath(import.meta.url)), '../../src')

async function reach(entry: string): Promise<{ files: string[]; packages: string[] }> {
  const result = await build({ entryPoints: [join(src, entry)], bundle: true, write: false, metafile: true, format: 'esm', platform: 'browser', packages: 'external', logLevel: 'silent' })
  const inputs: Metafile['inputs'] = result.metafile.inputs
  const files = Object.keys(inputs).map(f => relative(src, f).replaceAll('\\', '/')).sort()
  const packages = [...new Set(Object.values(inputs).flatMap(i => i.imports.filter(x => x.external).map(x => x.path)))].sort()
  return { files, packages }
}

describe('the tab and the worker sides of the providers', () => {
  it('share no code but PubSubError', async () => {
    const [tab, hub] = await Promise.all([reach('providers/index.ts'), reach('providers/resolvers.ts')])
    expect(tab.packages).toEqual([])
    expect(tab.files.filter(f => /resolvers?\.ts$|^hub\//.test(f))).toEqual([])
    expect(hub.files.filter(f => /factory\.ts$|^client\/|create-pubsub/.test(f))).toEqual([])
    expect(hub.packages).toEqual(expect.arrayContaining(['@smithy/signature-v4', 'mqtt']))
    // A module both reach would be a chunk every tab loads beside the lazily loaded in-process hub:
    // the kinds and the function placeholder are shared as types (`satisfies`), not as imports.
    expect(tab.files.filter(f => hub.files.includes(f))).toEqual(['errors.ts'])
  })
})
