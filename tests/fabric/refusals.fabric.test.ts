import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEMO_STEPS } from '../../gateway/demo/demo.dataset';
import { readIdentitiesFile } from '../../gateway/identity/identity.file';
import { ContractError } from '../../gateway/ledger/ledger.errors';
import { readFabricGatewayConfig } from '../../gateway/ledger/fabric/fabric.config';
import { FabricLedger } from '../../gateway/ledger/fabric/fabric.ledger';
import type { LedgerIdentity } from '../../gateway/ledger/ledger.port';
import { GATEWAY_CONFIG, IDENTITIES, NETWORK_RUN, networkIsUp } from './fabric.harness';

/**
 * Forged requests that reach the real ledger are refused by the chaincode itself: straight to
 * the peers through fabric-gateway, bypassing the HTTP API and its checks.
 */
interface Wallet {
  readonly mspId: string;
  readonly certificateFile: string;
  readonly privateKeyFile: string;
}

function identityOf(label: string, wallet: Wallet): LedgerIdentity {
  return {
    label,
    mspId: wallet.mspId,
    certificate: readFileSync(wallet.certificateFile, 'utf8'),
    privateKey: readFileSync(wallet.privateKeyFile, 'utf8'),
  };
}

async function refusalOf(work: Promise<unknown>): Promise<ContractError> {
  try {
    await work;
  } catch (error: unknown) {
    if (error instanceof ContractError) return error;
    throw error;
  }
  throw new Error('the ledger accepted a forged request');
}

describe('the chaincode on the real network refuses forged requests', () => {
  let ledger: FabricLedger;
  let otherCompany: LedgerIdentity;
  let claimsRegulator: LedgerIdentity;

  beforeAll(() => {
    if (!networkIsUp()) throw new Error('the Fabric network is not up: run npm run test:fabric');
    const config = readFabricGatewayConfig(GATEWAY_CONFIG);
    ledger = new FabricLedger(config, identityOf('system', config.system));
    const entry = readIdentitiesFile(IDENTITIES).find((e) => e.name.includes('another company'));
    if (!entry?.wallet) throw new Error('network/run/identities.json lacks the other-company test identity');
    otherCompany = identityOf('other company', entry.wallet);
    const tests = JSON.parse(readFileSync(path.join(NETWORK_RUN, 'test-identities.json'), 'utf8')) as {
      name: string;
      wallet: Wallet;
    }[];
    const forged = tests.find((t) => t.name.includes('regulator'));
    if (!forged) throw new Error('network/run/test-identities.json lacks the forged regulator');
    claimsRegulator = identityOf('forged regulator', forged.wallet);
  });

  afterAll(async () => {
    await ledger.close();
  });

  it("refuses an enterprise user's self-test for another company (ACCESS.COMPANY)", async () => {
    const body = DEMO_STEPS.find((s) => s.path === '/v1/self-tests')!.body;
    const refusal = await refusalOf(
      ledger.submit(otherCompany, 'SubmitSelfTest', [JSON.stringify({ ...body, reportNo: 'FORGED-1' })]),
    );
    expect(refusal.code).toBe('ACCESS.COMPANY');
    expect(refusal.kind).toBe('forbidden');
  });

  it('ignores a regulator role granted by the enterprise CA (ACCESS.ROLE)', async () => {
    const body = DEMO_STEPS.find((s) => s.path === '/v1/official-results')!.body;
    const refusal = await refusalOf(
      ledger.submit(claimsRegulator, 'SubmitOfficialResult', [
        JSON.stringify({ ...body, samplingNo: 'FORGED-2' }),
      ]),
    );
    expect(refusal.code).toBe('ACCESS.ROLE');
  });

  it('answers bad input with the field named, from the peers', async () => {
    const refusal = await refusalOf(ledger.submit(otherCompany, 'SubmitSelfTest', ['{"reportNo":1}']));
    expect(refusal.code).toBe('INPUT.INVALID');
    expect(refusal.details.map((d) => d.path)).toContain('reportNo');
  });
});
