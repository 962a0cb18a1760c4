import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import type { Browser, BrowserContext, Page } from 'playwright-core';

import { DEMO_EXPECTED, DEMO_STEPS } from '../../../gateway/demo/demo.dataset';
import { runSteps, waitForCatchUp } from '../service/scenario.runner';
import { startHarness, type Harness } from '../service/service.harness';
import {
  accessibilityViolations,
  computedStyle,
  describeInBrowser,
  imageDecoded,
  launchBrowser,
  scrollsSideways,
  watchTrouble,
  type PageTrouble,
} from './browser.fixture';

/**
 * The pages people open, opened in a real browser against the real service on the embedded
 * ledger, filled by the demo scenario through the API: the page a phone shows after scanning a
 * batch's code (随手扫码查), reached by decoding the QR code the browser drew, and the API's
 * Swagger UI at /docs, used to make an authorised call.
 */

const [LEEK, MILK] = DEMO_EXPECTED.batches;
const LEEK_GTIN14 = `0${DEMO_EXPECTED.code.gtin}`;

/** A phone's viewport: the resolver page must fit it without sideways scrolling. */
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 900 };

/** What `page` shows as the batch status, and its background colour (the status's tone). */
async function statusOf(page: Page): Promise<{ text: string; background: string }> {
  return {
    text: (await page.getByRole('status').innerText()).replace(/\s+/g, ' ').trim(),
    background: await computedStyle(page, '[role="status"]', 'background-color'),
  };
}

describeInBrowser('pages in a real browser', () => {
  let h: Harness;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let trouble: PageTrouble;

  beforeAll(async () => {
    // PORT=0: the links in the QR codes must name the port the service picked.
    h = await startHarness();
    await runSteps(h.baseUrl, h.tokens, DEMO_STEPS);
    await waitForCatchUp(h.baseUrl);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser.close();
    await h.close();
  });

  /** A fresh browser context (no cookies, no cache) with the given viewport, and its one page. */
  async function openPage(viewport: { width: number; height: number }, bypassCSP = false): Promise<void> {
    context = await browser.newContext({ viewport, locale: 'zh-CN', bypassCSP });
    page = await context.newPage();
    trouble = watchTrouble(page);
  }

  afterEach(async () => {
    await context.close();
  });

  describe('the batch page behind a product code', () => {
    beforeEach(async () => {
      await openPage(PHONE);
    });

    it('reaches the batch page by decoding the QR code the browser drew', async () => {
      const codeUrl = `${h.baseUrl}/v1/codes/${DEMO_EXPECTED.code.gtin}/${DEMO_EXPECTED.code.batchNo}.svg`;
      await page.setContent(`<img id="code" src="${codeUrl}" width="330" height="330">`);
      await imageDecoded(page, '#code');
      const shot = PNG.sync.read(await page.locator('#code').screenshot());
      const link = jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height)?.data;
      expect(link).toBe(`${h.baseUrl}/01/${LEEK_GTIN14}/10/${LEEK.batchNo}`);

      const response = await page.goto(link ?? 'about:blank');
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-type']).toContain('text/html');
      await expect(page.title()).resolves.toBe(`有机韭菜 500 g · ${LEEK.batchNo}`);
      expect(trouble.messages).toEqual([]);
    });

    it('shows a locked batch as locked, in its warning colour, with the failed finding first', async () => {
      await page.goto(`${h.baseUrl}/01/${LEEK_GTIN14}/10/${LEEK.batchNo}`);
      const status = await statusOf(page);
      expect(status.text).toBe('已锁定 · 暂停销售 Locked — on hold');
      expect(status.background).toBe('rgb(255, 244, 214)');

      const rows = page.locator('tbody tr');
      await expect(rows.count()).resolves.toBe(2);
      const failed = rows.first().locator('td.fail');
      await expect(failed.innerText()).resolves.toBe('不合格 Fail');
      await expect(computedStyle(page, 'tbody tr:first-child td.fail', 'color')).resolves.toBe(
        'rgb(139, 17, 17)',
      );
      const row = (await rows.first().innerText()).replace(/\s+/g, ' ');
      expect(row).toContain('腐霉利');
      expect(row).toContain('6.2 mg/kg');
      expect(row).toContain('DC2611350001 · 2026-11-02');
      await expect(rows.nth(1).innerText()).resolves.toMatch(/铅[\s\S]*合格 Pass[\s\S]*0\.012 mg\/kg/);
      await expect(page.locator('footer').innerText()).resolves.toMatch(/block \d+ · 交易 tx [0-9a-f]{64}/);
      expect(trouble.messages).toEqual([]);
    });

    it('shows a recalled batch as recalled, in its alarm colour', async () => {
      await page.goto(`${h.baseUrl}/01/${DEMO_EXPECTED.plainBarcode.gtin}/10/${MILK.batchNo}`);
      const status = await statusOf(page);
      expect(status.text).toBe('已召回 · 请勿食用 Recalled — do not consume');
      expect(status.background).toBe('rgb(253, 226, 226)');
      expect(trouble.messages).toEqual([]);
    });

    it('fits a phone screen without sideways scrolling', async () => {
      await page.goto(`${h.baseUrl}/01/${LEEK_GTIN14}/10/${LEEK.batchNo}`);
      await expect(scrollsSideways(page)).resolves.toBe(false);
    });

    it('shows a plain product barcode as its batches, the locked one first, each leading to its page', async () => {
      await page.goto(`${h.baseUrl}/01/${LEEK_GTIN14}`);
      await expect(statusOf(page)).resolves.toMatchObject({ background: 'rgb(255, 244, 214)' });
      await expect(page.locator('tbody tr').first().innerText()).resolves.toMatch(
        new RegExp(`^${LEEK.batchNo}\\s+已锁定`),
      );
      await expect(scrollsSideways(page)).resolves.toBe(false);

      await page.getByRole('link', { name: LEEK.batchNo }).click();
      await page.waitForURL(`${h.baseUrl}/01/${LEEK_GTIN14}/10/${LEEK.batchNo}`);
      await expect(statusOf(page)).resolves.toMatchObject({ text: '已锁定 · 暂停销售 Locked — on hold' });
      expect(trouble.messages).toEqual([]);
    });

    it('tells the reader plainly when the batch is unknown', async () => {
      const response = await page.goto(`${h.baseUrl}/01/${LEEK_GTIN14}/10/NO-SUCH-BATCH`);
      expect(response?.status()).toBe(404);
      await expect(page.locator('h1').innerText()).resolves.toBe('未找到该批次 · Batch not found');
      // The 404 itself is the one error the page may report.
      expect(trouble.messages.filter((m) => !m.includes('404'))).toEqual([]);
    });
  });

  describe('accessibility of the public pages (WCAG 2.1 AA, axe-core)', () => {
    beforeEach(async () => {
      // The pages' CSP would refuse axe's injected script.
      await openPage(PHONE, true);
    });

    it.each([
      ['a locked batch', () => `/01/${LEEK_GTIN14}/10/${LEEK.batchNo}`],
      ['a product and its batches', () => `/01/${DEMO_EXPECTED.plainBarcode.gtin}`],
      ['an unknown batch', () => `/01/${LEEK_GTIN14}/10/NO-SUCH-BATCH`],
    ])('breaks no rule on the page of %s', async (_what, path) => {
      await page.goto(`${h.baseUrl}${path()}`);
      await expect(accessibilityViolations(page)).resolves.toEqual([]);
    });
  });

  describe('the API documentation at /docs', () => {
    beforeEach(async () => {
      await openPage(DESKTOP);
      await page.goto(`${h.baseUrl}/docs`);
    });

    it('lists the API operations from /openapi.json', async () => {
      await expect(page.locator('.info .title').innerText()).resolves.toContain(
        'Food-safety inspection chain',
      );
      const paths = await page.locator('.opblock-summary-path').allInnerTexts();
      expect(paths.map((p) => p.replace(/\u200b/g, ''))).toEqual(
        expect.arrayContaining(['/v1/self-tests', '/v1/official-results', '/01/{gtin}/10/{batchNo}']),
      );
      expect(trouble.messages).toEqual([]);
    });

    it('makes a call that is refused without a token and answered once one is entered', async () => {
      const operation = page.locator('.opblock-get', { hasText: '/v1/stats' });
      await operation.locator('.opblock-summary').click();
      await operation.getByRole('button', { name: 'Try it out' }).click();
      const responses = operation.locator('.live-responses-table');
      const execute = async (): Promise<{ status: string; body: string }> => {
        await operation.getByRole('button', { name: 'Execute' }).click();
        return {
          status: await responses.locator('.response .response-col_status').first().innerText(),
          body: await responses.locator('.microlight').first().innerText(),
        };
      };

      const anonymous = await execute();
      expect(anonymous.status).toBe('401');
      // The browser reports the 401 itself as a failed resource: the one error this test expects.
      trouble.messages.length = 0;

      await page.getByRole('button', { name: 'Authorize' }).first().click();
      await page.locator('#auth-bearer-value').fill(h.tokens.regulator);
      await page.getByRole('button', { name: 'Apply credentials' }).click();
      await page.locator('.modal-ux').getByRole('button', { name: 'Close' }).click();
      await operation.getByRole('button', { name: 'Clear' }).click();

      const authorised = await execute();
      expect(authorised.status).toBe('200');
      expect((JSON.parse(authorised.body) as { batches: number }).batches).toBeGreaterThan(0);
      expect(trouble.messages).toEqual([]);
    });
  });
});
