/** The `kind` of `azureIotHub` configs: the hub registers the resolver under it; the factory's literal is checked against it. */
export const AZURE_IOT_HUB_KIND = 'azure-iot-hub'
