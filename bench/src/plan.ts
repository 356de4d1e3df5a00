/** How much each scenario does: the full run (about 12 minutes here) or BENCH_QUICK=1 (a harness check). */
export interface Plan {
  quick: boolean
  oneTab: { reps: number; messages: number }
  fourTabs: { reps: number; messages: number }
  eightTabs: { reps: number; messages: number }
  latency: { reps: number; messages: number; perSecond: number }
  retained: { reps: number }
  binary: { reps: number; messages: number; size: number }
  memory: { tabs: number; filters: number }
  control: { reps: number; messages: number }
  aedes: { reps: number; one: number; four: number }
}

export function plan(quick: boolean): Plan {
  return quick
    ? {
        quick,
        oneTab: { reps: 1, messages: 5_000 },
        fourTabs: { reps: 1, messages: 3_000 },
        eightTabs: { reps: 1, messages: 1_500 },
        latency: { reps: 1, messages: 1_000, perSecond: 1000 },
        retained: { reps: 1 },
        binary: { reps: 1, messages: 40, size: 64 * 1024 },
        memory: { tabs: 8, filters: 100 },
        control: { reps: 1, messages: 3_000 },
        aedes: { reps: 1, one: 3_000, four: 1_500 },
      }
    : {
        quick,
        oneTab: { reps: 5, messages: 30_000 },
        fourTabs: { reps: 3, messages: 15_000 },
        eightTabs: { reps: 3, messages: 10_000 },
        latency: { reps: 3, messages: 5_000, perSecond: 1000 },
        retained: { reps: 8 },
        binary: { reps: 3, messages: 300, size: 64 * 1024 },
        memory: { tabs: 8, filters: 1_000 },
        control: { reps: 3, messages: 20_000 },
        aedes: { reps: 3, one: 20_000, four: 8_000 },
      }
}

/** The scenarios, in the order they run; BENCH_ONLY=a,b runs a subset while working on the harness. */
export const SCENARIOS = ['sizes', 'one-tab', 'four-tabs', 'eight-tabs', 'latency', 'retained', 'binary', 'memory', 'control', 'aedes', 'hub-internals'] as const
export type Scenario = (typeof SCENARIOS)[number]

export function selected(quick: boolean): Set<Scenario> {
  const only = process.env.BENCH_ONLY?.split(',').map(s => s.trim()).filter(Boolean)
  // Quick mode checks the browser harness; the hub's Node benchmarks take half a minute of their own.
  if (!only) return new Set(SCENARIOS.filter(s => !(quick && s === 'hub-internals')))
  const unknown = only.filter(s => !(SCENARIOS as readonly string[]).includes(s))
  if (unknown.length) throw new Error(`BENCH_ONLY: unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}`)
  return new Set(only as Scenario[])
}
