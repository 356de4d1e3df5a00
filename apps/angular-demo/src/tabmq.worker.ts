import '@tabmq/core/worker'
