import { COMPANY_A, DEMO_STEPS } from '../../../gateway/demo/demo.dataset';
import { leekSelfTest } from '../../chaincode/ledger.fixture';
import { http, runSteps, type Reply } from './scenario.runner';
import { startHarness, type Harness } from './service.harness';

/**
 * Stopping the service (what SIGTERM does in a rolling restart) while reports are being posted:
 * each report the server had received is answered, not cut off, and is on the ledger when the
 * service starts again on the same data.
 */

const IN_FLIGHT = 48;

describe('service shutdown under load', () => {
  let first: Harness;
  let second: Harness | undefined;

  beforeAll(async () => {
    first = await startHarness();
    await runSteps(
      first.baseUrl,
      first.tokens,
      DEMO_STEPS.filter((step) => step.path === '/v1/companies'),
    );
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
      const report = leekSelfTest({ reportNo: `SHUTDOWN-${String(i)}`, companyId: COMPANY_A });
      posts.push(http(first.baseUrl, 'POST', '/v1/self-tests', first.tokens.enterpriseA, report));
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
