import fc from 'fast-check';
import { selectReference, type PairingCandidate, type PairingTarget } from '../../../src/rules/pairing.rules';

const TARGET: PairingTarget = { batchNo: 'B2024-05', productionDate: '2024-05-01' };

/** The ISO date `days` after (or before, when negative) `iso`. */
function shiftDate(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function candidate(selfTestId: string, overrides: Partial<PairingCandidate> = {}): PairingCandidate {
  return {
    selfTestId,
    batchNo: 'OTHER',
    productionDate: TARGET.productionDate,
    testedAt: '2024-05-03T10:00:00+08:00',
    ...overrides,
  };
}

describe('choosing the reference self-test for an official result', () => {
  it('pairs the same batch before a nearer production date', () => {
    const sameBatch = candidate('ST-same', {
      batchNo: TARGET.batchNo,
      productionDate: shiftDate(TARGET.productionDate, -20),
      testedAt: '2024-04-12T10:00:00+08:00',
    });
    const sameDay = candidate('ST-near', {
      productionDate: TARGET.productionDate,
      testedAt: '2024-05-20T10:00:00+08:00',
    });
    expect(selectReference(TARGET, [sameDay, sameBatch])).toBe(sameBatch);
    expect(selectReference(TARGET, [sameBatch, sameDay])).toBe(sameBatch);
  });

  it('pairs the same batch even when its recorded production date is outside the window', () => {
    const sameBatch = candidate('ST-same', {
      batchNo: TARGET.batchNo,
      productionDate: shiftDate(TARGET.productionDate, -90),
    });
    expect(selectReference(TARGET, [sameBatch])).toBe(sameBatch);
  });

  it('pairs the same-batch self-test tested last', () => {
    const first = candidate('ST-b', { batchNo: TARGET.batchNo, testedAt: '2024-05-02T09:00:00+08:00' });
    const last = candidate('ST-a', { batchNo: TARGET.batchNo, testedAt: '2024-05-06T09:00:00+08:00' });
    const middle = candidate('ST-c', { batchNo: TARGET.batchNo, testedAt: '2024-05-04T09:00:00+08:00' });
    expect(selectReference(TARGET, [first, last, middle])).toBe(last);
  });

  it('compares test times as instants, not as text', () => {
    // 20:00 UTC is later than 01:00 the next day in +08:00 (17:00 UTC), though its text sorts first.
    const utcLater = candidate('ST-a', { batchNo: TARGET.batchNo, testedAt: '2024-05-01T20:00:00Z' });
    const textLater = candidate('ST-b', { batchNo: TARGET.batchNo, testedAt: '2024-05-02T01:00:00+08:00' });
    expect(selectReference(TARGET, [utcLater, textLater])).toBe(utcLater);
    expect(selectReference(TARGET, [textLater, utcLater])).toBe(utcLater);
  });

  it('pairs the nearest production date over one tested later', () => {
    const near = candidate('ST-near', {
      productionDate: shiftDate(TARGET.productionDate, 3),
      testedAt: '2024-05-05T09:00:00+08:00',
    });
    const far = candidate('ST-far', {
      productionDate: shiftDate(TARGET.productionDate, -4),
      testedAt: '2024-05-30T09:00:00+08:00',
    });
    expect(selectReference(TARGET, [far, near])).toBe(near);
  });

  it.each([
    ['30 days after', 30],
    ['30 days before', -30],
  ])('pairs a self-test produced %s the official sample', (_label, days) => {
    const edge = candidate('ST-edge', { productionDate: shiftDate(TARGET.productionDate, days) });
    expect(selectReference(TARGET, [edge])).toBe(edge);
  });

  it.each([
    ['31 days after', 31],
    ['31 days before', -31],
  ])('does not pair a self-test produced %s the official sample', (_label, days) => {
    const outside = candidate('ST-out', { productionDate: shiftDate(TARGET.productionDate, days) });
    expect(selectReference(TARGET, [outside])).toBeUndefined();
  });

  it('counts the window across a month end and a leap day', () => {
    const target: PairingTarget = { batchNo: 'X', productionDate: '2024-03-15' };
    const inside = candidate('ST-in', { productionDate: '2024-02-14' }); // 30 days, through 29 February
    const outside = candidate('ST-out', { productionDate: '2024-02-13' });
    expect(selectReference(target, [inside])).toBe(inside);
    expect(selectReference(target, [outside])).toBeUndefined();
  });

  it('uses a window given in place of the default', () => {
    const tenDays = candidate('ST-10', { productionDate: shiftDate(TARGET.productionDate, 10) });
    expect(selectReference(TARGET, [tenDays], 9)).toBeUndefined();
    expect(selectReference(TARGET, [tenDays], 10)).toBe(tenDays);
  });

  it('breaks a tie on distance by the one tested last, whichever side of the date it lies', () => {
    const before = candidate('ST-z', {
      productionDate: shiftDate(TARGET.productionDate, -5),
      testedAt: '2024-05-10T09:00:00+08:00',
    });
    const after = candidate('ST-a', {
      productionDate: shiftDate(TARGET.productionDate, 5),
      testedAt: '2024-05-11T09:00:00+08:00',
    });
    expect(selectReference(TARGET, [before, after])).toBe(after);
    expect(selectReference(TARGET, [after, before])).toBe(after);
  });

  it('breaks a full tie by the larger self-test id', () => {
    const a = candidate('ST-A', {
      productionDate: shiftDate(TARGET.productionDate, 2),
      testedAt: '2024-05-10T09:00:00+08:00',
    });
    const b = candidate('ST-B', {
      productionDate: shiftDate(TARGET.productionDate, -2),
      testedAt: '2024-05-10T01:00:00Z',
    });
    expect(selectReference(TARGET, [a, b])).toBe(b);
    expect(selectReference(TARGET, [b, a])).toBe(b);
  });

  it('breaks a full tie within the same batch by the larger self-test id', () => {
    const a = candidate('ST-A', { batchNo: TARGET.batchNo });
    const b = candidate('ST-B', { batchNo: TARGET.batchNo });
    expect(selectReference(TARGET, [b, a])).toBe(b);
    expect(selectReference(TARGET, [a, b])).toBe(b);
  });

  it('finds no reference among no candidates', () => {
    expect(selectReference<PairingCandidate>(TARGET, [])).toBeUndefined();
  });

  it('finds no reference when every other batch is outside the window', () => {
    const candidates = [
      candidate('ST-1', { productionDate: shiftDate(TARGET.productionDate, 45) }),
      candidate('ST-2', { productionDate: shiftDate(TARGET.productionDate, -31) }),
    ];
    expect(selectReference(TARGET, candidates)).toBeUndefined();
  });
});

/** The rule of DESIGN §5 written out plainly, as the model the implementation must agree with. */
function modelReference(
  target: PairingTarget,
  candidates: readonly PairingCandidate[],
): PairingCandidate | undefined {
  const later = (a: PairingCandidate, b: PairingCandidate): number =>
    Date.parse(a.testedAt) - Date.parse(b.testedAt) ||
    (a.selfTestId < b.selfTestId ? -1 : a.selfTestId > b.selfTestId ? 1 : 0);
  const distance = (c: PairingCandidate): number =>
    Math.abs(Date.parse(c.productionDate) - Date.parse(target.productionDate)) / 86_400_000;
  const sameBatch = candidates.filter((c) => c.batchNo === target.batchNo).sort(later);
  if (sameBatch.length > 0) return sameBatch[sameBatch.length - 1];
  const inWindow = candidates
    .filter((c) => c.batchNo !== target.batchNo && distance(c) <= 30)
    .sort((a, b) => distance(b) - distance(a) || later(a, b));
  return inWindow[inWindow.length - 1];
}

const testedAt = fc.constantFrom(
  '2024-05-02T09:00:00+08:00',
  '2024-05-02T01:00:00Z', // the same instant as the one above
  '2024-05-02T10:00:00+08:00',
  '2024-05-03T00:00:00+08:00',
  '2024-05-02T17:00:00-07:00',
);

const candidates = fc.uniqueArray(
  fc.record({
    selfTestId: fc.constantFrom(
      'ST-1',
      'ST-2',
      'ST-3',
      'ST-4',
      'ST-5',
      'ST-6',
      'ST-7',
      'ST-8',
      'ST-9',
      'ST-10',
    ),
    batchNo: fc.constantFrom(TARGET.batchNo, 'B-1', 'B-2'),
    productionDate: fc.integer({ min: -40, max: 40 }).map((days) => shiftDate(TARGET.productionDate, days)),
    testedAt,
  }),
  { selector: (c) => c.selfTestId, maxLength: 10 },
);

const candidatesAndShuffle = candidates.chain((list) =>
  fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length })),
);

describe('choosing the reference, over any set of candidates', () => {
  it('chooses the same reference whatever order the candidates arrived in', () => {
    fc.assert(
      fc.property(candidatesAndShuffle, ([list, shuffled]) => {
        expect(selectReference(TARGET, shuffled)).toBe(selectReference(TARGET, list));
      }),
    );
  });

  it('chooses one of the candidates, or none only when there was none to choose', () => {
    fc.assert(
      fc.property(candidates, (list) => {
        const chosen = selectReference(TARGET, list);
        if (chosen === undefined) expect(modelReference(TARGET, list)).toBeUndefined();
        else expect(list).toContain(chosen);
      }),
    );
  });

  it('chooses what the rule of DESIGN §5 says', () => {
    fc.assert(
      fc.property(candidates, (list) => {
        expect(selectReference(TARGET, list)).toBe(modelReference(TARGET, list));
      }),
    );
  });
});
