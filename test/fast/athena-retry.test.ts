import { describe, expect, it } from 'vitest';
import { isThrottling, retryOnThrottle } from '../../src/adapters/athena-engine/athena-retry.ts';

/** An AWS-SDK-shaped service error (name + $retryable), as the Athena client throws them. */
const awsError = (name: string, throttling = false) =>
  Object.assign(new Error(name), { name, $retryable: throttling ? { throttling } : undefined });

describe('retryOnThrottle', () => {
  it('retries throttled calls until one succeeds', async () => {
    const errors = [awsError('TooManyRequestsException'), awsError('SomethingElse', true)];
    let calls = 0;
    const result = await retryOnThrottle(
      async () => {
        calls++;
        const error = errors.shift();
        if (error) throw error;
        return 'started';
      },
      { baseMs: 1 },
    );
    expect(result).toBe('started');
    expect(calls).toBe(3);
  });

  it('does not retry other errors', async () => {
    let calls = 0;
    await expect(
      retryOnThrottle(
        async () => {
          calls++;
          throw awsError('InvalidRequestException');
        },
        { baseMs: 1 },
      ),
    ).rejects.toThrow('InvalidRequestException');
    expect(calls).toBe(1);
  });

  it('gives up after the given number of attempts with the last error', async () => {
    let calls = 0;
    await expect(
      retryOnThrottle(
        async () => {
          calls++;
          throw awsError('TooManyRequestsException');
        },
        { attempts: 4, baseMs: 1 },
      ),
    ).rejects.toThrow('TooManyRequestsException');
    expect(calls).toBe(4);
  });

  it('recognises throttling by name or by the SDK retry flag', () => {
    expect(isThrottling(awsError('ThrottlingException'))).toBe(true);
    expect(isThrottling(awsError('Whatever', true))).toBe(true);
    expect(isThrottling(awsError('AccessDeniedException'))).toBe(false);
    expect(isThrottling(undefined)).toBe(false);
  });
});
