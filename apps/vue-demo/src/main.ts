import { createApp } from 'vue'
import { createTabmq } from '@tabmq/vue'
import { pubsub } from './pubsub'
import App from './App.vue'
import '@tabmq/demo-kit/styles.css'

createApp(App).use(createTabmq(pubsub)).mount('#app')
