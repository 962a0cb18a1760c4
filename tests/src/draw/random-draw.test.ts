import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  drawCandidates,
  drawKey,
  drawSeed,
  type DrawCandidate,
  type DrawRequest,
  type ExclusionLevel,
} from '../../../src/draw/random-draw';

const sha256 = (...parts: Buffer[]): string =>
  createHash('sha256').update(Buffer.concat(parts)).digest('hex');

/** The byte encoding of the module's TSDoc, rebuilt here from node:crypto alone. */
const referenceSeed = (txId: string, taskId: string): string =>
  sha256(Buffer.from(txId, 'utf8'), Buffer.from([0]), Buffer.from(taskId, 'utf8'));
const referenceKey = (seed: string, id: string): string =>
  sha256(Buffer.from(seed, 'hex'), Buffer.from(id, 'utf8'));

const SEED = drawSeed('8f2c1e0a-tx', 'TASK-2024-0001');
const COMPANY_REGION = '350102'; // Gulou District, Fuzhou, Fujian

const POOL: DrawCandidate[] = [
  { id: 'INS-01', region: '350102' }, // same county
  { id: 'INS-02', region: '350103' }, // same prefecture (Fuzhou), other county
  { id: 'INS-03', region: '350203' }, // same province (Xiamen)
  { id: 'INS-04', region: '360102' }, // Jiangxi
  { id: 'INS-05', region: '110101' }, // Beijing
  { id: 'INS-06', region: '440305', active: false }, // Shenzhen, inactive
  { id: 'INS-07', region: '330106', active: true }, // Hangzhou
];

function draw(overrides: Partial<DrawRequest> = {}): ReturnType<typeof drawCandidates> {
  return drawCandidates({
    seed: SEED,
    candidates: POOL,
    companyRegion: COMPANY_REGION,
    count: 2,
    ...overrides,
  });
}

describe('the seed and the ordering keys', () => {
  it('matches SHA-256 vectors computed outside Node', () => {
    // python3: hashlib.sha256(b'8f2c1e0a-tx\x00TASK-2024-0001').hexdigest()
    expect(SEED).toBe('f47fd418b773a1a9f37cc3ed224ad4b630ff83b48560169543d11d62c81b01d6');
    // python3: hashlib.sha256(bytes.fromhex(seed) + 'INS-张三'.encode()).hexdigest()
    expect(drawKey(SEED, 'INS-张三')).toBe(
      'd97b10d97a7688989ff407e50ba4ced5dc5ba5c2e341553e035b25876520a0f6',
    );
    // python3: hashlib.sha256('交易'.encode() + b'\x00' + '任务'.encode()).hexdigest()
    expect(drawSeed('交易', '任务')).toBe('ed9ac4722c58830ca72c1b9c4c417bfe4a35eaa2b6b5bfb72b66b5031ec5ff03');
  });

  it('hashes the transaction id, a zero byte and the task id as UTF-8', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (txId, taskId) => {
        expect(drawSeed(txId, taskId)).toBe(referenceSeed(txId, taskId));
      }),
    );
  });

  it('keeps the transaction id and the task id apart', () => {
    expect(drawSeed('tx-1', '2')).not.toBe(drawSeed('tx-', '12'));
  });

  it('keys each candidate by SHA-256 of the raw seed bytes and its UTF-8 id', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary', minLength: 1 }), (txId, id) => {
        const seed = drawSeed(txId, 'T');
        expect(drawKey(seed, id)).toBe(referenceKey(seed, id));
      }),
    );
  });
});

describe('drawing inspectors', () => {
  it('excludes the company county, inactive inspectors and listed ids, and orders the rest by key', () => {
    const result = draw({ excludeIds: ['INS-05'] });
    expect(result.excluded).toEqual(['INS-01', 'INS-05', 'INS-06']);
    const eligible = ['INS-02', 'INS-03', 'INS-04', 'INS-07'];
    const expectedOrder = eligible
      .map((id) => ({ id, key: referenceKey(SEED, id) }))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    expect(result.ordering).toEqual(expectedOrder);
    expect(result.selected).toEqual(expectedOrder.slice(0, 2).map((c) => c.id));
    expect(result.seed).toBe(SEED);
  });

  it.each<[ExclusionLevel, string[]]>([
    ['county', ['INS-01', 'INS-06']],
    ['prefecture', ['INS-01', 'INS-02', 'INS-06']],
    ['province', ['INS-01', 'INS-02', 'INS-03', 'INS-06']],
  ])('at %s level excludes the inspectors of that part of the company region', (exclusion, excluded) => {
    const result = draw({ exclusion, count: 10 });
    expect(result.excluded).toEqual(excluded);
    expect([...result.selected].sort()).toEqual(POOL.map((c) => c.id).filter((id) => !excluded.includes(id)));
  });

  it('takes every eligible inspector when fewer are eligible than asked for', () => {
    const result = draw({ exclusion: 'province', count: 5 });
    expect([...result.selected].sort()).toEqual(['INS-04', 'INS-05', 'INS-07']);
  });

  it('takes nobody when everyone is excluded', () => {
    const result = draw({ candidates: POOL.slice(0, 3), exclusion: 'province' });
    expect(result.selected).toEqual([]);
    expect(result.ordering).toEqual([]);
  });

  it('counts an inspector listed twice once', () => {
    const twice = [POOL[3]!, POOL[4]!, POOL[3]!];
    const result = draw({ candidates: twice, count: 3 });
    expect(result.selected).toHaveLength(2);
    expect(new Set(result.selected)).toEqual(new Set(['INS-04', 'INS-05']));
  });

  it.each(['', 'F47FD418B773A1A9F37CC3ED224AD4B630FF83B48560169543D11D62C81B01D6', 'f47fd418', `${SEED}00`])(
    'refuses the seed "%s", which is not 64 lower-case hex characters',
    (seed) => {
      expect(() => draw({ seed })).toThrow(RangeError);
    },
  );

  it.each([0, -1, 1.5, Number.NaN])('refuses to draw %p inspectors', (count) => {
    expect(() => draw({ count })).toThrow(RangeError);
  });

  it('over 200 task seeds picks every eligible inspector at least once, and first at least once', () => {
    const picked = new Set<string>();
    const first = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const result = draw({ seed: drawSeed(`tx-${i}`, 'TASK-1') });
      result.selected.forEach((id) => picked.add(id));
      first.add(result.selected[0]!);
    }
    const eligible = ['INS-02', 'INS-03', 'INS-04', 'INS-05', 'INS-07'];
    expect([...picked].sort()).toEqual(eligible);
    expect([...first].sort()).toEqual(eligible);
  });

  it('draws differently for a different task in the same transaction', () => {
    const orders = new Set(
      ['TASK-1', 'TASK-2', 'TASK-3', 'TASK-4', 'TASK-5'].map((task) =>
        draw({ seed: drawSeed('tx-1', task), count: 10 }).selected.join(','),
      ),
    );
    expect(orders.size).toBeGreaterThan(1);
  });
});

const REGIONS = ['350102', '350103', '350203', '360102', '110101', '440305'];

const pool = fc.uniqueArray(
  fc.record(
    {
      id: fc.stringMatching(/^INS-[0-9A-Z]{1,4}$/),
      region: fc.constantFrom(...REGIONS),
      active: fc.boolean(),
    },
    { requiredKeys: ['id', 'region'] },
  ),
  { selector: (c) => c.id, maxLength: 12 },
);

const request = pool.chain((candidates) =>
  fc.record({
    seed: fc.string({ unit: 'binary' }).map((tx) => drawSeed(tx, 'TASK')),
    candidates: fc.constant(candidates),
    companyRegion: fc.constantFrom(...REGIONS),
    exclusion: fc.constantFrom<ExclusionLevel>('county', 'prefecture', 'province'),
    // Some ids of the pool (the lab that did the original test) and some that are not in it.
    excludeIds: fc
      .tuple(
        fc.subarray(candidates.map((c) => c.id)),
        fc.array(fc.constant('INS-NOT-IN-POOL'), { maxLength: 1 }),
      )
      .map(([inPool, other]) => [...inPool, ...other]),
    count: fc.integer({ min: 1, max: 6 }),
  }),
);

const PREFIX: Record<ExclusionLevel, number> = { county: 6, prefecture: 4, province: 2 };

function isEligible(r: DrawRequest, c: DrawCandidate): boolean {
  const prefix = PREFIX[r.exclusion ?? 'county'];
  return (
    c.active !== false &&
    !(r.excludeIds ?? []).includes(c.id) &&
    c.region.slice(0, prefix) !== r.companyRegion.slice(0, prefix)
  );
}

describe('drawing, over any pool', () => {
  it('never picks an excluded or repeated inspector', () => {
    fc.assert(
      fc.property(request, (r) => {
        const result = drawCandidates(r);
        expect(new Set(result.selected).size).toBe(result.selected.length);
        for (const id of result.selected) {
          const c = r.candidates.find((x) => x.id === id);
          expect(c).toBeDefined();
          expect(isEligible(r, c!)).toBe(true);
        }
      }),
    );
  });

  it('picks as many as asked for, or every eligible inspector when there are fewer', () => {
    fc.assert(
      fc.property(request, (r) => {
        const eligible = r.candidates.filter((c) => isEligible(r, c));
        expect(drawCandidates(r).selected).toHaveLength(Math.min(r.count, eligible.length));
      }),
    );
  });

  it('accounts for every inspector in the pool as either ordered or excluded', () => {
    fc.assert(
      fc.property(request, (r) => {
        const result = drawCandidates(r);
        const all = [...result.ordering.map((c) => c.id), ...result.excluded].sort();
        expect(all).toEqual(r.candidates.map((c) => c.id).sort());
      }),
    );
  });

  it('picks the same inspectors whatever the order of the pool', () => {
    fc.assert(
      fc.property(
        request.chain((r) =>
          fc.tuple(
            fc.constant(r),
            fc.shuffledSubarray(r.candidates, {
              minLength: r.candidates.length,
              maxLength: r.candidates.length,
            }),
          ),
        ),
        ([r, shuffled]) => {
          expect(drawCandidates({ ...r, candidates: shuffled })).toEqual(drawCandidates(r));
        },
      ),
    );
  });

  it('draws the same for the same seed and pool, so anyone can re-run it', () => {
    fc.assert(
      fc.property(request, (r) => {
        const copy: DrawRequest = { ...r, candidates: r.candidates.map((c) => ({ ...c })) };
        expect(drawCandidates(copy)).toEqual(drawCandidates(r));
      }),
    );
  });

  it('takes the first of the published ordering, and the ordering is sorted by the reference key', () => {
    fc.assert(
      fc.property(request, (r) => {
        const result = drawCandidates(r);
        expect(result.selected).toEqual(result.ordering.slice(0, r.count).map((c) => c.id));
        const keys = result.ordering.map((c) => c.key);
        expect(keys).toEqual(result.ordering.map((c) => referenceKey(r.seed, c.id)));
        expect(keys).toEqual([...keys].sort());
      }),
    );
  });
});
