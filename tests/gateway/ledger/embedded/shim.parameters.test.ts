import fc from 'fast-check';

import { createChaincode } from '../../../../chaincode/shim.binding';
import { silenceShimLoggers } from '../../../../gateway/ledger/embedded/shim.loggers';
import { leanShimParameterHandling } from '../../../../gateway/ledger/embedded/shim.parameters';
import { LedgerProbeContract } from './ledger-probe.contract';

interface Marshall {
  handleParameters(fn: object, parameters: readonly Buffer[], loggerPrefix: string): unknown[];
}

interface ChaincodeInternals {
  readonly contractImplementations: Record<string, { readonly dataMarshall: Marshall }>;
  readonly metadata: { readonly contracts: Record<string, { readonly transactions: readonly object[] }> };
}

const CONTRACT = 'kv';

// The shim logs each refusal on the console, as the embedded peer does not let it.
silenceShimLoggers();

function chaincode(lean: boolean, debug = false): ChaincodeInternals {
  const built = createChaincode([LedgerProbeContract]);
  if (lean) leanShimParameterHandling(built, () => debug);
  return built as unknown as ChaincodeInternals;
}

function marshallOf(built: ChaincodeInternals): Marshall {
  const implementation = built.contractImplementations[CONTRACT];
  if (implementation === undefined) throw new Error(`no ${CONTRACT}`);
  return implementation.dataMarshall;
}

type Outcome = { value: unknown[] } | { error: string };

function outcome(marshall: Marshall, fn: object, args: readonly Buffer[]): Outcome {
  try {
    return { value: marshall.handleParameters(fn, args, '[probe]') };
  } catch (error: unknown) {
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

const shim = chaincode(false);
const lean = chaincode(true);
const transactions = shim.metadata.contracts[CONTRACT]?.transactions ?? [];

/** Transaction descriptions: the contract's own and hand-made ones the shim must handle itself. */
const described = fc.oneof(
  fc.constantFrom(...transactions),
  fc.constantFrom<object>(
    { name: 'NoMetadata' },
    { name: 'NoSchema', parameters: [{ name: 'x' }] },
    { name: 'EmptySchema', parameters: [{ name: 'x', schema: {} }] },
    { name: 'NullType', parameters: [{ name: 'x', schema: { type: null } }] },
    { name: 'Reference', parameters: [{ name: 'x', schema: { $ref: '#/components/schemas/Missing' } }] },
    { name: 'Minimum', parameters: [{ name: 'x', schema: { type: 'number', minimum: 3 } }] },
    { name: 'Pattern', parameters: [{ name: 'x', schema: { type: 'string', pattern: '^[A-Z]+$' } }] },
  ),
);

const argument = fc
  .oneof(fc.string(), fc.constantFrom('12', '-1.5', 'abc', '', '{"a":1}', 'true', 'NaN', '产品'))
  .map((text) => Buffer.from(text, 'utf8'));

describe('leanShimParameterHandling', () => {
  it('has transactions with string and number parameters to compare on', () => {
    expect(transactions.length).toBeGreaterThan(5);
  });

  it('converts and refuses exactly as the shim does, for any transaction and arguments', () => {
    fc.assert(
      fc.property(described, fc.array(argument, { maxLength: 4 }), (fn, args) => {
        expect(outcome(marshallOf(lean), fn, args)).toEqual(outcome(marshallOf(shim), fn, args));
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses a wrong argument count and a non-number for a number parameter with the shim’s messages', () => {
    const seed = transactions.find((tx) => (tx as { name?: string }).name === 'SeedItems');
    if (seed === undefined) throw new Error('no SeedItems');
    expect(outcome(marshallOf(lean), seed, [Buffer.from('alice')])).toEqual({
      error: 'Error: Expected 2 parameters, but 1 have been supplied',
    });
    expect(outcome(marshallOf(lean), seed, [Buffer.from('alice'), Buffer.from('7')])).toEqual({
      value: ['alice', 7],
    });
    expect(outcome(marshallOf(lean), seed, [Buffer.from('alice'), Buffer.from('seven')])).toEqual(
      outcome(marshallOf(shim), seed, [Buffer.from('alice'), Buffer.from('seven')]),
    );
  });

  it('calls the shim’s own handling only while debug logging is on, so its messages are written', () => {
    const prototype = Object.getPrototypeOf(marshallOf(shim)) as Marshall;
    const shimHandling = jest.spyOn(prototype, 'handleParameters');
    try {
      const put = transactions.find((tx) => (tx as { name?: string }).name === 'Put');
      if (put === undefined) throw new Error('no Put');
      const args = [Buffer.from('k'), Buffer.from('v')];
      marshallOf(chaincode(true, false)).handleParameters(put, args, '[probe]');
      expect(shimHandling).not.toHaveBeenCalled();
      marshallOf(chaincode(true, true)).handleParameters(put, args, '[probe]');
      expect(shimHandling).toHaveBeenCalledTimes(1);
    } finally {
      shimHandling.mockRestore();
    }
  });

  it('does not touch a chaincode it was not given', () => {
    const other = chaincode(false);
    expect(Object.prototype.hasOwnProperty.call(marshallOf(other), 'handleParameters')).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(marshallOf(lean), 'handleParameters')).toBe(true);
  });
});
