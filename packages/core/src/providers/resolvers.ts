import type { ProviderResolver } from '../hub/provider.js'
import { AWS_IOT_KIND } from './aws-iot/kind.js'
import { resolveAwsIot } from './aws-iot/resolver.js'
import { AZURE_DPS_KIND } from './azure-dps/kind.js'
import { resolveAzureDps } from './azure-dps/resolver.js'
import { AZURE_IOT_HUB_KIND } from './azure-iot-hub/kind.js'
import { resolveAzureIotHub } from './azure-iot-hub/resolver.js'
import { MQTT_OVER_WS_KIND } from './mqtt-over-ws/kind.js'
import { resolveMqttOverWs } from './mqtt-over-ws/resolver.js'
import { WATSON_IOT_KIND } from './watson-iot/kind.js'
import { resolveWatsonIot } from './watson-iot/resolver.js'

/**
 * The hub side of the built-in providers: each `kind` a factory in `@tabmq/core/providers` puts in
 * its config, with the resolver that turns it into a connection. Worker code only: the resolvers
 * hold the signing, the platform rules and DPS, which a tab never loads.
 *
 * The factories write their kind as a literal checked against the same constant
 * (`'aws-iot' satisfies typeof AWS_IOT_KIND`), so a mismatch does not compile, yet the tab imports
 * nothing from here: a module both sides import becomes a chunk every tab loads beside the lazily
 * loaded in-process hub.
 */
export const builtInResolvers: ReadonlyArray<readonly [kind: string, resolver: ProviderResolver]> = [
  [MQTT_OVER_WS_KIND, resolveMqttOverWs],
  [AWS_IOT_KIND, resolveAwsIot],
  [WATSON_IOT_KIND, resolveWatsonIot],
  [AZURE_DPS_KIND, resolveAzureDps],
  [AZURE_IOT_HUB_KIND, resolveAzureIotHub],
]
