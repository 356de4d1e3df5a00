/** MQTT topic names and filters (MQTT 3.1.1 / 5.0 section 4.7, shared subscriptions 4.8.2). */
export { validateTopicName } from './validate-topic-name.js'
export { validateFilter } from './validate-filter.js'
export { parseSharedFilter } from './shared-subscription.js'
export type { SharedFilter } from './shared-subscription.js'
export { matchTopic } from './match-topic.js'
export { filterCovers } from './filter-covers.js'
export { FilterIndex } from './filter-index.js'
export { MAX_TOPIC_BYTES } from './topic-text.js'
