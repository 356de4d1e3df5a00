/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_BROKER_URL?: string
  readonly VITE_DEVICE_ID?: string
  readonly VITE_PROVIDER?: string
  readonly VITE_AWS_REGION?: string
  readonly VITE_AWS_ENDPOINT?: string
  readonly VITE_AWS_ACCESS_KEY_ID?: string
  readonly VITE_AWS_SECRET_ACCESS_KEY?: string
  readonly VITE_WATSON_ORG?: string
  readonly VITE_WATSON_TOKEN?: string
  readonly VITE_AZURE_ID_SCOPE?: string
  readonly VITE_AZURE_GROUP_KEY?: string
}
