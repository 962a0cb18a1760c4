import type { Context } from 'fabric-contract-api';
import { canonicalJson } from '../src/records/canonical-json';
import type { ObjectType } from './ledger.keys';

/**
 * Typed JSON access to world state for one transaction. Reads see the state as committed
 * before this transaction (Fabric never shows a transaction its own writes), so code that
 * writes a key never reads it back in the same transaction. Values are written as canonical
 * JSON so that every endorsing peer produces the same bytes.
 */
export class LedgerState {
  constructor(private readonly ctx: Context) {}

  /** The full composite key for an object type and its attributes. */
  key(type: ObjectType, attributes: readonly string[]): string {
    return this.ctx.stub.createCompositeKey(type, [...attributes]);
  }

  /** The value under a key, parsed, or `undefined` when absent. */
  async get<T>(type: ObjectType, attributes: readonly string[]): Promise<T | undefined> {
    const bytes = await this.ctx.stub.getState(this.key(type, attributes));
    if (bytes.length === 0) return undefined;
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
  }

  /** Writes a value as canonical JSON. */
  async put(type: ObjectType, attributes: readonly string[], value: unknown): Promise<void> {
    await this.ctx.stub.putState(this.key(type, attributes), Buffer.from(canonicalJson(value), 'utf8'));
  }

  /** Deletes a key. */
  async delete(type: ObjectType, attributes: readonly string[]): Promise<void> {
    await this.ctx.stub.deleteState(this.key(type, attributes));
  }

  /** Every value under a partial composite key, in key order. */
  async list<T>(type: ObjectType, attributes: readonly string[]): Promise<T[]> {
    const values: T[] = [];
    for await (const kv of this.ctx.stub.getStateByPartialCompositeKey(type, [...attributes])) {
      values.push(JSON.parse(Buffer.from(kv.value).toString('utf8')) as T);
    }
    return values;
  }

  /** Every committed version of a key, newest first (as Fabric 2+ returns it), with the transaction that wrote it. */
  async history(type: ObjectType, attributes: readonly string[]): Promise<HistoryEntry[]> {
    const entries: HistoryEntry[] = [];
    for await (const mod of this.ctx.stub.getHistoryForKey(this.key(type, attributes))) {
      const seconds = Number(mod.timestamp.seconds.toString());
      const at = new Date(seconds * 1000 + Math.floor(mod.timestamp.nanos / 1e6)).toISOString();
      const text = Buffer.from(mod.value).toString('utf8');
      entries.push({
        txId: mod.txId,
        at,
        isDelete: mod.isDelete,
        value: mod.isDelete || text === '' ? null : (JSON.parse(text) as unknown),
      });
    }
    return entries;
  }
}

/** One committed version of a key. */
export interface HistoryEntry {
  readonly txId: string;
  readonly at: string;
  readonly isDelete: boolean;
  readonly value: unknown;
}
