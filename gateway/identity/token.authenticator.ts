import { createHash } from 'node:crypto';
import type { LedgerIdentity } from '../ledger/ledger.port';
import type { IdentityEntry } from './identity.file';
import type { Authenticator, Principal } from './principal';

/**
 * Resolves bearer tokens to principals. Tokens are held only as SHA-256 digests, so a heap dump
 * or a log line of this object never shows one.
 */
export class TokenAuthenticator implements Authenticator {
  readonly #byDigest = new Map<string, Principal>();

  /** @param entries identities with the ledger identity each acts as. */
  constructor(entries: readonly { entry: IdentityEntry; ledger: LedgerIdentity }[]) {
    for (const { entry, ledger } of entries) {
      const principal: Principal = {
        name: entry.name,
        org: entry.org,
        role: entry.role,
        ...(entry.companyId === undefined ? {} : { companyId: entry.companyId }),
        ledger,
      };
      this.#byDigest.set(digest(entry.token), principal);
    }
  }

  authenticate(token: string): Principal | undefined {
    return this.#byDigest.get(digest(token));
  }

  /** How many identities are known. */
  get size(): number {
    return this.#byDigest.size;
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
