/** AWS error names that mean "the caller is not who they think, or may not do this". */
const CREDENTIAL_ERRORS = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'CredentialsProviderError',
  'UnrecognizedClientException',
]);

/**
 * What to do next for an AWS SDK failure, by its error name. Shared by the AWS adapters (S3,
 * Athena, KeyValueStore), because credentials, region and network problems look the same in all.
 */
export function awsErrorHint(cause: unknown, resource: string): string {
  const name = (cause as { name?: string })?.name ?? '';
  const message = (cause as { message?: string })?.message ?? '';
  if (CREDENTIAL_ERRORS.has(name) || /credential/i.test(message)) {
    return `Check your AWS credentials (AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run \`aws sso login\`) and that they may access ${resource}.`;
  }
  if (/region/i.test(message) || name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed') {
    return `Set AWS_REGION (or AWS_DEFAULT_REGION) to the region of ${resource}.`;
  }
  if (name === 'NoSuchBucket' || name === 'InvalidBucketName') {
    return `Check the bucket name in ${resource}; the bucket must exist (deploy the storage stack or create it).`;
  }
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|socket|network/i.test(`${name} ${message}`)) {
    return `Check the network connection to AWS (or the endpoint override) and retry.`;
  }
  return `See the AWS error ${name || 'above'}; check ${resource} and retry.`;
}
