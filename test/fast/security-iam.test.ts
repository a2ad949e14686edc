/**
 * Least privilege, asserted on the synthesized template: what each Lambda may write in the lake is
 * exactly its own part of it. An ingest Lambda writes only its own source's raw/, quarantine/, state,
 * staging, manifests and `source=<id>` curated partitions (the bundled one also the reference tables),
 * so one source's run cannot touch another's data; metrics write only metric tables; the report writes
 * no lake object at all, and it alone may switch the site's key value store. No Lambda gets a secret in
 * its environment: only the name of an SSM parameter.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { appSynthesizer } from '../support/synth-app.ts';
import type { ChainwatchApp } from '../../infra/build-app.ts';

const synthesize = appSynthesizer();

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

/** A resource ARN as text, intrinsics reduced: the lake bucket is `<lake>`, the site bucket `<site>`. */
function arn(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) return '<token>';
  return join[1]
    .map(arn)
    .join(join[0])
    .replace(/^arn:<token>:s3:::chainwatch-\w+-lake-<token>-<token>/, '<lake>')
    .replace(/^arn:<token>:s3:::chainwatch-\w+-site-<token>-<token>/, '<site>')
    .replace(/^arn:<token>:s3:::chainwatch-\w+-results-<token>-<token>/, '<results>');
}

const WRITE = /^s3:(PutObject|DeleteObject|Abort)/;

let built: ChainwatchApp;
let pipeline: Template;
/** Function logical id → its description and the S3 object patterns it may write. */
let writes: Map<string, { description: string; patterns: string[] }>;
/** Function description → every statement of its role. */
let statementsOf: Map<string, Statement[]>;

beforeAll(() => {
  built = synthesize({ comtradeApiKeyParameter: '/chainwatch/dev/comtrade' });
  pipeline = Template.fromStack(built.pipeline);
  // A role's permissions are its inline policy and any managed policy attached to it: CDK moves
  // statements into an overflow managed policy once the inline one outgrows its size limit.
  const policies = {
    ...(pipeline.findResources('AWS::IAM::Policy') as Resources),
    ...(pipeline.findResources('AWS::IAM::ManagedPolicy') as Resources),
  };
  writes = new Map();
  statementsOf = new Map();
  for (const [id, fn] of Object.entries(pipeline.findResources('AWS::Lambda::Function') as Resources)) {
    const role = fn.Properties.Role['Fn::GetAtt'][0];
    const statements: Statement[] = Object.values(policies)
      .filter((p) => (p.Properties.Roles ?? []).some((r: { Ref: string }) => r.Ref === role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    statementsOf.set(fn.Properties.Description, statements);
    const patterns = statements
      .filter((s) => s.Effect === 'Allow' && [s.Action].flat().some((a) => WRITE.test(a)))
      .flatMap((s) => [s.Resource].flat().map(arn))
      // A bucket ARN alone names no object (it carries List/GetBucket; writes need an object ARN).
      .filter((r) => r.includes('/'))
      .sort();
    writes.set(id, { description: fn.Properties.Description, patterns });
  }
});

const lambda = (description: RegExp) => {
  const found = [...writes.values()].filter((w) => description.test(w.description));
  expect(found, String(description)).toHaveLength(1);
  return found[0].patterns;
};

describe('IAM least privilege (synthesized template)', () => {
  it('lets each ingest Lambda write only its own source’s part of the lake', () => {
    const sources = built.config.sources;
    expect(sources).toEqual(['bundled', 'comtrade', 'census', 'usgs']);
    for (const source of sources) {
      const own = new RegExp(
        `^<lake>/(raw/${source}/\\*|quarantine/${source}/\\*|_state/${source}\\.json|_staging/ingest/${source}/\\*|_runs/\\*-${source}\\.json|curated/[a-z_]+/source=${source}/\\*)$`,
      );
      const reference = /^<lake>\/curated\/(countries|partner_groups|basket|screen_frameworks)\/\*$/;
      const patterns = lambda(new RegExp(`ingest of source "${source}"`));
      for (const p of patterns)
        expect(own.test(p) || (source === 'bundled' && reference.test(p)), `${source} may write ${p}`).toBe(true);
      // Enough to do its job: its raw copies, its trade (or production) partitions, its citations, staging and manifest.
      expect(patterns).toEqual(
        expect.arrayContaining([
          `<lake>/raw/${source}/*`,
          `<lake>/_staging/ingest/${source}/*`,
          `<lake>/_runs/*-${source}.json`,
          `<lake>/curated/sources/source=${source}/*`,
        ]),
      );
      if (source === 'bundled') {
        for (const t of ['countries', 'partner_groups', 'basket', 'screen_frameworks'])
          expect(patterns).toContain(`<lake>/curated/${t}/*`);
      }
    }
    // No ingest Lambda may write the whole lake, all of curated/, or all manifests.
    for (const w of [...writes.values()].filter((v) => /^chainwatch ingest/.test(v.description))) {
      expect(w.patterns.filter((p) => ['<lake>/*', '<lake>/curated/*', '<lake>/_runs/*'].includes(p))).toEqual([]);
    }
  });

  it('lets metrics write only the metric tables (their UNLOAD staging and input state), and the report no lake object', () => {
    expect(lambda(/^chainwatch metrics/)).toEqual([
      '<lake>/_state/metrics/*',
      '<lake>/metrics/*',
      '<results>/pipeline/*',
    ]);
    // The report's queries write their results where Athena keeps the pipeline workgroup's; the site is its own.
    expect(lambda(/^chainwatch report/)).toEqual(['<results>/pipeline/*', '<site>/*']);
  });

  it('lets the report, like the metrics, query Athena in the pipeline workgroup only and read the catalog', () => {
    for (const step of [/^chainwatch metrics/, /^chainwatch report/]) {
      const statements = [...statementsOf].find(([description]) => step.test(description))![1];
      const athena = statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('athena:')));
      expect(athena, String(step)).toHaveLength(1);
      expect([athena[0].Action].flat().sort()).toEqual([
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
        'athena:StartQueryExecution',
        'athena:StopQueryExecution',
      ]);
      expect(JSON.stringify(athena[0].Resource)).toMatch(/workgroup\/chainwatch-[a-z]+-pipeline/);
      expect(statements.some((st) => [st.Action].flat().includes('glue:GetDatabase'))).toBe(true);
      expect(statements.some((st) => [st.Action].flat().some((a) => a.startsWith('glue:GetTable')))).toBe(true);
    }
  });

  it('lets only the report switch the site pointer: read it and update it, on that one key value store', () => {
    const kvsStatements = [...statementsOf].flatMap(([description, statements]) =>
      statements
        .filter((st) => [st.Action].flat().some((a) => a.startsWith('cloudfront-keyvaluestore:')))
        .map((st) => ({ description, ...st })),
    );
    expect(kvsStatements).toHaveLength(1);
    const [only] = kvsStatements;
    expect(only.description).toMatch(/^chainwatch report/);
    expect(only).toMatchObject({
      Effect: 'Allow',
      Action: [
        'cloudfront-keyvaluestore:DescribeKeyValueStore',
        'cloudfront-keyvaluestore:GetKey',
        'cloudfront-keyvaluestore:UpdateKeys',
      ],
    });
    // The site stack's one key value store, by the ARN the site stack outputs, and nothing else.
    const store = Object.keys(Template.fromStack(built.site).findResources('AWS::CloudFront::KeyValueStore'));
    expect(store).toHaveLength(1);
    const output = (only.Resource as { 'Fn::GetStackOutput'?: { StackName: string; OutputName: string } })[
      'Fn::GetStackOutput'
    ];
    expect(output?.StackName).toBe(built.site.stackName);
    expect(output?.OutputName).toMatch(new RegExp(`FnGetAtt${store[0]}Arn`));
    const env = Object.values(pipeline.findResources('AWS::Lambda::Function') as Resources).find((f) =>
      /^chainwatch report/.test(f.Properties.Description),
    )!.Properties.Environment.Variables;
    expect(env.SITE_KVS_ARN).toEqual(only.Resource);
  });

  it('lets the metrics Lambda list the lake, so it can refuse to run over a pending ingest commit', () => {
    const metrics = [...statementsOf].find(([description]) => /^chainwatch metrics/.test(description))![1];
    const lists = metrics.filter(
      (st) => st.Effect === 'Allow' && [st.Action].flat().some((a) => a === 's3:List*' || a === 's3:ListBucket'),
    );
    expect(lists.flatMap((st) => [st.Resource].flat().map(arn))).toContain('<lake>');
  });

  it('puts no secret in any Lambda environment: a keyed source gets the name of its SSM parameter', () => {
    const env = Object.values(pipeline.findResources('AWS::Lambda::Function') as Resources).flatMap((f) =>
      Object.entries(f.Properties.Environment?.Variables ?? {}),
    );
    expect(env.map(([k]) => k).filter((k) => /SECRET|TOKEN|PASSWORD|_API_KEY$|_KEY$/.test(k))).toEqual([]);
    expect(env).toContainEqual(['COMTRADE_API_KEY_PARAM', '/chainwatch/dev/comtrade']);
  });
});
