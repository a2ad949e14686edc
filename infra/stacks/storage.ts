import { Aws, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { ChainwatchConfig } from '../config.ts';
import type { BucketPurpose, ResourceNames } from '../names.ts';

export interface StorageStackProps extends StackProps {
  config: ChainwatchConfig;
  names: ResourceNames;
}

/** Key prefix of each bucket's server access logs in the logs bucket. */
export const accessLogPrefix = (purpose: BucketPurpose) => `s3/${purpose}/`;

/**
 * The buckets: the data lake (raw/, curated/, quarantine/, metrics/, releases/, _runs/), Athena
 * query results, and the access-log bucket they all log to. SSE-S3 is enough for public
 * statistics and keeps KMS cost and key grants out of the picture (aws-notes §6).
 */
export class StorageStack extends Stack {
  readonly logsBucket: s3.Bucket;
  readonly lakeBucket: s3.Bucket;
  readonly athenaResultsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: StorageStackProps) {
    super(scope, id, props);
    const { config, names } = props;

    this.logsBucket = new s3.Bucket(this, 'AccessLogs', {
      ...hardened(),
      bucketName: names.bucket('logs'),
      // CloudFront standard logging writes with ACLs, so this one bucket keeps ACLs available;
      // S3 server access logging is granted by bucket policy (serverAccessLogsUseBucketPolicy flag).
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [abortIncompleteUploads, { id: 'expire-logs', expiration: Duration.days(365) }],
    });
    Validations.of(this.logsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access-log destination of every other bucket and the CloudFront distribution; logging it to itself would loop.',
    });

    // The site bucket lives in the site stack and refers to this bucket by name, so CDK cannot add
    // its log-delivery grant here; this is the statement CDK writes for the buckets below.
    this.logsBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'SiteBucketServerAccessLogs',
        principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.logsBucket.arnForObjects(`${accessLogPrefix('site')}*`)],
        conditions: {
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:s3:::${names.bucket('site')}` },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );

    this.lakeBucket = new s3.Bucket(this, 'Lake', {
      ...hardened(this.logsBucket, accessLogPrefix('lake')),
      bucketName: names.bucket('lake'),
      // Each monthly run replaces curated and metric partitions; versions let a bad run be rolled back.
      versioned: true,
      lifecycleRules: [
        abortIncompleteUploads,
        { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(90) },
      ],
    });

    this.athenaResultsBucket = new s3.Bucket(this, 'AthenaResults', {
      ...hardened(this.logsBucket, accessLogPrefix('results')),
      bucketName: names.bucket('results'),
      lifecycleRules: [
        abortIncompleteUploads,
        { id: 'expire-results', expiration: Duration.days(config.athena.resultsExpirationDays) },
      ],
    });
  }
}

const abortIncompleteUploads: s3.LifecycleRule = {
  id: 'abort-incomplete-multipart-uploads',
  abortIncompleteMultipartUploadAfter: Duration.days(1),
};

/** What every chainwatch bucket has: private, encrypted, TLS-only, owner-enforced, logged. */
export function hardened(logs?: s3.IBucket, logPrefix?: string): s3.BucketProps {
  return {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    serverAccessLogsBucket: logs,
    serverAccessLogsPrefix: logPrefix,
    lifecycleRules: [abortIncompleteUploads],
  };
}
