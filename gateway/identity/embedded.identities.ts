import { ENTERPRISE_MSP, REGULATOR_MSP } from '../../src/identifiers/organisation.identifier';
import { LocalCertificateAuthority } from '../ledger/embedded/local.ca';
import type { LedgerIdentity } from '../ledger/ledger.port';
import type { IdentityEntry } from './identity.file';
import type { Principal } from './principal';

/**
 * On the embedded ledger the gateway is its own certificate authority: at start it issues each
 * identity an X.509 certificate from the CA of its organisation, with `role` and `companyId` as
 * Fabric CA attributes, so the chaincode applies exactly the access rules it applies on Fabric.
 */

/** The two organisations' CAs of one embedded ledger. */
export class EmbeddedIdentityIssuer {
  readonly #cas = {
    enterprise: LocalCertificateAuthority.create({ mspId: ENTERPRISE_MSP, organization: 'Enterprise' }),
    regulator: LocalCertificateAuthority.create({ mspId: REGULATOR_MSP, organization: 'Regulator' }),
  };

  /** Issues the ledger identity of one identities-file entry. */
  issue(entry: IdentityEntry, index: number): LedgerIdentity {
    const attributes: Record<string, string> = { role: entry.role };
    if (entry.companyId !== undefined) attributes.companyId = entry.companyId;
    const issued = this.#cas[entry.org].enroll({
      enrollmentId: `${entry.role}-${String(index)}`,
      attributes,
    });
    return {
      label: entry.name,
      mspId: issued.mspId,
      certificate: issued.certificate,
      ...(issued.privateKey ? { privateKey: issued.privateKey } : {}),
    };
  }

  /** The gateway's own regulator identity, which runs the consumer's effects and public reads. */
  system(): Principal {
    const issued = this.#cas.regulator.enroll({
      enrollmentId: 'gateway-system',
      attributes: { role: 'regulator' },
    });
    return {
      name: 'gateway (system)',
      org: 'regulator',
      role: 'regulator',
      ledger: { label: 'gateway-system', mspId: issued.mspId, certificate: issued.certificate },
    };
  }
}
