/** MQTT topic names and filters (MQTT 3.1.1 / 5.0 section 4.7, shared subscriptions 4.8.2). */
export { validateTopicName } from './validate-topic-name'
export { validateFilter } from './validate-filter'
export { parseSharedFilter } from './shared-subscription'
export type { SharedFilter } from './shared-subscription'
export { matchTopic } from './match-topic'
export { filterCovers } from './filter-covers'
export { FilterIndex } from './filter-index'
export { MAX_TOPIC_BYTES } from './topic-text'
