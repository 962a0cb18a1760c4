import jsQR from 'jsqr';
import { PNG } from 'pngjs';

import { productCodeViewSchema, resolverViewSchema } from '../../../gateway/http/api.schemas';
import { leekOfficial } from '../../chaincode/ledger.fixture';
import {
  COMPANY_A,
  errorOf,
  expectStatus,
  fieldsOf,
  RESOLVER_BASE,
  seedParties,
  startHarness,
  type Harness,
} from './api.harness';

const GTIN13 = '6901234567892';
const GTIN14 = '06901234567892';
const LEEK = { companyId: COMPANY_A, productCode: 'LEEK-500G', batchNo: 'L20240520' };
const HTML = { Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

function decodeQr(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

describe('code routes: Digital Link resolver and QR codes', () => {
  let h: Harness;
  let codeInfoTxId: string;

  beforeAll(async () => {
    h = await startHarness();
    await seedParties(h);
    await expectStatus(
      h.call('POST', '/v1/batches', {
        as: 'enterpriseA',
        body: {
          ...LEEK,
          gtin: GTIN13,
          productName: '韭菜 <b>500 g</b> & "fresh"',
          productionDate: '2024-05-20',
        },
      }),
      201,
    );
    // A failing official result: procymidone 7.5 mg/kg against 5 mg/kg (GB 2763.1-2022).
    await expectStatus(
      h.call('POST', '/v1/official-results', {
        as: 'regulator',
        body: leekOfficial({}, [{ itemCode: 'procymidone', value: 7.5, unit: 'mg/kg', verdict: 'fail' }]),
      }),
      201,
    );
    await expectStatus(
      h.call('POST', `/v1/batches/${COMPANY_A}/LEEK-500G/L20240520/lock`, {
        as: 'regulator',
        body: { reason: 'official sample failed' },
      }),
      200,
    );
    // What the event consumer would do next: rebuild the code info (信息入码) on the ledger.
    const outcome = await h.ledger.submit(h.principals.regulator.ledger, 'UpdateCodeInfo', [
      JSON.stringify(LEEK),
    ]);
    codeInfoTxId = outcome.txId;
  });

  afterAll(async () => {
    await h.close();
  });

  describe('GET /01/:gtin/10/:batchNo', () => {
    it('answers JSON without a token: product, status, latest official findings and ledger anchor', async () => {
      const response = await expectStatus(h.call('GET', `/01/${GTIN14}/10/L20240520`), 200);
      expect(response.headers.get('content-type')).toContain('application/json');
      const view = resolverViewSchema.parse(response.json);
      expect(view).toEqual({
        gtin: GTIN14,
        batchNo: 'L20240520',
        product: { code: 'LEEK-500G', name: '韭菜 <b>500 g</b> & "fresh"', companyId: COMPANY_A },
        status: 'locked',
        findings: [
          {
            itemCode: 'procymidone',
            nameZh: '腐霉利',
            nameEn: expect.any(String) as string,
            verdict: 'fail',
            value: 7.5,
            unit: 'mg/kg',
            samplingNo: 'DC24350100001',
            sampledAt: '2024-05-25T09:00:00+08:00',
            testedAt: '2024-05-27T15:00:00+08:00',
          },
        ],
        anchor: { txId: codeInfoTxId, block: h.ledger.committed.get(codeInfoTxId) },
      });
      expect(view.anchor.block).toEqual(expect.any(Number));
    });

    it('accepts the 13-digit GTIN printed on the pack', async () => {
      const response = await expectStatus(h.call('GET', `/01/${GTIN13}/10/L20240520`), 200);
      expect(resolverViewSchema.parse(response.json).gtin).toBe(GTIN14);
    });

    it('answers a browser with a self-contained bilingual HTML page, everything escaped', async () => {
      const response = await expectStatus(
        h.call('GET', `/01/${GTIN14}/10/L20240520`, { headers: HTML }),
        200,
      );
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(response.headers.get('vary')).toContain('Accept');
      const page = response.text;
      expect(page).toContain('已锁定');
      expect(page).toContain('Locked');
      expect(page).toContain('腐霉利');
      expect(page).toContain('不合格 Fail');
      expect(page).toContain('7.5 mg/kg');
      expect(page.replace(/<[^>]+>/g, '')).toContain('DC24350100001 · 2024-05-25 / 2024-05-27');
      expect(page).toContain('韭菜 &lt;b&gt;500 g&lt;/b&gt; &amp; &quot;fresh&quot;');
      expect(page).not.toContain('<b>500 g</b>');
      expect(page).not.toContain('序列号');
      expect(page).not.toMatch(/<script|https?:\/\//);
      expect(page).toContain(codeInfoTxId);
    });

    it('resolves the code of one serialised item (GS1 AI 21) to its batch, showing the serial', async () => {
      const batch = resolverViewSchema.parse(
        (await expectStatus(h.call('GET', `/01/${GTIN14}/10/L20240520`), 200)).json,
      );
      const item = await expectStatus(h.call('GET', `/01/${GTIN14}/10/L20240520/21/SN%3C0042%3E`), 200);
      expect(resolverViewSchema.parse(item.json)).toEqual({ ...batch, serial: 'SN<0042>' });

      const page = await expectStatus(
        h.call('GET', `/01/${GTIN14}/10/L20240520/21/SN%3C0042%3E`, { headers: HTML }),
        200,
      );
      expect(page.text).toContain('<dt>序列号 Serial</dt><dd>SN&lt;0042&gt;</dd>');
      expect(page.text).toContain('已锁定');
    });

    it('answers 400 naming the serial when it is not a GS1 serial number', async () => {
      const response = await h.call('GET', `/01/${GTIN14}/10/L20240520/21/${'9'.repeat(21)}`);
      expect(response.status).toBe(400);
      expect(fieldsOf(response)).toEqual(['serial']);
    });

    it('answers 400 naming the GTIN when its check digit is wrong', async () => {
      const response = await h.call('GET', '/01/6901234567891/10/L20240520');
      expect(response.status).toBe(400);
      expect(fieldsOf(response)).toEqual(['gtin']);
    });

    it('answers 404 for a batch with no code information, in JSON and in HTML', async () => {
      const json = await h.call('GET', `/01/${GTIN14}/10/UNKNOWN`);
      expect(json.status).toBe(404);
      expect(errorOf(json).code).toBe('CODE.NOT_FOUND');
      const html = await h.call('GET', `/01/${GTIN14}/10/UNKNOWN`, { headers: HTML });
      expect(html.status).toBe(404);
      expect(html.headers.get('content-type')).toContain('text/html');
      expect(html.text).toContain('Batch not found');
    });
  });

  describe('GET /01/:gtin (the plain product barcode)', () => {
    it('answers JSON: the product and each batch with its status, failed items and own link', async () => {
      const response = await expectStatus(h.call('GET', `/01/${GTIN13}`), 200);
      expect(productCodeViewSchema.parse(response.json)).toEqual({
        gtin: GTIN14,
        product: { code: 'LEEK-500G', name: '韭菜 <b>500 g</b> & "fresh"', companyId: COMPANY_A },
        batches: [
          {
            batchNo: 'L20240520',
            status: 'locked',
            failedItems: ['procymidone'],
            link: `/01/${GTIN14}/10/L20240520`,
          },
        ],
      });
    });

    it('answers a browser with a page that leads with the worst status and links each batch', async () => {
      const response = await expectStatus(h.call('GET', `/01/${GTIN14}`, { headers: HTML }), 200);
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(response.text).toContain('1 个批次已锁定');
      expect(response.text).toContain(`href="/01/${GTIN14}/10/L20240520">L20240520</a>`);
      expect(response.text).toContain('腐霉利');
      expect(response.text).not.toContain('<b>500 g</b>');
    });

    it('answers 404 for a GTIN under which no batch is recorded, in JSON and in HTML', async () => {
      const json = await h.call('GET', '/01/6901234567908');
      expect(json.status).toBe(404);
      expect(errorOf(json).code).toBe('CODE.NOT_FOUND');
      const html = await h.call('GET', '/01/6901234567908', { headers: HTML });
      expect(html.status).toBe(404);
      expect(html.text).toContain('Product not found');
    });

    it('answers 400 naming the GTIN when its check digit is wrong', async () => {
      const response = await h.call('GET', '/01/6901234567891');
      expect(response.status).toBe(400);
      expect(fieldsOf(response)).toEqual(['gtin']);
    });
  });

  describe('GET /v1/codes/:gtin/:batchNo.(svg|png)', () => {
    it('draws the Digital Link as a PNG QR code that decodes back to the link', async () => {
      const response = await h.bytes(`/v1/codes/${GTIN13}/L20240520.png`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      expect(decodeQr(response.body)).toBe(`${RESOLVER_BASE}/01/${GTIN14}/10/L20240520`);
    });

    it('percent-encodes a batch number that holds a slash', async () => {
      const response = await h.bytes(`/v1/codes/${GTIN14}/L%2F7.png`);
      expect(response.status).toBe(200);
      expect(decodeQr(response.body)).toBe(`${RESOLVER_BASE}/01/${GTIN14}/10/L%2F7`);
    });

    it('draws the same link as SVG', async () => {
      const response = await expectStatus(h.call('GET', `/v1/codes/${GTIN14}/L20240520.svg`), 200);
      expect(response.headers.get('content-type')).toContain('image/svg+xml');
      expect(response.text).toMatch(/^<svg [^>]*viewBox/);
      expect(response.headers.get('x-digital-link')).toBe(`${RESOLVER_BASE}/01/${GTIN14}/10/L20240520`);
    });

    it('answers 400 naming the field for a bad GTIN or batch number', async () => {
      const gtin = await h.call('GET', '/v1/codes/123/L20240520.svg');
      expect(gtin.status).toBe(400);
      expect(fieldsOf(gtin)).toEqual(['gtin']);
      const batch = await h.call('GET', `/v1/codes/${GTIN14}/${'L'.repeat(21)}.png`);
      expect(batch.status).toBe(400);
      expect(fieldsOf(batch)).toEqual(['batchNo']);
    });
  });
});
