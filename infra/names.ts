import { Aws } from 'aws-cdk-lib';

export type BucketPurpose = 'lake' | 'results' | 'logs' | 'site';

/**
 * Physical names of the shared resources of one stage. Buckets, the database and the workgroups
 * have fixed names (the account and region make bucket names unique), so stacks refer to each
 * other by name rather than by cross-stack export: an analyst or the CLI can name the lake
 * (`s3://chainwatch-prod-lake-<account>-<region>/`), and IAM statements render the same before
 * and after synthesis, which keeps cdk-nag acknowledgements exact.
 */
export function resourceNames(stage: string) {
  return {
    stack: (concern: string) => `chainwatch-${stage}-${concern}`,
    // At most 11 + 16 + 1 + 7 + 1 + 12 + 1 + 14 = 63 characters, the S3 limit (stage is ≤ 16).
    bucket: (purpose: BucketPurpose) => `chainwatch-${stage}-${purpose}-${Aws.ACCOUNT_ID}-${Aws.REGION}`,
    database: `chainwatch_${stage.replaceAll('-', '_')}`,
    workGroup: (name: 'pipeline' | 'analysts') => `chainwatch-${stage}-${name}`,
    stateMachine: `chainwatch-${stage}-refresh`,
  };
}

export type ResourceNames = ReturnType<typeof resourceNames>;

/**
 * The only resources `cdk destroy` leaves behind under their fixed names, and why. Everything else with
 * a fixed name (database, workgroups, state machine, its log group, alarms, dashboard) is deleted with
 * its stack, so a redeploy recreates it. A redeploy of the same stage after `cdk destroy` meets these
 * buckets again: adopt them with `cdk import` or empty and delete them first (docs/deploy.md, "Redeploying
 * after cdk destroy").
 */
export const RETAINED_BY_NAME: Record<BucketPurpose, string> = {
  lake: 'the data: raw responses, curated and metric tables and their versions must outlive any stack',
  logs: 'access logs are the audit record of the other buckets and the distribution',
  results: 'Athena results of analysts may be referenced after a redeploy; they expire by lifecycle anyway',
  site: 'the published builds keep serving until a new site stack points CloudFront at a build again',
};
