import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CfnOutput, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { metricManifestFolder } from '../../src/core/lake/layout.ts';
import {
  allTables,
  production,
  sources,
  tablePrefix,
  tradeFlows,
  worldTrade,
  type TableDef,
} from '../../data-schemas/index.ts';
import { isWorldTradeFile, worldTradeDataset } from '../../src/core/world-trade-files.ts';
import { readAnalystQueries } from '../analyst-queries.ts';
import type { ChainwatchConfig } from '../config.ts';
import { grantAthenaQueries, grantLakeFormationRead } from '../grants.ts';
import { glueColumnsOf, gluePartitionKeysOf, locationTemplate, partitionProjectionOf } from '../glue-columns.ts';
import type { ResourceNames } from '../names.ts';

export interface CatalogStackProps extends StackProps {
  config: ChainwatchConfig;
  names: ResourceNames;
  /** Folder of analyst SQL files; one named query per file. */
  analystSqlDir?: string;
  /** Tables to catalog (default: every table in data-schemas/). */
  tables?: readonly TableDef[];
}

/**
 * Parquet files listed by a symlink manifest (Hive's SymlinkTextInputFormat, which Athena reads): the
 * table's location is a folder of manifests whose lines are the S3 URIs of the files to read. A metric
 * table's manifest names the files of its current version (src/core/lake/metric-versions.ts), so one put of
 * the manifest switches every Athena reader from one complete version to the next — no Glue update, and
 * a redeploy of this stack cannot point the table anywhere else.
 */
const SYMLINK_PARQUET = new glue.DataFormat({
  inputFormat: new glue.InputFormat('org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat'),
  outputFormat: glue.OutputFormat.HIVE_IGNORE_KEY_TEXT,
  serializationLibrary: glue.SerializationLibrary.PARQUET,
});

/** The engine version the SQL files are written for (Trino dialect, aws-notes §3). */
const ATHENA_ENGINE_VERSION = 'Athena engine version 3';

const repoPath = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

/** Basket sectors, read from the reference data rather than repeated here. */
function basketSectors(csvPath = repoPath('data-schemas/reference/basket.csv')): string[] {
  const [header, ...rows] = readFileSync(csvPath, 'utf8').trim().split('\n');
  const at = header.split(',').indexOf('sector');
  return [...new Set(rows.map((r) => r.split(',')[at]))].sort();
}

/** world_trade datasets: one per bundled world-trade file, named by the file without `.csv`. */
function worldTradeDatasets(dir = repoPath('data/bundled')): string[] {
  return readdirSync(dir).filter(isWorldTradeFile).map(worldTradeDataset).sort();
}

/**
 * Glue database, one Glue table per curated and metric table (generated from `data-schemas/`,
 * partition projection instead of crawlers or MSCK REPAIR), the `pipeline` and `analysts`
 * Athena workgroups, and one saved query per analyst SQL file.
 */
/**
 * A lake table in the catalog: its Glue table and the prefix of its files. For a metric table these
 * differ: Glue locates it at its manifest folder, and the manifest names files in the table's version
 * folders (metrics/<table>/v=<n>/), which Athena reads with the caller's credentials too.
 */
export interface CatalogTable {
  glue: glue.S3Table;
  filesPrefix: string;
}

export class CatalogStack extends Stack {
  readonly database: glue.Database;
  readonly tables: Map<string, CatalogTable>;
  readonly pipelineWorkGroup: athena.CfnWorkGroup;
  readonly analystsWorkGroup: athena.CfnWorkGroup;
  /** Read-only SQL over the lake: assumed by the account's analysts (their own policies say who). */
  readonly analystRole: iam.Role;

  constructor(scope: Construct, id: string, props: CatalogStackProps) {
    super(scope, id, props);
    const { config, names } = props;
    const lakeBucket = s3.Bucket.fromBucketName(this, 'Lake', names.bucket('lake'));
    const athenaResultsBucket = s3.Bucket.fromBucketName(this, 'AthenaResults', names.bucket('results'));

    this.database = new glue.Database(this, 'Database', {
      databaseName: names.database,
      description: 'chainwatch data lake: curated trade and production tables and computed metric tables.',
    });
    // Only metadata this stack defines (the files stay in the lake): deleted with the stack, so the
    // fixed name does not block a redeploy after `cdk destroy`.
    this.database.applyRemovalPolicy(RemovalPolicy.DESTROY);

    // Every table more than one source writes is partitioned by source first: the enabled sources.
    const source = glue.PartitionProjectionConfiguration.enum({ values: [...config.sources] });
    const projection: Record<string, Record<string, glue.PartitionProjectionConfiguration>> = {
      [tradeFlows.name]: {
        source,
        year: glue.PartitionProjectionConfiguration.integer({ min: config.tradeYears.min, max: config.tradeYears.max }),
        // Annual totals are month 0; monthly rows 1–12.
        month: glue.PartitionProjectionConfiguration.integer({ min: 0, max: 12 }),
      },
      [production.name]: {
        source,
        sector: glue.PartitionProjectionConfiguration.enum({ values: basketSectors() }),
      },
      [sources.name]: { source },
      [worldTrade.name]: {
        source,
        dataset: glue.PartitionProjectionConfiguration.enum({ values: worldTradeDatasets() }),
      },
    };

    this.tables = new Map(
      (props.tables ?? allTables).map((table) => {
        const partitionProjection = partitionProjectionOf(table, projection);
        const s3Table = new glue.S3Table(this, `Table-${table.name}`, {
          database: this.database,
          tableName: table.name,
          description: table.description,
          columns: glueColumnsOf(table),
          partitionKeys: gluePartitionKeysOf(table),
          // A metric table is read through its manifest, which the metrics step switches to each new version.
          dataFormat: table.zone === 'metrics' ? SYMLINK_PARQUET : glue.DataFormat.PARQUET,
          storage: glue.S3TableStorage.fromBucket(lakeBucket),
          s3Prefix: table.zone === 'metrics' ? metricManifestFolder(table) : tablePrefix(table),
          // Objects are SSE-S3, which S3 decrypts transparently; `true` would tell Athena to expect CSE-KMS.
          hasEncryptedData: false,
          partitionProjection,
          parameters: partitionProjection
            ? { 'storage.location.template': locationTemplate(lakeBucket.bucketName, table) }
            : undefined,
        });
        return [table.name, { glue: s3Table, filesPrefix: tablePrefix(table) }] as const;
      }),
    );

    const workGroup = (name: 'pipeline' | 'analysts', bytesScannedCutoffPerQuery: number, description: string) =>
      new athena.CfnWorkGroup(this, `WorkGroup-${name}`, {
        name: names.workGroup(name),
        description,
        state: 'ENABLED',
        workGroupConfiguration: {
          enforceWorkGroupConfiguration: true,
          engineVersion: { selectedEngineVersion: ATHENA_ENGINE_VERSION },
          bytesScannedCutoffPerQuery,
          publishCloudWatchMetricsEnabled: true,
          resultConfiguration: {
            outputLocation: athenaResultsBucket.s3UrlForObject(`${name}/`),
            encryptionConfiguration: { encryptionOption: 'SSE_S3' },
          },
        },
      });
    this.pipelineWorkGroup = workGroup(
      'pipeline',
      config.athena.pipelineBytesScannedCutoff,
      'Monthly metric refresh run by the pipeline.',
    );
    this.analystsWorkGroup = workGroup(
      'analysts',
      config.athena.analystsBytesScannedCutoff,
      'Ad-hoc analyst queries over the chainwatch tables.',
    );

    this.analystRole = new iam.Role(this, 'AnalystRole', {
      assumedBy: new iam.AccountRootPrincipal(),
      description: `chainwatch ${config.stage} analysts: read-only SQL over the lake tables in workgroup ${names.workGroup('analysts')}`,
    });
    grantAthenaQueries(this.analystRole, {
      workGroup: names.workGroup('analysts'),
      database: this.database,
      tables: this.tables.values(),
      lakeBucket,
      results: { bucket: athenaResultsBucket, prefix: 'analysts/' },
      // The workgroup's saved (named) queries and its query history, as the Athena console shows them.
      extraWorkGroupActions: [
        'athena:GetWorkGroup',
        'athena:ListNamedQueries',
        'athena:GetNamedQuery',
        'athena:BatchGetNamedQuery',
        'athena:ListQueryExecutions',
        'athena:BatchGetQueryExecution',
      ],
    });
    // The console's query editor lists databases and tables through Athena's view of the Glue catalog.
    this.analystRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'athena:GetDataCatalog',
          'athena:ListDatabases',
          'athena:GetDatabase',
          'athena:ListTableMetadata',
          'athena:GetTableMetadata',
        ],
        resources: [this.formatArn({ service: 'athena', resource: 'datacatalog', resourceName: 'AwsDataCatalog' })],
      }),
    );
    if (config.lakeFormation) {
      grantLakeFormationRead(this.analystRole, this.database);
      Validations.of(this.analystRole).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Only lakeformation:GetDataAccess, which has no resource-level permissions, is allowed on "*": Lake Formation vends the credentials for its registered locations.',
      });
    }
    new CfnOutput(this, 'AnalystRoleArn', {
      value: this.analystRole.roleArn,
      description: 'Role analysts assume for read-only Athena SQL (workgroup analysts)',
    });

    for (const query of readAnalystQueries(props.analystSqlDir ?? repoPath('sql/analyst'))) {
      new athena.CfnNamedQuery(this, `Query-${query.name}`, {
        name: query.name,
        description: query.description,
        database: this.database.databaseName,
        queryString: query.sql,
        workGroup: this.analystsWorkGroup.ref,
      });
    }
  }
}
