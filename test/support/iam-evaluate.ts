import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { App } from 'aws-cdk-lib';
import { ACCOUNT, CfnResolver, type CfnTemplate } from './cfn-resolve.ts';

/**
 * IAM evaluation over a synthesized app: each role's identity policies and each resource's policy,
 * resolved to the ARNs of one account and region, judged by an IAM policy evaluator
 * (@cloud-copilot/iam-simulate) request by request — the same decision AWS makes for an API call's
 * (action, resource) pair, explicit denies and resource policies included.
 */

type Json = any;
export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

export interface Principal {
  /** A role ARN, or a service principal such as `cloudwatch.amazonaws.com`. */
  arn: string;
  identityPolicies: { name: string; policy: Json }[];
}

export class AppPolicies {
  readonly resolver: CfnResolver;
  private readonly templates: Record<string, CfnTemplate>;

  constructor(app: App) {
    // Validation (cdk-nag) is judged elsewhere; here only the templates matter.
    const assembly = app.synth({ validateOnSynthesis: false, force: true });
    this.templates = Object.fromEntries(assembly.stacks.map((s) => [s.stackName, s.template as CfnTemplate]));
    this.resolver = new CfnResolver(this.templates);
  }

  /** The role with `logicalId` in `stack`, with every policy attached to it (inline, AWS::IAM::Policy, overflow AWS::IAM::ManagedPolicy). */
  role(stack: string, logicalId: string): Principal {
    const t = this.resolver.template(stack);
    const role = t.Resources[logicalId];
    if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${stack}/${logicalId} is not a role`);
    if (role.Properties?.ManagedPolicyArns)
      throw new Error(`${stack}/${logicalId} has managed policies, which this evaluation does not read`);
    const inline = ((role.Properties?.Policies ?? []) as Json[]).map((p) => ({
      name: p.PolicyName,
      policy: this.resolver.resolve(stack, p.PolicyDocument),
    }));
    const attached = Object.entries(t.Resources)
      // CDK moves statements that outgrow the inline policy into an overflow managed policy attached the same way.
      .filter(
        ([, r]) =>
          (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') &&
          ((r.Properties!.Roles ?? []) as Json[]).some((ref) => ref.Ref === logicalId),
      )
      .map(([id, r]) => ({ name: id, policy: this.resolver.resolve(stack, r.Properties!.PolicyDocument) }));
    return {
      arn: this.resolver.string(stack, { 'Fn::GetAtt': [logicalId, 'Arn'] }),
      identityPolicies: [...inline, ...attached],
    };
  }

  /** Logical id of the one resource of `type` in `stack` whose properties satisfy `match`. */
  find(stack: string, type: string, match: (properties: Record<string, Json>) => boolean = () => true): string {
    const found = Object.entries(this.resolver.template(stack).Resources).filter(
      ([, r]) => r.Type === type && match(r.Properties ?? {}),
    );
    if (found.length !== 1) throw new Error(`${found.length} resources of ${type} in ${stack} match, expected 1`);
    return found[0][0];
  }

  /** Logical id of a role named by `Fn::GetAtt [role, Arn]` in a property. */
  roleIdOf(reference: Json): string {
    const id = reference?.['Fn::GetAtt']?.[0];
    if (!id) throw new Error(`Not a role reference: ${JSON.stringify(reference)}`);
    return id;
  }

  /** The policy, if any, that the resource's own service attaches to the resource the ARN names. */
  resourcePolicyOf(resourceArn: string): Json | undefined {
    const [, , service] = resourceArn.split(':');
    const kind = {
      s3: ['AWS::S3::BucketPolicy', 'Bucket'],
      sns: ['AWS::SNS::TopicPolicy', 'Topics'],
      sqs: ['AWS::SQS::QueuePolicy', 'Queues'],
    }[service];
    if (!kind) return undefined;
    const [type, property] = kind;
    const target = service === 's3' ? resourceArn.replace(/^arn:aws:s3:::/, '').split('/')[0] : resourceArn;
    const policies: Json[] = [];
    for (const [stack, t] of Object.entries(this.templates)) {
      for (const r of Object.values(t.Resources).filter((x) => x.Type === type)) {
        const names = [this.resolver.resolve(stack, r.Properties![property])].flat().map(String);
        // Queue policies name queues by URL: compare by the queue name at the end of ARN and URL.
        const matches =
          service === 'sqs'
            ? names.some((n) => n.split('/').at(-1) === target.split(':').at(-1))
            : names.includes(target);
        if (matches) policies.push(this.resolver.resolve(stack, r.Properties!.PolicyDocument));
      }
    }
    if (policies.length > 1) throw new Error(`${policies.length} resource policies attach to ${resourceArn}`);
    return policies[0];
  }
}

/** What the evaluator decides for `principal` calling `action` on `resource` over TLS, in the app's account. */
export async function decide(
  app: AppPolicies,
  principal: Principal,
  action: string,
  resource: string,
  context: Record<string, string> = {},
): Promise<Decision> {
  const result = await runSimulation(
    {
      request: {
        principal: principal.arn,
        action,
        resource: { resource, accountId: ACCOUNT },
        contextVariables: { 'aws:SecureTransport': 'true', ...context },
      },
      identityPolicies: principal.identityPolicies,
      resourcePolicy: app.resourcePolicyOf(resource),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === 'error')
    throw new Error(`The evaluator refused ${action} on ${resource}: ${JSON.stringify(result.errors)}`);
  return result.overallResult as Decision;
}
