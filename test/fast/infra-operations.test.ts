/**
 * What tells an operator that a month went wrong, asserted on the synthesized pipeline stack: the
 * alarm topic's policy (and that CloudWatch and EventBridge may publish under it, judged by the IAM
 * evaluator), who it notifies, every alarm, the failed-run notice, the dashboard, the stack outputs
 * the smoke check reads, and the Lake Formation option.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { appSynthesizer } from '../support/synth-app.ts';
import type { ChainwatchApp } from '../../infra/build-app.ts';
import {
  DIMENSION,
  OPERATOR_NAMESPACE,
  RUN_METRIC,
  serviceName,
  SOURCE_METRIC,
} from '../../src/core/operator-metrics.ts';
import { ACCOUNT, REGION } from '../support/cfn-resolve.ts';
import { AppPolicies, decide } from '../support/iam-evaluate.ts';

const synthesize = appSynthesizer();

type Resource = { Type: string; Properties: Record<string, any> };
const resourcesOf = (t: Template, type: string) => t.findResources(type) as Record<string, Resource>;
/** The literal text of a CloudFormation string, with every intrinsic replaced by `<token>`. */
const text = (v: unknown): string =>
  typeof v === 'string'
    ? v
    : (v as any)?.['Fn::Join']
      ? (v as any)['Fn::Join'][1].map(text).join((v as any)['Fn::Join'][0])
      : '<token>';

let built: ChainwatchApp;
let pipeline: Template;
let topicId: string;
const alarms = () => Object.values(resourcesOf(pipeline, 'AWS::CloudWatch::Alarm'));
const alarm = (name: string) => {
  const found = alarms().filter((a) => a.Properties.AlarmName === `chainwatch-dev-${name}`);
  expect(found, name).toHaveLength(1);
  return found[0].Properties;
};
/** The metrics an alarm's expression reads, as namespace/name/dimensions. */
const metricsOf = (a: Record<string, any>) =>
  (a.Metrics as any[])
    .filter((m) => m.MetricStat)
    .map((m) => ({
      namespace: m.MetricStat.Metric.Namespace,
      name: m.MetricStat.Metric.MetricName,
      dimensions: Object.fromEntries(
        (m.MetricStat.Metric.Dimensions ?? []).map((d: any) => [
          d.Name,
          typeof d.Value === 'string' ? d.Value : '<token>',
        ]),
      ),
    }));

beforeAll(() => {
  built = synthesize();
  pipeline = Template.fromStack(built.pipeline);
  [topicId] = Object.keys(resourcesOf(pipeline, 'AWS::SNS::Topic'));
});

describe('alarm topic', () => {
  it('keeps the TLS-only deny and lets this stage’s CloudWatch alarms and the failed-run rule publish', () => {
    const statements = Object.values(resourcesOf(pipeline, 'AWS::SNS::TopicPolicy'))[0].Properties.PolicyDocument
      .Statement as any[];
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const cloudwatch = statements.find((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(cloudwatch).toMatchObject({ Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: topicId } });
    expect(text(cloudwatch.Condition.ArnLike['aws:SourceArn'])).toBe(
      'arn:<token>:cloudwatch:<token>:<token>:alarm:chainwatch-dev-*',
    );
    expect(cloudwatch.Condition.StringEquals['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
    const events = statements.find((s) => s.Principal?.Service === 'events.amazonaws.com');
    const [ruleId] = Object.keys(resourcesOf(pipeline, 'AWS::Events::Rule'));
    expect(events).toMatchObject({
      Effect: 'Allow',
      Action: 'sns:Publish',
      Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
    });
  });

  it('is a policy under which CloudWatch and EventBridge publishing is allowed, and others’ is not (IAM evaluator)', async () => {
    const policies = new AppPolicies(built.app);
    const topic = policies.resolver.string('chainwatch-dev-pipeline', { Ref: topicId });
    const rule = policies.resolver.string('chainwatch-dev-pipeline', {
      'Fn::GetAtt': [Object.keys(resourcesOf(pipeline, 'AWS::Events::Rule'))[0], 'Arn'],
    });
    const service = (name: string) => ({ arn: `${name}.amazonaws.com`, identityPolicies: [] });
    const alarmArn = (account: string, name: string) => `arn:aws:cloudwatch:${REGION}:${account}:alarm:${name}`;
    const publish = (principal: string, sourceArn: string, sourceAccount = ACCOUNT) =>
      decide(policies, service(principal), 'sns:Publish', topic, {
        'aws:SourceArn': sourceArn,
        'aws:SourceAccount': sourceAccount,
      });
    expect(await publish('cloudwatch', alarmArn(ACCOUNT, 'chainwatch-dev-refresh-failed'))).toBe('Allowed');
    expect(await publish('events', rule)).toBe('Allowed');
    expect(
      await publish('cloudwatch', alarmArn('999999999999', 'chainwatch-dev-refresh-failed'), '999999999999'),
    ).not.toBe('Allowed');
    expect(await publish('cloudwatch', alarmArn(ACCOUNT, 'someone-elses-alarm'))).not.toBe('Allowed');
    expect(await publish('events', `arn:aws:events:${REGION}:${ACCOUNT}:rule/someone-elses-rule`)).not.toBe('Allowed');
    expect(
      await decide(policies, service('cloudwatch'), 'sns:Publish', topic, {
        'aws:SourceArn': alarmArn(ACCOUNT, 'chainwatch-dev-refresh-failed'),
        'aws:SourceAccount': ACCOUNT,
        'aws:SecureTransport': 'false',
      }),
    ).toBe('ExplicitlyDenied');
  });

  it('notifies the configured e-mail address and HTTPS endpoint, and nobody by default', () => {
    expect(Object.keys(resourcesOf(pipeline, 'AWS::SNS::Subscription'))).toEqual([]);
    const configured = Template.fromStack(
      synthesize({ alarmEmail: 'ops@example.org', alarmHttpsEndpoint: 'https://hooks.example.org/chainwatch' })
        .pipeline,
    );
    const subscriptions = Object.values(resourcesOf(configured, 'AWS::SNS::Subscription')).map((s) => [
      s.Properties.Protocol,
      s.Properties.Endpoint,
    ]);
    expect(subscriptions.sort()).toEqual([
      ['email', 'ops@example.org'],
      ['https', 'https://hooks.example.org/chainwatch'],
    ]);
    expect(() => synthesize({ alarmHttpsEndpoint: 'http://hooks.example.org/x' })).toThrow(/alarmHttpsEndpoint/);
  });
});

describe('alarms', () => {
  const service = serviceName('dev');

  it('has exactly these alarms, each sending to the topic', () => {
    const names = alarms()
      .map((a) => a.Properties.AlarmName)
      .sort();
    const sources = built.config.sources;
    expect(names).toEqual(
      [
        'chainwatch-dev-lambda-metrics',
        'chainwatch-dev-lambda-report',
        'chainwatch-dev-lambda-watchdog',
        'chainwatch-dev-lambda-lease',
        ...sources.map((s) => `chainwatch-dev-lambda-ingest-${s}`),
        ...sources.map((s) => `chainwatch-dev-quarantine-${s}`),
        'chainwatch-dev-refresh-failed',
        'chainwatch-dev-refresh-overdue',
        'chainwatch-dev-schedule-undelivered',
        'chainwatch-dev-source-stale',
      ].sort(),
    );
    for (const a of alarms()) expect(a.Properties.AlarmActions, a.Properties.AlarmName).toEqual([{ Ref: topicId }]);
  });

  it('fires on a failed or timed-out run', () => {
    const a = alarm('refresh-failed');
    expect(
      metricsOf(a)
        .map((m) => m.name)
        .sort(),
    ).toEqual(['ExecutionsFailed', 'ExecutionsTimedOut']);
    expect(a).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('fires when no refresh has succeeded for 35 days (configurable), from the watchdog’s daily age', () => {
    const a = alarm('refresh-overdue');
    expect(metricsOf(a)).toEqual([
      { namespace: OPERATOR_NAMESPACE, name: RUN_METRIC.daysSinceLastRefresh, dimensions: { service } },
    ]);
    expect(a.Metrics[0].MetricStat).toMatchObject({ Stat: 'Maximum', Period: 86400 });
    expect(a).toMatchObject({ Threshold: 35, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'missing' });
    const other = Template.fromStack(synthesize({ refreshOverdueDays: '40' }).pipeline);
    other.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'chainwatch-dev-refresh-overdue',
      Threshold: 40,
    });
    // The watchdog runs daily and may read only the state machine's executions.
    const schedules = Object.values(resourcesOf(pipeline, 'AWS::Scheduler::Schedule')).map(
      (s) => s.Properties.ScheduleExpression,
    );
    expect(schedules).toContain('cron(0 12 * * ? *)');
  });

  it('fires when any live source’s data are older than the configured age, and keeps its state between monthly runs', () => {
    const a = alarm('source-stale');
    const live = built.config.sources.filter((s) => s !== 'bundled');
    expect(metricsOf(a)).toEqual(
      live.map((s) => ({
        namespace: OPERATOR_NAMESPACE,
        name: SOURCE_METRIC.dataAgeDays,
        dimensions: { service, [DIMENSION.source]: s },
      })),
    );
    expect(a.Metrics.find((m: any) => m.Expression).Expression).toMatch(/^MAX\(\[/);
    expect(a).toMatchObject({
      Threshold: built.config.alarms.staleSourceDays,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'ignore',
    });
    expect(alarms().map((x) => x.Properties.AlarmName)).not.toContain('chainwatch-dev-source-stale-bundled');
    const bundledOnly = Template.fromStack(synthesize({ sources: 'bundled' }).pipeline);
    expect(
      Object.values(resourcesOf(bundledOnly, 'AWS::CloudWatch::Alarm')).map((x) => x.Properties.AlarmName),
    ).not.toContain('chainwatch-dev-source-stale');
  });

  it('fires when a source quarantines more than the configured share of its rows', () => {
    for (const source of built.config.sources) {
      const a = alarm(`quarantine-${source}`);
      expect(metricsOf(a).map((m) => [m.name, m.dimensions])).toEqual([
        [SOURCE_METRIC.rowsIn, { service, source }],
        [SOURCE_METRIC.rowsQuarantined, { service, source }],
      ]);
      expect(a.Metrics.find((m: any) => m.Expression).Expression).toBe('IF(rowsIn > 0, 100 * quarantined / rowsIn, 0)');
      expect(a).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'ignore' });
    }
  });

  it('fires on any Lambda error or throttle', () => {
    const functions = Object.keys(resourcesOf(pipeline, 'AWS::Lambda::Function'));
    const watched = alarms()
      .filter((a) => /-lambda-/.test(a.Properties.AlarmName))
      .map((a) => {
        const metrics = (a.Properties.Metrics as any[]).filter((m) => m.MetricStat).map((m) => m.MetricStat.Metric);
        expect(metrics.map((m) => m.MetricName).sort()).toEqual(['Errors', 'Throttles']);
        return metrics[0].Dimensions[0].Value.Ref as string;
      });
    expect(watched.sort()).toEqual(functions.sort());
  });

  it('fires when the schedule could not start a run (its dead-letter queue is not empty)', () => {
    const a = alarm('schedule-undelivered');
    expect(a).toMatchObject({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1 });
    expect(a.Dimensions[0].Value).toEqual({
      'Fn::GetAtt': [Object.keys(resourcesOf(pipeline, 'AWS::SQS::Queue'))[0], 'QueueName'],
    });
  });
});

describe('failed-run notice', () => {
  it('sends each failed, timed-out or aborted execution of the refresh to the topic, naming it', () => {
    const [rule] = Object.values(resourcesOf(pipeline, 'AWS::Events::Rule'));
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: {
        status: ['FAILED', 'TIMED_OUT', 'ABORTED'],
        stateMachineArn: [{ Ref: Object.keys(resourcesOf(pipeline, 'AWS::StepFunctions::StateMachine'))[0] }],
      },
    });
    const [target] = rule.Properties.Targets;
    expect(target.Arn).toEqual({ Ref: topicId });
    expect(target.InputTransformer.InputPathsMap).toMatchObject({
      'detail-name': '$.detail.name',
      'detail-status': '$.detail.status',
    });
    expect(target.InputTransformer.InputTemplate).toContain('<detail-name>');
  });
});

describe('dashboard', () => {
  it('shows the last twelve monthly runs: alarms, runs, rows per source, staleness, step durations, Lambda health', () => {
    const [dashboard] = Object.values(resourcesOf(pipeline, 'AWS::CloudWatch::Dashboard'));
    expect(dashboard.Properties.DashboardName).toBe('chainwatch-dev-operations');
    const body = JSON.parse(text(dashboard.Properties.DashboardBody).replaceAll('<token>', 'x'));
    expect(body.start).toBe('-P372D');
    const titles = body.widgets.map((w: any) => w.properties.title).filter(Boolean);
    expect(titles).toEqual([
      'Alarms',
      'Days since the last successful refresh',
      'Refresh runs',
      'Rows delivered per source',
      'Rows landed per source',
      'Rows quarantined per source',
      'Live-source data age, days',
      'Step duration, ms (longest)',
      'Lambda errors and throttles',
      'Lambda duration, ms (longest)',
    ]);
    const alarmWidget = body.widgets.find((w: any) => w.properties.title === 'Alarms');
    expect(alarmWidget.properties.alarms).toHaveLength(alarms().length);
    const runs = body.widgets
      .find((w: any) => w.properties.title === 'Refresh runs')
      .properties.metrics.map((m: any[]) => m[1]);
    expect(runs).toEqual(['ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut']);
  });
});

describe('stack outputs', () => {
  it('names the state machine, the site URL, the topic and the dashboard for the smoke check', () => {
    const outputs = pipeline.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).filter((k) => !k.startsWith('Export'))).toEqual(
      expect.arrayContaining(['StateMachineArn', 'SiteUrl', 'AlarmTopicArn', 'DashboardName']),
    );
    expect(text(outputs.SiteUrl.Value)).toBe('https://<token>/');
  });
});

describe('Lake Formation option', () => {
  it('adds no grants by default, and DESCRIBE/SELECT for the metrics, report and analyst roles when set', () => {
    const grants = (app: ChainwatchApp) =>
      [app.catalog, app.pipeline].flatMap((s) =>
        Object.values(resourcesOf(Template.fromStack(s), 'AWS::LakeFormation::PrincipalPermissions')),
      );
    expect(grants(built)).toEqual([]);
    const governed = synthesize({ lakeFormation: 'true' });
    const found = grants(governed).map((g) => [Object.keys(g.Properties.Resource)[0], g.Properties.Permissions]);
    expect(found.sort()).toEqual(
      [
        ['Database', ['DESCRIBE']],
        ['Database', ['DESCRIBE']],
        ['Database', ['DESCRIBE']],
        ['Table', ['SELECT', 'DESCRIBE']],
        ['Table', ['SELECT', 'DESCRIBE']],
        ['Table', ['SELECT', 'DESCRIBE']],
      ].sort(),
    );
    for (const g of grants(governed)) expect(g.Properties.PermissionsWithGrantOption).toEqual([]);
    expect(governed.nag.validateScope(governed.app).violations.map((v) => v.ruleName)).toEqual([]);
  });
});
