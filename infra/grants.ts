import { Stack } from 'aws-cdk-lib';
import type * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lakeformation from 'aws-cdk-lib/aws-lakeformation';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { acknowledgePrefixResource } from './nag.ts';

/**
 * The S3, Glue and Athena permissions of every chainwatch role, written as exact actions instead of
 * CDK's grant groups: `bucket.grantReadWrite()` carries `s3:DeleteObject*`, which includes
 * `s3:DeleteObjectVersion` and would let the pipeline destroy the lake's object versions (the one
 * thing that lets an operator undo a bad run). test/fast/security-iam-evaluation.test.ts evaluates the
 * synthesized policies action by action.
 */

/** What the object stores call: GetObject and HeadObject (s3:GetObject), ListObjectsV2 (s3:ListBucket). */
const OBJECT_READ = ['s3:GetObject'];
/** PutObject and multipart uploads (s3:PutObject), their abort, and DeleteObject(s) — a delete marker, never a version. */
const OBJECT_WRITE = ['s3:PutObject', 's3:AbortMultipartUpload', 's3:DeleteObject'];
const BUCKET_LIST = ['s3:ListBucket'];

/**
 * Read, or read and write, one key pattern (`curated/*`, `_state/usgs.json`) of a bucket, and list
 * the bucket. `why` is the acknowledgement of the trailing wildcard a prefix needs.
 */
export function grantObjects(
  role: iam.IRole,
  bucket: s3.IBucket,
  mode: 'read' | 'readWrite',
  keyPattern: string,
  why: string,
): void {
  const objects = bucket.arnForObjects(keyPattern);
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: mode === 'read' ? OBJECT_READ : [...OBJECT_READ, ...OBJECT_WRITE],
      resources: [objects],
    }),
  );
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: BUCKET_LIST, resources: [bucket.bucketArn] }));
  if (keyPattern.includes('*')) acknowledgePrefixResource(role, objects, why);
}

export interface AthenaQueryAccess {
  /** The workgroup the role runs queries in (its name). */
  workGroup: string;
  database: glue.IDatabase;
  /** The tables its queries read; Athena reads their files (under `filesPrefix`) with the caller's credentials. */
  tables: Iterable<{ glue: glue.S3Table; filesPrefix: string }>;
  lakeBucket: s3.IBucket;
  /** Where the workgroup writes query results: `<prefix>/*` of this bucket. */
  results: { bucket: s3.IBucket; prefix: string };
  /** Extra Athena actions on the workgroup (saved queries, query history for analysts). */
  extraWorkGroupActions?: string[];
}

/** Run queries in one workgroup (athena-workgroups-access, "Workgroup example policies"). */
const QUERY_ACTIONS = [
  'athena:StartQueryExecution',
  'athena:GetQueryExecution',
  'athena:GetQueryResults',
  'athena:StopQueryExecution',
];
/** Glue reads Athena makes to plan a query over a table (fine-grained-access-to-glue-resources). */
const GLUE_DATABASE_READ = ['glue:GetDatabase', 'glue:GetDatabases'];
const GLUE_TABLE_READ = [
  'glue:GetTable',
  'glue:GetTables',
  'glue:GetPartition',
  'glue:GetPartitions',
  'glue:BatchGetPartition',
];
/** The query-results location (Athena user guide, "Access to Amazon S3"). */
const RESULTS_BUCKET = ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'];
const RESULTS_OBJECTS = ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'];

/**
 * Everything Athena authorizes with the caller's credentials for a SELECT (or an UNLOAD whose target
 * the caller grants separately): the workgroup, the Glue catalog hierarchy and the tables' files.
 * Glue authorizes GetTable and the partition reads on the catalog, the database and the table ARN
 * together, so a table ARN alone is denied (aws/aws-cdk#16649); the catalog and database ARNs name
 * only this account's catalog and this one database.
 */
export function grantAthenaQueries(role: iam.IRole, access: AthenaQueryAccess): void {
  const stack = Stack.of(role);
  const tables = [...access.tables];
  const catalogArn = stack.formatArn({ service: 'glue', resource: 'catalog' });
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: [...QUERY_ACTIONS, ...(access.extraWorkGroupActions ?? [])],
      resources: [stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: access.workGroup })],
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: GLUE_DATABASE_READ, resources: [catalogArn, access.database.databaseArn] }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: GLUE_TABLE_READ,
      resources: [catalogArn, access.database.databaseArn, ...tables.map((t) => t.glue.tableArn)],
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['s3:GetBucketLocation', ...BUCKET_LIST],
      resources: [access.lakeBucket.bucketArn],
    }),
  );
  for (const table of tables) {
    const files = access.lakeBucket.arnForObjects(`${table.filesPrefix}*`);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: OBJECT_READ, resources: [files] }));
    acknowledgePrefixResource(role, files, `Athena reads the files of table ${table.filesPrefix}`);
  }
  const { bucket, prefix } = access.results;
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: RESULTS_BUCKET, resources: [bucket.bucketArn] }));
  const results = bucket.arnForObjects(`${prefix}*`);
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: RESULTS_OBJECTS, resources: [results] }));
  acknowledgePrefixResource(
    role,
    results,
    `Athena writes and reads back the query results of workgroup ${access.workGroup} here`,
  );
}

/**
 * In an account that governs the Glue catalog with Lake Formation, IAM alone no longer lets a role
 * read a table: it also needs DESCRIBE on the database and SELECT/DESCRIBE on its tables there, and
 * `lakeformation:GetDataAccess` for the credentials Lake Formation vends over registered locations
 * (an action without resource-level permissions). Deploying these grants needs a deployment role that
 * is a Lake Formation administrator (docs/deploy.md, "Lake Formation").
 */
export function grantLakeFormationRead(role: iam.Role, database: glue.IDatabase): void {
  const catalogId = Stack.of(role).account;
  const principal = { dataLakePrincipalIdentifier: role.roleArn };
  new lakeformation.CfnPrincipalPermissions(role, 'LakeFormationDatabase', {
    principal,
    resource: { database: { catalogId, name: database.databaseName } },
    permissions: ['DESCRIBE'],
    permissionsWithGrantOption: [],
  });
  new lakeformation.CfnPrincipalPermissions(role, 'LakeFormationTables', {
    principal,
    resource: { table: { catalogId, databaseName: database.databaseName, tableWildcard: {} } },
    permissions: ['SELECT', 'DESCRIBE'],
    permissionsWithGrantOption: [],
  });
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lakeformation:GetDataAccess'], resources: ['*'] }));
}
