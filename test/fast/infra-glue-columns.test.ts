import * as glue from 'aws-cdk-lib/aws-glue';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { allTables, col, defineTable, tableByName } from '../../data-schemas/index.ts';
import {
  glueColumnsOf,
  gluePartitionKeysOf,
  locationTemplate,
  partitionProjectionOf,
} from '../../infra/glue-columns.ts';
import { partitionPath } from '../../src/core/lake/partitions.ts';
import { UsageError } from '../../src/core/errors.ts';

/** Hive type of a column read straight from the zod schema's JSON Schema, not through data-schemas helpers. */
function hiveTypeFromJsonSchema(property: Record<string, unknown>): string {
  const variants = (property.anyOf as Record<string, unknown>[] | undefined) ?? [property];
  const typed = variants.find((v) => v.type !== 'null')!;
  const type = typed.type as string;
  if (type === 'integer') return (property.sqlType ?? typed.sqlType) === 'bigint' ? 'bigint' : 'int';
  return { string: 'string', number: 'double', boolean: 'boolean' }[type]!;
}

const tradeFlows = tableByName('trade_flows')!;
const production = tableByName('production')!;
const rendered = (columns: glue.Column[]) =>
  columns.map((c) => ({ name: c.name, type: c.type.inputString, comment: c.comment }));

describe('schema → Glue columns', () => {
  it.each(allTables.map((t) => [t.name, t] as const))(
    '%s: file columns and partition keys come from the zod schema',
    (_name, table) => {
      const json = z.toJSONSchema(table.schema) as { properties: Record<string, Record<string, unknown>> };
      const expected = Object.entries(json.properties).map(([name, p]) => ({
        name,
        type: hiveTypeFromJsonSchema(p),
        comment: p.description as string,
      }));
      const isKey = (c: { name: string }) => (table.partitionKeys as readonly string[]).includes(c.name);
      expect(rendered(glueColumnsOf(table))).toEqual(expected.filter((c) => !isKey(c)));
      expect(rendered(gluePartitionKeysOf(table))).toEqual(
        table.partitionKeys.map((k) => expected.find((c) => c.name === k)),
      );
    },
  );

  it('follows a schema change: a new column, a retyped column and a new description', () => {
    const changed = defineTable({
      ...tradeFlows,
      schema: tradeFlows.schema.extend({
        value_usd: col.bigint('Trade value in whole US dollars.'),
        freight_usd: col.double('Freight and insurance, US dollars.'),
      }),
    });
    const columns = rendered(glueColumnsOf(changed));
    expect(columns).toContainEqual({ name: 'value_usd', type: 'bigint', comment: 'Trade value in whole US dollars.' });
    expect(columns.at(-1)).toEqual({
      name: 'freight_usd',
      type: 'double',
      comment: 'Freight and insurance, US dollars.',
    });
    expect(columns).toHaveLength(glueColumnsOf(tradeFlows).length + 1);
  });

  it('refuses a description longer than a Glue comment allows', () => {
    const wordy = defineTable({
      name: 'wordy',
      zone: 'metrics',
      description: 'x',
      partitionKeys: [],
      schema: z.object({ a: col.string('d'.repeat(256)) }),
    });
    expect(() => glueColumnsOf(wordy)).toThrow(UsageError);
  });
});

describe('partition location template', () => {
  it('names the same keys the lake writer produces', () => {
    const row = { source: 'comtrade', year: 2024, month: 7 };
    const template = locationTemplate('lake-bucket', tradeFlows);
    const filled = template.replace(/\$\{(\w+)\}/g, (_, k: string) => String(row[k as keyof typeof row]));
    expect(filled).toBe(`s3://lake-bucket/${partitionPath(tradeFlows, row)}`);
    expect(locationTemplate('b', production)).toBe('s3://b/curated/production/source=${source}/sector=${sector}/');
  });
});

describe('partition projection rules', () => {
  const rules = {
    trade_flows: {
      source: glue.PartitionProjectionConfiguration.enum({ values: ['bundled'] }),
      year: glue.PartitionProjectionConfiguration.integer({ min: 2000, max: 2001 }),
      month: glue.PartitionProjectionConfiguration.integer({ min: 0, max: 12 }),
    },
  };

  it('gives one rule per partition key and none to unpartitioned tables', () => {
    expect(Object.keys(partitionProjectionOf(tradeFlows, rules)!)).toEqual(['source', 'year', 'month']);
    const unpartitioned = allTables.find((t) => t.partitionKeys.length === 0)!;
    expect(partitionProjectionOf(unpartitioned, rules)).toBeUndefined();
  });

  it('fails when a partition key has no rule or a rule names no partition key', () => {
    const { month: _month, ...missing } = rules.trade_flows;
    expect(() => partitionProjectionOf(tradeFlows, { trade_flows: missing })).toThrow(/missing: month/);
    const extra = { ...rules.trade_flows, day: glue.PartitionProjectionConfiguration.integer({ min: 1, max: 31 }) };
    expect(() => partitionProjectionOf(tradeFlows, { trade_flows: extra })).toThrow(/not partition keys: day/);
  });
});
