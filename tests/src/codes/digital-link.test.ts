import fc from 'fast-check';
import {
  digitalLinkPath,
  digitalLinkUri,
  encodeAiValue,
  parseDigitalLinkPath,
} from '../../../src/codes/digital-link';
import { gtinCheckDigit } from '../../../src/identifiers/gtin.identifier';
import { batchNoSchema } from '../../../src/identifiers/code.schema';

/** GS1 AI encodable character set 82, as GS1 General Specifications §7.11 lists it. */
const CSET82 = `!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`;

const batchNo = fc
  .array(fc.constantFrom(...CSET82.split('')), { minLength: 1, maxLength: 20 })
  .map((chars) => chars.join(''));

const gtin = fc.constantFrom(8, 12, 13, 14).chain((length) =>
  fc
    .array(fc.integer({ min: 0, max: 9 }), { minLength: length - 1, maxLength: length - 1 })
    .map((digits) => digits.join(''))
    .map((body) => body + gtinCheckDigit(body)),
);

describe('GS1 Digital Link of a batch', () => {
  it('writes the 14-digit GTIN after /01/ and the batch after /10/', () => {
    expect(digitalLinkPath('6901234567892', 'L2024-05-01A')).toBe('/01/06901234567892/10/L2024-05-01A');
    expect(digitalLinkPath('96385074', 'B1')).toBe('/01/00000096385074/10/B1');
  });

  it('percent-encodes batch characters that are not unreserved in a URI, in upper-case hex', () => {
    expect(encodeAiValue('A/B C')).toBe('A%2FB%20C');
    expect(encodeAiValue(`!"%&'()*+,/:;<=>?`)).toBe('%21%22%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3C%3D%3E%3F');
    expect(encodeAiValue('a-b.c_d~e')).toBe('a-b.c_d~e');
  });

  it('encodes a batch number so the path has exactly four segments', () => {
    const path = digitalLinkPath('4006381333931', 'LOT/7?x#1');
    expect(path).toBe('/01/04006381333931/10/LOT%2F7%3Fx%231');
    expect(path.split('/')).toHaveLength(5);
  });

  it('joins the path to a resolver base, with or without its trailing slash', () => {
    expect(digitalLinkUri('https://id.example.gov.cn/', '4006381333931', 'B 1')).toBe(
      'https://id.example.gov.cn/01/04006381333931/10/B%201',
    );
    expect(digitalLinkUri('https://id.example.gov.cn', '4006381333931', 'B1')).toBe(
      'https://id.example.gov.cn/01/04006381333931/10/B1',
    );
  });

  it('reads GTIN and batch back from a path', () => {
    expect(parseDigitalLinkPath('/01/04006381333931/10/LOT%2F7')).toEqual({
      gtin: '04006381333931',
      batchNo: 'LOT/7',
    });
  });

  it('reads a shorter GTIN in the path as its 14-digit form', () => {
    expect(parseDigitalLinkPath('/01/4006381333931/10/B1')).toEqual({
      gtin: '04006381333931',
      batchNo: 'B1',
    });
    expect(parseDigitalLinkPath('/01/96385074/10/B1')).toEqual({ gtin: '00000096385074', batchNo: 'B1' });
  });

  it.each([
    ['a wrong check digit', '/01/04006381333932/10/B1'],
    ['a GTIN of 9 digits', '/01/963850745/10/B1'],
    ['a GTIN of 15 digits', '/01/004006381333931/10/B1'],
    ['letters in the GTIN', '/01/0400638133393A/10/B1'],
    ['no batch', '/01/04006381333931/10/'],
    ['another AI than 10', '/01/04006381333931/21/B1'],
    ['an extra segment', '/01/04006381333931/10/B1/x'],
    ['a query string', '/01/04006381333931/10/B1?linkType=all'],
    ['broken percent-encoding', '/01/04006381333931/10/B%E0%A4'],
    ['a missing leading slash', '01/04006381333931/10/B1'],
  ])('refuses a path with %s', (_label, path) => {
    expect(parseDigitalLinkPath(path)).toBeUndefined();
  });

  it('every generated batch number is one the batch schema accepts', () => {
    fc.assert(
      fc.property(batchNo, (b) => {
        expect(batchNoSchema.safeParse(b).success).toBe(true);
      }),
    );
  });

  it('reads back any GTIN and any GS1 character-set-82 batch number it wrote', () => {
    fc.assert(
      fc.property(gtin, batchNo, (g, b) => {
        const path = digitalLinkPath(g, b);
        expect(path).toMatch(/^\/01\/\d{14}\/10\/[A-Za-z0-9\-._~%]+$/);
        expect(parseDigitalLinkPath(path)).toEqual({ gtin: g.padStart(14, '0'), batchNo: b });
      }),
    );
  });

  it('writes the same path for a GTIN in any of its lengths', () => {
    fc.assert(
      fc.property(gtin, batchNo, (g, b) => {
        expect(digitalLinkPath(g.padStart(14, '0'), b)).toBe(digitalLinkPath(g, b));
      }),
    );
  });
});
