import { common, peer } from '@hyperledger/fabric-protos';
import type { LedgerBlockEvents, LedgerEvent } from '../ledger.port';

/**
 * Reads the chaincode events of valid transactions out of a full Fabric block, so that the
 * Fabric adapter delivers the same per-block view as the embedded ledger — including blocks
 * without any event of ours (config blocks, invalid transactions), which a consumer needs to
 * say how far it has read. Path through the protobufs: Block → Envelope → Payload →
 * (ChannelHeader: type, tx id) → Transaction → TransactionAction → ChaincodeActionPayload →
 * ProposalResponsePayload → ChaincodeAction → ChaincodeEvent; validity from the block
 * metadata's TRANSACTIONS_FILTER.
 */
export function decodeBlockEvents(block: common.Block, chaincodeName: string): LedgerBlockEvents {
  const header = block.getHeader();
  if (!header) throw new Error('block without a header');
  const blockNumber = header.getNumber();
  const filter =
    block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ??
    new Uint8Array();
  const envelopes = block.getData()?.getDataList_asU8() ?? [];
  const events: LedgerEvent[] = [];
  envelopes.forEach((bytes, txIndex) => {
    if ((filter[txIndex] ?? peer.TxValidationCode.INVALID_OTHER_REASON) !== peer.TxValidationCode.VALID)
      return;
    const event = chaincodeEventOf(bytes);
    if (!event || event.getChaincodeId() !== chaincodeName || event.getEventName() === '') return;
    events.push({
      blockNumber,
      txIndex,
      txId: event.getTxId(),
      eventName: event.getEventName(),
      payload: Buffer.from(event.getPayload_asU8()),
    });
  });
  return { blockNumber, events };
}

function chaincodeEventOf(envelopeBytes: Uint8Array): peer.ChaincodeEvent | undefined {
  const payload = common.Payload.deserializeBinary(
    common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8(),
  );
  const channelHeaderBytes = payload.getHeader()?.getChannelHeader_asU8();
  if (!channelHeaderBytes) return undefined;
  if (
    common.ChannelHeader.deserializeBinary(channelHeaderBytes).getType() !==
    common.HeaderType.ENDORSER_TRANSACTION
  )
    return undefined;
  const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
  for (const action of transaction.getActionsList()) {
    const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
    const responseBytes = actionPayload.getAction()?.getProposalResponsePayload_asU8();
    if (!responseBytes) continue;
    const response = peer.ProposalResponsePayload.deserializeBinary(responseBytes);
    const chaincodeAction = peer.ChaincodeAction.deserializeBinary(response.getExtension_asU8());
    const eventBytes = chaincodeAction.getEvents_asU8();
    if (eventBytes.length > 0) return peer.ChaincodeEvent.deserializeBinary(eventBytes);
  }
  return undefined;
}
