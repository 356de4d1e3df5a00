/** The `kind` of `azureDps` configs: the hub registers the resolver under it; the factory's literal is checked against it. */
export const AZURE_DPS_KIND = 'azure-dps'
