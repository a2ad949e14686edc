import { fileURLToPath } from 'node:url';
import { Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { CONSOLE_CSP, CONSOLE_PATHS, SITE_CSP } from '../../src/core/report/csp.ts';
import type { ResourceNames } from '../names.ts';
import { accessLogPrefix, hardened } from './storage.ts';

export interface SiteStackProps extends StackProps {
  names: ResourceNames;
}

/**
 * The report site: a private bucket served only through CloudFront with origin access control,
 * security response headers and access logging. The bucket lives here, with its distribution,
 * because the OAC bucket policy names the distribution: across two stacks that is a cycle.
 * The bucket holds whole builds (`builds/<id>/`); the key value store's `current` names the one
 * readers get, and a viewer-request function maps every request onto it (src/core/report/publish-site.ts).
 */
export class SiteStack extends Stack {
  readonly siteBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** The site pointer: the report Lambda switches builds by writing it. */
  readonly pointerStore: cloudfront.KeyValueStore;

  constructor(scope: Construct, id: string, props: SiteStackProps) {
    super(scope, id, props);

    const { names } = props;
    const logsBucket = s3.Bucket.fromBucketName(this, 'AccessLogs', names.bucket('logs'));
    this.siteBucket = new s3.Bucket(this, 'Site', {
      ...hardened(logsBucket, accessLogPrefix('site')),
      bucketName: names.bucket('site'),
    });
    Validations.of(this.siteBucket).acknowledge({
      id: '@aws-cdk/aws-s3:accessLogsPolicyNotAdded',
      reason:
        'The logs bucket is in the storage stack; its policy allows log delivery from this bucket by name (StorageStack).',
    });

    const securityHeaders = (id: string, csp: string, comment: string) =>
      new cloudfront.ResponseHeadersPolicy(this, id, {
        comment,
        securityHeadersBehavior: {
          contentSecurityPolicy: { contentSecurityPolicy: csp, override: true },
          strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
          contentTypeOptions: { override: true },
          frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
          referrerPolicy: {
            referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
            override: true,
          },
        },
      });
    const headers = securityHeaders(
      'SecurityHeaders',
      SITE_CSP,
      'chainwatch report: CSP, HSTS, nosniff, no framing, strict referrer',
    );
    // The Data page's SQL console compiles WebAssembly: its pages and files alone get a CSP that allows it.
    const consoleHeaders = securityHeaders(
      'ConsoleSecurityHeaders',
      CONSOLE_CSP,
      'chainwatch report, the Data page SQL console: the site CSP with wasm-unsafe-eval, HSTS, nosniff, no framing',
    );

    this.pointerStore = new cloudfront.KeyValueStore(this, 'SitePointer', {
      comment:
        'chainwatch report: "current" names the build under builds/ that the site serves, "previous" the one before it',
    });
    const router = new cloudfront.Function(this, 'SiteRouter', {
      comment: 'chainwatch report: serve every request from the current build named in the site pointer',
      code: cloudfront.FunctionCode.fromFile({
        filePath: fileURLToPath(new URL('../functions/site-router.js', import.meta.url)),
      }),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      keyValueStore: this.pointerStore,
    });

    const origin = origins.S3BucketOrigin.withOriginAccessControl(this.siteBucket);
    const behavior = (responseHeadersPolicy: cloudfront.IResponseHeadersPolicy): cloudfront.BehaviorOptions => ({
      origin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy,
      compress: true,
      functionAssociations: [{ function: router, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'chainwatch report site',
      defaultRootObject: 'index.html',
      defaultBehavior: behavior(headers),
      // CloudFront picks the behavior by the path the reader asked for, before the router maps it onto the build.
      additionalBehaviors: Object.fromEntries(CONSOLE_PATHS.map((path) => [path, behavior(consoleHeaders)])),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: logsBucket,
      logFilePrefix: 'cloudfront/',
    });

    const acknowledge = (id: string, reason: string) => Validations.of(this.distribution).acknowledge({ id, reason });
    acknowledge(
      'AwsSolutions-CFR1',
      'The report publishes public statistics for readers in any country; there is no audience to geo-restrict.',
    );
    acknowledge(
      'AwsSolutions-CFR2',
      'Static, read-only site (GET/HEAD only, no forms, no origin compute): a WAF web ACL would have nothing to inspect that CloudFront does not already reject.',
    );
    acknowledge(
      'AwsSolutions-CFR4',
      'No custom domain is configured, so the distribution uses the default *.cloudfront.net certificate, whose TLS policy CloudFront fixes; viewers are redirected to HTTPS.',
    );
  }
}
