import { Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
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

/**
 * Acknowledge, on `role`, each wildcard a grant method put into its policy: the trailing `*` of a
 * prefix-scoped object ARN, and CDK's action groups (`s3:GetObject*`, …), each with the exact
 * resources it applies to and `why` the step needs it. A wildcard added any other way stays a
 * finding and fails synthesis.
 */
export function acknowledgeGrantWildcards(role: IConstruct, grant: iam.Grant, why: string): void {
  for (const statement of grant.principalStatements) {
    const wildcardResources = statement.resources.filter((r) => renderResource(role, r).includes('*'));
    for (const resource of wildcardResources) acknowledgePrefixResource(role, resource, why);
    for (const action of statement.actions.filter((a) => a.includes('*'))) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: `${action} is the action group of a CDK grant method, allowed only on ${statement.resources.map((r) => renderResource(role, r)).join(', ')}: ${why}.`,
      });
    }
  }
}
