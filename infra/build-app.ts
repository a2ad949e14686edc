import { App, Tags, Validations, type AppProps, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig, type ChainwatchConfig } from './config.ts';
import { resourceNames } from './names.ts';
import { CatalogStack } from './stacks/catalog.ts';
import { PipelineStack } from './stacks/pipeline.ts';
import { SiteStack } from './stacks/site.ts';
import { StorageStack } from './stacks/storage.ts';

export interface ChainwatchApp {
  app: App;
  config: ChainwatchConfig;
  storage: StorageStack;
  catalog: CatalogStack;
  site: SiteStack;
  pipeline: PipelineStack;
  /** The cdk-nag pack registered on the app; tests call `nag.validateScope(app)`. */
  nag: AwsSolutionsChecks;
}

export interface BuildAppOptions extends AppProps {
  /** Account and region; omitted → environment-agnostic stacks (synth needs no credentials). */
  env?: Environment;
  /** Folder of analyst SQL files (default `sql/analyst/`). */
  analystSqlDir?: string;
}

/**
 * Build the chainwatch CDK app: storage → catalog → site → pipeline, each stack named
 * `chainwatch-<stage>-<concern>`, with cdk-nag AwsSolutions checks as a validation plugin so
 * `cdk synth` fails on any unacknowledged finding.
 */
export function buildApp(options: BuildAppOptions = {}): ChainwatchApp {
  const { env, analystSqlDir, ...appProps } = options;
  const app = new App(appProps);
  const config = readConfig((key) => app.node.tryGetContext(key));
  const names = resourceNames(config.stage);
  const common = { env, config, names };

  const storage = new StorageStack(app, names.stack('storage'), {
    ...common,
    description: 'chainwatch buckets: data lake, Athena results, access logs',
  });
  const catalog = new CatalogStack(app, names.stack('catalog'), {
    ...common,
    description: 'chainwatch Glue tables (generated from data-schemas) and Athena workgroups',
    analystSqlDir,
  });
  const site = new SiteStack(app, names.stack('site'), {
    env,
    names,
    description: 'chainwatch report site: private bucket behind CloudFront',
  });
  const pipeline = new PipelineStack(app, names.stack('pipeline'), {
    ...common,
    description: 'chainwatch monthly refresh: Lambdas, Step Functions, schedules, alarms and dashboard',
    sitePointer: site.pointerStore,
    siteDomainName: site.distribution.distributionDomainName,
    catalog,
  });
  // Stacks find each other's buckets by name, so the deploy order is stated rather than inferred.
  catalog.addStackDependency(storage);
  site.addStackDependency(storage);
  pipeline.addStackDependency(storage);
  pipeline.addStackDependency(catalog);
  pipeline.addStackDependency(site);

  Tags.of(app).add('project', 'chainwatch');
  Tags.of(app).add('stage', config.stage);
  const nag = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(nag);
  return { app, config, storage, catalog, site, pipeline, nag };
}
