export { createPubSub } from './create-pubsub'
export type { CreatePubSubOptions, ObserveOptions, PubSub } from './create-pubsub'
export type { SubscriptionStatus } from './client/local-subscriptions'
export { PubSubError } from './errors'
export type { PubSubErrorCode, PubSubErrorData } from './errors'
export { Observable } from './observable'
export type { Observer, Subscription } from './observable'
export { encodePayload, decodePayload } from './codec'
export { validateTopicName, validateFilter, matchTopic, parseSharedFilter } from './topics'
export type { ProviderConfig, HubApi } from './protocol'
export type {
  Codec,
  ConnectionState,
  ConnectionStats,
  ConnectionStatus,
  HubStats,
  Message,
  OfflineQueueOptions,
  Payload,
  PublishOptions,
  PublishProperties,
  QoS,
  ReadableStore,
  ReconnectOptions,
  SubscribeOptions,
} from './types'
