import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { UsageError } from '../../core/errors.ts';
import { registerSecret } from '../../core/log.ts';
import type { ParameterResolver } from '../../core/ingest/api-keys.ts';

/**
 * The AWS edge of apiKeysFromEnv: reads a SecureString parameter, decrypted, from SSM Parameter
 * Store. The value is returned and registered with the log (src/core/log.ts), so no log line can carry
 * it; an error names the parameter, not its value.
 */
export function ssmParameterResolver(client: SSMClient = new SSMClient({})): ParameterResolver {
  return async (name) => {
    let value: string | undefined;
    try {
      value = (await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }))).Parameter?.Value;
    } catch (cause) {
      throw new UsageError(
        `SSM parameter ${name} cannot be read (${(cause as Error).name})`,
        `Create it as a SecureString (aws ssm put-parameter --type SecureString --name ${name} --value …) and allow ssm:GetParameter on it for this role.`,
        { cause },
      );
    }
    if (!value)
      throw new UsageError(
        `SSM parameter ${name} is empty`,
        `Put the API key in ${name}, or unset the *_API_KEY_PARAM variable to run keyless.`,
      );
    registerSecret(value);
    return value;
  };
}
