import type { ProviderConfig } from '../../protocol.js'
import { providerConfig } from '../shared/provider-config.js'
import type { AWS_IOT_KIND } from './kind.js'
import type { AwsIotOptions } from './options.js'

/**
 * AWS IoT Core over WebSocket: the URL is presigned with SigV4 in the worker before every connect
 * attempt, and temporary credentials are refreshed ahead of their expiry.
 *
 * @example
 * import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers'
 * const provider = awsIot({
 *   region: 'eu-west-1',
 *   endpoint: 'abc123-ats.iot.eu-west-1.amazonaws.com',
 *   credentials: fromCognitoIdentityPool({ identityPoolId: 'eu-west-1:…', clientConfig: { region: 'eu-west-1' } }),
 * })
 */
export function awsIot(options: AwsIotOptions): ProviderConfig {
  return providerConfig(
    'awsIot',
    'aws-iot' satisfies typeof AWS_IOT_KIND,
    options,
    {
      region: 'give the AWS region of your IoT endpoint, like "eu-west-1".',
      endpoint: 'give your IoT data endpoint, like "abc123-ats.iot.eu-west-1.amazonaws.com" (aws iot describe-endpoint --endpoint-type iot:Data-ATS).',
      credentials: 'give { accessKeyId, secretAccessKey, sessionToken? } or an async function returning them.',
    },
    ['credentials'],
  )
}
