/**
 * Set environment variables for the handlers a test file invokes (they read their configuration from
 * the environment, as in Lambda); `undefined` removes one. Returns the function that puts back what
 * was there, for afterAll.
 */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  return () => apply(saved);
}
