import { ClientIdentity } from 'fabric-shim';

import { memoizeShimCertificateParsing } from '../../../../gateway/ledger/embedded/certificate.memo';
import { LocalCertificateAuthority } from '../../../../gateway/ledger/embedded/local.ca';
import { MemoryStateStore } from '../../../../gateway/ledger/embedded/memory.state.store';
import { SimulatedStub } from '../../../../gateway/ledger/embedded/simulated.stub';
import { TransactionSimulator } from '../../../../gateway/ledger/embedded/transaction.simulator';
import type { X509Identity } from '../../../../gateway/ledger/embedded/x509.identity';

const NOW = new Date('2025-01-01T00:05:00Z');

function clientIdentityOf(identity: X509Identity, certificate = identity.certificate): ClientIdentity {
  const stub = new SimulatedStub(new TransactionSimulator(new MemoryStateStore(), 'tx-1'), {
    channelId: 'food-safety',
    txId: 'tx-1',
    args: ['Any'],
    creator: { mspId: identity.mspId, certificate },
    timestamp: NOW,
    transient: new Map(),
    peerMspId: 'EnterpriseMSP',
  });
  return new ClientIdentity(stub);
}

describe('memoizeShimCertificateParsing', () => {
  const ca = new LocalCertificateAuthority({ mspId: 'EnterpriseMSP', clock: () => NOW });
  const alice = ca.enroll({ enrollmentId: 'alice', attributes: { role: 'enterprise', companyId: 'C-1' } });
  const bob = ca.enroll({ enrollmentId: 'bob', attributes: { role: 'regulator' } });

  it('leaves the identity ClientIdentity reads unchanged, first time and again', () => {
    const before = clientIdentityOf(alice);
    memoizeShimCertificateParsing();
    memoizeShimCertificateParsing();

    for (const identity of [clientIdentityOf(alice), clientIdentityOf(alice)]) {
      expect(identity.getID()).toBe(before.getID());
      expect(identity.getAttributeValue('role')).toBe('enterprise');
      expect(identity.getAttributeValue('companyId')).toBe('C-1');
    }
  });

  it('tells distinct certificates apart', () => {
    memoizeShimCertificateParsing();

    expect(clientIdentityOf(alice).getID()).toContain('CN=alice');
    expect(clientIdentityOf(bob).getID()).toContain('CN=bob');
    expect(clientIdentityOf(bob).getAttributeValue('role')).toBe('regulator');
  });

  it('refuses a certificate that does not parse every time, remembering nothing', () => {
    memoizeShimCertificateParsing();
    const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';

    expect(() => clientIdentityOf(alice, broken)).toThrow();
    expect(() => clientIdentityOf(alice, broken)).toThrow();
  });
});
