import { demoSettings } from '@tabmq/demo-kit'

/**
 * The dashboard's settings: the page's query over `VITE_*` variables over defaults (see
 * @tabmq/demo-kit's demoSettings). Vite replaces `import.meta.env` with the build's variables.
 */
export const settings = demoSettings({ app: 'vue-demo', env: name => import.meta.env[`VITE_${name}`] })
