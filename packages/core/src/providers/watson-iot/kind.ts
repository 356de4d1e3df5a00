/** The `kind` of `watsonIot` configs: the hub registers the resolver under it; the factory's literal is checked against it. */
export const WATSON_IOT_KIND = 'watson-iot'
