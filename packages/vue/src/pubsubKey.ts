import type { InjectionKey } from 'vue'
import type { PubSub } from '@tabmq/core'

/** Where `createTabmq` and `provideTabmq` put the client and `usePubSub` finds it. */
export const pubsubKey: InjectionKey<PubSub> = Symbol('tabmq')
