/**
 * Identities for the embedded-ledger tests, enrolled once per test file from two local CAs.
 */
import { LocalCertificateAuthority } from '../../../../gateway/ledger/embedded/local.ca';
import type { X509Identity } from '../../../../gateway/ledger/embedded/x509.identity';

/** A valid Unified Social Credit Code, used as the enterprise's company id. */
export const COMPANY_ID = '91350100M000100Y43';

/** An enterprise user and a regulator, each from its own MSP's CA. */
export interface TestIdentities {
  readonly enterpriseCa: LocalCertificateAuthority;
  readonly alice: X509Identity;
  readonly regulator: X509Identity;
}

/** Enrolls the test identities (a few milliseconds of key generation each). */
export function enrollTestIdentities(): TestIdentities {
  const enterpriseCa = new LocalCertificateAuthority({
    mspId: 'EnterpriseMSP',
    organization: 'Enterprise',
  });
  const regulatorCa = new LocalCertificateAuthority({ mspId: 'RegulatorMSP', organization: 'Regulator' });
  return {
    enterpriseCa,
    alice: enterpriseCa.enroll({
      enrollmentId: 'alice',
      attributes: { role: 'enterprise', companyId: COMPANY_ID },
    }),
    regulator: regulatorCa.enroll({ enrollmentId: 'rita', attributes: { role: 'regulator' } }),
  };
}
