import type { Principal } from '../identity/principal';
import type { ReadModelQueries } from '../read-model/read-model.port';
import type { LedgerClient } from './ledger.client';

/** What the route handlers are built from (the composition root assembles it in `gateway/app.ts`). */
export interface RouteContext {
  readonly ledger: LedgerClient;
  readonly readModel: ReadModelQueries;
  /** The gateway's own regulator identity, for public reads such as the resolver. */
  readonly system: Principal;
  /** Where the resolver is reached from outside (`https://id.example.gov.cn`); QR codes point there. */
  readonly resolverBase: string;
}
