import { INGEST_SOURCES } from '../../src/core/sources.ts';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../infra/config.ts';
import { UsageError } from '../../src/core/errors.ts';

const from = (context: Record<string, unknown>) => readConfig((key) => context[key]);

describe('infra config (CDK context)', () => {
  it('defaults to a complete dev configuration with every source and no API keys', () => {
    const config = from({});
    expect(config.stage).toBe('dev');
    expect(config.sources).toEqual([...INGEST_SOURCES]);
    expect(config.schedule).toEqual({ enabled: true, day: 3, hour: 6, minute: 0, timeZone: 'UTC' });
    expect(config.apiKeyParameters).toEqual({});
    expect(config.athena.pipelineBytesScannedCutoff).toBeLessThan(config.athena.analystsBytesScannedCutoff);
    expect(config.tradeYears.min).toBeLessThanOrEqual(config.tradeYears.max);
  });

  it('coerces the strings that `-c key=value` passes', () => {
    const config = from({
      stage: 'prod',
      sources: 'bundled, comtrade',
      scheduleDay: '15',
      scheduleHour: '23',
      scheduleEnabled: 'false',
      logRetentionDays: '365',
      comtradeApiKeyParameter: '/chainwatch/prod/comtrade/api-key',
    });
    expect(config.sources).toEqual(['bundled', 'comtrade']);
    expect(config.schedule).toMatchObject({ day: 15, hour: 23, enabled: false });
    expect(config.logRetentionDays).toBe(365);
    expect(config.apiKeyParameters).toEqual({ comtrade: '/chainwatch/prod/comtrade/api-key' });
  });

  it('accepts lists from cdk.json as arrays', () => {
    expect(from({ sources: ['usgs', 'bundled'] }).sources).toEqual(['usgs', 'bundled']);
  });

  it.each([
    ['scheduleDay', '31', /scheduleDay/],
    ['scheduleHour', 'noon', /scheduleHour/],
    ['sources', 'bundled,ftp', /sources/],
    ['sources', 'bundled,bundled', /once/],
    ['stage', 'Prod_1', /stage/],
    ['pipelineBytesScannedCutoff', '1000', /pipelineBytesScannedCutoff/],
    ['logRetentionDays', '10', /logRetentionDays/],
    ['comtradeApiKeyParameter', 'my key', /comtradeApiKeyParameter/],
    ['alarmEmail', 'not-an-address', /alarmEmail/],
  ])('rejects %s=%j with an error that names the key and how to set it', (key, value, pattern) => {
    let error: unknown;
    try {
      from({ [key]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(pattern);
    expect((error as UsageError).hint).toContain(`-c ${key}=`);
  });

  it('rejects a key parameter for a source that is not enabled, and an inverted year range', () => {
    expect(() => from({ sources: 'bundled', censusApiKeyParameter: '/x/census' })).toThrow(/census.*not enabled/);
    expect(() => from({ tradeYearMin: 2030, tradeYearMax: 2020 })).toThrow(UsageError);
  });
});
