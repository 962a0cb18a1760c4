import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { COMPANY_A, DEMO_STEPS } from '../../../gateway/demo/demo.dataset';
import { readIdentitiesFile } from '../../../gateway/identity/identity.file';
import { leekSelfTest } from '../../chaincode/ledger.fixture';
import { http, runSteps, tokensFrom, type Reply } from './scenario.runner';
import { startHarness, type Harness } from './service.harness';
import { startProcess } from './service.process';

/**
 * Stopping the service (what SIGTERM does in a rolling restart) while reports are being posted:
 * each report the server had received is answered, not cut off, and is on the ledger when the
 * service starts again on the same data.
 */

const IN_FLIGHT = 48;
const COMPANY_STEPS = DEMO_STEPS.filter((step) => step.path === '/v1/companies');

function report(i: number): Record<string, unknown> {
  return leekSelfTest({ reportNo: `SHUTDOWN-${String(i)}`, companyId: COMPANY_A });
}

describe('service shutdown under load', () => {
  let first: Harness;
  let second: Harness | undefined;

  beforeAll(async () => {
    first = await startHarness();
    await runSteps(first.baseUrl, first.tokens, COMPANY_STEPS);
  });

  afterAll(async () => {
    await second?.stop();
    await first.close();
  });

  it('answers every report in flight when stopped, and keeps each one', async () => {
    let arrived = 0;
    first.service.server.on('request', (req: { method?: string }) => {
      if (req.method === 'POST') arrived += 1;
    });
    const posts: Promise<Reply>[] = [];
    for (let i = 0; i < IN_FLIGHT; i += 1) {
      posts.push(http(first.baseUrl, 'POST', '/v1/self-tests', first.tokens.enterpriseA, report(i)));
    }
    while (arrived < IN_FLIGHT) await new Promise((r) => setTimeout(r, 1));

    const stopped = first.stop();
    const replies = await Promise.all(posts);
    await stopped;

    expect(replies.map((reply) => reply.status)).toEqual(Array<number>(IN_FLIGHT).fill(201));
    // Those still in flight when the shutdown began were told to close their connection.
    expect(replies.some((reply) => reply.headers.get('connection') === 'close')).toBe(true);

    second = await startHarness({}, first.dataDir);
    for (const reply of replies) {
      const { id } = reply.json as { id: string };
      const stored = await http(second.baseUrl, 'GET', `/v1/self-tests/${id}`, second.tokens.regulator);
      expect(stored.status).toBe(200);
    }
  });
});

describe('the service process on SIGTERM', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fic-sigterm-'));

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers the reports in flight, says so in its log and exits 0', async () => {
    const running = await startProcess(dataDir);
    const tokens = tokensFrom(readIdentitiesFile(path.join(dataDir, 'identities.json')));
    await runSteps(running.baseUrl, tokens, COMPANY_STEPS);

    const posts = Array.from({ length: IN_FLIGHT }, (_, i) =>
      http(running.baseUrl, 'POST', '/v1/self-tests', tokens.enterpriseA, report(i)),
    );
    await Promise.race(posts);
    running.child.kill('SIGTERM');
    const settled = await Promise.allSettled(posts);
    await expect(running.exited).resolves.toBe(0);

    // A post either reached the server and was answered, or found it no longer listening.
    const answered = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    expect(answered.map((reply) => reply.status).filter((status) => status !== 201)).toEqual([]);
    expect(answered.some((reply) => reply.headers.get('connection') === 'close')).toBe(true);
    const log = running.lines.map((line) => JSON.parse(line) as { msg: string; [field: string]: unknown });
    expect(log).toContainEqual(
      expect.objectContaining({
        msg: 'shutting down: answering requests in flight',
        signal: 'SIGTERM',
        graceMs: 10_000,
      }),
    );
    expect(log.filter((entry) => entry.msg === 'shutdown failed')).toEqual([]);
  });
});
