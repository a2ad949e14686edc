import { ENV, type Env } from '../env.ts';
import { KEYED_SOURCES, type KeyedSource } from '../sources.ts';
import { UsageError } from '../errors.ts';
import { registerSecret } from '../log.ts';

export type ApiKeys = Partial<Record<KeyedSource, string>>;

/** Reads a secret parameter by name (the AWS edge passes an SSM-backed one). */
export type ParameterResolver = (name: string) => Promise<string>;

/**
 * API keys from the environment: `COMTRADE_API_KEY` / `CENSUS_API_KEY`, or the name of a secret
 * parameter in `COMTRADE_API_KEY_PARAM` / `CENSUS_API_KEY_PARAM`, read through `resolveParameter`.
 * No key is fine (Comtrade falls back to its keyless preview, Census to anonymous calls). Keys are
 * never logged: the HTTP layer redacts them from every URL, header and message, and every key found
 * is registered with the log (src/core/log.ts), which masks it in any line.
 */
export async function apiKeysFromEnv(env: Env = process.env, resolveParameter?: ParameterResolver): Promise<ApiKeys> {
  const keys: ApiKeys = {};
  for (const source of KEYED_SOURCES) {
    const name = ENV.apiKey(source);
    const parameterName = ENV.apiKeyParameter(source);
    const direct = env[name]?.trim();
    const parameter = env[parameterName]?.trim();
    if (direct) keys[source] = direct;
    else if (parameter) {
      if (!resolveParameter) {
        throw new UsageError(
          `${parameterName} is set (${parameter}) but this runtime has no parameter store reader`,
          `Set ${name} directly; the ingest Lambda resolves ${parameterName} in SSM (ssmParameterResolver), the CLI does not.`,
        );
      }
      keys[source] = (await resolveParameter(parameter)).trim();
    }
    if (keys[source]) registerSecret(keys[source]);
  }
  return keys;
}
