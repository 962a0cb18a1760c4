/**
 * What the embedded-ledger tests share: throw-away data directories under the OS temp dir, ledger
 * identities issued like Fabric CA enrollments, and valid self-test payloads of the real chaincode.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { LocalCertificateAuthority } from '../../../../gateway/ledger/embedded/local.ca';
import type { LedgerIdentity } from '../../../../gateway/ledger/ledger.port';
import { COMPANY_A, COMPANY_B, leekSelfTest, REGION_A } from '../../../chaincode/ledger.fixture';

export { COMPANY_A, COMPANY_B };

/** A fresh directory under the OS temp dir; `remove()` deletes it and everything in it. */
export interface TempDir {
  readonly path: string;
  remove(): void;
}

/** Creates a temp directory named after the test. */
export function tempDir(prefix: string): TempDir {
  const dir = mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  return {
    path: dir,
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A regulator and the labs of companies A and B, as the gateway would hold them. */
export interface LedgerActors {
  readonly regulator: LedgerIdentity;
  readonly enterpriseA: LedgerIdentity;
  readonly enterpriseB: LedgerIdentity;
}

function asLedgerIdentity(
  label: string,
  issued: { mspId: string; certificate: string; privateKey?: string },
): LedgerIdentity {
  return { label, mspId: issued.mspId, certificate: issued.certificate };
}

/** Enrolls the actors (a few milliseconds of key generation each: once per test file). */
export function enrollActors(): LedgerActors {
  const regulatorCa = LocalCertificateAuthority.create({ mspId: 'RegulatorMSP' });
  const enterpriseCa = LocalCertificateAuthority.create({ mspId: 'EnterpriseMSP' });
  return {
    regulator: asLedgerIdentity(
      'regulator',
      regulatorCa.enroll({ enrollmentId: 'inspector-office', attributes: { role: 'regulator' } }),
    ),
    enterpriseA: asLedgerIdentity(
      'lab-a',
      enterpriseCa.enroll({
        enrollmentId: 'lab-a',
        attributes: { role: 'enterprise', companyId: COMPANY_A },
      }),
    ),
    enterpriseB: asLedgerIdentity(
      'lab-b',
      enterpriseCa.enroll({
        enrollmentId: 'lab-b',
        attributes: { role: 'enterprise', companyId: COMPANY_B },
      }),
    ),
  };
}

/** The `RegisterCompany` argument for company A, which must precede its self-tests. */
export function companyA(): string {
  return JSON.stringify({ companyId: COMPANY_A, name: '福州闽江食品有限公司', region: REGION_A });
}

/** A single-item self-test report of company A under its own report number. */
export function selfTest(reportNo: string, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify(leekSelfTest({ reportNo, ...overrides }));
}

/** The parsed JSON of a payload. */
export function json(payload: Buffer): unknown {
  return JSON.parse(payload.toString('utf8'));
}
