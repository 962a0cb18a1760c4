import { createPrivateKey, sign, verify, X509Certificate } from 'node:crypto';

import { ClientIdentity } from 'fabric-shim';

import { LocalCertificateAuthority } from '../../../../gateway/ledger/embedded/local.ca';
import { MemoryStateStore } from '../../../../gateway/ledger/embedded/memory.state.store';
import { SimulatedStub } from '../../../../gateway/ledger/embedded/simulated.stub';
import { TransactionSimulator } from '../../../../gateway/ledger/embedded/transaction.simulator';
import type { X509Identity } from '../../../../gateway/ledger/embedded/x509.identity';

const COMPANY_ID = '91350100M000100Y43';
const NOW = new Date('2025-01-01T00:05:00Z');

let ca: LocalCertificateAuthority;
let alice: X509Identity;

beforeAll(() => {
  ca = new LocalCertificateAuthority({ mspId: 'EnterpriseMSP', clock: () => NOW });
  alice = ca.enroll({ enrollmentId: 'alice', attributes: { role: 'enterprise', companyId: COMPANY_ID } });
});

/** fabric-shim's ClientIdentity, built from a stub whose creator is `identity`, as a contract gets it. */
function clientIdentityOf(identity: X509Identity): ClientIdentity {
  const stub = new SimulatedStub(new TransactionSimulator(new MemoryStateStore(), 'tx-1'), {
    channelId: 'food-safety',
    txId: 'tx-1',
    args: ['Any'],
    creator: { mspId: identity.mspId, certificate: identity.certificate },
    timestamp: NOW,
    transient: new Map(),
    peerMspId: 'EnterpriseMSP',
  });
  return new ClientIdentity(stub);
}

describe('LocalCertificateAuthority', () => {
  it("issues certificates from which fabric-shim's ClientIdentity reads MSP id, id, role and company", () => {
    const identity = clientIdentityOf(alice);

    expect(identity.getMSPID()).toBe('EnterpriseMSP');
    expect(identity.getID()).toBe(
      'x509::/C=CN/O=Enterprise/OU=client/CN=alice::/C=CN/O=Enterprise/CN=ca.enterprise',
    );
    expect(identity.getAttributeValue('role')).toBe('enterprise');
    expect(identity.getAttributeValue('companyId')).toBe(COMPANY_ID);
    expect(identity.assertAttributeValue('role', 'regulator')).toBe(false);
    expect(identity.getAttributeValue('unknown')).toBeNull();
  });

  it("adds Fabric CA's default attributes and puts the identity type in the OU", () => {
    const peerNode = ca.enroll({ enrollmentId: 'peer0', type: 'peer' });

    const identity = clientIdentityOf(peerNode);

    expect(identity.getAttributeValue('hf.EnrollmentID')).toBe('peer0');
    expect(identity.getAttributeValue('hf.Type')).toBe('peer');
    expect(identity.getID()).toContain('/OU=peer/CN=peer0::');
  });

  it('signs with the CA key a certificate valid from the injected clock, backdated five minutes, for a year', () => {
    const root = new X509Certificate(ca.certificate);
    const certificate = new X509Certificate(alice.certificate);

    expect(root.ca).toBe(true);
    expect(root.verify(root.publicKey)).toBe(true);
    expect(certificate.ca).toBe(false);
    expect(certificate.checkIssued(root)).toBe(true);
    expect(certificate.verify(root.publicKey)).toBe(true);
    expect(new Date(certificate.validFrom).toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(new Date(certificate.validTo).toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('hands out the P-256 private key that belongs to the certificate', () => {
    const message = Buffer.from('proposal bytes');
    const privateKey = createPrivateKey(alice.privateKey ?? '');

    const signature = sign('sha256', message, privateKey);

    expect(privateKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(verify('sha256', message, new X509Certificate(alice.certificate).publicKey, signature)).toBe(true);
  });

  it('gives every enrollment its own key and serial number', () => {
    const again = ca.enroll({ enrollmentId: 'alice' });

    expect(new X509Certificate(again.certificate).serialNumber).not.toBe(
      new X509Certificate(alice.certificate).serialNumber,
    );
    expect(again.privateKey).not.toBe(alice.privateKey);
  });

  it('refuses an empty enrollment id', () => {
    expect(() => ca.enroll({ enrollmentId: '' })).toThrow('enrollmentId must not be empty');
  });
});
