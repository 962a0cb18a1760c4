import { contracts } from '../../chaincode';
import { LocalCertificateAuthority } from '../../gateway/ledger/embedded/local.ca';
import { EndorseError } from '../../gateway/ledger/embedded/peer.errors';
import { PeerSimulator, type ChaincodeEvent } from '../../gateway/ledger/embedded/peer.simulator';
import type { X509Identity } from '../../gateway/ledger/embedded/x509.identity';

/**
 * A peer running the real InspectionContract, with identities issued by one CA per
 * organisation and carrying `role` / `companyId` attributes like Fabric CA enrollments.
 */

/** Company A, supervised in Gulou District, Fuzhou. */
export const COMPANY_A = '91350100M000100Y43';
export const REGION_A = '350102';
/** Company B, supervised in Xihu District, Hangzhou. */
export const COMPANY_B = '91330106MA27XK1W24';
export const REGION_B = '330106';

export type ActorName =
  | 'regulator'
  | 'enterpriseA'
  | 'enterpriseB'
  | 'recallRegulator'
  | 'recallEnterpriseA'
  | 'forgedRegulator'
  | 'noRole';

// Key generation is the slow part of a CA: issue each identity once per test file.
let cachedActors: Record<ActorName, X509Identity> | undefined;

export function actors(): Record<ActorName, X509Identity> {
  if (cachedActors) return cachedActors;
  const regulatorCa = LocalCertificateAuthority.create({ mspId: 'RegulatorMSP' });
  const enterpriseCa = LocalCertificateAuthority.create({ mspId: 'EnterpriseMSP' });
  cachedActors = {
    regulator: regulatorCa.enroll({ enrollmentId: 'inspector-office', attributes: { role: 'regulator' } }),
    enterpriseA: enterpriseCa.enroll({
      enrollmentId: 'lab-a',
      attributes: { role: 'enterprise', companyId: COMPANY_A },
    }),
    enterpriseB: enterpriseCa.enroll({
      enrollmentId: 'lab-b',
      attributes: { role: 'enterprise', companyId: COMPANY_B },
    }),
    recallRegulator: regulatorCa.enroll({ enrollmentId: 'recall-office', attributes: { role: 'recall' } }),
    recallEnterpriseA: enterpriseCa.enroll({
      enrollmentId: 'recall-a',
      attributes: { role: 'recall', companyId: COMPANY_A },
    }),
    // An enterprise CA cannot make anyone a regulator: the attribute must be ignored.
    forgedRegulator: enterpriseCa.enroll({
      enrollmentId: 'forger',
      attributes: { role: 'regulator', companyId: COMPANY_A },
    }),
    noRole: regulatorCa.enroll({ enrollmentId: 'visitor' }),
  };
  return cachedActors;
}

/** A refusal as the contract reports it. */
export interface Refusal {
  readonly code: string;
  readonly message: string;
  readonly details?: { path: string; message: string }[];
}

/** Reads the domain error JSON out of a contract refusal. */
export function refusalOf(error: unknown): Refusal {
  if (!(error instanceof EndorseError)) throw error;
  const text = error.chaincodeMessage;
  const start = text.indexOf('{');
  if (start < 0) return { code: 'UNSTRUCTURED', message: text };
  return JSON.parse(text.slice(start)) as Refusal;
}

/** A fresh ledger with helpers that speak JSON. */
export class TestLedger {
  readonly peer: PeerSimulator;
  readonly who = actors();
  #clock = Date.parse('2024-06-01T08:00:00Z');

  constructor() {
    // Transaction times move forward one minute per proposal, so records have distinct times.
    this.peer = new PeerSimulator(contracts, {
      channel: 'food-safety',
      chaincodeName: 'inspection',
      clock: () => new Date((this.#clock += 60_000)),
    });
  }

  /** Submits and returns the parsed result. */
  async submit<T = unknown>(actor: ActorName, fcn: string, ...args: (string | object)[]): Promise<T> {
    const result = await this.peer.submit(
      this.who[actor],
      fcn,
      args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))),
    );
    return JSON.parse(result.payload.toString('utf8')) as T;
  }

  /** Evaluates and returns the parsed result. */
  async evaluate<T = unknown>(actor: ActorName, fcn: string, ...args: string[]): Promise<T> {
    const payload = await this.peer.evaluate(this.who[actor], fcn, args);
    return JSON.parse(payload.toString('utf8')) as T;
  }

  /** Submits a call that must be refused, and returns the refusal. */
  async refused(actor: ActorName, fcn: string, ...args: (string | object)[]): Promise<Refusal> {
    try {
      await this.submit(actor, fcn, ...args);
    } catch (error: unknown) {
      return refusalOf(error);
    }
    throw new Error(`${fcn} by ${actor} was not refused`);
  }

  /** Every committed event so far. */
  events(): ChaincodeEvent[] {
    return this.peer.events();
  }

  /** The parsed payload of the last committed event. */
  lastEvent(): { name: string; payload: Record<string, unknown> } {
    const event = this.events().at(-1);
    if (!event) throw new Error('no event committed');
    return {
      name: event.eventName,
      payload: JSON.parse(event.payload.toString('utf8')) as Record<string, unknown>,
    };
  }

  /** Registers companies A and B and four inspectors from different regions. */
  async seedParties(): Promise<void> {
    await this.submit('regulator', 'RegisterCompany', {
      companyId: COMPANY_A,
      name: '福州闽江食品有限公司',
      region: REGION_A,
    });
    await this.submit('regulator', 'RegisterCompany', {
      companyId: COMPANY_B,
      name: '杭州西湖食品有限公司',
      region: REGION_B,
    });
    const inspectors = [
      { inspectorId: 'INS-FZ-01', name: '林一', region: REGION_A },
      { inspectorId: 'INS-XM-01', name: '陈二', region: '350203' },
      { inspectorId: 'INS-QZ-01', name: '黄三', region: '350503' },
      { inspectorId: 'INS-HZ-01', name: '王四', region: REGION_B },
      { inspectorId: 'INS-NP-01', name: '张五', region: '350702', active: false },
    ];
    for (const inspector of inspectors) await this.submit('regulator', 'RegisterInspector', inspector);
  }
}

/** A self-test report of company A for leek, procymidone declared against the catalogue. */
export function leekSelfTest(
  overrides: Record<string, unknown> = {},
  items?: object[],
): Record<string, unknown> {
  return {
    reportNo: 'ST-2024-0001',
    companyId: COMPANY_A,
    product: { code: 'LEEK-500G', gtin: '6901234567892', name: '韭菜 500 g', category: 'leek' },
    batchNo: 'L20240520',
    productionDate: '2024-05-20',
    lab: { name: '闽江食品质检室' },
    testedAt: '2024-05-21T10:00:00+08:00',
    items: items ?? [{ itemCode: 'procymidone', value: 0.8, unit: 'mg/kg', verdict: 'pass' }],
    ...overrides,
  };
}

/** An official result for the same product. */
export function leekOfficial(
  overrides: Record<string, unknown> = {},
  items?: object[],
): Record<string, unknown> {
  return {
    samplingNo: 'DC24350100001',
    samplingType: 'supervision',
    sampledAt: '2024-05-25T09:00:00+08:00',
    companyId: COMPANY_A,
    product: { code: 'LEEK-500G', gtin: '6901234567892', name: '韭菜 500 g', category: 'leek' },
    batchNo: 'L20240520',
    productionDate: '2024-05-20',
    lab: { name: '福建省食品检验研究院' },
    testedAt: '2024-05-27T15:00:00+08:00',
    items: items ?? [{ itemCode: 'procymidone', value: 0.9, unit: 'mg/kg', verdict: 'pass' }],
    ...overrides,
  };
}
