import { demoSettings, type SettingName } from '@tabmq/demo-kit'

// Build-time settings: angular.json's `define`, or `ng build --define "TABMQ_BROKER_URL='wss://…'"`
// (`typeof` guards: a command line that defines one of them does not leave the others undeclared).
// The builder replaces each name where it stands, so they are read one by one, not by a computed name.
declare const TABMQ_BROKER_URL: string | undefined
declare const TABMQ_DEVICE_ID: string | undefined
declare const TABMQ_PROVIDER: string | undefined
const BUILD: Partial<Record<SettingName, string>> = {
  BROKER_URL: typeof TABMQ_BROKER_URL === 'string' ? TABMQ_BROKER_URL : undefined,
  DEVICE_ID: typeof TABMQ_DEVICE_ID === 'string' ? TABMQ_DEVICE_ID : undefined,
  PROVIDER: typeof TABMQ_PROVIDER === 'string' ? TABMQ_PROVIDER : undefined,
}

/** The dashboard's settings: the page's query over the build's over defaults (see @tabmq/demo-kit's demoSettings). */
export const settings = demoSettings({ app: 'angular-demo', env: name => BUILD[name] })
