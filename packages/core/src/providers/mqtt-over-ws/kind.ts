/** The `kind` of `mqttOverWs` configs: the hub registers the resolver under it; the factory's literal is checked against it. */
export const MQTT_OVER_WS_KIND = 'mqtt'
