import { newLogger } from 'fabric-shim';

import { ContractDispatcher } from '../../../../gateway/ledger/embedded/contract.dispatcher';
import { gateShimLoggers } from '../../../../gateway/ledger/embedded/shim.loggers';
import { InspectionContract } from '../../../../chaincode/inspection.contract';

describe('gateShimLoggers', () => {
  const logger = newLogger('contracts-spi/chaincodefromcontract.js');
  const level = logger.level;

  afterEach(() => {
    logger.level = level;
    jest.restoreAllMocks();
  });

  it('formats nothing for a disabled level and still writes an enabled one', () => {
    gateShimLoggers();
    logger.level = 'error';
    const write = jest.spyOn(logger, 'write').mockImplementation(() => true);

    logger.debug('per transaction');
    expect(write).not.toHaveBeenCalled();

    logger.error('refused');
    expect(write).toHaveBeenCalledTimes(1);
  });

  it('follows a level changed after gating', () => {
    gateShimLoggers();
    logger.level = 'debug';
    const write = jest.spyOn(logger, 'write').mockImplementation(() => true);

    logger.debug('now wanted');
    expect(write).toHaveBeenCalledTimes(1);
  });

  it('keeps contract refusals off the console once the embedded peer has a dispatcher', () => {
    new ContractDispatcher([InspectionContract]);
    logger.level = 'error';
    const printed = logger.transports.map((transport) => jest.spyOn(transport, 'log'));

    logger.error('refused');

    expect(printed.length).toBeGreaterThan(0);
    for (const spy of printed) expect(spy).not.toHaveBeenCalled();
  });
});
