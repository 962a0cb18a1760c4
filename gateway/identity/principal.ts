import type { LedgerIdentity } from '../ledger/ledger.port';

/**
 * A caller of the HTTP API (DESIGN §7): who an API token stands for, and the ledger identity the
 * gateway uses on that caller's behalf. Enterprise callers carry the company they act for.
 */
export interface Principal {
  readonly name: string;
  readonly org: 'enterprise' | 'regulator';
  readonly role: 'enterprise' | 'regulator' | 'recall';
  readonly companyId?: string;
  /** The X.509 identity whose certificate carries the same role and company as attributes. */
  readonly ledger: LedgerIdentity;
}

/** Maps bearer tokens to principals. */
export interface Authenticator {
  /** The principal of a token, or `undefined` for an unknown one. */
  authenticate(token: string): Principal | undefined;
}
