import { z } from 'zod';
import { parseInput } from '../src/records/parse';
import { requireRole } from './access.policy';
import { OBJECT } from './ledger.keys';
import type { HistoryEntry } from './ledger.state';
import type { Tx } from './tx.context';

/** The assets whose key history can be read, and how many key parts each has. */
const HISTORY_KINDS = {
  company: { type: OBJECT.company, parts: 1 },
  inspector: { type: OBJECT.inspector, parts: 1 },
  selftest: { type: OBJECT.selfTest, parts: 1 },
  official: { type: OBJECT.officialResult, parts: 1 },
  deviation: { type: OBJECT.deviation, parts: 1 },
  task: { type: OBJECT.task, parts: 1 },
  batch: { type: OBJECT.batch, parts: 3 },
  recall: { type: OBJECT.recall, parts: 1 },
  codeinfo: { type: OBJECT.codeInfo, parts: 3 },
} as const;

const historyKindSchema = z.enum(
  Object.keys(HISTORY_KINDS) as [keyof typeof HISTORY_KINDS, ...(keyof typeof HISTORY_KINDS)[]],
);

/**
 * Every committed version of one asset, newest first (regulators; batch histories for any
 * member). `keyParts` is a JSON array: `["DV-OR-1-lead"]`, or company, product and batch.
 */
export async function getHistory(tx: Tx, kind: string, keyParts: string): Promise<HistoryEntry[]> {
  const parsedKind = parseInput(historyKindSchema, kind, 'history kind');
  const spec = HISTORY_KINDS[parsedKind];
  if (parsedKind === 'batch' || parsedKind === 'codeinfo')
    requireRole(tx.caller, 'GetHistory', 'regulator', 'recall', 'enterprise');
  else requireRole(tx.caller, 'GetHistory', 'regulator');
  let parts: unknown;
  try {
    parts = JSON.parse(keyParts);
  } catch {
    parts = undefined;
  }
  const key = parseInput(
    z.array(z.string().min(1)).length(spec.parts, { error: `${parsedKind} keys have ${spec.parts} part(s)` }),
    parts,
    'history key',
  );
  return tx.state.history(spec.type, key);
}
