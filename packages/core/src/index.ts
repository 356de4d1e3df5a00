export { createPubSub } from './create-pubsub.js'
export type { CreatePubSubOptions, ObserveOptions, PubSub } from './create-pubsub.js'
export type { SubscriptionStatus } from './client/local-subscriptions.js'
export { createTopicStore, IDLE_TOPIC, idleTopic } from './client/topic-store.js'
export type { TopicOptions, TopicSource, TopicState, TopicStatus, TopicStore } from './client/topic-store.js'
export { PubSubError, toPubSubError } from './errors.js'
export type { PubSubErrorCode, PubSubErrorData } from './errors.js'
export { Observable } from './observable.js'
export type { Observer, Subscription } from './observable.js'
export { encodePayload, decodePayload } from './codec.js'
export type { ProviderConfig, HubApi } from './protocol.js'
export type {
  Codec,
  ConnectionState,
  ConnectionStats,
  ConnectionStatus,
  HubStats,
  HubTransport,
  Message,
  OfflineQueueOptions,
  Payload,
  PublishOptions,
  PublishProperties,
  QoS,
  ReadableStore,
  ReconnectOptions,
  SubscribeOptions,
} from './types.js'
