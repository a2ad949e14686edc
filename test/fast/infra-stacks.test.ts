import { readdirSync, readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { appSynthesizer, assemblyFolders } from '../support/synth-app.ts';
import { allTables, col, defineTable, tableByName, tablePrefix } from '../../data-schemas/index.ts';
import { metricManifestFolder } from '../../src/core/lake/layout.ts';
import { ENV } from '../../src/core/env.ts';
import type { ChainwatchApp } from '../../infra/build-app.ts';
import { readConfig } from '../../infra/config.ts';
import { glueColumnsOf, gluePartitionKeysOf } from '../../infra/glue-columns.ts';
import { INGEST_HEAP_MB, INGEST_MEMORY_MB, REPORT_TMP_MB } from '../../infra/lambda-budgets.ts';
import { resourceNames, RETAINED_BY_NAME } from '../../infra/names.ts';
import { CatalogStack } from '../../infra/stacks/catalog.ts';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ACTIONS_WITHOUT_RESOURCE_SCOPE, LAMBDA_RUNTIME } from '../../infra/stacks/pipeline.ts';

/**
 * Template assertions on the synthesized app. Lambda bundling is skipped and CDK's built-in
 * CloudFormation validation is off here to keep this fast; test/system/infra-synth.test.ts runs the real
 * `cdk synth` with both.
 */
const synthesize = appSynthesizer();
const assemblyFolder = assemblyFolders();

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;
const resourcesOf = (t: Template, type: string): Resources => t.findResources(type) as Resources;
const only = <T>(values: T[]): T => {
  expect(values).toHaveLength(1);
  return values[0];
};

/** The literal text of a CloudFormation string, with every intrinsic replaced by `<token>`. */
const text = (v: unknown): string =>
  typeof v === 'string'
    ? v
    : (v as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join']
      ? (v as any)['Fn::Join'][1].map(text).join((v as any)['Fn::Join'][0])
      : '<token>';

const tradeFlows = tableByName('trade_flows')!;
const production = tableByName('production')!;

let built: ChainwatchApp;
let storage: Template, catalog: Template, site: Template, pipeline: Template;
beforeAll(() => {
  built = synthesize();
  [storage, catalog, site, pipeline] = [built.storage, built.catalog, built.site, built.pipeline].map((s) =>
    Template.fromStack(s),
  );
});

describe('cdk-nag AwsSolutions', () => {
  const findingsOf = ({ nag, app }: ChainwatchApp) =>
    nag
      .validateScope(app)
      .violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);

  it('reports zero unacknowledged findings, with the defaults and with every option set', () => {
    expect(findingsOf(built)).toEqual([]);
    const configured = synthesize({
      stage: 'prod',
      comtradeApiKeyParameter: '/chainwatch/prod/comtrade/api-key',
      censusApiKeyParameter: '/chainwatch/prod/census/api-key',
      alarmEmail: 'ops@example.org',
      scheduleEnabled: 'false',
    });
    expect(findingsOf(configured)).toEqual([]);
  });

  it('fails synthesis when a new finding appears', () => {
    const fresh = synthesize();
    fresh.pipeline.reportFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
    const rules = fresh.nag.validateScope(fresh.app).violations.map((v) => v.ruleName);
    expect(rules).toContain('AwsSolutions-IAM5[Action::s3:*]');
    expect(() => fresh.app.synth()).toThrow(/AwsSolutions-IAM5\[Action::s3:\*\]/);
  });

  it('acknowledges only named rules, each with a reason', () => {
    const acknowledgements: { path: string; id: string; reason: string }[] = [];
    const visit = (c: IConstruct) => {
      for (const entry of c.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>))
          acknowledgements.push({ path: c.node.path, id, reason });
      }
      c.node.children.forEach(visit);
    };
    visit(built.app);
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const a of acknowledgements) {
      expect(a.id, a.path).toMatch(/^Annotation::(AwsSolutions-[A-Z]+\d+(\[.+\])?|@aws-cdk\/[\w-]+:\w+)$/);
      expect(a.reason.length, `${a.path} ${a.id}`).toBeGreaterThan(40);
    }
  });
});

describe('storage', () => {
  const buckets = () => ({ ...resourcesOf(storage, 'AWS::S3::Bucket'), ...resourcesOf(site, 'AWS::S3::Bucket') });
  const named = (purpose: string) =>
    only(
      Object.values(buckets()).filter((b) => text(b.Properties.BucketName).startsWith(`chainwatch-dev-${purpose}-`)),
    );

  it('hardens every bucket: no public access, SSE, TLS only, owner-enforced ACLs, multipart cleanup', () => {
    const all = Object.entries(buckets());
    expect(all).toHaveLength(4);
    for (const [id, bucket] of all) {
      expect(bucket.Properties.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(
        bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault
          .SSEAlgorithm,
        id,
      ).toBe('AES256');
      expect(bucket.Properties.LifecycleConfiguration.Rules, id).toContainEqual(
        expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }),
      );
    }
    // Only the log bucket keeps ACLs, because CloudFront standard logging writes with them.
    expect(named('logs').Properties.OwnershipControls.Rules[0].ObjectOwnership).toBe('BucketOwnerPreferred');
    for (const purpose of ['lake', 'results', 'site']) {
      expect(named(purpose).Properties.OwnershipControls.Rules[0].ObjectOwnership, purpose).toBe('BucketOwnerEnforced');
    }
  });

  it('denies non-TLS requests in every bucket policy', () => {
    const policies = [
      ...Object.values(resourcesOf(storage, 'AWS::S3::BucketPolicy')),
      ...Object.values(resourcesOf(site, 'AWS::S3::BucketPolicy')),
    ];
    expect(policies).toHaveLength(4);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 's3:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('logs every bucket but the log bucket to the log bucket, and versions the lake', () => {
    const logsId = Object.keys(resourcesOf(storage, 'AWS::S3::Bucket')).find(
      (id) => resourcesOf(storage, 'AWS::S3::Bucket')[id] === named('logs'),
    );
    for (const purpose of ['lake', 'results', 'site']) {
      const logging = named(purpose).Properties.LoggingConfiguration;
      // Same stack: a Ref to the log bucket; the site stack names it.
      const target = logging.DestinationBucketName.Ref ?? text(logging.DestinationBucketName);
      expect([logsId, 'chainwatch-dev-logs-<token>-<token>'], purpose).toContain(target);
      expect(logging.LogFilePrefix, purpose).toBe(`s3/${purpose}/`);
    }
    expect(named('logs').Properties.LoggingConfiguration).toBeUndefined();
    expect(named('lake').Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  it('leaves behind on `cdk destroy` no fixed-name resource but the buckets listed with a reason (RETAINED_BY_NAME)', () => {
    const retainedNamed = [storage, catalog, site, pipeline].flatMap((t) =>
      Object.values(
        t.toJSON().Resources as Record<
          string,
          { Type: string; DeletionPolicy?: string; Properties: Record<string, unknown> }
        >,
      )
        .filter((r) => r.DeletionPolicy === 'Retain')
        .filter((r) => Object.keys(r.Properties ?? {}).some((k) => /Name$/.test(k)) || r.Type === 'AWS::Glue::Database')
        .map((r) => `${r.Type} ${text(r.Properties.BucketName ?? r.Properties.LogGroupName ?? '')}`),
    );
    expect(retainedNamed.sort()).toEqual(
      Object.keys(RETAINED_BY_NAME)
        .map((purpose) => `AWS::S3::Bucket chainwatch-dev-${purpose}-<token>-<token>`)
        .sort(),
    );
    for (const reason of Object.values(RETAINED_BY_NAME)) expect(reason.length).toBeGreaterThan(30);
  });

  it('expires Athena results after the configured number of days', () => {
    expect(named('results').Properties.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({ ExpirationInDays: built.config.athena.resultsExpirationDays, Status: 'Enabled' }),
    );
  });
});

describe('catalog', () => {
  const glueTable = (t: Template, name: string) =>
    only(Object.values(resourcesOf(t, 'AWS::Glue::Table')).filter((r) => r.Properties.TableInput.Name === name))
      .Properties.TableInput;
  const asCfn = (columns: ReturnType<typeof glueColumnsOf>) =>
    columns.map((c) => ({ Name: c.name, Type: c.type.inputString, Comment: c.comment }));

  it('has one Glue table per curated and metric table, with the schema’s columns and partition keys', () => {
    expect(Object.keys(resourcesOf(catalog, 'AWS::Glue::Table'))).toHaveLength(allTables.length);
    for (const table of allTables) {
      const input = glueTable(catalog, table.name);
      expect(input.StorageDescriptor.Columns, table.name).toEqual(asCfn(glueColumnsOf(table)));
      expect(input.PartitionKeys ?? [], table.name).toEqual(asCfn(gluePartitionKeysOf(table)));
      // A metric table is read through the manifest of its current version (src/core/lake/metric-versions.ts).
      const metric = table.zone === 'metrics';
      expect(text(input.StorageDescriptor.Location), table.name).toBe(
        `s3://chainwatch-dev-lake-<token>-<token>/${metric ? metricManifestFolder(table) : tablePrefix(table)}`,
      );
      expect(input.StorageDescriptor.InputFormat, table.name).toBe(
        metric
          ? 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat'
          : 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
      );
      expect(input.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe(
        'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
      );
    }
  });

  it('gives Athena the coverage and production_latest tables and the provisional columns, as DuckDB has them', () => {
    // Computed by sql/metrics/*.sql on either engine (the Trino grammar parses them in sql-files.test.ts).
    const names = (table: string) =>
      glueTable(catalog, table).StorageDescriptor.Columns.map((c: { Name: string }) => c.Name);
    expect(names('coverage')).toEqual(['table_name', 'product', 'year', 'source', 'row_count', 'provisional']);
    expect(names('production_latest').slice(-2)).toEqual(['edition', 'provisional']);
    for (const table of ['trade_cell_sources', 'supplier_shares', 'concentration', 'dependency', 'trade_trend']) {
      expect(names(table).at(-1), table).toBe('provisional');
    }
    expect(text(glueTable(catalog, 'coverage').StorageDescriptor.Location)).toBe(
      `s3://chainwatch-dev-lake-<token>-<token>/${metricManifestFolder(tableByName('coverage')!)}`,
    );
  });

  it('changes the Glue table when only the schema changes', () => {
    const changed = defineTable({
      ...tradeFlows,
      schema: tradeFlows.schema.extend({ freight_usd: col.double('Freight and insurance, US dollars.') }),
    });
    const stack = new CatalogStack(
      new App({ builtinCloudFormationValidation: false, outdir: assemblyFolder() }),
      'changed',
      {
        config: readConfig(() => undefined),
        names: resourceNames('dev'),
        tables: [changed],
      },
    );
    const columns = glueTable(Template.fromStack(stack), 'trade_flows').StorageDescriptor.Columns;
    expect(columns.at(-1)).toEqual({
      Name: 'freight_usd',
      Type: 'double',
      Comment: 'Freight and insurance, US dollars.',
    });
    expect(columns).toHaveLength(glueTable(catalog, 'trade_flows').StorageDescriptor.Columns.length + 1);
  });

  it('projects trade_flows partitions onto the lake layout', () => {
    const p = glueTable(catalog, tradeFlows.name).Parameters;
    expect(p).toMatchObject({
      'projection.enabled': 'true',
      'projection.source.type': 'enum',
      'projection.source.values': built.config.sources.join(','),
      'projection.year.type': 'integer',
      'projection.year.range': `${built.config.tradeYears.min},${built.config.tradeYears.max}`,
      'projection.month.type': 'integer',
      'projection.month.range': '0,12',
    });
    expect(text(p['storage.location.template'])).toBe(
      's3://chainwatch-dev-lake-<token>-<token>/curated/trade_flows/source=${source}/year=${year}/month=${month}/',
    );
  });

  it('projects production partitions on the enabled sources and the basket sectors', () => {
    const csv = readFileSync(new URL('../../data-schemas/reference/basket.csv', import.meta.url), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    const sectors = [...new Set(csv.map((line) => line.split(',')[0]))].sort();
    const p = glueTable(catalog, production.name).Parameters;
    expect(p['projection.source.type']).toBe('enum');
    expect(p['projection.source.values']).toBe(built.config.sources.join(','));
    expect(p['projection.sector.type']).toBe('enum');
    expect(p['projection.sector.values'].split(',').sort()).toEqual(sectors);
    expect(text(p['storage.location.template'])).toBe(
      's3://chainwatch-dev-lake-<token>-<token>/curated/production/source=${source}/sector=${sector}/',
    );
  });

  it('projects the sources table on the enabled sources', () => {
    const p = glueTable(catalog, 'sources').Parameters;
    expect(p).toMatchObject({
      'projection.enabled': 'true',
      'projection.source.type': 'enum',
      'projection.source.values': built.config.sources.join(','),
    });
    expect(text(p['storage.location.template'])).toBe(
      's3://chainwatch-dev-lake-<token>-<token>/curated/sources/source=${source}/',
    );
  });

  it('leaves unpartitioned tables without projection', () => {
    for (const table of allTables.filter((t) => t.partitionKeys.length === 0)) {
      expect(
        Object.keys(glueTable(catalog, table.name).Parameters).filter((k) => k.startsWith('projection.')),
        table.name,
      ).toEqual([]);
    }
  });

  it('runs both workgroups on engine v3 with enforced settings, encrypted results, a cutoff and metrics', () => {
    const cutoffs = {
      pipeline: built.config.athena.pipelineBytesScannedCutoff,
      analysts: built.config.athena.analystsBytesScannedCutoff,
    };
    for (const [name, cutoff] of Object.entries(cutoffs)) {
      const wg = only(
        Object.values(resourcesOf(catalog, 'AWS::Athena::WorkGroup')).filter(
          (r) => r.Properties.Name === `chainwatch-dev-${name}`,
        ),
      );
      const c = wg.Properties.WorkGroupConfiguration;
      expect(c.EngineVersion.SelectedEngineVersion, name).toBe('Athena engine version 3');
      expect(c.EnforceWorkGroupConfiguration, name).toBe(true);
      expect(c.BytesScannedCutoffPerQuery, name).toBe(cutoff);
      expect(c.PublishCloudWatchMetricsEnabled, name).toBe(true);
      expect(c.ResultConfiguration.EncryptionConfiguration.EncryptionOption, name).toBe('SSE_S3');
      expect(text(c.ResultConfiguration.OutputLocation), name).toBe(
        `s3://chainwatch-dev-results-<token>-<token>/${name}/`,
      );
    }
  });

  it('saves one named query per analyst SQL file in the analysts workgroup', () => {
    let files: string[] = [];
    try {
      files = readdirSync(new URL('../../sql/analyst/', import.meta.url)).filter((f) => f.endsWith('.sql'));
    } catch {
      // No analyst SQL yet: then there are no named queries either.
    }
    const queries = Object.values(resourcesOf(catalog, 'AWS::Athena::NamedQuery'));
    expect(queries.map((q) => q.Properties.Name).sort()).toEqual(files.map((f) => f.replace(/\.sql$/, '')).sort());
    for (const q of queries) expect(q.Properties.WorkGroup).toEqual({ Ref: 'WorkGroupanalysts' });
  });
});

describe('pipeline', () => {
  const functions = () => Object.values(resourcesOf(pipeline, 'AWS::Lambda::Function'));

  it('runs every Lambda on the newest Node.js runtime this CDK knows (24), ARM64, traced, logging to its own log group with retention', () => {
    // Ingest per source, metrics, report, watchdog, lease.
    expect(functions()).toHaveLength(built.config.sources.length + 4);
    const newest = lambda.Runtime.ALL.filter((r) => /^nodejs\d+\.x$/.test(r.name))
      .map((r) => Number(/\d+/.exec(r.name)![0]))
      .sort((a, b) => b - a)[0];
    expect(LAMBDA_RUNTIME.name).toBe(`nodejs${newest}.x`);
    expect(LAMBDA_RUNTIME.name).toBe('nodejs24.x');
    const logGroups = resourcesOf(pipeline, 'AWS::Logs::LogGroup');
    for (const fn of functions()) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref as string;
      expect(logGroups[logGroupId].Properties.RetentionInDays).toBe(built.config.logRetentionDays);
    }
  });

  it('runs each ingest Lambda in the memory budget the ingest benchmark measures (infra/lambda-budgets.ts)', () => {
    const ingest = functions().filter((fn) => /^chainwatch ingest/.test(fn.Properties.Description));
    expect(ingest).toHaveLength(built.config.sources.length);
    for (const fn of ingest) {
      expect(fn.Properties.MemorySize).toBe(INGEST_MEMORY_MB);
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBe(
        `--enable-source-maps --max-old-space-size=${INGEST_HEAP_MB}`,
      );
    }
  });

  it('gives the report Lambda the /tmp its build needs (infra/lambda-budgets.ts) and Lambda’s longest run, the others /tmp’s default', () => {
    const report = functions().find((fn) => fn.Properties.Description.startsWith('chainwatch report:'))!;
    expect(report.Properties.Timeout).toBe(15 * 60);
    const tmp = Object.fromEntries(
      functions().map((fn) => [fn.Properties.Description.split(':')[0], fn.Properties.EphemeralStorage?.Size ?? 512]),
    );
    expect(tmp['chainwatch report']).toBe(REPORT_TMP_MB);
    for (const [fn, mb] of Object.entries(tmp)) if (fn !== 'chainwatch report') expect(mb, fn).toBe(512);
  });

  it('gives the ingest Lambdas the SSM parameter they are configured with, and nothing broader', () => {
    const prod = synthesize({
      stage: 'prod',
      sources: 'bundled,comtrade',
      comtradeApiKeyParameter: '/chainwatch/prod/comtrade/api-key',
    });
    const t = Template.fromStack(prod.pipeline);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ COMTRADE_API_KEY_PARAM: '/chainwatch/prod/comtrade/api-key' }) },
    });
    const ssm = Object.values(resourcesOf(t, 'AWS::IAM::Policy')).flatMap((p) =>
      p.Properties.PolicyDocument.Statement.filter((s: { Action: unknown }) =>
        JSON.stringify(s.Action).includes('ssm:'),
      ),
    );
    expect(ssm).toHaveLength(1);
    expect(ssm[0].Action).toBe('ssm:GetParameter');
    expect(text(ssm[0].Resource)).toBe('arn:<token>:ssm:<token>:<token>:parameter/chainwatch/prod/comtrade/api-key');
  });

  it('gives the report Lambda the site’s CloudFront address as its base URL, for absolute URLs in citations and feeds', () => {
    const report = only(
      Object.values(resourcesOf(pipeline, 'AWS::Lambda::Function')).filter(
        (f) => f.Properties.Environment?.Variables?.[ENV.siteKvsArn],
      ),
    );
    const url = report.Properties.Environment.Variables[ENV.siteUrl];
    expect(text(url)).toBe('https://<token>/');
    // The token is the site stack's distribution domain, read from that stack's outputs.
    const { OutputName } = url['Fn::Join'][1][1]['Fn::GetStackOutput'];
    expect(OutputName).toMatch(/Distribution[0-9A-F]+DomainName/);
    expect(Object.keys(site.toJSON().Outputs)).toContain(OutputName);
  });

  it('starts the state machine monthly from EventBridge Scheduler, on the configured day and hour, with retries and a dead-letter queue', () => {
    const stateMachine = { Ref: Object.keys(resourcesOf(pipeline, 'AWS::StepFunctions::StateMachine'))[0] };
    const schedule = only(
      Object.values(resourcesOf(pipeline, 'AWS::Scheduler::Schedule')).filter(
        (s) => JSON.stringify(s.Properties.Target.Arn) === JSON.stringify(stateMachine),
      ),
    );
    expect(schedule.Properties.ScheduleExpression).toBe('cron(0 6 3 * ? *)');
    expect(schedule.Properties.ScheduleExpressionTimezone).toBe('UTC');
    expect(schedule.Properties.Target.RetryPolicy).toEqual({
      MaximumEventAgeInSeconds: 12 * 3600,
      MaximumRetryAttempts: 20,
    });
    const [queueId, queue] = only(Object.entries(resourcesOf(pipeline, 'AWS::SQS::Queue')));
    expect(schedule.Properties.Target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } });
    expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86400 });
    // TLS only: the queue policy denies plain HTTP.
    pipeline.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });

    const other = Template.fromStack(
      synthesize({ scheduleDay: '15', scheduleHour: '23', scheduleMinute: '30', scheduleTimeZone: 'Europe/Berlin' })
        .pipeline,
    );
    other.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 23 15 * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
    });
  });

  describe('state machine', () => {
    type State = {
      Type: string;
      Next?: string;
      End?: boolean;
      Catch?: { ErrorEquals: string[]; Next: string }[];
      Retry?: { ErrorEquals: string[]; BackoffRate?: number }[];
      Branches?: { StartAt: string; States: Record<string, State> }[];
      Resource?: string;
    };
    let definition: { StartAt: string; States: Record<string, State> };
    let properties: Record<string, any>;
    beforeAll(() => {
      properties = only(Object.values(resourcesOf(pipeline, 'AWS::StepFunctions::StateMachine'))).Properties;
      // Intrinsics only ever sit inside JSON strings of the definition, so a placeholder keeps it parseable.
      definition = JSON.parse(text(properties.DefinitionString));
    });
    const follow = (states: Record<string, State>, start: string) => {
      const path = [start];
      while (states[path.at(-1)!].Next) path.push(states[path.at(-1)!].Next!);
      return path;
    };
    const retriesThrottling = (state: State) =>
      state.Retry?.some((r) => r.ErrorEquals.includes('Lambda.TooManyRequestsException') && (r.BackoffRate ?? 1) > 1);

    /** The state a Choice goes to when the lake's lease was taken, and when it was not. */
    const choice = (name: string) => {
      const state = definition.States[name] as State & {
        Choices: { Variable: string; BooleanEquals: boolean; Next: string }[];
        Default: string;
      };
      expect(state.Type).toBe('Choice');
      expect(only(state.Choices)).toMatchObject({ Variable: '$.lease.taken', BooleanEquals: true });
      return { taken: only(state.Choices).Next, held: state.Default };
    };
    const parameters = (name: string) => (definition.States[name] as State & { Parameters: any }).Parameters;

    it('takes the lake lease first; a second execution finds it held and ends at once, changing nothing', () => {
      expect(follow(definition.States, definition.StartAt)).toEqual(['Take the lake lease', 'Is the lake free?']);
      const take = parameters('Take the lake lease');
      expect(take).toMatchObject({ action: 'take', 'runId.$': '$$.Execution.Name' });
      // Past the state machine's timeout: no live execution's lease lapses.
      expect(take.ttlSeconds).toBeGreaterThan(properties.TimeoutSeconds ?? 7200);
      expect(retriesThrottling(definition.States['Take the lake lease'])).toBe(true);
      const { held } = choice('Is the lake free?');
      expect(definition.States[held].Type).toBe('Succeed');
      expect(held).toBe('Another refresh is running');
    });

    it('ingests the sources in parallel, then metrics → report (which switches the site itself: no invalidation), then gives the lease back', () => {
      expect(follow(definition.States, choice('Is the lake free?').taken)).toEqual([
        'Ingest sources',
        'Compute metrics',
        'Build and publish report',
        'Release the lake lease',
        'Published',
      ]);
      expect(parameters('Release the lake lease')).toEqual({ action: 'release', 'lease.$': '$.lease.lease' });
      const ingest = definition.States['Ingest sources'];
      expect(ingest.Type).toBe('Parallel');
      expect(ingest.Branches!.map((b) => b.StartAt)).toEqual(built.config.sources.map((s) => `Ingest ${s}`));
      expect(definition.States.Published.Type).toBe('Succeed');
    });

    it('reports a failed source, finishes or discards its staged writes, and lets the other sources go on', () => {
      for (const branch of definition.States['Ingest sources'].Branches!) {
        const task = branch.States[branch.StartAt];
        expect(task.Type).toBe('Task');
        expect(retriesThrottling(task), branch.StartAt).toBe(true);
        const handler = only(task.Catch!);
        expect(handler.ErrorEquals).toEqual(['States.ALL']);
        const [describe, report, recover, record] = follow(branch.States, handler.Next).map(
          (name) => branch.States[name],
        );
        expect(describe.Type).toBe('Pass');
        expect(report.Resource).toMatch(/:states:::sns:publish$/);
        // The same source's function, in recovery mode; a failed recovery still ends in the record.
        const payload = (state: State) => (state as State & { Parameters: Record<string, unknown> }).Parameters;
        expect(payload(recover)).toEqual({ ...payload(task), recover: true });
        expect(only(recover.Catch!).Next).toBe(follow(branch.States, handler.Next)[3]);
        expect(record.Type).toBe('Pass');
        expect(record.End).toBe(true);
      }
    });

    it('sends any later failure to a notification, gives the lease back and ends in a Fail state', () => {
      for (const name of ['Compute metrics', 'Build and publish report']) {
        const handler = only(definition.States[name].Catch!);
        expect(handler.ErrorEquals, name).toEqual(['States.ALL']);
        const path = follow(definition.States, handler.Next);
        expect(
          path.map((s) => definition.States[s].Type),
          name,
        ).toEqual(['Pass', 'Task', 'Task', 'Fail']);
        expect(parameters(path[2])).toEqual({ action: 'release', 'lease.$': '$.lease.lease' });
        // A release that fails still ends in the Fail state (the lease then lapses by itself).
        expect(only(definition.States[path[2]].Catch!).Next).toBe(path[3]);
      }
      expect(retriesThrottling(definition.States['Compute metrics'])).toBe(true);
      expect(retriesThrottling(definition.States['Build and publish report'])).toBe(true);
    });

    it('logs every execution and traces with X-Ray', () => {
      expect(properties.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: true });
      expect(properties.TracingConfiguration).toEqual({ Enabled: true });
    });
  });
});

describe('site', () => {
  it('serves the private bucket through CloudFront with origin access control', () => {
    const oac = only(Object.values(resourcesOf(site, 'AWS::CloudFront::OriginAccessControl')));
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const config = only(Object.values(resourcesOf(site, 'AWS::CloudFront::Distribution'))).Properties
      .DistributionConfig;
    const origin = only(config.Origins as Record<string, any>[]);
    expect(origin.OriginAccessControlId).toEqual({
      'Fn::GetAtt': [Object.keys(resourcesOf(site, 'AWS::CloudFront::OriginAccessControl'))[0], 'Id'],
    });
    expect(origin.S3OriginConfig.OriginAccessIdentity).toBe('');
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(text(config.Logging.Bucket)).toMatch(/^chainwatch-dev-logs-/);
    site.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it('serves every request from the build the key value store names, through a viewer-request function', () => {
    const store = only(Object.entries(resourcesOf(site, 'AWS::CloudFront::KeyValueStore')));
    const fn = only(Object.values(resourcesOf(site, 'AWS::CloudFront::Function')));
    expect(fn.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    expect(fn.Properties.FunctionConfig.KeyValueStoreAssociations).toEqual([
      { KeyValueStoreARN: { 'Fn::GetAtt': [store[0], 'Arn'] } },
    ]);
    expect(fn.Properties.FunctionCode).toBe(
      readFileSync(new URL('../../infra/functions/site-router.js', import.meta.url), 'utf8'),
    );
    expect(fn.Properties.AutoPublish).toBe(true);
    const behavior = only(Object.values(resourcesOf(site, 'AWS::CloudFront::Distribution'))).Properties
      .DistributionConfig.DefaultCacheBehavior;
    expect(behavior.FunctionAssociations).toEqual([
      {
        EventType: 'viewer-request',
        FunctionARN: { 'Fn::GetAtt': [Object.keys(resourcesOf(site, 'AWS::CloudFront::Function'))[0], 'FunctionARN'] },
      },
    ]);
  });

  it('sends the CSP the pages are written for, and the other security headers', () => {
    const policies = Object.entries(resourcesOf(site, 'AWS::CloudFront::ResponseHeadersPolicy'));
    const config = (id: string) =>
      policies.find(([key]) => key.startsWith(id))![1].Properties.ResponseHeadersPolicyConfig;
    const headers = config('SecurityHeaders').SecurityHeadersConfig;
    expect(headers.ContentSecurityPolicy).toEqual({
      ContentSecurityPolicy:
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
      Override: true,
    });
    expect(headers.FrameOptions.FrameOption).toBe('DENY');
    expect(headers.ContentTypeOptions.Override).toBe(true);
    expect(headers.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31_536_000);
    // The Data page and its console's files: the same headers, the CSP allowing WebAssembly and nothing else more.
    const consoleHeaders = config('ConsoleSecurityHeaders').SecurityHeadersConfig;
    expect(consoleHeaders).toEqual({
      ...headers,
      ContentSecurityPolicy: {
        ContentSecurityPolicy: headers.ContentSecurityPolicy.ContentSecurityPolicy.replace(
          "script-src 'self'",
          "script-src 'self' 'wasm-unsafe-eval'",
        ),
        Override: true,
      },
    });
    expect(policies).toHaveLength(2);
  });

  it('gives the console CSP exactly to the Data page in every copy of a release and to the console files', () => {
    const distribution = only(Object.values(resourcesOf(site, 'AWS::CloudFront::Distribution'))).Properties
      .DistributionConfig;
    const policyId = (id: string) => ({
      Ref: Object.keys(resourcesOf(site, 'AWS::CloudFront::ResponseHeadersPolicy')).find((key) => key.startsWith(id)),
    });
    expect(distribution.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual(policyId('SecurityHeaders'));
    const behaviors = distribution.CacheBehaviors as any[];
    expect(behaviors.map((b) => b.PathPattern).sort()).toEqual(
      ['/console/*', '/data.html', '/latest/data.html', '/releases/*/data.html'].sort(),
    );
    for (const b of behaviors) {
      expect(b.ResponseHeadersPolicyId, b.PathPattern).toEqual(policyId('ConsoleSecurityHeaders'));
      // Everything else as the default behavior: the same origin, cache policy and router function.
      const { PathPattern: _, ResponseHeadersPolicyId: __, ...rest } = b;
      const { ResponseHeadersPolicyId: ___, ...defaults } = distribution.DefaultCacheBehavior;
      expect(rest, b.PathPattern).toEqual(defaults);
    }
    expect(distribution.Origins).toHaveLength(1);
  });
});

describe('IAM', () => {
  it('has no "Action": "*" anywhere, and "Resource": "*" only for actions without resource-level permissions', () => {
    const statements: { where: string; Action: string | string[]; Resource: unknown }[] = [];
    for (const [name, t] of Object.entries({ storage, catalog, site, pipeline })) {
      for (const [id, r] of Object.entries({
        ...resourcesOf(t, 'AWS::IAM::Policy'),
        ...resourcesOf(t, 'AWS::IAM::ManagedPolicy'),
        ...resourcesOf(t, 'AWS::IAM::Role'),
      })) {
        const documents =
          r.Type === 'AWS::IAM::Role'
            ? (r.Properties.Policies ?? []).map((p: any) => p.PolicyDocument)
            : [r.Properties.PolicyDocument];
        for (const d of documents) for (const s of d.Statement) statements.push({ where: `${name}/${id}`, ...s });
      }
    }
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) {
      const actions = [s.Action].flat();
      expect(actions, s.where).not.toContain('*');
      if ([s.Resource].flat().includes('*')) {
        expect(
          actions.filter((a) => !ACTIONS_WITHOUT_RESOURCE_SCOPE.includes(a)),
          s.where,
        ).toEqual([]);
      }
    }
    // Roles carry no AWS managed policies (AWSLambdaBasicExecutionRole would grant logs:* on "*").
    for (const t of [storage, catalog, site, pipeline]) {
      for (const [id, role] of Object.entries(resourcesOf(t, 'AWS::IAM::Role')))
        expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
    }
  });
});
