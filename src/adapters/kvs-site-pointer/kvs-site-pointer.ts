// The KeyValueStore API accepts only SigV4A signatures; this registers the SDK's pure-JS signer (the
// native CRT one does not ship in a Lambda bundle).
import '@aws-sdk/signature-v4a';
import {
  CloudFrontKeyValueStoreClient,
  DescribeKeyValueStoreCommand,
  GetKeyCommand,
  UpdateKeysCommand,
} from '@aws-sdk/client-cloudfront-keyvaluestore';
import { StoreError } from '../../core/errors.ts';
import { awsErrorHint } from '../aws-error-hint.ts';
import {
  checkBuilds,
  pointerMoved,
  POINTER_KEYS,
  type PointerState,
  type SiteBuilds,
  type SitePointer,
} from '../../core/seams/site-pointer.ts';

const errorName = (cause: unknown): string => (cause as { name?: string })?.name ?? '';

/**
 * The site pointer behind CloudFront: the distribution's KeyValueStore, whose key `current` the
 * viewer-request function reads on every request. The store's ETag is the pointer's version, and the
 * switch is one UpdateKeys call with that ETag as If-Match: all-or-nothing, and refused if anything
 * wrote the store since the publish read it.
 */
export class KvsSitePointer implements SitePointer {
  readonly location: string;

  constructor(
    private readonly arn: string,
    private readonly client = new CloudFrontKeyValueStoreClient({}),
  ) {
    this.location = `CloudFront KeyValueStore ${arn}`;
  }

  private fail(action: string, cause: unknown): StoreError {
    return new StoreError(
      `Could not ${action} the site pointer ${this.location}: ${errorName(cause)} ${(cause as Error)?.message ?? ''}`.trim(),
      awsErrorHint(cause, this.location),
      { cause },
    );
  }

  /** A key's value, or undefined when the key is not there (before the first publish). */
  private async value(key: string): Promise<string | undefined> {
    try {
      return (await this.client.send(new GetKeyCommand({ KvsARN: this.arn, Key: key }))).Value;
    } catch (cause) {
      if (errorName(cause) === 'ResourceNotFoundException') return undefined;
      throw cause;
    }
  }

  async read(): Promise<PointerState> {
    try {
      // The ETag first: a write between it and the keys makes the switch fail rather than go through on stale keys.
      const { ETag } = await this.client.send(new DescribeKeyValueStoreCommand({ KvsARN: this.arn }));
      const [current, previous] = [await this.value(POINTER_KEYS.current), await this.value(POINTER_KEYS.previous)];
      return { builds: checkBuilds(current, previous, this.location), version: ETag! };
    } catch (cause) {
      if (cause instanceof StoreError) throw cause;
      throw this.fail('read', cause);
    }
  }

  async switch(next: SiteBuilds, version: string): Promise<void> {
    const puts: { Key: string; Value: string }[] = [{ Key: POINTER_KEYS.current, Value: next.current }];
    if (next.previous !== undefined) puts.push({ Key: POINTER_KEYS.previous, Value: next.previous });
    try {
      await this.client.send(new UpdateKeysCommand({ KvsARN: this.arn, IfMatch: version, Puts: puts }));
    } catch (cause) {
      if (errorName(cause) === 'ConflictException') throw pointerMoved(this.location);
      throw this.fail('switch', cause);
    }
  }
}
