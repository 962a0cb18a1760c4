/**
 * A small key-value contract that probes the embedded peer's Fabric semantics from the inside:
 * what a transaction reads, writes, iterates, emits and knows about its caller.
 */
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';

const utf8 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

/** The default contract (`kv`): plain and composite keys, events, history, identity. */
@Info({ title: 'LedgerProbe', description: 'probes the embedded peer' })
export class LedgerProbeContract extends Contract {
  constructor() {
    super('kv');
  }

  @Transaction()
  async Put(ctx: Context, key: string, value: string): Promise<void> {
    await ctx.stub.putState(key, Buffer.from(value));
  }

  /** Writes, then reads the same key back: Fabric returns the committed value, not the write. */
  @Transaction()
  @Returns('string')
  async PutAndReadBack(ctx: Context, key: string, value: string): Promise<string> {
    const before = utf8(await ctx.stub.getState(key));
    await ctx.stub.putState(key, Buffer.from(value));
    const after = utf8(await ctx.stub.getState(key));
    return JSON.stringify({ before, after });
  }

  @Transaction(false)
  @Returns('string')
  async Get(ctx: Context, key: string): Promise<string> {
    return utf8(await ctx.stub.getState(key));
  }

  @Transaction()
  async Delete(ctx: Context, key: string): Promise<void> {
    await ctx.stub.deleteState(key);
  }

  /** Read-modify-write of a counter, also noting which transaction did it. */
  @Transaction()
  @Returns('number')
  async Increment(ctx: Context, key: string): Promise<number> {
    const current = utf8(await ctx.stub.getState(key));
    const next = (current === '' ? 0 : Number(current)) + 1;
    await ctx.stub.putState(key, Buffer.from(String(next)));
    await ctx.stub.putState(`${key}:last`, Buffer.from(ctx.stub.getTxID()));
    return next;
  }

  @Transaction()
  async PutItem(ctx: Context, owner: string, id: string, value: string): Promise<void> {
    await ctx.stub.putState(ctx.stub.createCompositeKey('item', [owner, id]), Buffer.from(value));
  }

  @Transaction()
  async SeedItems(ctx: Context, owner: string, count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const id = String(i).padStart(4, '0');
      await ctx.stub.putState(ctx.stub.createCompositeKey('item', [owner, id]), Buffer.from(id));
    }
  }

  /** Counts an owner's items with `for await` and stores the count: a range read that then writes. */
  @Transaction()
  @Returns('number')
  async CountItems(ctx: Context, owner: string): Promise<number> {
    let count = 0;
    for await (const item of ctx.stub.getStateByPartialCompositeKey('item', [owner])) {
      if (item.value.length > 0) {
        count++;
      }
    }
    await ctx.stub.putState(`count:${owner}`, Buffer.from(String(count)));
    return count;
  }

  /** Lists an owner's items with the explicit iterator protocol (`next()` / `close()`). */
  @Transaction(false)
  @Returns('string')
  async ListItems(ctx: Context, owner: string): Promise<string> {
    const iterator = await ctx.stub.getStateByPartialCompositeKey('item', [owner]);
    const items: { attributes: string[]; value: string }[] = [];
    for (let result = await iterator.next(); !result.done; result = await iterator.next()) {
      const { attributes } = ctx.stub.splitCompositeKey(result.value.key);
      items.push({ attributes, value: utf8(result.value.value) });
    }
    await iterator.close();
    return JSON.stringify(items);
  }

  /** Reads only the first key of a range and closes the iterator early. */
  @Transaction()
  @Returns('string')
  async FirstItem(ctx: Context, owner: string): Promise<string> {
    const iterator = await ctx.stub.getStateByPartialCompositeKey('item', [owner]);
    const first = await iterator.next();
    await iterator.close();
    await ctx.stub.putState(`first:${owner}`, Buffer.from('seen'));
    return first.done ? '' : ctx.stub.splitCompositeKey(first.value.key).attributes.join('/');
  }

  @Transaction(false)
  @Returns('string')
  async RangeKeys(ctx: Context, startKey: string, endKey: string): Promise<string> {
    const keys: string[] = [];
    for await (const kv of ctx.stub.getStateByRange(startKey, endKey)) {
      keys.push(kv.key);
    }
    return JSON.stringify(keys);
  }

  /** Sets two events; Fabric keeps only the last. */
  @Transaction()
  async Emit(ctx: Context, first: string, second: string): Promise<void> {
    ctx.stub.setEvent(first, Buffer.from(`payload of ${first}`));
    ctx.stub.setEvent(second, Buffer.from(`payload of ${second}`));
    await ctx.stub.putState(`emitted:${second}`, Buffer.from('yes'));
  }

  @Transaction()
  async FailAfterWriting(ctx: Context, key: string): Promise<void> {
    await ctx.stub.putState(key, Buffer.from('should never land'));
    ctx.stub.setEvent('Failed', Buffer.from('should never be seen'));
    throw new Error('refused on purpose');
  }

  @Transaction(false)
  @Returns('string')
  async WhoAmI(ctx: Context): Promise<string> {
    await Promise.resolve();
    const cid = ctx.clientIdentity;
    return JSON.stringify({
      mspId: cid.getMSPID(),
      id: cid.getID(),
      role: cid.getAttributeValue('role'),
      companyId: cid.getAttributeValue('companyId'),
      enrollmentId: cid.getAttributeValue('hf.EnrollmentID'),
      creatorMspId: ctx.stub.getCreator().mspid,
      peerMspId: ctx.stub.getMspID(),
      channel: ctx.stub.getChannelID(),
      txId: ctx.stub.getTxID(),
      transientKeys: [...ctx.stub.getTransient().keys()],
    });
  }

  @Transaction(false)
  @Returns('string')
  async Clock(ctx: Context): Promise<string> {
    await Promise.resolve();
    const timestamp = ctx.stub.getTxTimestamp();
    return JSON.stringify({
      seconds: timestamp.seconds.toString(),
      secondsIsUnsignedLong: timestamp.seconds.unsigned,
      nanos: timestamp.nanos,
      date: ctx.stub.getDateTimestamp().toISOString(),
    });
  }

  @Transaction(false)
  @Returns('string')
  async History(ctx: Context, key: string): Promise<string> {
    const entries: { txId: string; isDelete: boolean; value: string; seconds: number; nanos: number }[] = [];
    for await (const modification of ctx.stub.getHistoryForKey(key)) {
      entries.push({
        txId: modification.txId,
        isDelete: modification.isDelete,
        value: utf8(modification.value),
        // fabric-shim 2.5 yields plain numbers here although its typings say Long; Number() reads both.
        seconds: Number(modification.timestamp.seconds),
        nanos: modification.timestamp.nanos,
      });
    }
    return JSON.stringify(entries);
  }

  @Transaction()
  async SetPolicy(ctx: Context, key: string, policy: string): Promise<void> {
    await ctx.stub.setStateValidationParameter(key, Buffer.from(policy));
  }

  @Transaction(false)
  @Returns('string')
  async GetPolicy(ctx: Context, key: string): Promise<string> {
    // Typed as bytes, but undefined when the key has no policy, as on a real peer.
    const policy = (await ctx.stub.getStateValidationParameter(key)) as Uint8Array | undefined;
    return policy === undefined ? '(none)' : utf8(policy);
  }

  @Transaction(false)
  @Returns('string')
  async MakeCompositeKey(ctx: Context, objectType: string, attributesJson: string): Promise<string> {
    await Promise.resolve();
    const attributes: unknown = JSON.parse(attributesJson);
    if (!Array.isArray(attributes) || !attributes.every((a): a is string => typeof a === 'string')) {
      throw new Error('attributes must be a JSON array of strings');
    }
    return ctx.stub.createCompositeKey(objectType, attributes);
  }
}

/** A second contract, reached as `guarded:Tx`, whose `beforeTransaction` hook checks the caller's role. */
export class GuardedContract extends Contract {
  constructor() {
    super('guarded');
  }

  override async beforeTransaction(ctx: Context): Promise<void> {
    await Promise.resolve();
    if (ctx.clientIdentity.getAttributeValue('role') !== 'regulator') {
      throw new Error('regulator role required');
    }
  }

  @Transaction(false)
  @Returns('string')
  async Ping(ctx: Context): Promise<string> {
    await Promise.resolve();
    return `pong from ${ctx.clientIdentity.getMSPID()}`;
  }
}
