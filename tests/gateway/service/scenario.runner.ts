import {
  COMPANY_A,
  COMPANY_B,
  COMPANY_C,
  DEMO_EXPECTED,
  type DemoActor,
  type DemoStep,
} from '../../../gateway/demo/demo.dataset';
import type { IdentityEntry } from '../../../gateway/identity/identity.file';

/**
 * Drives a running service through its HTTP API only — base URL and tokens are all it needs —
 * so the same scenario table runs against the embedded ledger and, unchanged, against a gateway
 * on the real Fabric network.
 */
export type Tokens = Record<DemoActor, string>;

export function tokensFrom(entries: readonly IdentityEntry[]): Tokens {
  const find = (predicate: (e: IdentityEntry) => boolean): string => {
    const entry = entries.find(predicate);
    if (!entry) throw new Error('identities file lacks a scenario identity');
    return entry.token;
  };
  return {
    regulator: find((e) => e.role === 'regulator'),
    recall: find((e) => e.role === 'recall'),
    enterpriseA: find((e) => e.companyId === COMPANY_A),
    enterpriseB: find((e) => e.companyId === COMPANY_B),
    enterpriseC: find((e) => e.companyId === COMPANY_C),
  };
}

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly json: unknown;
  readonly text: string;
}

/** One HTTP call with an optional bearer token. */
export async function http(
  baseUrl: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const all: Record<string, string> = { accept: 'application/json', ...headers };
  if (token !== undefined) all.authorization = `Bearer ${token}`;
  const init: RequestInit = { method, headers: all };
  if (body !== undefined) {
    all['content-type'] ??= 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const response = await fetch(`${baseUrl}${path}`, init);
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? (JSON.parse(text) as unknown) : null;
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, json, text };
}

/** Posts every step; fails on the first unexpected status. */
export async function runSteps(
  baseUrl: string,
  tokens: Tokens,
  steps: readonly DemoStep[],
): Promise<Reply[]> {
  const replies: Reply[] = [];
  for (const step of steps) {
    const reply = await http(baseUrl, step.method, step.path, tokens[step.actor], step.body);
    if (reply.status !== 200 && reply.status !== 201)
      throw new Error(`${step.path} (${step.note}) → ${String(reply.status)} ${reply.text}`);
    replies.push(reply);
  }
  return replies;
}

/** Waits until the consumer has processed every committed block, and the height is stable. */
export async function waitForCatchUp(baseUrl: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let stableSince: number | undefined;
  let lastHeight = -1;
  while (Date.now() < deadline) {
    const status = (await http(baseUrl, 'GET', '/v1/status')).json as {
      height: number;
      processedHeight: number;
    };
    if (status.height === status.processedHeight && status.height === lastHeight) {
      stableSince ??= Date.now();
      if (Date.now() - stableSince >= 300) return;
    } else {
      stableSince = undefined;
    }
    lastHeight = status.height;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the consumer did not catch up in time');
}

/** What the product made of a scenario, in a form that does not depend on arrival order. */
export interface Outcome {
  readonly deviations: Record<string, { severity: string; rule: string; selfTestId: string }>;
  readonly tasks: readonly string[];
  readonly batches: Record<string, string | null>;
}

export async function outcomeOf(baseUrl: string, tokens: Tokens): Promise<Outcome> {
  const deviations = (await http(baseUrl, 'GET', '/v1/deviations?limit=200', tokens.regulator)).json as {
    items: { id: string; severity: string; rule: string; selfTestId: string }[];
  };
  const tasks = (await http(baseUrl, 'GET', '/v1/sampling-tasks?limit=200', tokens.regulator)).json as {
    items: {
      companyId: string;
      productCode: string;
      itemCodes: string[];
      status: string;
      inspectors: string[];
    }[];
  };
  const batches: Record<string, string | null> = {};
  for (const b of DEMO_EXPECTED.batches) {
    const reply = await http(
      baseUrl,
      'GET',
      `/v1/batches/${b.companyId}/${b.productCode}/${b.batchNo}`,
      tokens.regulator,
    );
    batches[`${b.productCode}/${b.batchNo}`] =
      reply.status === 200 ? (reply.json as { status: string }).status : null;
  }
  return {
    deviations: Object.fromEntries(
      deviations.items.map((d) => [d.id, { severity: d.severity, rule: d.rule, selfTestId: d.selfTestId }]),
    ),
    // Inspectors come from each run's own transaction ids; the task itself must not depend on order.
    tasks: tasks.items
      .map(
        (t) =>
          `${t.companyId}/${t.productCode}/${t.itemCodes.join('+')}/${t.status}/${String(t.inspectors.length)}`,
      )
      .sort(),
    batches,
  };
}

/** What a scan of the demo milk's plain barcode must show. */
export const RECALLED_MILK = {
  status: 200,
  milk: {
    batchNo: DEMO_EXPECTED.plainBarcode.recalledBatchNo,
    status: 'recalled',
    failedItems: ['salmonella'],
  },
  worstFirst: true,
} as const;

interface ScannedBatch {
  readonly batchNo: string;
  readonly status: string;
  readonly failedItems: string[];
}

const STATUS_RANK: Readonly<Record<string, number>> = { recalled: 0, locked: 1 };

/**
 * A scan of the demo milk's plain barcode: its status, the demo's recalled milk batch as listed,
 * and whether recalled batches come before locked ones and those before the rest. (Other suites
 * on the same ledger may add batches of the same product.)
 */
export async function scanPlainBarcode(
  baseUrl: string,
): Promise<{ status: number; milk: ScannedBatch | undefined; worstFirst: boolean }> {
  const reply = await http(baseUrl, 'GET', `/01/${DEMO_EXPECTED.plainBarcode.gtin}`);
  const batches = (reply.json as { batches?: ScannedBatch[] } | null)?.batches ?? [];
  const rank = (batch: ScannedBatch): number => STATUS_RANK[batch.status] ?? 2;
  const milk = batches.find((batch) => batch.batchNo === DEMO_EXPECTED.plainBarcode.recalledBatchNo);
  return {
    status: reply.status,
    milk: milk && { batchNo: milk.batchNo, status: milk.status, failedItems: milk.failedItems },
    worstFirst: batches.every((batch, i) => i === 0 || rank(batches[i - 1]!) <= rank(batch)),
  };
}
