import { Stack, Validations } from 'aws-cdk-lib';
// The function cdk-nag's IAM5 rule renders resources with; using it keeps acknowledgement ids exact.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/** A resource (ARN string or token) as cdk-nag's IAM5 rule prints it in a finding id. */
export const renderResource = (scope: IConstruct, resource: string): string =>
  flattenCfnReference(Stack.of(scope).resolve(resource));

/**
 * Acknowledge the AwsSolutions-IAM5 finding of one prefix-scoped object ARN (`…/curated/*`):
 * S3 can only name a key prefix with a trailing wildcard.
 */
export function acknowledgePrefixResource(role: IConstruct, resource: string, why: string): void {
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${renderResource(role, resource)}]`,
    reason: `S3 names a key prefix with a trailing wildcard; access stops at that prefix: ${why}.`,
  });
}
