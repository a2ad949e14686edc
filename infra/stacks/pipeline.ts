import type { IngestSourceId, KeyedSource } from '../../src/core/sources.ts';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Size, Stack, TimeZone, Validations, type StackProps } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { ChainwatchConfig } from '../config.ts';
import { ENV } from '../../src/core/env.ts';
import { LEASE_KEY, lakePrefix } from '../../src/core/lake/layout.ts';
import { OPERATOR_NAMESPACE, serviceName } from '../../src/core/operator-metrics.ts';
import { BUNDLED_SOURCE } from '../../src/core/sources.ts';
import { grantAthenaQueries, grantLakeFormationRead, grantObjects } from '../grants.ts';
import { ingestWritePatterns } from '../lake-layout.ts';
import { renderResource } from '../nag.ts';
import type { ResourceNames } from '../names.ts';
import { INGEST_HEAP_MB, INGEST_MEMORY_MB, REPORT_TMP_MB } from '../lambda-budgets.ts';
import type { CatalogStack } from './catalog.ts';
import { AlarmTopic, Operations } from './operations.ts';

export interface PipelineStackProps extends StackProps {
  config: ChainwatchConfig;
  names: ResourceNames;
  /** The site pointer (the site stack's key value store): the report Lambda switches the site by writing it. */
  sitePointer: cloudfront.IKeyValueStore;
  /** The site's CloudFront domain: the report Lambda's base URL for citations and feeds, output for the smoke check. */
  siteDomainName: string;
  catalog: CatalogStack;
}

/**
 * The only actions allowed on `"Resource": "*"`: they have no resource-level permissions.
 * X-Ray trace upload (Lambda and Step Functions tracing) and CloudWatch Logs vended-log delivery
 * (Step Functions execution logging). The IAM test holds every statement to this list.
 */
export const ACTIONS_WITHOUT_RESOURCE_SCOPE = [
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
  'lakeformation:GetDataAccess',
];
const RESOURCE_STAR_REASON =
  'Only X-Ray trace upload, CloudWatch Logs log-delivery and Lake Formation credential-vending (GetDataAccess, with the lakeFormation option) actions, which have no resource-level permissions, are allowed on "*" (ACTIONS_WITHOUT_RESOURCE_SCOPE).';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The newest Node.js runtime this aws-cdk-lib knows (cdk-nag's AwsSolutions-L1 holds every function to
 * it): Node 24, supported by Lambda into 2028. A CDK upgrade that adds a newer one fails the runtime test.
 */
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** Native modules cannot be bundled and DuckDB is the local engine only: keep it out of every Lambda. */
const LAMBDA_EXTERNAL_MODULES = ['@duckdb/node-api', '@duckdb/node-bindings'];

/** Errors worth retrying: Lambda and AWS API throttling, surfaced either by Step Functions or by a handler. */
const THROTTLING_ERRORS = [
  'Lambda.TooManyRequestsException',
  'TooManyRequestsException',
  'ThrottlingException',
  'ThrottledException',
];
/** An execution that runs longer is stopped. */
const REFRESH_TIMEOUT = Duration.hours(2);
/**
 * How long the lake's lease lasts if an execution never gives it back (stopped, or timed out): past the
 * state machine's own timeout, so no live execution's lease lapses, and the next execution is not blocked
 * for longer.
 */
const LEASE_TTL = REFRESH_TIMEOUT.plus(Duration.minutes(10));

/** The site's public address from its CloudFront domain. */
const siteUrlOf = (domainName: string): string => `https://${domainName}/`;

const retryThrottling: sfn.RetryProps = {
  errors: THROTTLING_ERRORS,
  interval: Duration.seconds(5),
  backoffRate: 2,
  maxAttempts: 5,
  jitterStrategy: sfn.JitterType.FULL,
};

interface HandlerOptions {
  /** The handler module `lambdas/<name>.ts`. */
  name: 'ingest' | 'metrics' | 'report' | 'watchdog' | 'lease';
  description: string;
  environment: Record<string, string>;
  timeout: Duration;
  memorySize: number;
  /** V8 heap limit in MB (NODE_OPTIONS), for a step whose memory is budgeted (see infra/lambda-budgets.ts). */
  heapMb?: number;
  /** /tmp in MB, for a step that writes more there than Lambda's default 512 MB (see infra/lambda-budgets.ts). */
  tmpMb?: number;
  /** Repository folders the handler reads at run time → where they go in the bundle (the task root). */
  bundleFiles?: Record<string, string>;
}

/**
 * The monthly refresh: one ingest Lambda per enabled source, the metrics Lambda (Athena), the
 * report Lambda (build + publish), a Step Functions state machine that runs them, an alarm on
 * failed runs, and the monthly schedule.
 */
export class PipelineStack extends Stack {
  readonly ingestFunctions: Map<IngestSourceId, nodejs.NodejsFunction>;
  readonly metricsFunction: nodejs.NodejsFunction;
  readonly reportFunction: nodejs.NodejsFunction;
  /** Takes the lake's one-writer lease as the refresh's first step and gives it back as its last. */
  readonly leaseFunction: nodejs.NodejsFunction;
  /** Emits the days since the last successful refresh, daily, for the overdue alarm. */
  readonly watchdogFunction: nodejs.NodejsFunction;
  readonly stateMachine: sfn.StateMachine;
  readonly alarmTopic: sns.Topic;
  readonly operations: Operations;

  private readonly config: ChainwatchConfig;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { config, names, sitePointer, catalog } = props;
    this.config = config;
    const lakeBucket = s3.Bucket.fromBucketName(this, 'Lake', names.bucket('lake'));
    const athenaResultsBucket = s3.Bucket.fromBucketName(this, 'AthenaResults', names.bucket('results'));
    const siteBucket = s3.Bucket.fromBucketName(this, 'Site', names.bucket('site'));

    this.ingestFunctions = new Map(
      config.sources.map((source) => {
        const parameter = config.apiKeyParameters[source as KeyedSource];
        const fn = this.handler(`Ingest-${source}`, {
          name: 'ingest',
          description: `chainwatch ingest of source "${source}": fetch → raw/, validate → curated/ or quarantine/`,
          // The ingest code reads `<SOURCE>_API_KEY_PARAM` and resolves it in SSM.
          environment: {
            [ENV.lakeBucket]: lakeBucket.bucketName,
            ...(parameter ? { [ENV.apiKeyParameter(source as KeyedSource)]: parameter } : {}),
          },
          timeout: Duration.minutes(10),
          memorySize: INGEST_MEMORY_MB,
          heapMb: INGEST_HEAP_MB,
          bundleFiles: { 'data/bundled': 'data/bundled', 'data-schemas/reference': 'data-schemas/reference' },
        });
        grantObjects(
          fn.role!,
          lakeBucket,
          'readWrite',
          `${lakePrefix.raw(source)}*`,
          `ingest of ${source} keeps what it fetched under its own raw/ prefix`,
        );
        grantObjects(
          fn.role!,
          lakeBucket,
          'readWrite',
          `${lakePrefix.quarantine(source)}*`,
          `ingest of ${source} writes rejected rows under its own quarantine/ prefix`,
        );
        for (const pattern of ingestWritePatterns(source)) {
          grantObjects(
            fn.role!,
            lakeBucket,
            'readWrite',
            pattern,
            `ingest of ${source} stages and replaces only its own curated partitions and records its own run manifest`,
          );
        }
        grantObjects(
          fn.role!,
          lakeBucket,
          'readWrite',
          lakePrefix.state(source),
          `ingest of ${source} keeps what it last fetched in its state object`,
        );
        if (parameter) {
          fn.addToRolePolicy(
            new iam.PolicyStatement({
              actions: ['ssm:GetParameter'],
              resources: [
                this.formatArn({ service: 'ssm', resource: 'parameter', resourceName: parameter.replace(/^\//, '') }),
              ],
            }),
          );
        }
        return [source, fn] as const;
      }),
    );

    /** Athena queries in the pipeline's workgroup over every catalog table (and Lake Formation's read, when it governs them). */
    const grantPipelineQueries = (fn: lambda.IFunction) => {
      grantAthenaQueries(fn.role!, {
        workGroup: names.workGroup('pipeline'),
        database: catalog.database,
        tables: catalog.tables.values(),
        lakeBucket,
        results: { bucket: athenaResultsBucket, prefix: 'pipeline/' },
      });
      if (config.lakeFormation) grantLakeFormationRead(fn.role as iam.Role, catalog.database);
    };

    this.metricsFunction = this.handler('Metrics', {
      name: 'metrics',
      description:
        'chainwatch metrics: run every metric SQL file on Athena, UNLOAD to a new version of metrics/<table>/',
      environment: {
        [ENV.lakeBucket]: lakeBucket.bucketName,
        [ENV.athenaWorkgroup]: names.workGroup('pipeline'),
        [ENV.glueDatabase]: names.database,
      },
      timeout: Duration.minutes(15),
      memorySize: 512,
      bundleFiles: { 'sql/metrics': 'sql/metrics' },
    });
    grantPipelineQueries(this.metricsFunction);
    grantObjects(
      this.metricsFunction.role!,
      lakeBucket,
      'readWrite',
      `${lakePrefix.metrics}*`,
      'the metrics step UNLOADs each metric table into a new version under metrics/ and switches its manifest',
    );
    grantObjects(
      this.metricsFunction.role!,
      lakeBucket,
      'readWrite',
      `${lakePrefix.metricState}*`,
      'the metrics step records what each table was computed from, to keep unchanged ones',
    );

    this.reportFunction = this.handler('Report', {
      name: 'report',
      description: 'chainwatch report: build the site from the lake tables and publish it to the site bucket',
      environment: {
        [ENV.lakeBucket]: lakeBucket.bucketName,
        [ENV.siteBucket]: siteBucket.bucketName,
        [ENV.siteKvsArn]: sitePointer.keyValueStoreArn,
        // The site's public address: "cite this chart" and the alert feeds carry absolute URLs.
        [ENV.siteUrl]: siteUrlOf(props.siteDomainName),
        [ENV.athenaWorkgroup]: names.workGroup('pipeline'),
        [ENV.glueDatabase]: names.database,
      },
      // Lambda's longest: on Athena the Data page's table files pass every table's rows through the function
      // (6.5 minutes and 434 s of CPU for a 10 M-row lake, measured locally on two cores: bench/analysis.md).
      timeout: Duration.minutes(15),
      memorySize: 1769,
      tmpMb: REPORT_TMP_MB,
      // The stylesheet, the metric SQL files (linked from every chart), the report's queries, the saved analyst
      // queries (the Data page's examples) and the Data page's SQL console (npm run build makes it) ship beside the bundle.
      bundleFiles: {
        reports: 'reports',
        'sql/metrics': 'sql/metrics',
        'sql/report': 'sql/report',
        'sql/analyst': 'sql/analyst',
        'dist/site-console': 'dist/site-console',
      },
    });
    // Every page's rows come from Athena, as the metrics do.
    grantPipelineQueries(this.reportFunction);
    grantObjects(
      this.reportFunction.role!,
      lakeBucket,
      'read',
      `${lakePrefix.curated}*`,
      'the report cites sources and reference tables',
    );
    grantObjects(
      this.reportFunction.role!,
      lakeBucket,
      'read',
      `${lakePrefix.metrics}*`,
      'the report is built from the metric tables',
    );
    grantObjects(
      this.reportFunction.role!,
      lakeBucket,
      'read',
      `${lakePrefix.runs}*`,
      'the data-quality page reads the run manifests',
    );
    grantObjects(
      this.reportFunction.role!,
      lakeBucket,
      'read',
      `${lakePrefix.stateRoot}*`,
      "the data-quality page and stale banners read each source's state",
    );
    grantObjects(
      this.reportFunction.role!,
      lakeBucket,
      'read',
      `${lakePrefix.quarantineRoot}*`,
      'the data-quality page counts quarantined rows',
    );
    grantObjects(
      this.reportFunction.role!,
      siteBucket,
      'readWrite',
      '*',
      'the site bucket holds only the published site builds, which the report writes and retires',
    );
    // Read the pointer (and its ETag) and switch it in one UpdateKeys call: nothing else, on that one store.
    this.reportFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          'cloudfront-keyvaluestore:DescribeKeyValueStore',
          'cloudfront-keyvaluestore:GetKey',
          'cloudfront-keyvaluestore:UpdateKeys',
        ],
        resources: [sitePointer.keyValueStoreArn],
      }),
    );

    this.leaseFunction = this.handler('Lease', {
      name: 'lease',
      description: "chainwatch lease: take the lake's one-writer lease before a refresh, give it back after",
      environment: { [ENV.lakeBucket]: lakeBucket.bucketName },
      timeout: Duration.minutes(1),
      memorySize: 256,
    });
    // Create (If-None-Match), take over a lapsed one (If-Match) and release (DeleteObject If-Match, which
    // also needs GetObject): one object, nothing else in the lake.
    grantObjects(
      this.leaseFunction.role!,
      lakeBucket,
      'readWrite',
      LEASE_KEY,
      'the lease step writes only the lease object',
    );

    const alarmTopic = new AlarmTopic(this, 'Alarms', config);
    this.alarmTopic = alarmTopic.topic;

    this.stateMachine = new sfn.StateMachine(this, 'Refresh', {
      stateMachineName: names.stateMachine,
      comment:
        'chainwatch monthly refresh: ingest (parallel) → metrics → report (publish a build, switch the site to it)',
      definitionBody: sfn.DefinitionBody.fromChainable(this.definition()),
      timeout: REFRESH_TIMEOUT,
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'RefreshLogs', {
          logGroupName: `/aws/vendedlogs/states/chainwatch-${config.stage}-refresh`,
          retention: config.logRetentionDays as logs.RetentionDays,
          // A fixed name (the vended-logs prefix keeps Step Functions within the log resource-policy
          // size limit) that a retained group would block on the next deploy after `cdk destroy`.
          removalPolicy: RemovalPolicy.DESTROY,
        }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: true,
      },
    });

    const stateMachineRole = this.stateMachine.role;
    Validations.of(stateMachineRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: RESOURCE_STAR_REASON,
    });
    for (const fn of [
      ...this.ingestFunctions.values(),
      this.metricsFunction,
      this.reportFunction,
      this.leaseFunction,
    ]) {
      Validations.of(stateMachineRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${renderResource(stateMachineRole, `${fn.functionArn}:*`)}]`,
        reason:
          'LambdaInvoke is granted the function and its versions and aliases (<function arn>:*); no other function is reachable.',
      });
    }

    this.watchdogFunction = this.handler('Watchdog', {
      name: 'watchdog',
      description: 'chainwatch watchdog: emit the days since the refresh last succeeded (daily), for the overdue alarm',
      environment: { [ENV.stateMachineArn]: this.stateMachine.stateMachineArn },
      timeout: Duration.minutes(1),
      memorySize: 256,
    });
    this.watchdogFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:ListExecutions', 'states:DescribeStateMachine'],
        resources: [this.stateMachine.stateMachineArn],
      }),
    );
    const watchdogScheduleRole = new iam.Role(this, 'WatchdogScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': this.account },
      }),
    });
    new scheduler.Schedule(this, 'Daily', {
      description: `chainwatch ${config.stage}: daily watchdog of the refresh's age`,
      schedule: scheduler.ScheduleExpression.cron({
        minute: '0',
        hour: '12',
        timeZone: TimeZone.of(config.schedule.timeZone),
      }),
      target: new schedulerTargets.LambdaInvoke(this.watchdogFunction, { role: watchdogScheduleRole }),
    });
    Validations.of(watchdogScheduleRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${renderResource(watchdogScheduleRole, `${this.watchdogFunction.functionArn}:*`)}]`,
      reason:
        'The schedule may invoke the watchdog function and its versions and aliases (<function arn>:*); no other function is reachable.',
    });

    // A start the schedule cannot deliver (throttled, state machine missing) is retried, then kept here.
    const scheduleDeadLetters = new sqs.Queue(this, 'ScheduleDeadLetters', {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(scheduleDeadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter queue of the monthly schedule; a dead-letter queue of its own would only move the same undelivered start one step further. Its depth is alarmed (schedule-undelivered).',
    });
    const { schedule } = config;
    new scheduler.Schedule(this, 'Monthly', {
      description: `chainwatch ${config.stage}: monthly refresh on day ${schedule.day} at ${schedule.hour}:${String(schedule.minute).padStart(2, '0')} ${schedule.timeZone}`,
      schedule: scheduler.ScheduleExpression.cron({
        minute: String(schedule.minute),
        hour: String(schedule.hour),
        day: String(schedule.day),
        timeZone: TimeZone.of(schedule.timeZone),
      }),
      enabled: schedule.enabled,
      target: new schedulerTargets.StepFunctionsStartExecution(this.stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({ trigger: 'schedule' }),
        deadLetterQueue: scheduleDeadLetters,
        retryAttempts: 20,
        maxEventAge: Duration.hours(12),
      }),
    });

    // Every source but the bundled data fetches from a live API, and so can go stale.
    const liveSources = config.sources.filter((s) => s !== BUNDLED_SOURCE);
    this.operations = new Operations(this, 'Operations', {
      config,
      alarmTopic,
      stateMachine: this.stateMachine,
      functions: new Map<string, lambda.IFunction>([
        ...[...this.ingestFunctions].map(([source, fn]) => [`ingest-${source}`, fn] as const),
        ['metrics', this.metricsFunction],
        ['report', this.reportFunction],
        ['lease', this.leaseFunction],
        ['watchdog', this.watchdogFunction],
      ]),
      scheduleDeadLetters,
      liveSources,
    });

    // What the smoke check (`chainwatch smoke --stack <name>`) and an operator look up.
    new CfnOutput(this, 'StateMachineArn', {
      value: this.stateMachine.stateMachineArn,
      description: 'The monthly refresh state machine',
    });
    new CfnOutput(this, 'SiteUrl', { value: siteUrlOf(props.siteDomainName), description: 'The report site' });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.alarmTopic.topicArn,
      description: 'Where alarms and failure notices go; subscribe to it',
    });
    new CfnOutput(this, 'DashboardName', {
      value: this.operations.dashboard.dashboardName,
      description: 'CloudWatch dashboard of the last twelve runs',
    });
  }

  /**
   * ingest sources in parallel (a failed source is reported on the alarm topic and the run goes
   * on) → metrics → report. A failure after ingest is reported and ends the run in a Fail state
   * (which the alarm counts); the last published site stays in place. There is no CloudFront
   * invalidation: the site's function rewrites every request into the current build's folder, and
   * the rewritten path is the cache key, so nothing cached can answer for a new build.
   */
  private definition(): sfn.IChainable {
    const runId = sfn.JsonPath.stringAt('$$.Execution.Name');
    // A caught error need not carry a Cause (States.Timeout, some service errors): fill it in first, or
    // the message's reference to $.error.Cause would fail the notify state itself and skip recovery.
    const notify = (id: string, subject: string, what: string) =>
      new sfn.Pass(this, `${id} (describe)`, {
        parameters: {
          'described.$':
            'States.JsonMerge(States.StringToJson(\'{"Error":"Unknown","Cause":"(no cause given)"}\'), $.error, false)',
        },
        resultPath: '$.notice',
      }).next(
        new tasks.SnsPublish(this, id, {
          topic: this.alarmTopic,
          subject,
          message: sfn.TaskInput.fromText(
            sfn.JsonPath.format(
              `${what} in run {}: {} — {}`,
              runId,
              sfn.JsonPath.stringAt('$.notice.described.Error'),
              sfn.JsonPath.stringAt('$.notice.described.Cause'),
            ),
          ),
          resultPath: sfn.JsonPath.DISCARD,
        }).addRetry({ ...retryThrottling, errors: [sfn.Errors.TASKS_FAILED], maxAttempts: 3 }),
      );

    const ingest = new sfn.Parallel(this, 'Ingest sources', { resultPath: '$.ingest' });
    for (const [source, fn] of this.ingestFunctions) {
      const record = new sfn.Pass(this, `${source} failed`, {
        parameters: { source, status: 'failed', error: sfn.JsonPath.stringAt('$.error.Error') },
      });
      // The failed run may have died between its commit marker and its last partition file: finish (or
      // discard) its staged writes now, so metrics never read a half-applied source. If that fails too,
      // the source's next run does it first.
      const recover = this.invoke(
        `Recover ${source}`,
        fn,
        { source, runId, recover: true },
        sfn.JsonPath.DISCARD,
      ).addCatch(record, { errors: [sfn.Errors.ALL], resultPath: '$.recoverError' });
      const failed = notify(
        `Report ${source} failure`,
        `chainwatch ${this.config.stage}: ingest of ${source} failed`,
        `Ingest of ${source} failed`,
      ).next(recover.next(record));
      // The branch's output is the handler's summary, or the failure record: `$.ingest` lists one per source.
      ingest.branch(
        this.invoke(`Ingest ${source}`, fn, { source, runId }, '$').addCatch(failed, {
          errors: [sfn.Errors.ALL],
          resultPath: '$.error',
        }),
      );
    }

    // The last step, on either path: give the lease back (only if it is still this execution's).
    const release = (id: string) =>
      this.invoke(
        id,
        this.leaseFunction,
        { action: 'release', lease: sfn.JsonPath.objectAt('$.lease.lease') },
        sfn.JsonPath.DISCARD,
      );
    const refreshFailed = new sfn.Fail(this, 'Refresh failed', {
      error: 'RefreshFailed',
      cause: 'A step after ingest failed; the previous release stays published.',
    });
    const failed = notify('Report run failure', `chainwatch ${this.config.stage}: refresh failed`, 'The refresh failed')
      .next(
        // A release that fails too still ends the run as failed; the lease then lapses by itself.
        release('Release the lake lease after a failure').addCatch(refreshFailed, {
          errors: [sfn.Errors.ALL],
          resultPath: '$.releaseError',
        }),
      )
      .next(refreshFailed);
    const onFailure = { errors: [sfn.Errors.ALL], resultPath: '$.error' };

    const metrics = this.invoke('Compute metrics', this.metricsFunction, { runId }, '$.metrics').addCatch(
      failed,
      onFailure,
    );
    const report = this.invoke(
      'Build and publish report',
      this.reportFunction,
      { runId, ingest: sfn.JsonPath.objectAt('$.ingest') },
      '$.report',
    ).addCatch(failed, onFailure);
    // The first step: one refresh at a time. A second execution (a manual start overlapping the schedule,
    // a schedule delivered twice) finds the lease held and ends here, having changed nothing.
    const take = this.invoke(
      'Take the lake lease',
      this.leaseFunction,
      { action: 'take', runId, ttlSeconds: LEASE_TTL.toSeconds() },
      '$.lease',
    );
    const refresh = ingest
      .next(metrics)
      .next(report)
      .next(release('Release the lake lease'))
      .next(new sfn.Succeed(this, 'Published'));
    return take.next(
      new sfn.Choice(this, 'Is the lake free?')
        .when(sfn.Condition.booleanEquals('$.lease.taken', true), refresh)
        .otherwise(
          new sfn.Succeed(this, 'Another refresh is running', {
            comment: 'The lake lease is held by another execution ($.lease.heldBy); this one changed nothing.',
          }),
        ),
    );
  }

  /** A Lambda task that returns the handler's result, retrying throttling with backoff. */
  private invoke(
    id: string,
    fn: lambda.IFunction,
    payload: Record<string, unknown>,
    resultPath: string,
  ): sfn.TaskStateBase {
    return new tasks.LambdaInvoke(this, id, {
      lambdaFunction: fn,
      payload: sfn.TaskInput.fromObject(payload),
      payloadResponseOnly: true,
      resultPath,
    }).addRetry(retryThrottling);
  }

  /** A thin NodejsFunction over `lambdas/<name>.ts`: the newest Node runtime on ARM64, its own role and log group. */
  private handler(id: string, o: HandlerOptions): nodejs.NodejsFunction {
    const logGroup = new logs.LogGroup(this, `${id}-Logs`, {
      retention: this.config.logRetentionDays as logs.RetentionDays,
    });
    // An own role instead of AWSLambdaBasicExecutionRole, whose logs:* on every log group is broader than needed.
    const role = new iam.Role(this, `${id}-Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    const fn = new nodejs.NodejsFunction(this, id, {
      description: o.description,
      entry: `${repoRoot}lambdas/${o.name}.ts`,
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: `${repoRoot}package-lock.json`,
      runtime: LAMBDA_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: o.memorySize,
      ephemeralStorageSize: o.tmpMb ? Size.mebibytes(o.tmpMb) : undefined,
      timeout: o.timeout,
      role,
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        ...o.environment,
        // Powertools metrics: one namespace, and the stage as the `service` dimension (src/core/operator-metrics.ts).
        [ENV.metricsNamespace]: OPERATOR_NAMESPACE,
        [ENV.serviceName]: serviceName(this.config.stage),
        NODE_OPTIONS: ['--enable-source-maps', ...(o.heapMb ? [`--max-old-space-size=${o.heapMb}`] : [])].join(' '),
      },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: LAMBDA_RUNTIME.name.replace(/^nodejs(\d+)\.x$/, 'node$1'),
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        // ESM output still meets CommonJS dependencies that call require().
        banner:
          "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
        externalModules: LAMBDA_EXTERNAL_MODULES,
        // Ship the SDK versions the code was tested with instead of whatever the runtime carries.
        bundleAwsSDK: true,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) =>
            Object.entries(o.bundleFiles ?? {}).map(
              ([from, to]) => `mkdir -p "${outputDir}/${to}" && cp -R "${inputDir}/${from}/." "${outputDir}/${to}/"`,
            ),
        },
      },
    });
    Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: RESOURCE_STAR_REASON });
    return fn;
  }
}
