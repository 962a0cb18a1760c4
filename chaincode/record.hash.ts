import { createHash } from 'node:crypto';
import { canonicalJson } from '../src/records/canonical-json';

/** SHA-256 (hex) of a value's canonical JSON: how a replayed payload is recognised. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}
