import type { Context } from 'fabric-contract-api';
import type { Anchor } from '../src/records/ledger.records';
import type { LedgerEventName, LedgerEvents } from '../src/records/ledger.events';
import { canonicalJson } from '../src/records/canonical-json';
import { callerOf, type Caller } from './access.policy';
import { LedgerState } from './ledger.state';

/**
 * Everything a transaction function needs, read once from the Fabric context: the state, the
 * caller, the transaction id and the transaction time (the only clock chaincode has).
 */
export interface Tx {
  readonly state: LedgerState;
  readonly caller: Caller;
  readonly txId: string;
  /** The transaction timestamp as an ISO instant (UTC). */
  readonly at: string;
  /** The anchor every record written by this transaction carries. */
  readonly anchor: Anchor;
  /** Sets this transaction's one chaincode event. */
  emit<N extends LedgerEventName>(name: N, payload: LedgerEvents[N]): void;
}

/** Builds the {@link Tx} for a Fabric context. */
export function openTx(ctx: Context): Tx {
  const caller = callerOf(ctx);
  const txId = ctx.stub.getTxID();
  const at = ctx.stub.getDateTimestamp().toISOString();
  return {
    state: new LedgerState(ctx),
    caller,
    txId,
    at,
    anchor: { txId, at, mspId: caller.mspId, by: caller.id },
    emit(name, payload) {
      ctx.stub.setEvent(name, Buffer.from(canonicalJson(payload), 'utf8'));
    },
  };
}

/** What every write transaction returns: the record as it now stands and whether this call changed it. */
export interface WriteResult<T> {
  readonly record: T;
  readonly changed: boolean;
}

/**
 * What the report transactions, the ledger's high-volume writes, return in place of the whole
 * record: its id and anchor. A response payload is carried in every endorsement and stored in the
 * block, so it is kept small; `GetSelfTest` / `GetOfficialResult` read the record itself.
 */
export interface RecordReceipt {
  readonly id: string;
  readonly anchor: Anchor;
}

/** The receipt of a stored record. */
export function receiptOf(record: { readonly id: string; readonly anchor: Anchor }): RecordReceipt {
  return { id: record.id, anchor: record.anchor };
}
