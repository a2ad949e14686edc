/**
 * IAM evaluation of the synthesized app: for each role, every (action, resource) pair its work makes
 * AWS authorize — with the documentation page the requirement comes from — must be allowed, and what
 * it must never do must be denied. The policies are the deployed ones (every intrinsic resolved into
 * one account and region, resource policies included), judged by an IAM policy evaluator
 * (test/support/iam-evaluate.ts). moto does not evaluate IAM, so this is where a missing Glue or
 * Athena permission shows up before a deploy does.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { appSynthesizer } from '../support/synth-app.ts';
import { allTables, tablePrefix } from '../../data-schemas/index.ts';
import { LEASE_KEY } from '../../src/core/lake/layout.ts';
import type { ChainwatchApp } from '../../infra/build-app.ts';
import { metricManifestKey, metricVersionPrefix } from '../../src/core/lake/layout.ts';
import { ACCOUNT, PARTITION, REGION } from '../support/cfn-resolve.ts';
import { AppPolicies, decide, type Decision, type Principal } from '../support/iam-evaluate.ts';

const synthesize = appSynthesizer();

/** Where each requirement is documented. */
const DOC = {
  glueArns: 'https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html',
  athenaGlue: 'https://docs.aws.amazon.com/athena/latest/ug/fine-grained-access-to-glue-resources.html',
  athenaWorkgroup: 'https://docs.aws.amazon.com/athena/latest/ug/example-policies-workgroup.html',
  athenaS3: 'https://docs.aws.amazon.com/athena/latest/ug/s3-permissions.html',
  athenaUnload: 'https://docs.aws.amazon.com/athena/latest/ug/unload.html',
  athenaConsole: 'https://docs.aws.amazon.com/athena/latest/ug/datacatalogs-example-policies.html',
  s3Actions: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html',
  s3Versions: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectVersions.html',
  s3Conditional: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-deletes.html',
  ssm: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-access.html',
  kvs: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudfrontkeyvaluestore.html',
  sfnLambda: 'https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html',
  sfnSns: 'https://docs.aws.amazon.com/step-functions/latest/dg/connect-sns.html',
  scheduler: 'https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role',
  schedulerDlq: 'https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html',
  snsCloudWatch: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html',
  snsEvents: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions',
  watchdog: 'https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html',
} as const;

type Pair = [action: string, resource: string];
/** Pairs the role's work needs, and the page that says so. */
interface Need {
  why: string;
  doc: string;
  pairs: Pair[];
}
/** Pairs the role must be refused. */
interface MustNot {
  why: string;
  pairs: Pair[];
}

const arn = (service: string, resource: string, region = REGION) =>
  `arn:${PARTITION}:${service}:${region}:${ACCOUNT}:${resource}`;
const bucket = (purpose: string) => `chainwatch-dev-${purpose}-${ACCOUNT}-${REGION}`;
const s3 = (purpose: string, key?: string) =>
  `arn:${PARTITION}:s3:::${bucket(purpose)}${key === undefined ? '' : `/${key}`}`;
const DATABASE = 'chainwatch_dev';
const glue = {
  catalog: arn('glue', 'catalog'),
  database: arn('glue', `database/${DATABASE}`),
  table: (name: string) => arn('glue', `table/${DATABASE}/${name}`),
};
const workGroup = (name: 'pipeline' | 'analysts') => arn('athena', `workgroup/chainwatch-dev-${name}`);
const each = (actions: string[], resources: string[]): Pair[] =>
  actions.flatMap((a) => resources.map((r): Pair => [a, r]));

/** Glue authorizes a table read on the catalog, the database and the table together. */
const glueNeeds = (tables: string[]): Need[] => [
  {
    why: 'look up the database',
    doc: DOC.athenaGlue,
    pairs: each(['glue:GetDatabase'], [glue.catalog, glue.database]),
  },
  {
    why: 'plan each query: the table and its partitions, authorized on catalog, database and table ARNs',
    doc: DOC.glueArns,
    pairs: each(['glue:GetTable', 'glue:GetPartitions'], [glue.catalog, glue.database, ...tables.map(glue.table)]),
  },
];
/**
 * What Athena reads of each table: a sample data file; for a metric table its manifest (the Glue table's
 * location) and a file of a version folder the manifest names.
 */
const tableFiles = (names: string[]) =>
  names.flatMap((n) => {
    const table = allTables.find((t) => t.name === n)!;
    if (table.zone !== 'metrics') return [s3('lake', `${tablePrefix(table)}part-00000.parquet`)];
    return [s3('lake', metricManifestKey(table)), s3('lake', `${metricVersionPrefix(table, 3)}20260101_x`)];
  });
const resultsNeeds = (prefix: string): Need => ({
  why: `write query results under ${prefix} and read them back (the engine reads a SELECT’s result file itself)`,
  doc: DOC.athenaS3,
  pairs: [
    ...each(['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'], [s3('results')]),
    ...each(
      ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      [s3('results', `${prefix}0f5e-query.csv`)],
    ),
  ],
});

let policies: AppPolicies;
let built: ChainwatchApp;
const PIPELINE = 'chainwatch-dev-pipeline';
const CATALOG = 'chainwatch-dev-catalog';

beforeAll(() => {
  built = synthesize({ comtradeApiKeyParameter: '/chainwatch/dev/comtrade' });
  policies = new AppPolicies(built.app);
});

/** The role of the Lambda whose description matches. */
const lambdaRole = (description: RegExp): Principal =>
  policies.role(
    PIPELINE,
    policies.roleIdOf(
      policies.resolver.template(PIPELINE).Resources[
        policies.find(PIPELINE, 'AWS::Lambda::Function', (p) => description.test(p.Description))
      ].Properties!.Role,
    ),
  );

/** Every pair of every need and must-not, decided; the failures listed with what they were for. */
async function evaluate(principal: Principal, needs: Need[], mustNot: MustNot[]) {
  const wrong: string[] = [];
  let allowed = 0;
  let denied = 0;
  for (const need of needs) {
    for (const [action, resource] of need.pairs) {
      const decision = await decide(policies, principal, action, resource);
      if (decision === 'Allowed') allowed++;
      else wrong.push(`needed but ${decision}: ${action} on ${resource} (${need.why}; ${need.doc})`);
    }
  }
  for (const rule of mustNot) {
    for (const [action, resource] of rule.pairs) {
      const decision: Decision = await decide(policies, principal, action, resource);
      if (decision === 'Allowed') wrong.push(`forbidden but Allowed: ${action} on ${resource} (${rule.why})`);
      else denied++;
    }
  }
  return { wrong, allowed, denied };
}

/** Totals across roles, for the closing line of the run. */
const totals = { allowed: 0, denied: 0 };
const expectEvaluation = async (principal: Principal, needs: Need[], mustNot: MustNot[]) => {
  const { wrong, allowed, denied } = await evaluate(principal, needs, mustNot);
  expect(wrong).toEqual([]);
  totals.allowed += allowed;
  totals.denied += denied;
  return { allowed, denied };
};

/** What any Athena caller needs to query `tables`: their catalog, their files, and its results prefix. */
const tableQueryNeeds = (tables: string[], resultsPrefix: string): Need[] => [
  ...glueNeeds(tables),
  {
    why: 'Athena reads the table files with the caller’s credentials',
    doc: DOC.athenaS3,
    pairs: [
      ...each(['s3:GetBucketLocation', 's3:ListBucket'], [s3('lake')]),
      ...each(['s3:GetObject'], tableFiles(tables)),
    ],
  },
  resultsNeeds(resultsPrefix),
];

/**
 * What a function that queries Athena in the pipeline's workgroup needs (the metrics and the report): run and
 * follow its queries (`why`), and what any caller needs to query `tables`.
 */
const pipelineQueryNeeds = (why: string, tables: string[]): Need[] => [
  {
    why,
    doc: DOC.athenaWorkgroup,
    pairs: each(
      ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution'],
      [workGroup('pipeline')],
    ),
  },
  ...tableQueryNeeds(tables, 'pipeline/'),
];

describe('IAM evaluation of the synthesized roles', () => {
  it('metrics: runs the metric SQL on Athena and writes only metric tables', async () => {
    const tables = allTables.map((t) => t.name);
    const needs: Need[] = [
      ...pipelineQueryNeeds('run, poll, read and stop queries in the pipeline workgroup', tables),
      {
        why: 'UNLOAD writes the metric rows into a new version folder of the table',
        doc: DOC.athenaUnload,
        pairs: each(
          ['s3:PutObject', 's3:AbortMultipartUpload'],
          [s3('lake', 'metrics/supplier_shares/v=2/20260101_x')],
        ),
      },
      {
        why: 'check each new file from its footer, switch the table’s manifest, remove the previous version, keep input fingerprints',
        doc: DOC.s3Actions,
        pairs: [
          ...each(['s3:GetObject'], [s3('lake', 'metrics/supplier_shares/v=2/20260101_x')]),
          ...each(
            ['s3:GetObject', 's3:PutObject'],
            [s3('lake', 'metrics/supplier_shares/_symlink_format_manifest/manifest')],
          ),
          ...each(['s3:DeleteObject'], [s3('lake', 'metrics/supplier_shares/v=1/20251201_x')]),
          ...each(['s3:GetObject', 's3:PutObject'], [s3('lake', '_state/metrics/supplier_shares.json')]),
        ],
      },
      {
        why: 'carry a file of the current version into the new one (CopyObject: read the source, write the copy)',
        doc: DOC.s3Actions,
        pairs: [
          ...each(['s3:GetObject'], [s3('lake', 'metrics/monthly_anomalies/v=1/part-00000.parquet')]),
          ...each(['s3:PutObject'], [s3('lake', 'metrics/monthly_anomalies/v=2/carried-00000.parquet')]),
        ],
      },
    ];
    const mustNot: MustNot[] = [
      {
        why: 'delete object versions (versioning is how a bad run is undone)',
        pairs: each(
          ['s3:DeleteObjectVersion'],
          [
            s3('lake', 'metrics/supplier_shares/part-00000.parquet'),
            s3('lake', 'curated/trade_flows/source=bundled/year=2024/month=0/part-00000.parquet'),
          ],
        ),
      },
      {
        why: 'write curated data or any staging area as the metrics step (it UNLOADs straight into a new version)',
        pairs: each(
          ['s3:PutObject', 's3:DeleteObject'],
          [
            s3('lake', 'curated/trade_flows/source=bundled/year=2024/month=0/part-00000.parquet'),
            s3('lake', 'raw/comtrade/x.json'),
            s3('lake', '_staging/metrics/supplier_shares/0f5e/20260101_x'),
          ],
        ),
      },
      {
        why: 'write outside its results prefix or workgroup',
        pairs: [
          ['s3:PutObject', s3('results', 'analysts/x.csv')],
          ['athena:StartQueryExecution', workGroup('analysts')],
        ],
      },
      {
        why: 'change the catalog',
        pairs: [
          ['glue:UpdateTable', glue.table('trade_flows')],
          ['glue:DeleteTable', glue.table('trade_flows')],
          ['glue:CreateTable', glue.database],
        ],
      },
      { why: 'read another database', pairs: [['glue:GetTable', arn('glue', 'table/other_db/secrets')]] },
    ];
    await expectEvaluation(lambdaRole(/^chainwatch metrics/), needs, mustNot);
  });

  it('ingest: writes only its own source’s part of the lake', async () => {
    for (const source of built.config.sources) {
      const other = built.config.sources.find((s) => s !== source)!;
      const own = [
        `raw/${source}/ingest_date=2026-01-03/ab12.json`,
        `quarantine/${source}/run-1.csv`,
        `_staging/ingest/${source}/run-1/x.parquet`,
        `curated/sources/source=${source}/part-00000.parquet`,
        `curated/trade_flows/source=${source}/year=2024/month=1/part-00000.parquet`,
        `_runs/run-1-${source}.json`,
        `_state/${source}.json`,
      ];
      const needs: Need[] = [
        {
          why: 'write, read back, replace and delete its own objects (multipart for large ones)',
          doc: DOC.s3Actions,
          pairs: each(
            ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
            own.map((k) => s3('lake', k)),
          ),
        },
        { why: 'list its prefixes', doc: DOC.s3Actions, pairs: [['s3:ListBucket', s3('lake')]] },
        ...(source === 'comtrade'
          ? [
              {
                why: 'read its API key',
                doc: DOC.ssm,
                pairs: [['ssm:GetParameter', arn('ssm', 'parameter/chainwatch/dev/comtrade')]] as Pair[],
              },
            ]
          : []),
      ];
      const mustNot: MustNot[] = [
        {
          why: 'delete object versions',
          pairs: each(
            ['s3:DeleteObjectVersion'],
            own.map((k) => s3('lake', k)),
          ),
        },
        {
          why: 'write another source’s data, the metric tables or the site',
          pairs: each(
            ['s3:PutObject', 's3:DeleteObject'],
            [
              s3('lake', `curated/trade_flows/source=${other}/year=2024/month=1/part-00000.parquet`),
              s3('lake', `raw/${other}/x.json`),
              s3('lake', `_state/${other}.json`),
              s3('lake', 'metrics/supplier_shares/part-00000.parquet'),
              s3('site', 'builds/b1/index.html'),
            ],
          ),
        },
        { why: 'read other secrets', pairs: [['ssm:GetParameter', arn('ssm', 'parameter/chainwatch/dev/census')]] },
      ];
      await expectEvaluation(lambdaRole(new RegExp(`ingest of source "${source}"`)), needs, mustNot);
    }
  });

  it('report: reads the lake, publishes to the site bucket and switches only its own key value store', async () => {
    const kvs = policies.resolver.string(
      PIPELINE,
      (
        policies.resolver.template(PIPELINE).Resources[
          policies.find(PIPELINE, 'AWS::Lambda::Function', (p) => /^chainwatch report/.test(p.Description))
        ].Properties!.Environment as any
      ).Variables.SITE_KVS_ARN,
    );
    const tables = allTables.map((t) => t.name);
    const needs: Need[] = [
      ...pipelineQueryNeeds('ask Athena for every page’s rows in the pipeline workgroup', tables),
      {
        why: 'read the tables, manifests and source states it reports on',
        doc: DOC.s3Actions,
        pairs: [
          ['s3:ListBucket', s3('lake')],
          ...each(
            ['s3:GetObject'],
            [
              'metrics/supplier_shares/part-00000.parquet',
              'curated/sources/source=bundled/part-00000.parquet',
              '_runs/run-1-bundled.json',
              '_state/comtrade.json',
              'quarantine/comtrade/run-1.csv',
            ].map((k) => s3('lake', k)),
          ),
        ],
      },
      {
        why: 'upload a build, read the live one, retire old builds',
        doc: DOC.s3Actions,
        pairs: [
          ['s3:ListBucket', s3('site')],
          ...each(['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], [s3('site', 'builds/b1/index.html')]),
        ],
      },
      {
        why: 'read and switch the site pointer',
        doc: DOC.kvs,
        pairs: each(
          [
            'cloudfront-keyvaluestore:DescribeKeyValueStore',
            'cloudfront-keyvaluestore:GetKey',
            'cloudfront-keyvaluestore:UpdateKeys',
          ],
          [kvs],
        ),
      },
    ];
    const mustNot: MustNot[] = [
      {
        why: 'write the lake',
        pairs: each(
          ['s3:PutObject', 's3:DeleteObject'],
          ['metrics/supplier_shares/part-00000.parquet', 'curated/sources/source=bundled/part-00000.parquet'].map((k) =>
            s3('lake', k),
          ),
        ),
      },
      { why: 'delete object versions', pairs: [['s3:DeleteObjectVersion', s3('site', 'builds/b1/index.html')]] },
      {
        why: 'query outside its workgroup or results prefix',
        pairs: [
          ['s3:PutObject', s3('results', 'analysts/x.csv')],
          ['athena:StartQueryExecution', workGroup('analysts')],
        ],
      },
      {
        why: 'change the catalog',
        pairs: [
          ['glue:UpdateTable', glue.table('trade_flows')],
          ['glue:CreateTable', glue.database],
        ],
      },
      {
        why: 'switch another key value store',
        pairs: [
          ['cloudfront-keyvaluestore:UpdateKeys', `arn:${PARTITION}:cloudfront::${ACCOUNT}:key-value-store/other`],
        ],
      },
      { why: 'change the bucket', pairs: [['s3:PutBucketPolicy', s3('site')]] },
    ];
    await expectEvaluation(lambdaRole(/^chainwatch report/), needs, mustNot);
  });

  it('lease: takes, takes over and releases the one lease object, and nothing else in the lake', async () => {
    const needs: Need[] = [
      {
        why: 'create the lease (If-None-Match), read it, take over a lapsed one (If-Match), release it (DeleteObject If-Match needs GetObject too)',
        doc: DOC.s3Conditional,
        pairs: each(['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], [s3('lake', LEASE_KEY)]),
      },
    ];
    const mustNot: MustNot[] = [
      {
        why: 'read or write any other lake object',
        pairs: each(
          ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
          [
            'curated/trade_flows/source=bundled/year=2024/month=1/part-00000.parquet',
            'metrics/supplier_shares/part-00000.parquet',
            '_runs/r1-bundled.json',
            '_lease/other.json',
          ].map((k) => s3('lake', k)),
        ),
      },
      { why: 'delete object versions', pairs: [['s3:DeleteObjectVersion', s3('lake', LEASE_KEY)]] },
    ];
    await expectEvaluation(lambdaRole(/^chainwatch lease/), needs, mustNot);
  });

  it('state machine: invokes its own Lambdas and publishes to the alarm topic', async () => {
    const t = policies.resolver.template(PIPELINE);
    const role = policies.role(
      PIPELINE,
      policies.roleIdOf(t.Resources[policies.find(PIPELINE, 'AWS::StepFunctions::StateMachine')].Properties!.RoleArn),
    );
    const functions = Object.keys(t.Resources).filter(
      (id) =>
        t.Resources[id].Type === 'AWS::Lambda::Function' &&
        /^chainwatch (ingest|metrics|report|lease)/.test((t.Resources[id].Properties as any).Description),
    );
    const topic = policies.resolver.string(PIPELINE, { Ref: policies.find(PIPELINE, 'AWS::SNS::Topic') });
    const needs: Need[] = [
      {
        why: 'invoke each step’s Lambda',
        doc: DOC.sfnLambda,
        pairs: each(
          ['lambda:InvokeFunction'],
          functions.map((id) => policies.resolver.string(PIPELINE, { 'Fn::GetAtt': [id, 'Arn'] })),
        ),
      },
      { why: 'notify the alarm topic of a failed step', doc: DOC.sfnSns, pairs: [['sns:Publish', topic]] },
    ];
    const mustNot: MustNot[] = [
      {
        why: 'invoke anything else',
        pairs: [
          ['lambda:InvokeFunction', arn('lambda', 'function:someone-elses')],
          ['states:StartExecution', arn('states', 'stateMachine:chainwatch-dev-refresh')],
        ],
      },
    ];
    await expectEvaluation(role, needs, mustNot);
  });

  it('schedules and watchdog: start the refresh, dead-letter what they cannot deliver, read only the execution history', async () => {
    const t = policies.resolver.template(PIPELINE);
    const stateMachineId = policies.find(PIPELINE, 'AWS::StepFunctions::StateMachine');
    const stateMachine = policies.resolver.string(PIPELINE, { Ref: stateMachineId });
    const queue = policies.resolver.string(PIPELINE, {
      'Fn::GetAtt': [policies.find(PIPELINE, 'AWS::SQS::Queue'), 'Arn'],
    });
    const schedule = (target: string) =>
      t.Resources[
        policies.find(PIPELINE, 'AWS::Scheduler::Schedule', (p) => JSON.stringify(p.Target.Arn).includes(target))
      ].Properties as any;
    const watchdogId = policies.find(PIPELINE, 'AWS::Lambda::Function', (p) =>
      /^chainwatch watchdog/.test(p.Description),
    );
    const watchdogArn = policies.resolver.string(PIPELINE, { 'Fn::GetAtt': [watchdogId, 'Arn'] });

    await expectEvaluation(
      policies.role(PIPELINE, policies.roleIdOf(schedule(stateMachineId).Target.RoleArn)),
      [
        { why: 'start the monthly execution', doc: DOC.scheduler, pairs: [['states:StartExecution', stateMachine]] },
        {
          why: 'keep an undeliverable start in the dead-letter queue',
          doc: DOC.schedulerDlq,
          pairs: [['sqs:SendMessage', queue]],
        },
      ],
      [
        {
          why: 'start or stop anything else',
          pairs: [
            ['states:StartExecution', arn('states', 'stateMachine:other')],
            ['states:StopExecution', arn('states', `execution:chainwatch-dev-refresh:x`)],
            ['sqs:SendMessage', arn('sqs', 'other')],
          ],
        },
      ],
    );
    await expectEvaluation(
      policies.role(PIPELINE, policies.roleIdOf(schedule(watchdogId).Target.RoleArn)),
      [{ why: 'invoke the watchdog daily', doc: DOC.scheduler, pairs: [['lambda:InvokeFunction', watchdogArn]] }],
      [{ why: 'invoke another function', pairs: [['lambda:InvokeFunction', arn('lambda', 'function:someone-elses')]] }],
    );
    await expectEvaluation(
      lambdaRole(/^chainwatch watchdog/),
      [
        {
          why: 'find the last successful execution, or when the state machine was created',
          doc: DOC.watchdog,
          pairs: each(['states:ListExecutions', 'states:DescribeStateMachine'], [stateMachine]),
        },
      ],
      [
        {
          why: 'run or stop the refresh, or read the lake',
          pairs: [
            ['states:StartExecution', stateMachine],
            ['states:StopExecution', arn('states', 'execution:chainwatch-dev-refresh:x')],
            ['s3:GetObject', s3('lake', 'curated/x')],
          ],
        },
      ],
    );
  });

  it('analysts: read-only SQL over the lake tables in their own workgroup', async () => {
    const tables = allTables.map((t) => t.name);
    const role = policies.role(
      CATALOG,
      policies.find(CATALOG, 'AWS::IAM::Role', (p) => /analysts/.test(p.Description ?? '')),
    );
    const needs: Need[] = [
      {
        why: 'run queries, see the saved queries and query history of the analysts workgroup',
        doc: DOC.athenaWorkgroup,
        pairs: each(
          [
            'athena:StartQueryExecution',
            'athena:GetQueryExecution',
            'athena:GetQueryResults',
            'athena:StopQueryExecution',
            'athena:GetWorkGroup',
            'athena:ListNamedQueries',
            'athena:GetNamedQuery',
            'athena:ListQueryExecutions',
          ],
          [workGroup('analysts')],
        ),
      },
      {
        why: 'browse databases and tables in the console',
        doc: DOC.athenaConsole,
        pairs: each(
          ['athena:GetDataCatalog', 'athena:ListDatabases', 'athena:ListTableMetadata', 'athena:GetTableMetadata'],
          [arn('athena', 'datacatalog/AwsDataCatalog')],
        ),
      },
      ...tableQueryNeeds(tables, 'analysts/'),
    ];
    const mustNot: MustNot[] = [
      {
        why: 'write or delete anything in the lake',
        pairs: each(
          ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'],
          [
            'curated/trade_flows/source=bundled/year=2024/month=1/part-00000.parquet',
            'metrics/supplier_shares/part-00000.parquet',
            'raw/comtrade/x.json',
          ].map((k) => s3('lake', k)),
        ),
      },
      {
        why: 'read what is not a table (raw responses, run state, run manifests, the lease)',
        pairs: each(
          ['s3:GetObject'],
          ['raw/comtrade/x.json', '_state/comtrade.json', '_runs/r1-bundled.json', LEASE_KEY].map((k) => s3('lake', k)),
        ),
      },
      {
        why: 'write outside its results prefix, or run in the pipeline workgroup',
        pairs: [
          ['s3:PutObject', s3('results', 'pipeline/x.csv')],
          ['athena:StartQueryExecution', workGroup('pipeline')],
        ],
      },
      {
        why: 'change the catalog or the workgroup',
        pairs: [
          ['glue:UpdateTable', glue.table('trade_flows')],
          ['glue:DeleteDatabase', glue.database],
          ['athena:UpdateWorkGroup', workGroup('analysts')],
        ],
      },
    ];
    await expectEvaluation(role, needs, mustNot);
  });

  it('counts what it evaluated', () => {
    // Printed so a reviewer sees the size of the tables; the numbers are not asserted beyond being real.
    console.log(`IAM evaluation: ${totals.allowed} needed pairs allowed, ${totals.denied} forbidden pairs denied`);
    expect(totals.allowed).toBeGreaterThan(0);
    expect(totals.denied).toBeGreaterThan(0);
  });
});
