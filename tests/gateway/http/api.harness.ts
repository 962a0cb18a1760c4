/**
 * Starts the real Express app on a loopback port over a real contract (the peer simulator),
 * with token-mapped principals, an in-memory read model and captured pino logs.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import pino from 'pino';
import { Registry } from 'prom-client';

import { createApp, type AppDeps } from '../../../gateway/app';
import { errorResponseSchema } from '../../../gateway/http/api.schemas';
import type { Authenticator, Principal } from '../../../gateway/identity/principal';
import { LocalCertificateAuthority } from '../../../gateway/ledger/embedded/local.ca';
import type { LedgerIdentity } from '../../../gateway/ledger/ledger.port';
import type { X509Identity } from '../../../gateway/ledger/embedded/x509.identity';
import { actors, COMPANY_A, COMPANY_B, REGION_A, REGION_B } from '../../chaincode/ledger.fixture';
import { MemoryReadModel } from './memory.read-model';
import { SimulatedLedger } from './simulated.ledger';

export { COMPANY_A, COMPANY_B, REGION_A, REGION_B };

/** The callers the tests use, each with its own token. */
export type Caller = 'regulator' | 'enterpriseA' | 'enterpriseB' | 'recall' | 'recallA' | 'forger';

export const RESOLVER_BASE = 'http://127.0.0.1:8080';

function ledgerIdentity(label: string, identity: X509Identity): LedgerIdentity {
  return { label, ...identity };
}

let cachedSystem: LedgerIdentity | undefined;

function principals(): Record<Caller, Principal> {
  const who = actors();
  return {
    regulator: {
      name: 'Fuzhou market regulator',
      org: 'regulator',
      role: 'regulator',
      ledger: ledgerIdentity('regulator', who.regulator),
    },
    enterpriseA: {
      name: 'Lab of company A',
      org: 'enterprise',
      role: 'enterprise',
      companyId: COMPANY_A,
      ledger: ledgerIdentity('enterpriseA', who.enterpriseA),
    },
    enterpriseB: {
      name: 'Lab of company B',
      org: 'enterprise',
      role: 'enterprise',
      companyId: COMPANY_B,
      ledger: ledgerIdentity('enterpriseB', who.enterpriseB),
    },
    recall: {
      name: 'Recall office',
      org: 'regulator',
      role: 'recall',
      ledger: ledgerIdentity('recall', who.recallRegulator),
    },
    recallA: {
      name: 'Recall coordinator of company A',
      org: 'enterprise',
      role: 'recall',
      companyId: COMPANY_A,
      ledger: ledgerIdentity('recallA', who.recallEnterpriseA),
    },
    // The token file claims a regulator, but the certificate comes from the enterprise CA: the
    // API lets the call through, the chaincode must refuse it.
    forger: {
      name: 'Forged regulator',
      org: 'regulator',
      role: 'regulator',
      ledger: ledgerIdentity('forger', who.forgedRegulator),
    },
  };
}

function systemIdentity(): LedgerIdentity {
  cachedSystem ??= ledgerIdentity(
    'gateway',
    LocalCertificateAuthority.create({ mspId: 'RegulatorMSP' }).enroll({
      enrollmentId: 'gateway',
      attributes: { role: 'regulator' },
    }),
  );
  return cachedSystem;
}

/** What a call answered. */
export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body when it was JSON. */
  readonly json: unknown;
}

/** How to make a call. */
export interface CallOptions {
  /** Whose token to send; none when absent. */
  readonly as?: Caller;
  /** A raw Authorization header instead. */
  readonly authorization?: string;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Sent as is, with `contentType` (default application/json). */
  readonly rawBody?: string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Harness {
  readonly baseUrl: string;
  readonly ledger: SimulatedLedger;
  readonly readModel: MemoryReadModel;
  readonly metrics: Registry;
  readonly principals: Record<Caller, Principal>;
  readonly tokens: Record<Caller, string>;
  /** Every log line the app wrote. */
  readonly logLines: string[];
  call(method: string, path: string, options?: CallOptions): Promise<ApiResponse>;
  /** Fetches raw bytes (images). */
  bytes(path: string): Promise<{ status: number; headers: Headers; body: Buffer }>;
  /** Committed blocks so far. */
  height(): number;
  close(): Promise<void>;
}

/** Overrides for the app under test. */
export type HarnessOptions = Partial<Pick<AppDeps, 'retry' | 'bodyLimit'>>;

function requestInit(h: Pick<Harness, 'tokens'>, method: string, options: CallOptions): RequestInit {
  const headers: Record<string, string> = { ...options.headers };
  if (options.as) headers.authorization = `Bearer ${h.tokens[options.as]}`;
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  return body === undefined ? { method, headers } : { method, headers, body };
}

function parseJson(text: string, contentType: string | null): unknown {
  return contentType?.includes('json') === true && text !== '' ? JSON.parse(text) : undefined;
}

/** Starts the app on 127.0.0.1 with a fresh ledger. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const ledger = new SimulatedLedger();
  const readModel = new MemoryReadModel((txId) => ledger.committed.get(txId));
  const metrics = new Registry();
  const logLines: string[] = [];
  const logger = pino(
    { level: 'info' },
    {
      write: (line: string) => {
        logLines.push(line);
      },
    },
  );
  const byCaller = principals();
  const tokens = Object.fromEntries(
    Object.keys(byCaller).map((caller) => [caller, `tok-${caller}-${randomBytes(12).toString('hex')}`]),
  ) as Record<Caller, string>;
  const byToken = new Map(
    Object.entries(tokens).map(([caller, token]) => [token, byCaller[caller as Caller]]),
  );
  const auth: Authenticator = { authenticate: (token) => byToken.get(token) };
  const app = createApp({
    ledger,
    auth,
    readModel,
    logger,
    system: { name: 'gateway', org: 'regulator', role: 'regulator', ledger: systemIdentity() },
    resolverBase: RESOLVER_BASE,
    metrics,
    ...options,
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const harness: Harness = {
    baseUrl,
    ledger,
    readModel,
    metrics,
    principals: byCaller,
    tokens,
    logLines,
    async call(method, path, callOptions = {}) {
      const response = await fetch(`${baseUrl}${path}`, requestInit(harness, method, callOptions));
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        text,
        json: parseJson(text, response.headers.get('content-type')),
      };
    },
    async bytes(path) {
      const response = await fetch(`${baseUrl}${path}`);
      return {
        status: response.status,
        headers: response.headers,
        body: Buffer.from(await response.arrayBuffer()),
      };
    },
    height: () => ledger.peer.height,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      });
    },
  };
  return harness;
}

/** The error body of a failed call. */
export function errorOf(response: ApiResponse): {
  code: string;
  message: string;
  details?: { path: string; message: string }[];
} {
  return errorResponseSchema.parse(response.json).error;
}

/** The paths named in an error's details. */
export function fieldsOf(response: ApiResponse): string[] {
  return (errorOf(response).details ?? []).map((d) => d.path);
}

/** Registers companies A and B and four inspectors (one inactive) through the API. */
export async function seedParties(h: Harness): Promise<void> {
  const companies = [
    { companyId: COMPANY_A, name: '福州闽江食品有限公司', region: REGION_A },
    { companyId: COMPANY_B, name: '杭州西湖食品有限公司', region: REGION_B },
  ];
  const inspectors = [
    { inspectorId: 'INS-FZ-01', name: '林一', region: REGION_A },
    { inspectorId: 'INS-XM-01', name: '陈二', region: '350203' },
    { inspectorId: 'INS-QZ-01', name: '黄三', region: '350503' },
    { inspectorId: 'INS-HZ-01', name: '王四', region: REGION_B },
    { inspectorId: 'INS-NP-01', name: '张五', region: '350702', active: false },
  ];
  for (const body of companies)
    await expectStatus(h.call('POST', '/v1/companies', { as: 'regulator', body }), 201);
  for (const body of inspectors)
    await expectStatus(h.call('POST', '/v1/inspectors', { as: 'regulator', body }), 201);
}

/** Awaits a call and fails with its body when the status is not the expected one. */
export async function expectStatus(call: Promise<ApiResponse>, status: number): Promise<ApiResponse> {
  const response = await call;
  if (response.status !== status) {
    throw new Error(`expected ${status}, got ${response.status}: ${response.text.slice(0, 500)}`);
  }
  return response;
}
