import { onScopeDispose, shallowRef, toRef, toValue, watch, type MaybeRefOrGetter, type Ref } from 'vue'

/** `source`'s value, once it has stopped changing for `ms`. */
export function useDebounced<T>(source: MaybeRefOrGetter<T>, ms: number): Readonly<Ref<T>> {
  const settled = shallowRef(toValue(source))
  let timer: ReturnType<typeof setTimeout> | undefined
  watch(
    () => toValue(source),
    value => {
      clearTimeout(timer)
      timer = setTimeout(() => (settled.value = value), ms)
    },
  )
  onScopeDispose(() => clearTimeout(timer))
  return toRef(() => settled.value)
}
