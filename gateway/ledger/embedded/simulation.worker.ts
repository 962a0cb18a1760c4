/**
 * A simulation worker of the embedded peer: a thread that endorses proposals with the chaincode's
 * contract classes against its own read connection to the ledger file, so that contract execution
 * runs beside the validation and block commits of the main thread. Proposals are answered one at a
 * time, each inside one SQLite read transaction: a snapshot of the committed state, as Fabric's
 * endorser gets under its commit read lock. Started by {@link WorkerEndorser}; not a public entry.
 */
import { parentPort, workerData } from 'node:worker_threads';

import type { EndorsementScope, Proposal } from './proposal.endorser';
import type { WorkerReply, WorkerRequest } from './worker.endorser';

// fabric-contract-api logs every decorator at info level when it loads (as in gateway/main.ts).
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'error';

/** Chaincode response statuses from here on are refusals (fabric-shim's `ERRORTHRESHOLD`). */
const REFUSED = 400;

async function start(): Promise<void> {
  const port = parentPort;
  if (port === null) {
    throw new Error('simulation.worker runs only as a worker thread');
  }
  const { z } = await import('zod');
  const { contracts } = await import('../../../chaincode');
  const { CHAINCODE_INFO } = await import('../../../chaincode/shim.binding');
  const { ContractDispatcher } = await import('./contract.dispatcher');
  const { endorseProposal } = await import('./proposal.endorser');
  const { encodeTransaction } = await import('./block.codec');
  const { SqliteStateStore } = await import('./sqlite.state.store');

  const settings = z
    .object({ databaseFile: z.string().min(1), channel: z.string().min(1), peerMspId: z.string().min(1) })
    .parse(workerData);
  const store = SqliteStateStore.open(settings.databaseFile, { mustExist: true });
  const scope: EndorsementScope = {
    dispatcher: new ContractDispatcher(contracts, CHAINCODE_INFO),
    reader: store,
    channel: settings.channel,
    peerMspId: settings.peerMspId,
  };

  const answer = async (request: WorkerRequest): Promise<WorkerReply> => {
    try {
      const proposal: Proposal = request.proposal;
      const simulation = await store.readSnapshot(() => endorseProposal(scope, proposal));
      // Encoded here, beside the contract, when the endorser asks (while this worker's queue is
      // short; see ENCODE_BELOW_BACKLOG). A refusal is never ordered, and one that writes and emits
      // nothing is a query almost always (an identical re-post is the exception): the committing
      // thread encodes what is not encoded here.
      const ordered =
        request.encode &&
        simulation.status < REFUSED &&
        (simulation.writeSet.writes.length > 0 ||
          simulation.writeSet.metadataWrites.length > 0 ||
          simulation.event !== undefined);
      return {
        id: request.id,
        simulation: ordered ? { ...simulation, encoded: encodeTransaction(simulation) } : simulation,
      };
    } catch (error: unknown) {
      return { id: request.id, error: error instanceof Error ? error.message : String(error) };
    }
  };

  // One proposal at a time: a read transaction is per connection, so simulations must not interleave.
  let queue = Promise.resolve();
  port.on('message', (request: WorkerRequest) => {
    queue = queue.then(async () => {
      port.postMessage(await answer(request));
    });
  });
  port.on('close', () => {
    store.close();
  });
  const ready: WorkerReply = { ready: true };
  port.postMessage(ready);
}

// fabric-shim swallows unhandled rejections process-wide, so a failure to start is reported
// explicitly; the endorser fails the opening of the ledger with it and stops the thread.
start().catch((error: unknown) => {
  const failed: WorkerReply = { startError: error instanceof Error ? error.message : String(error) };
  parentPort?.postMessage(failed);
});
