import { spawnSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers, type Network } from '@hyperledger/fabric-gateway';
import { loadConfig } from '../gateway/config/config';
import { readIdentitiesFile, type IdentityEntry } from '../gateway/identity/identity.file';
import { readFabricGatewayConfig } from '../gateway/ledger/fabric/fabric.config';
import { createLogger } from '../gateway/logging/logger';
import { startService } from '../gateway/service';
import { percentile, pool, report, seconds } from './bench.support';
import { officialResult, selfTestReport } from './reports.fixture';

/**
 * Fabric benchmarks (DESIGN §9), in one run on one network:
 * - network `up` time with the binaries cached;
 * - the gateway's HTTP submit throughput and latency against a bare fabric-gateway submit loop
 *   with the same identity, payloads and concurrency (ratio);
 * - the time from the commit of an official result to its deviation being recorded.
 * Run with the built project: `npm run bench:fabric`.
 */
const ROOT = path.resolve(__dirname, '../..');
const RUN = path.join(ROOT, 'network/run');
const COMPANY = '91350100M000100Y43';
const CONCURRENCY = 32;

function sh(script: string, ...args: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync('bash', [path.join(ROOT, 'network', script), ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, FIC_SKIP_BUILD: '1' },
  });
  if (result.status !== 0) throw new Error(`${script} failed`);
  return seconds(process.hrtime.bigint() - started);
}

function connectAs(entry: IdentityEntry): { network: Network; chaincode: string; close: () => void } {
  const config = readFabricGatewayConfig(path.join(RUN, 'gateway.json'));
  const wallet = entry.wallet!;
  const org = config.organizations.find((o) => o.mspId === wallet.mspId)!;
  const client = new grpc.Client(
    org.peerEndpoint,
    grpc.credentials.createSsl(readFileSync(org.tlsCaCertFile)),
    org.hostAlias ? { 'grpc.ssl_target_name_override': org.hostAlias } : {},
  );
  const gateway = connect({
    client,
    identity: { mspId: wallet.mspId, credentials: readFileSync(wallet.certificateFile) },
    signer: signers.newPrivateKeySigner(createPrivateKey(readFileSync(wallet.privateKeyFile))),
    hash: hash.sha256,
  });
  return {
    network: gateway.getNetwork(config.channel),
    chaincode: config.chaincode,
    close: () => {
      gateway.close();
      client.close();
    },
  };
}

async function bareLoop(
  entry: IdentityEntry,
  count: number,
  offset: number,
): Promise<{ perSecond: number; p50: number; p95: number }> {
  const connection = connectAs(entry);
  const contract = connection.network.getContract(connection.chaincode);
  const latencies: number[] = [];
  const started = process.hrtime.bigint();
  await pool(count, CONCURRENCY, async (n) => {
    const t0 = process.hrtime.bigint();
    await contract.submitTransaction(
      'SubmitSelfTest',
      JSON.stringify(selfTestReport(COMPANY, n % 50, offset + n)),
    );
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
  });
  const elapsed = seconds(process.hrtime.bigint() - started);
  connection.close();
  latencies.sort((a, b) => a - b);
  return { perSecond: count / elapsed, p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
}

/** Waits until the consumer has processed every committed block, so each sample starts idle. */
async function caughtUp(baseUrl: string): Promise<void> {
  for (;;) {
    const status = (await (await fetch(`${baseUrl}/v1/status`)).json()) as {
      height: number;
      processedHeight: number;
    };
    if (status.height === status.processedHeight) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function main(): Promise<void> {
  const count = Number(process.env.BENCH_FABRIC_REPORTS ?? 600);
  sh('down.sh', '--wipe');
  const upSeconds = sh('up.sh');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fic-bench-fabric-'));
  const config = loadConfig({
    LEDGER: 'fabric',
    DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: 'silent',
    IDENTITIES_FILE: path.join(RUN, 'identities.json'),
    FABRIC_GATEWAY_CONFIG: path.join(RUN, 'gateway.json'),
  });
  const service = await startService(config, createLogger('silent'));
  const baseUrl = `http://127.0.0.1:${String(service.port)}`;
  try {
    const entries = readIdentitiesFile(config.identitiesFile);
    const regulator = entries.find((e) => e.role === 'regulator')!;
    const enterprise = entries.find((e) => e.companyId === COMPANY)!;
    const post = (token: string, route: string, body: unknown) =>
      fetch(`${baseUrl}${route}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    await post(regulator.token, '/v1/companies', {
      companyId: COMPANY,
      name: '福州闽江绿色蔬菜有限公司',
      region: '350102',
    });
    for (const [id, region] of [
      ['INS-B1', '330106'],
      ['INS-B2', '440305'],
    ] as const) {
      await post(regulator.token, '/v1/inspectors', { inspectorId: id, name: id, region });
    }

    const bare = await bareLoop(enterprise, count, 0);
    const latencies: number[] = [];
    const started = process.hrtime.bigint();
    await pool(count, CONCURRENCY, async (n) => {
      const t0 = process.hrtime.bigint();
      const response = await post(
        enterprise.token,
        '/v1/self-tests',
        selfTestReport(COMPANY, n % 50, 1_000_000 + n),
      );
      await response.arrayBuffer();
      if (response.status !== 201) throw new Error(`self-test → ${String(response.status)}`);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    });
    const gatewaySeconds = seconds(process.hrtime.bigint() - started);
    latencies.sort((a, b) => a - b);
    report('fabric-submit', {
      reports: count,
      concurrency: CONCURRENCY,
      bareReportsPerSecond: Number(bare.perSecond.toFixed(1)),
      bareP50Ms: Math.round(bare.p50),
      bareP95Ms: Math.round(bare.p95),
      gatewayReportsPerSecond: Number((count / gatewaySeconds).toFixed(1)),
      gatewayP50Ms: Math.round(percentile(latencies, 50)),
      gatewayP95Ms: Math.round(percentile(latencies, 95)),
      ratio: Number((count / gatewaySeconds / bare.perSecond).toFixed(3)),
    });

    // Commit of an official result → its deviation committed on the ledger (seen as the
    // RecordDeviation chaincode event) and → shown by the API (read model), one result at a time.
    const watcher = connectAs(regulator);
    const recordedAt = new Map<string, bigint>();
    const events = await watcher.network.getChaincodeEvents(watcher.chaincode, {
      startBlock: BigInt(await service.ledger.height()),
    });
    const watching = (async () => {
      for await (const event of events) {
        if (event.eventName !== 'RecordDeviation') continue;
        const payload = JSON.parse(Buffer.from(event.payload).toString('utf8')) as { id: string };
        if (!recordedAt.has(payload.id)) recordedAt.set(payload.id, process.hrtime.bigint());
      }
    })().catch(() => undefined);
    const delays: number[] = [];
    const shown: number[] = [];
    for (let i = 0; i < Number(process.env.BENCH_FABRIC_DEVIATIONS ?? 30); i++) {
      await caughtUp(baseUrl);
      const product = i % 50;
      // Procymidone 2 mg/kg against self-tests of a few µg/kg: a high deviation to wait for.
      const body = officialResult(COMPANY, product, 5_000_000 + i, 2);
      const response = await post(regulator.token, '/v1/official-results', body);
      await response.arrayBuffer();
      const committedAt = process.hrtime.bigint();
      const id = `DV-OR-DC${String(5_000_000 + i)}-procymidone`;
      for (;;) {
        const url = `${baseUrl}/v1/deviations?productCode=P${String(product)}&itemCode=procymidone&limit=200&companyId=${COMPANY}`;
        const list = (await (
          await fetch(url, { headers: { authorization: `Bearer ${regulator.token}` } })
        ).json()) as {
          items: { id: string }[];
        };
        if (list.items.some((d) => d.id === id)) break;
        if (seconds(process.hrtime.bigint() - committedAt) > 30) throw new Error(`${id} never appeared`);
        await new Promise((r) => setTimeout(r, 5));
      }
      shown.push(Number(process.hrtime.bigint() - committedAt) / 1e6);
      const recorded = recordedAt.get(id);
      if (recorded !== undefined) delays.push(Number(recorded - committedAt) / 1e6);
    }
    events.close();
    await watching;
    watcher.close();
    shown.sort((a, b) => a - b);
    delays.sort((a, b) => a - b);
    report('fabric-deviation-latency', {
      samples: delays.length,
      recordedP50Ms: Math.round(percentile(delays, 50)),
      recordedP95Ms: Math.round(percentile(delays, 95)),
      shownP50Ms: Math.round(percentile(shown, 50)),
      shownP95Ms: Math.round(percentile(shown, 95)),
      blockTimeoutMs: 250,
      targetP95Ms: 550,
      networkUpSecondsCached: Number(upSeconds.toFixed(1)),
    });
  } finally {
    await service.close();
    rmSync(dataDir, { recursive: true, force: true });
    sh('down.sh', '--wipe');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  sh('down.sh', '--wipe');
  process.exit(1);
});
