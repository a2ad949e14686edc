import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  DIMENSION,
  OPERATOR_NAMESPACE,
  RUN_METRIC,
  RUN_STEPS,
  serviceName,
  SOURCE_METRIC,
  STEP_METRIC,
} from '../../src/core/operator-metrics.ts';
import type { IngestSourceId } from '../../src/core/sources.ts';
import type { ChainwatchConfig } from '../config.ts';

/** Every alarm is named `chainwatch-<stage>-<what>`; the topic lets alarms of that name publish. */
const alarmName = (stage: string, what: string) => `chainwatch-${stage}-${what}`;

/**
 * The topic every alarm and failure notice goes to, and who it reaches. `enforceSSL` gives the topic
 * a policy, and a topic with a policy accepts only the publishers it names: CloudWatch alarms (of
 * this stage, in this account) and EventBridge (the one rule below) are named here. The state
 * machine publishes with its role's own permission.
 */
export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, config: ChainwatchConfig) {
    super(scope, id);
    const stack = Stack.of(this);
    this.topic = new sns.Topic(this, 'Topic', { displayName: `chainwatch ${config.stage} pipeline`, enforceSSL: true });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Messages carry only run ids, alarm names and error names of a public-statistics pipeline. CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed SNS key, and a customer-managed key would add a key and its policy for no confidentiality gain.',
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: alarmName(config.stage, '*'),
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    if (config.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
    if (config.alarmHttpsEndpoint)
      this.topic.addSubscription(
        new subscriptions.UrlSubscription(config.alarmHttpsEndpoint, { protocol: sns.SubscriptionProtocol.HTTPS }),
      );
  }

  /** Let one EventBridge rule publish to the topic, and send its events there as `message`. */
  route(rule: events.Rule, message: events.RuleTargetInput): void {
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EventBridgePublish',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleArn } },
      }),
    );
    // CDK's SnsTopic target grants events.amazonaws.com without a condition; this names the one rule.
    rule.addTarget({ bind: () => ({ arn: this.topic.topicArn, input: message }) });
  }
}

export interface OperationsProps {
  config: ChainwatchConfig;
  alarmTopic: AlarmTopic;
  stateMachine: sfn.StateMachine;
  /** Every Lambda of the stack, by a short name for alarm and widget titles. */
  functions: Map<string, lambda.IFunction>;
  /** Where the schedule puts a start it could not deliver. */
  scheduleDeadLetters: sqs.IQueue;
  /** Sources that fetch from a live API (they can go stale); the bundled data cannot. */
  liveSources: IngestSourceId[];
}

/**
 * What tells an operator that a month went wrong: alarms on the topic for a failed or timed-out run,
 * no successful refresh for `refreshOverdueDays`, a live source whose data are older than
 * `staleSourceDays`, a source quarantining more than `quarantinePercent` of its rows, any Lambda error
 * or throttle, and a schedule that could not start a run; an EventBridge notice per failed run naming
 * the execution; and a dashboard of the last twelve monthly runs.
 */
export class Operations extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const { config, stateMachine, alarmTopic } = props;
    const { stage } = config;
    const service = serviceName(stage);
    const daily = Duration.days(1);
    const operator = (metricName: string, dimensions: Record<string, string>, statistic: string, label?: string) =>
      new cloudwatch.Metric({
        namespace: OPERATOR_NAMESPACE,
        metricName,
        dimensionsMap: { service, ...dimensions },
        statistic,
        period: daily,
        label,
      });
    const alarm = (
      what: string,
      description: string,
      props: Omit<cloudwatch.AlarmProps, 'alarmName' | 'alarmDescription'>,
    ) => {
      const a = new cloudwatch.Alarm(this, `Alarm-${what}`, {
        alarmName: alarmName(stage, what),
        alarmDescription: description,
        ...props,
      });
      a.addAlarmAction(new cloudwatchActions.SnsAction(alarmTopic.topic));
      this.alarms.push(a);
      return a;
    };

    alarm(
      'refresh-failed',
      `A chainwatch ${stage} refresh run failed or timed out; the previous release stays published. See the state machine's execution history.`,
      {
        metric: new cloudwatch.MathExpression({
          label: 'failed or timed-out runs',
          expression: 'FILL(failed, 0) + FILL(timedOut, 0)',
          usingMetrics: { failed: stateMachine.metricFailed(), timedOut: stateMachine.metricTimedOut() },
          period: Duration.minutes(5),
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
    );

    // Alarms look back at most 7 days, so the age comes from the daily watchdog; no data yet is not an alarm.
    const refreshAge = operator(
      RUN_METRIC.daysSinceLastRefresh,
      {},
      'Maximum',
      'days since the last successful refresh',
    );
    alarm(
      'refresh-overdue',
      `No chainwatch ${stage} refresh has succeeded for more than ${config.alarms.refreshOverdueDays} days: check the schedule, the last runs and the scheduler's dead-letter queue.`,
      {
        metric: refreshAge,
        threshold: config.alarms.refreshOverdueDays,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.MISSING,
      },
    );

    // Sources report once a run (monthly): between runs the alarm keeps the state the last run gave it.
    const ageOf = (source: string) =>
      operator(SOURCE_METRIC.dataAgeDays, { [DIMENSION.source]: source }, 'Maximum', source);
    if (props.liveSources.length > 0) {
      const ages = Object.fromEntries(props.liveSources.map((s, i) => [`age${i}`, ageOf(s)]));
      alarm(
        'source-stale',
        `A chainwatch ${stage} live source has served data older than ${config.alarms.staleSourceDays} days: its fetch keeps failing (see the data-quality page and the ingest log).`,
        {
          metric: new cloudwatch.MathExpression({
            label: 'oldest live-source data, days',
            expression: `MAX([${Object.keys(ages).join(', ')}])`,
            usingMetrics: ages,
            period: daily,
          }),
          threshold: config.alarms.staleSourceDays,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.IGNORE,
        },
      );
    }

    const rows = (metricName: string, source: string) =>
      operator(metricName, { [DIMENSION.source]: source }, 'Sum', source);
    for (const source of config.sources) {
      alarm(
        `quarantine-${source}`,
        `chainwatch ${stage}: source ${source} quarantined more than ${config.alarms.quarantinePercent}% of the rows it delivered in a run; see quarantine/${source}/ for the reasons.`,
        {
          metric: new cloudwatch.MathExpression({
            label: `${source}: % of rows quarantined`,
            expression: 'IF(rowsIn > 0, 100 * quarantined / rowsIn, 0)',
            usingMetrics: {
              rowsIn: rows(SOURCE_METRIC.rowsIn, source),
              quarantined: rows(SOURCE_METRIC.rowsQuarantined, source),
            },
            period: daily,
          }),
          threshold: config.alarms.quarantinePercent,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.IGNORE,
        },
      );
    }

    for (const [name, fn] of props.functions) {
      alarm(
        `lambda-${name}`,
        `chainwatch ${stage}: the ${name} Lambda returned an error or was throttled; see its log group.`,
        {
          metric: new cloudwatch.MathExpression({
            label: `${name}: errors + throttles`,
            expression: 'FILL(errors, 0) + FILL(throttles, 0)',
            usingMetrics: {
              errors: fn.metricErrors({ statistic: 'Sum' }),
              throttles: fn.metricThrottles({ statistic: 'Sum' }),
            },
            period: Duration.minutes(5),
          }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        },
      );
    }

    alarm(
      'schedule-undelivered',
      `chainwatch ${stage}: the monthly schedule could not start the refresh after its retries; the start event is in the dead-letter queue.`,
      {
        metric: props.scheduleDeadLetters.metricApproximateNumberOfMessagesVisible({
          statistic: 'Maximum',
          period: Duration.minutes(5),
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
    );

    // The alarm says that a run failed; this notice says which one, as soon as it ends.
    const ended = new events.Rule(this, 'RunEnded', {
      description: `chainwatch ${stage}: a refresh execution failed, timed out or was aborted`,
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [stateMachine.stateMachineArn] },
      },
    });
    alarmTopic.route(
      ended,
      events.RuleTargetInput.fromText(
        `chainwatch ${stage}: refresh run ${events.EventField.fromPath('$.detail.name')} ended ${events.EventField.fromPath('$.detail.status')} (${events.EventField.fromPath('$.detail.executionArn')}). The previous release stays published.`,
      ),
    );

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `chainwatch-${stage}-operations`,
      // A year and a week: the last twelve monthly runs, whatever the day of the month.
      start: '-P372D',
      periodOverride: cloudwatch.PeriodOverride.INHERIT,
    });
    const sources = config.sources;
    const perSource = (metricName: string, statistic: string) =>
      sources.map((s) => operator(metricName, { [DIMENSION.source]: s }, statistic, s));
    const graph = (title: string, left: cloudwatch.IMetric[], extra: Partial<cloudwatch.GraphWidgetProps> = {}) =>
      new cloudwatch.GraphWidget({ title, left, width: 8, height: 6, view: cloudwatch.GraphWidgetView.BAR, ...extra });
    const runsOf = (metric: cloudwatch.Metric, label: string) =>
      metric.with({ period: daily, statistic: 'Sum', label });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# chainwatch ${stage}\nOne bar per monthly run (daily points over the last year). Alarms go to the pipeline stack's alarm topic (output AlarmTopicArn); a failed run also names its execution there.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 16, height: 6 }),
      new cloudwatch.SingleValueWidget({
        title: 'Days since the last successful refresh',
        metrics: [refreshAge],
        width: 8,
        height: 6,
      }),
    );
    this.dashboard.addWidgets(
      graph(
        'Refresh runs',
        [
          runsOf(stateMachine.metricSucceeded(), 'succeeded'),
          runsOf(stateMachine.metricFailed(), 'failed'),
          runsOf(stateMachine.metricTimedOut(), 'timed out'),
        ],
        { stacked: true },
      ),
      graph('Rows delivered per source', perSource(SOURCE_METRIC.rowsIn, 'Sum'), { stacked: true }),
      graph('Rows landed per source', perSource(SOURCE_METRIC.rowsLanded, 'Sum'), { stacked: true }),
    );
    this.dashboard.addWidgets(
      graph('Rows quarantined per source', perSource(SOURCE_METRIC.rowsQuarantined, 'Sum'), { stacked: true }),
      graph('Live-source data age, days', props.liveSources.map(ageOf), {
        view: cloudwatch.GraphWidgetView.TIME_SERIES,
        right: [operator(RUN_METRIC.sourcesStale, {}, 'Maximum', 'sources stale')],
        leftAnnotations: [{ value: config.alarms.staleSourceDays, label: 'stale alarm' }],
      }),
      graph(
        'Step duration, ms (longest)',
        RUN_STEPS.map((step) => operator(STEP_METRIC.durationMs, { [DIMENSION.step]: step }, 'Maximum', step)),
        {
          right: [operator(RUN_METRIC.bytesScanned, {}, 'Sum', 'Athena bytes scanned')],
        },
      ),
    );
    const fns = [...props.functions];
    this.dashboard.addWidgets(
      graph(
        'Lambda errors and throttles',
        fns.flatMap(([name, fn]) => [
          fn.metricErrors({ period: daily, statistic: 'Sum', label: `${name} errors` }),
          fn.metricThrottles({ period: daily, statistic: 'Sum', label: `${name} throttles` }),
        ]),
        { width: 12 },
      ),
      graph(
        'Lambda duration, ms (longest)',
        fns.map(([name, fn]) => fn.metricDuration({ period: daily, statistic: 'Maximum', label: name })),
        { width: 12 },
      ),
    );
  }
}
