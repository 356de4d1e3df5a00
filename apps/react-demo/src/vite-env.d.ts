/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_BROKER_URL?: string
  readonly VITE_DEVICE_ID?: string
}
