import { createApp } from 'vue'
import { createTabmq } from '@tabmq/vue'
import { pubsub } from './pubsub'
import App from './App.vue'
import './styles.css'

createApp(App).use(createTabmq(pubsub)).mount('#app')
