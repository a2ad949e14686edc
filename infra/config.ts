import { z } from 'zod';
import { UsageError } from '../src/core/errors.ts';
import { INGEST_SOURCES, type IngestSourceId, type KeyedSource, KEYED_SOURCES } from '../src/core/sources.ts';

/**
 * Deployment configuration, read from CDK context (`cdk.json` "context", or `-c key=value` on the
 * command line). Values given with `-c` arrive as strings, so numbers and lists are coerced here;
 * anything invalid stops synthesis with a message that names the key and how to fix it.
 */

/** Retention values CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Athena refuses a per-query cutoff below 10 MB. */
const MIN_BYTES_SCANNED_CUTOFF = 10_000_000;

export interface ChainwatchConfig {
  /** Short name of this deployment; prefixes stack, database and workgroup names. */
  stage: string;
  /** Enabled ingest sources, in run order. */
  sources: IngestSourceId[];
  schedule: { enabled: boolean; day: number; hour: number; minute: number; timeZone: string };
  /** SSM parameter name (SecureString) holding each keyed source's API key. */
  apiKeyParameters: Partial<Record<KeyedSource, string>>;
  athena: { pipelineBytesScannedCutoff: number; analystsBytesScannedCutoff: number; resultsExpirationDays: number };
  /** Integer range projected for trade_flows `year` partitions. */
  tradeYears: { min: number; max: number };
  logRetentionDays: number;
  /** Who the alarm topic notifies: an e-mail address and/or an HTTPS endpoint (a chat or paging webhook). */
  alarmEmail?: string;
  alarmHttpsEndpoint?: string;
  alarms: {
    /** Alarm when no refresh has succeeded for this many days. */
    refreshOverdueDays: number;
    /** Alarm when a live source's last good data are older than this many days. */
    staleSourceDays: number;
    /** Alarm when a source quarantines more than this percentage of the rows it delivered in a run. */
    quarantinePercent: number;
  };
  /** The account governs the catalog with Lake Formation: grant the pipeline and analyst roles there too. */
  lakeFormation: boolean;
}

const list = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : v,
  z
    .array(z.enum(INGEST_SOURCES))
    .min(1, 'enable at least one source')
    .refine((a) => new Set(a).size === a.length, 'list each source once'),
);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean());
const parameterName = z
  .string()
  .regex(/^\/[A-Za-z0-9_.\-/]+$/, 'must be an SSM parameter name starting with "/" (letters, digits, _ . - /)');

/** Each context key with its schema, default and what it means (the table in docs/deploy.md is written from this). */
const CONTEXT_KEYS = {
  stage: {
    schema: z
      .string()
      .regex(
        /^[a-z][a-z0-9-]{0,15}$/,
        'lower-case letters, digits and "-", starting with a letter, at most 16 characters',
      ),
    default: 'dev',
    help: 'deployment name; prefixes stacks, the Glue database and the workgroups',
  },
  sources: {
    schema: list,
    default: INGEST_SOURCES.join(','),
    help: `enabled ingest sources, comma-separated, from: ${INGEST_SOURCES.join(', ')}`,
  },
  scheduleEnabled: { schema: bool, default: true, help: 'whether the monthly schedule is enabled' },
  scheduleDay: {
    schema: int(1, 28),
    default: 3,
    help: 'day of the month the pipeline starts (1–28, so every month has it)',
  },
  scheduleHour: { schema: int(0, 23), default: 6, help: 'hour of the day the pipeline starts' },
  scheduleMinute: { schema: int(0, 59), default: 0, help: 'minute of the hour the pipeline starts' },
  scheduleTimeZone: {
    schema: z.string().regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/, 'an IANA time zone such as UTC or Europe/Berlin'),
    default: 'UTC',
    help: 'IANA time zone of the schedule',
  },
  comtradeApiKeyParameter: {
    schema: parameterName,
    default: undefined,
    help: 'name of the SSM SecureString parameter holding the UN Comtrade subscription key (optional; without it Comtrade is called keyless)',
  },
  censusApiKeyParameter: {
    schema: parameterName,
    default: undefined,
    help: 'name of the SSM SecureString parameter holding the US Census API key (optional; without it Census is called anonymously)',
  },
  pipelineBytesScannedCutoff: {
    schema: int(MIN_BYTES_SCANNED_CUTOFF, Number.MAX_SAFE_INTEGER),
    default: 1_000_000_000,
    help: 'per-query bytes-scanned cutoff of the pipeline workgroup (minimum 10000000)',
  },
  analystsBytesScannedCutoff: {
    schema: int(MIN_BYTES_SCANNED_CUTOFF, Number.MAX_SAFE_INTEGER),
    default: 10_000_000_000,
    help: 'per-query bytes-scanned cutoff of the analysts workgroup (minimum 10000000)',
  },
  athenaResultsExpirationDays: {
    schema: int(1, 3650),
    default: 30,
    help: 'days before Athena query results are deleted',
  },
  tradeYearMin: { schema: int(1900, 2200), default: 1990, help: 'first year projected for trade_flows partitions' },
  tradeYearMax: { schema: int(1900, 2200), default: 2040, help: 'last year projected for trade_flows partitions' },
  logRetentionDays: {
    schema: z.coerce
      .number()
      .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), 'not a retention CloudWatch Logs accepts'),
    default: 90,
    help: `log retention in days, one of ${LOG_RETENTION_DAYS.join(', ')}`,
  },
  alarmEmail: {
    schema: z.email(),
    default: undefined,
    help: 'e-mail address subscribed to the alarm topic (confirm the subscription e-mail AWS sends)',
  },
  alarmHttpsEndpoint: {
    schema: z.url({ protocol: /^https$/, error: 'an https:// URL' }),
    default: undefined,
    help: 'HTTPS endpoint subscribed to the alarm topic, e.g. a chat or paging webhook (it must confirm the subscription)',
  },
  refreshOverdueDays: {
    schema: int(2, 365),
    default: 35,
    help: 'days without a successful refresh before the overdue alarm fires',
  },
  staleSourceDays: {
    schema: int(1, 365),
    default: 40,
    help: "age in days of a live source's last good data before the stale-source alarm fires",
  },
  quarantineAlarmPercent: {
    schema: z.coerce.number().min(0).max(100),
    default: 5,
    help: "percentage of a source's rows quarantined in one run above which the quarantine alarm fires (0–100)",
  },
  lakeFormation: {
    schema: bool,
    default: false,
    help: 'the account governs the Glue catalog with Lake Formation: also grant the roles SELECT/DESCRIBE there',
  },
} satisfies Record<string, { schema: z.ZodType; default: unknown; help: string }>;

type ContextKey = keyof typeof CONTEXT_KEYS;
type ContextValues = { [K in ContextKey]: z.output<(typeof CONTEXT_KEYS)[K]['schema']> };

/** Read one key: absent → default; present but invalid → UsageError naming the key, the value and the rule. */
function read<K extends ContextKey>(get: (key: string) => unknown, key: K): ContextValues[K] | undefined {
  const spec = CONTEXT_KEYS[key];
  const raw = get(key) ?? spec.default;
  if (raw === undefined) return undefined;
  const parsed = spec.schema.safeParse(raw);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => i.message).join('; ');
    throw new UsageError(
      `CDK context "${key}" is invalid (got ${JSON.stringify(raw)}): ${why}.`,
      `Set "${key}" to ${spec.help} — in cdk.json "context" or with -c ${key}=<value>.`,
    );
  }
  return parsed.data as ContextValues[K];
}

/** Build the configuration from a context getter (`app.node.tryGetContext`). */
export function readConfig(get: (key: string) => unknown): ChainwatchConfig {
  const v = <K extends ContextKey>(key: K) => read(get, key);
  const stage = v('stage')!;
  const sources = v('sources')! as IngestSourceId[];
  const tradeYears = { min: v('tradeYearMin')!, max: v('tradeYearMax')! };
  if (tradeYears.min > tradeYears.max) {
    throw new UsageError(
      `CDK context "tradeYearMin" (${tradeYears.min}) is after "tradeYearMax" (${tradeYears.max}).`,
      'Set tradeYearMin ≤ tradeYearMax.',
    );
  }
  // Keys are optional (Comtrade falls back to its keyless preview, Census to anonymous calls).
  const apiKeyParameters: ChainwatchConfig['apiKeyParameters'] = {};
  const given: Record<KeyedSource, string | undefined> = {
    comtrade: v('comtradeApiKeyParameter'),
    census: v('censusApiKeyParameter'),
  };
  for (const source of KEYED_SOURCES) {
    const parameter = given[source];
    if (parameter === undefined) continue;
    if (!sources.includes(source)) {
      throw new UsageError(
        `CDK context "${source}ApiKeyParameter" is set but source "${source}" is not enabled (sources: ${sources.join(',')}).`,
        `Add ${source} to "sources", or remove "${source}ApiKeyParameter".`,
      );
    }
    apiKeyParameters[source] = parameter;
  }
  return {
    stage,
    sources,
    schedule: {
      enabled: v('scheduleEnabled')!,
      day: v('scheduleDay')!,
      hour: v('scheduleHour')!,
      minute: v('scheduleMinute')!,
      timeZone: v('scheduleTimeZone')!,
    },
    apiKeyParameters,
    athena: {
      pipelineBytesScannedCutoff: v('pipelineBytesScannedCutoff')!,
      analystsBytesScannedCutoff: v('analystsBytesScannedCutoff')!,
      resultsExpirationDays: v('athenaResultsExpirationDays')!,
    },
    tradeYears,
    logRetentionDays: v('logRetentionDays')!,
    alarmEmail: v('alarmEmail'),
    alarmHttpsEndpoint: v('alarmHttpsEndpoint'),
    alarms: {
      refreshOverdueDays: v('refreshOverdueDays')!,
      staleSourceDays: v('staleSourceDays')!,
      quarantinePercent: v('quarantineAlarmPercent')!,
    },
    lakeFormation: v('lakeFormation')!,
  };
}
