import { redactText } from './http/redact.ts';

/**
 * The one way a line reaches a log: secrets are masked first. A line is scrubbed of credential query
 * parameters (`?key=…`, through the HTTP layer's redactText) and of every secret value this process
 * knows — the API keys and AWS credentials in its environment, and any value read from SSM — so a key
 * echoed by a service inside an error message, a URL or a progress line never reaches a terminal,
 * CloudWatch or a manifest.
 */

/** Environment variables that hold secrets (values, not parameter names). */
const SECRET_ENV = ['COMTRADE_API_KEY', 'CENSUS_API_KEY', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;

/** Secret values read at run time (SSM parameters): not in the environment, so they are registered. */
const registered = new Set<string>();

/** Remember a secret value read at run time so no log line can carry it. */
export function registerSecret(value: string): void {
  if (value.trim() !== '') registered.add(value.trim());
}

/** A line with every known secret masked. */
export function redactLine(line: string, env: Record<string, string | undefined> = process.env): string {
  const fromEnv = SECRET_ENV.map((name) => env[name]?.trim()).filter((v): v is string => Boolean(v));
  return redactText(line, [...registered, ...fromEnv]);
}

/** A log sink (console.log by default) that masks secrets in every line it is given. */
export const redactingLog =
  (sink: (line: string) => void = (line) => console.log(line), env: Record<string, string | undefined> = process.env) =>
  (line: string): void =>
    sink(redactLine(line, env));
