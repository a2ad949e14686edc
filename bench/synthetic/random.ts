/**
 * A small seeded PRNG (sfc32, seeded through splitmix32) and the few distributions the
 * generator needs. Deterministic across platforms: only 32-bit integer ops and Math.log/exp,
 * so the same seed gives the same rows on every machine and every Node version.
 */
export type Rng = () => number;

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Uniform in [0, 1). */
export function rng(...seeds: number[]): Rng {
  // Mix every seed component (seed, year, month, …) so sub-streams are independent of each other.
  let h = 0x811c9dc5;
  for (const s of seeds) h = Math.imul(h ^ (s >>> 0), 0x01000193) ^ (h >>> 15);
  const init = splitmix32(h);
  let a = init(),
    b = init(),
    c = init(),
    d = init();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** Standard normal (Box–Muller; the second value is dropped to keep the stream simple). */
function normal(r: Rng): number {
  const u = 1 - r();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

export const logNormal = (r: Rng, mu: number, sigma: number): number => Math.exp(mu + sigma * normal(r));

/** Gumbel(0, 1): adding it to log-weights and taking the top k samples k items without replacement. */
export const gumbel = (r: Rng): number => -Math.log(-Math.log(1 - r() * (1 - 1e-12)));

/** Fisher–Yates shuffle of a copy. */
export function shuffled<T>(items: readonly T[], r: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
