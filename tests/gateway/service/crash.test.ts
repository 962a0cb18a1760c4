import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readIdentitiesFile } from '../../../gateway/identity/identity.file';
import { http, tokensFrom, waitForCatchUp, type Tokens } from './scenario.runner';
import { BUILD, startProcess, type RunningProcess } from './service.process';

/**
 * Kill -9 the service in the middle of an ingest of thousands of reports, restart it, and show
 * that every acknowledged report is on the ledger, the hash chain verifies, and no deviation,
 * task or lock is missing or doubled. Runs the built service (`npm run build` precedes jest in
 * `npm test`).
 */
const VERIFY = path.join(BUILD, 'gateway/ledger/embedded/verify.cli.js');
const COMPANY = '91350100M000100Y43';
const CRASH_ENV = {
  BLOCK_TIMEOUT_MS: '5',
  // Killed with its contract running in a worker thread: the kill takes every thread at once.
  SIMULATION_WORKERS: '1',
};
const PRODUCTS = 40;
const REPORTS_PER_PRODUCT = 40;

const selfTest = (product: number, n: number) => ({
  reportNo: `CR-${String(product)}-${String(n)}`,
  companyId: COMPANY,
  product: { code: `P-${String(product)}`, name: `韭菜 ${String(product)}`, category: 'leek' },
  batchNo: `B${String(product)}-${String(n)}`,
  productionDate: '2026-10-20',
  lab: { name: '企业自检实验室' },
  testedAt: '2026-10-21T10:00:00+08:00',
  items: [
    { itemCode: 'procymidone', value: 0.8, verdict: 'pass' },
    { itemCode: 'lead', nd: true, lod: 0.01, verdict: 'pass' },
  ],
});

const official = (product: number) => ({
  samplingNo: `CR-DC-${String(product)}`,
  samplingType: 'supervision',
  sampledAt: '2026-11-02T09:00:00+08:00',
  companyId: COMPANY,
  product: { code: `P-${String(product)}`, name: `韭菜 ${String(product)}`, category: 'leek' },
  batchNo: `B${String(product)}-0`,
  productionDate: '2026-10-20',
  lab: { name: '省食品检验研究院' },
  testedAt: '2026-11-03T10:00:00+08:00',
  items: [{ itemCode: 'procymidone', value: 6, verdict: 'fail' }],
});

interface Work {
  readonly token: keyof Tokens;
  readonly path: string;
  readonly body: { reportNo?: string; samplingNo?: string };
}

const WORK: readonly Work[] = Array.from({ length: PRODUCTS }, (_, p) => [
  ...Array.from({ length: REPORTS_PER_PRODUCT }, (_, n): Work => ({
    token: 'enterpriseA',
    path: '/v1/self-tests',
    body: selfTest(p, n),
  })),
  { token: 'regulator' as const, path: '/v1/official-results', body: official(p) },
]).flat();

/** Posts work with `concurrency` clients until done or the service dies; returns what was acknowledged. */
async function ingest(
  baseUrl: string,
  tokens: Tokens,
  work: readonly Work[],
  concurrency: number,
): Promise<Set<number>> {
  const acknowledged = new Set<number>();
  let next = 0;
  const client = async (): Promise<void> => {
    while (next < work.length) {
      const index = next++;
      const item = work[index]!;
      try {
        const reply = await http(baseUrl, 'POST', item.path, tokens[item.token], item.body);
        if (reply.status === 201 || reply.status === 200) acknowledged.add(index);
      } catch {
        return; // the service is gone
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return acknowledged;
}

describe('crash safety of the embedded service', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fic-crash-'));
  let running: RunningProcess | undefined;

  afterAll(() => {
    running?.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged report and doubles no effect after kill -9 mid-ingest', async () => {
    running = await startProcess(dataDir, CRASH_ENV);
    const tokens = tokensFrom(readIdentitiesFile(path.join(dataDir, 'identities.json')));
    await http(running.baseUrl, 'POST', '/v1/companies', tokens.regulator, {
      companyId: COMPANY,
      name: '福州闽江绿色蔬菜有限公司',
      region: '350102',
    });
    for (const [id, region] of [
      ['INS-1', '350203'],
      ['INS-2', '330106'],
      ['INS-3', '440305'],
    ] as const) {
      await http(running.baseUrl, 'POST', '/v1/inspectors', tokens.regulator, {
        inspectorId: id,
        name: id,
        region,
      });
    }

    // Interleave officials early so that deviations, locks and tasks are in flight at the kill.
    const first = running;
    const killer = (async () => {
      for (;;) {
        await new Promise((r) => setTimeout(r, 50));
        const status = (
          await http(first.baseUrl, 'GET', '/v1/stats', tokens.regulator).catch(() => undefined)
        )?.json as { selfTests?: number } | undefined;
        if ((status?.selfTests ?? 0) >= 600) break;
      }
      first.child.kill('SIGKILL');
    })();
    const acknowledged = await ingest(first.baseUrl, tokens, WORK, 16);
    await killer;
    expect(acknowledged.size).toBeGreaterThan(500);
    expect(acknowledged.size).toBeLessThan(WORK.length);

    running = await startProcess(dataDir, CRASH_ENV);
    const { baseUrl } = running;
    for (const index of acknowledged) {
      const item = WORK[index]!;
      const id =
        item.body.reportNo !== undefined
          ? `ST-${COMPANY}-${item.body.reportNo}`
          : `OR-${item.body.samplingNo ?? ''}`;
      const kind = item.body.reportNo !== undefined ? 'self-tests' : 'official-results';
      const reply = await http(baseUrl, 'GET', `/v1/${kind}/${encodeURIComponent(id)}`, tokens.regulator);
      expect(`${id} ${String(reply.status)}`).toBe(`${id} 200`);
    }
    const verify = spawnSync(process.execPath, [VERIFY, '--data-dir', dataDir], { encoding: 'utf8' });
    expect(verify.status).toBe(0);
    expect(JSON.parse(verify.stdout.trim().split('\n').at(-1)!)).toMatchObject({ ok: true });

    // Post everything again (acknowledged ones are harmless replays) and let the consumer finish.
    await ingest(baseUrl, tokens, WORK, 16);
    await waitForCatchUp(baseUrl, 120_000);

    const deviations = (await http(baseUrl, 'GET', '/v1/deviations?limit=500', tokens.regulator)).json as {
      items: { id: string; severity: string }[];
    };
    expect(
      deviations.items
        .filter((d) => d.severity === 'critical')
        .map((d) => d.id)
        .sort(),
    ).toEqual(Array.from({ length: PRODUCTS }, (_, p) => `DV-OR-CR-DC-${String(p)}-procymidone`).sort());
    const tasks = (await http(baseUrl, 'GET', '/v1/sampling-tasks?limit=500', tokens.regulator)).json as {
      items: { productCode: string }[];
    };
    expect(tasks.items).toHaveLength(PRODUCTS);
    expect(new Set(tasks.items.map((t) => t.productCode)).size).toBe(PRODUCTS);
    for (let p = 0; p < PRODUCTS; p++) {
      const batch = (
        await http(baseUrl, 'GET', `/v1/batches/${COMPANY}/P-${String(p)}/B${String(p)}-0`, tokens.regulator)
      ).json as {
        status: string;
        locks: { action: string }[];
      };
      expect(batch.status).toBe('locked');
      expect(batch.locks.filter((l) => l.action === 'lock')).toHaveLength(1);
    }
    const stats = (await http(baseUrl, 'GET', '/v1/stats', tokens.regulator)).json as {
      selfTests: number;
      batches: number;
    };
    expect(stats).toMatchObject({ selfTests: PRODUCTS * REPORTS_PER_PRODUCT, batches: PRODUCTS });
  }, 300_000);
});
