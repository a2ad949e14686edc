import type { ObjectStore } from '../../src/core/seams/object-store.ts';

/** Hooks on a store's writes: throw to fail the write, or kill the process to crash at that point. */
export interface WriteHooks {
  beforePut?: (key: string, body: Uint8Array | string) => void | Promise<void>;
  beforeDelete?: (keys: string[]) => void | Promise<void>;
  beforeCopy?: (from: string, to: string) => void | Promise<void>;
}

/** A store that runs `hooks` before passing each write on; reads are untouched. */
export function hookedStore(inner: ObjectStore, hooks: WriteHooks): ObjectStore {
  return {
    location: inner.location,
    get: (key) => inner.get(key),
    list: (prefix) => inner.list(prefix),
    exists: (key) => inner.exists(key),
    put: async (key, body, contentType) => {
      await hooks.beforePut?.(key, body);
      return inner.put(key, body, contentType);
    },
    delete: async (keys) => {
      await hooks.beforeDelete?.(keys);
      return inner.delete(keys);
    },
    copy: async (from, to) => {
      await hooks.beforeCopy?.(from, to);
      return inner.copy(from, to);
    },
    ...(inner.removeLeftovers ? { removeLeftovers: (prefixes) => inner.removeLeftovers!(prefixes) } : {}),
  };
}

/** Before the `nth` put whose key matches `pattern`, kill this process: a crash at exactly that point. */
export const killBeforePut = (inner: ObjectStore, pattern: RegExp, nth: number): ObjectStore => {
  let seen = 0;
  return hookedStore(inner, {
    beforePut: (key) => {
      if (pattern.test(key) && ++seen === nth) process.kill(process.pid, 'SIGKILL');
    },
  });
};

/** Before the `nth` write of any kind (put or delete), kill this process: every step boundary of a run is a kill point. */
export const killBeforeWrite = (inner: ObjectStore, nth: number): ObjectStore => {
  let seen = 0;
  const maybeDie = () => {
    if (++seen === nth) process.kill(process.pid, 'SIGKILL');
  };
  return hookedStore(inner, { beforePut: maybeDie, beforeDelete: maybeDie });
};
