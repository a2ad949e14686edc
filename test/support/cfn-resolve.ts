/**
 * Resolve the CloudFormation intrinsics of a synthesized app into the concrete strings they become
 * when deployed into one account and region, so an IAM policy evaluator can match real ARNs.
 * Physical names CloudFormation would generate are stood in for by `<stack>-<logicalId>`: stable,
 * unique, and the same on every side of a reference. Anything not modelled here throws, so a new
 * kind of reference fails the test that meets it instead of evaluating a wrong ARN.
 */

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const PARTITION = 'aws';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Resource {
  Type: string;
  Properties?: Record<string, Json>;
}
export interface CfnTemplate {
  Resources: Record<string, Resource>;
  Outputs?: Record<string, { Value: Json; Export?: { Name: Json } }>;
}

export class CfnResolver {
  /** @param templates every stack of the app, by stack name (cross-stack references are followed). */
  constructor(private readonly templates: Record<string, CfnTemplate>) {}

  /** The deployed value of `value` in `stack`: a string, or a list for Fn::Split and list properties. */
  resolve(stack: string, value: Json): Json {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => this.resolve(stack, v));
    const keys = Object.keys(value);
    if (keys.length !== 1 || !(keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolve(stack, v)]));
    }
    const [fn] = keys;
    const arg = value[fn] as Json;
    switch (fn) {
      case 'Ref':
        return this.ref(stack, arg as string);
      case 'Fn::GetAtt': {
        const [id, attribute] = arg as [string, string];
        return this.getAtt(stack, id, attribute);
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, Json[]];
        return (this.resolve(stack, parts) as Json[]).map((p) => this.text(p)).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [Json, Json];
        return (this.resolve(stack, list) as Json[])[Number(this.resolve(stack, index))];
      }
      case 'Fn::Split': {
        const [separator, source] = arg as [string, Json];
        return this.text(this.resolve(stack, source)).split(separator);
      }
      case 'Fn::GetStackOutput': {
        const { StackName, OutputName } = arg as { StackName: string; OutputName: string };
        const output = this.template(StackName).Outputs?.[OutputName];
        if (!output) throw new Error(`Stack ${StackName} has no output ${OutputName}`);
        return this.resolve(StackName, output.Value);
      }
      case 'Fn::ImportValue': {
        const name = this.text(this.resolve(stack, arg));
        for (const [other, t] of Object.entries(this.templates)) {
          for (const output of Object.values(t.Outputs ?? {})) {
            if (output.Export && this.resolve(other, output.Export.Name) === name)
              return this.resolve(other, output.Value);
          }
        }
        throw new Error(`No stack exports ${name}`);
      }
      default:
        throw new Error(`cfn-resolve does not model ${fn} (in ${stack})`);
    }
  }

  /** `resolve`, required to be a string. */
  string(stack: string, value: Json): string {
    return this.text(this.resolve(stack, value));
  }

  template(stack: string): CfnTemplate {
    const t = this.templates[stack];
    if (!t) throw new Error(`Unknown stack ${stack}`);
    return t;
  }

  private text(value: Json): string {
    if (typeof value !== 'string' && typeof value !== 'number')
      throw new Error(`Expected a string, got ${JSON.stringify(value)}`);
    return String(value);
  }

  private resource(stack: string, id: string): Resource {
    const r = this.template(stack).Resources[id];
    if (!r) throw new Error(`Stack ${stack} has no resource ${id}`);
    return r;
  }

  /** The resource's own name property, or the stand-in for the name CloudFormation generates. */
  private nameOf(stack: string, id: string, property?: Json): string {
    return property === undefined ? `${stack}-${id}` : this.string(stack, property);
  }

  private ref(stack: string, id: string): Json {
    switch (id) {
      case 'AWS::AccountId':
        return ACCOUNT;
      case 'AWS::Region':
        return REGION;
      case 'AWS::Partition':
        return PARTITION;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return stack;
    }
    const r = this.resource(stack, id);
    const p = r.Properties ?? {};
    const arn = (service: string, resource: string, region = REGION) =>
      `arn:${PARTITION}:${service}:${region}:${ACCOUNT}:${resource}`;
    switch (r.Type) {
      case 'AWS::S3::Bucket':
        return this.nameOf(stack, id, p.BucketName).toLowerCase();
      case 'AWS::Glue::Database':
        return this.string(stack, (p.DatabaseInput as Record<string, Json>).Name);
      case 'AWS::Glue::Table':
        return this.string(stack, (p.TableInput as Record<string, Json>).Name);
      case 'AWS::Athena::WorkGroup':
        return this.string(stack, p.Name);
      case 'AWS::Lambda::Function':
        return this.nameOf(stack, id, p.FunctionName);
      case 'AWS::IAM::Role':
        return this.nameOf(stack, id, p.RoleName);
      case 'AWS::Logs::LogGroup':
        return this.nameOf(stack, id, p.LogGroupName);
      case 'AWS::SNS::Topic':
        return arn('sns', this.nameOf(stack, id, p.TopicName));
      case 'AWS::SQS::Queue':
        return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${this.nameOf(stack, id, p.QueueName)}`;
      case 'AWS::StepFunctions::StateMachine':
        return arn('states', `stateMachine:${this.nameOf(stack, id, p.StateMachineName)}`);
      case 'AWS::CloudWatch::Alarm':
        return this.nameOf(stack, id, p.AlarmName);
      case 'AWS::CloudFront::Distribution':
        return `${stack}-${id}`;
      default:
        throw new Error(`cfn-resolve does not model Ref of ${r.Type} (${stack}/${id})`);
    }
  }

  private getAtt(stack: string, id: string, attribute: string): Json {
    const r = this.resource(stack, id);
    const arn = (service: string, resource: string, region: string = REGION) =>
      `arn:${PARTITION}:${service}:${region}:${ACCOUNT}:${resource}`;
    const key = `${r.Type}.${attribute}`;
    switch (key) {
      case 'AWS::S3::Bucket.Arn':
        return `arn:${PARTITION}:s3:::${this.ref(stack, id)}`;
      case 'AWS::Lambda::Function.Arn':
        return arn('lambda', `function:${this.ref(stack, id)}`);
      case 'AWS::IAM::Role.Arn':
        return `arn:${PARTITION}:iam::${ACCOUNT}:role/${this.ref(stack, id)}`;
      case 'AWS::Logs::LogGroup.Arn':
        return arn('logs', `log-group:${this.ref(stack, id)}:*`);
      case 'AWS::SQS::Queue.Arn':
        return arn('sqs', this.nameOf(stack, id, r.Properties?.QueueName));
      case 'AWS::SNS::Topic.TopicArn':
        return this.ref(stack, id);
      case 'AWS::StepFunctions::StateMachine.Arn':
        return this.ref(stack, id);
      case 'AWS::CloudWatch::Alarm.Arn':
        return arn('cloudwatch', `alarm:${this.ref(stack, id)}`);
      case 'AWS::Events::Rule.Arn':
        return arn('events', `rule/${this.nameOf(stack, id, r.Properties?.Name)}`);
      case 'AWS::CloudFront::KeyValueStore.Arn':
        return `arn:${PARTITION}:cloudfront::${ACCOUNT}:key-value-store/${stack}-${id}`;
      default:
        throw new Error(`cfn-resolve does not model Fn::GetAtt ${key} (${stack}/${id})`);
    }
  }
}
