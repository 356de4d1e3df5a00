/** The `kind` of `awsIot` configs: the hub registers the resolver under it; the factory's literal is checked against it. */
export const AWS_IOT_KIND = 'aws-iot'
