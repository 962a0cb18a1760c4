import type { Request } from 'express';
import QRCode from 'qrcode';
import { z } from 'zod';

import { findItem } from '../../src/catalogue/item.catalogue';
import { digitalLinkPath, digitalLinkUri } from '../../src/codes/digital-link';
import { NotFoundError } from '../../src/errors/domain.error';
import { batchNoSchema, serialSchema } from '../../src/identifiers/code.schema';
import { gtinSchema } from '../../src/identifiers/gtin.identifier';
import type { CodeFinding, CodeInfoRecord } from '../../src/records/ledger.records';
import { jsonReply, type ApiReply, type ApiRoute, type RawReply } from './api.route';
import { productCodeViewSchema, resolverViewSchema } from './api.schemas';
import { toHttpFailure } from './http.errors';
import { parseParams } from './request.input';
import {
  RESOLVER_PAGE_CSP,
  renderProductPage,
  renderResolverError,
  renderResolverPage,
  type ProductCodeView,
  type ResolverView,
} from './resolver.page';
import type { RouteContext } from './route.context';

/**
 * The information embedded in a product's code (信息入码) and whoever scans it (随手扫码查): a GS1
 * Digital Link resolver at `/01/{gtin}/10/{batchNo}` answering JSON or an HTML page, and the QR
 * code of that link. Both are public; the resolver reads the ledger as the gateway's own
 * regulator identity.
 */

/** GTIN (8, 12, 13 or 14 digits with its check digit), as in a Digital Link. */
const gtinParamsSchema = z.object({ gtin: gtinSchema });

/** GTIN and batch number, as in a Digital Link. */
export const codeParamsSchema = gtinParamsSchema.extend({ batchNo: batchNoSchema });

/** The same with one item's serial number (GS1 AI 21), as a serialised code carries it. */
const serialCodeParamsSchema = codeParamsSchema.extend({ serial: serialSchema });

const HTML = 'text/html; charset=utf-8';

function findingView(finding: CodeFinding): ResolverView['findings'][number] {
  const item = findItem(finding.itemCode);
  return { ...finding, nameZh: item?.nameZh ?? finding.itemCode, nameEn: item?.nameEn ?? finding.itemCode };
}

/** The resolver's view of a batch's code info (scanned from one item's code when `serial` is given). */
export function resolverView(
  info: CodeInfoRecord,
  gtin: string,
  block: number | null,
  serial?: string,
): ResolverView {
  return {
    gtin: info.gtin ?? gtin,
    batchNo: info.batchNo,
    ...(serial === undefined ? {} : { serial }),
    product: { code: info.productCode, name: info.productName ?? null, companyId: info.companyId },
    status: info.status,
    findings: info.findings.map(findingView),
    anchor: { txId: info.anchor.txId, block },
  };
}

function wantsHtml(req: Request): boolean {
  return req.accepts(['application/json', 'text/html']) === 'text/html';
}

function htmlReply(status: number, page: string, headers: Readonly<Record<string, string>> = {}): RawReply {
  return {
    status,
    contentType: HTML,
    raw: page,
    headers: { ...headers, Vary: 'Accept', 'Content-Security-Policy': RESOLVER_PAGE_CSP },
  };
}

async function resolve(ctx: RouteContext, req: Request, serialised: boolean): Promise<ResolverView> {
  const { gtin, batchNo, serial } = serialised
    ? parseParams(req, serialCodeParamsSchema)
    : { ...parseParams(req, codeParamsSchema), serial: undefined };
  const info = await ctx.ledger.read<CodeInfoRecord>(ctx.system.ledger, 'FindCodeInfo', gtin, batchNo);
  return resolverView(info, gtin, ctx.readModel.blockOf?.(info.anchor.txId) ?? null, serial);
}

/** Recalled first, then locked, then the rest. */
const STATUS_RANK: Readonly<Record<ResolverView['status'], number>> = {
  recalled: 0,
  locked: 1,
  released: 2,
  active: 2,
};

/** The view of every batch recorded under a GTIN. */
function productCodeView(gtin: string, infos: readonly CodeInfoRecord[]): ProductCodeView {
  const first = infos[0];
  if (!first) throw new NotFoundError('CODE.NOT_FOUND', `no batch is recorded under GTIN ${gtin}`);
  const batches = [...infos]
    .sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || (a.batchNo < b.batchNo ? 1 : -1))
    .map((info) => ({
      batchNo: info.batchNo,
      status: info.status,
      failedItems: info.findings.filter((f) => f.verdict === 'fail').map((f) => f.itemCode),
      link: digitalLinkPath(gtin, info.batchNo),
    }));
  return {
    gtin,
    product: { code: first.productCode, name: first.productName ?? null, companyId: first.companyId },
    batches,
  };
}

async function resolveProduct(ctx: RouteContext, req: Request): Promise<ProductCodeView> {
  const { gtin } = parseParams(req, gtinParamsSchema);
  const infos = await ctx.ledger.read<CodeInfoRecord[]>(ctx.system.ledger, 'ListCodeInfoByGtin', gtin);
  return productCodeView(gtin, infos);
}

/**
 * Answers a scan: JSON, or the page `render` draws for a browser, whose errors (a code that names
 * nothing, a malformed one) are pages too.
 */
async function scanReply<V>(
  req: Request,
  subject: 'batch' | 'product',
  view: () => Promise<V>,
  render: (view: V) => string,
): Promise<ApiReply> {
  const html = wantsHtml(req);
  try {
    const answer = await view();
    return html ? htmlReply(200, render(answer)) : jsonReply(200, answer, { Vary: 'Accept' });
  } catch (error: unknown) {
    if (!html) throw error;
    const failure = toHttpFailure(error);
    if (failure.internal) throw error;
    return htmlReply(
      failure.status,
      renderResolverError(failure.status, failure.body.error.message, subject),
      failure.headers,
    );
  }
}

type QrFormat = 'svg' | 'png';

async function qrReply(ctx: RouteContext, req: Request, format: QrFormat): Promise<RawReply> {
  const { gtin, batchNo } = parseParams(req, codeParamsSchema);
  const uri = digitalLinkUri(ctx.resolverBase, gtin, batchNo);
  const options = { errorCorrectionLevel: 'M', margin: 2 } as const;
  const headers = { 'Cache-Control': 'public, max-age=86400', 'X-Digital-Link': uri };
  return format === 'svg'
    ? {
        status: 200,
        contentType: 'image/svg+xml',
        raw: await QRCode.toString(uri, { ...options, type: 'svg' }),
        headers,
      }
    : {
        status: 200,
        contentType: 'image/png',
        raw: await QRCode.toBuffer(uri, { ...options, type: 'png', scale: 8 }),
        headers,
      };
}

function qrRoute(ctx: RouteContext, format: QrFormat): ApiRoute {
  return {
    method: 'get',
    path: `/v1/codes/:gtin/:batchNo.${format}`,
    tag: 'codes',
    access: 'public',
    summary: `The QR code (${format.toUpperCase()}) of a batch's GS1 Digital Link`,
    description:
      'Encodes resolverBase + /01/{gtin14}/10/{batchNo}. Percent-encode a batchNo that contains "/".',
    params: codeParamsSchema,
    responses: {
      200: { description: 'the QR code', contentType: format === 'svg' ? 'image/svg+xml' : 'image/png' },
    },
    errors: [400],
    handle: (req) => qrReply(ctx, req, format),
  };
}

/** `GET /01/{gtin}/10/{batchNo}`, and with `/21/{serial}` when `serialised`. */
function resolverRoute(ctx: RouteContext, serialised: boolean): ApiRoute {
  return {
    method: 'get',
    path: serialised ? '/01/:gtin/10/:batchNo/21/:serial' : '/01/:gtin/10/:batchNo',
    tag: 'codes',
    access: 'public',
    summary: serialised
      ? 'GS1 Digital Link resolver for one serialised item: its batch’s status and findings'
      : 'GS1 Digital Link resolver: a batch’s status and latest official findings',
    description: serialised
      ? 'What a code printed on one item (a tin, a bottle) links to: the page of its batch, with the serial number shown. JSON or HTML as for the batch.'
      : 'JSON by default; an HTML page (Chinese and English) when the Accept header prefers text/html. 404 when no code information is recorded for the batch.',
    params: serialised ? serialCodeParamsSchema : codeParamsSchema,
    responses: {
      200: {
        description: 'the batch as its code shows it',
        schema: resolverViewSchema,
        alternatives: ['text/html'],
      },
    },
    errors: [400, 404, 503],
    handle: (req) => scanReply(req, 'batch', () => resolve(ctx, req, serialised), renderResolverPage),
  };
}

/** `GET /01/{gtin}`: the plain product barcode. */
function productRoute(ctx: RouteContext): ApiRoute {
  return {
    method: 'get',
    path: '/01/:gtin',
    tag: 'codes',
    access: 'public',
    summary: 'GS1 Digital Link resolver for a product’s plain barcode: the status of each of its batches',
    description:
      'What scanning the ordinary barcode (a GTIN without a batch) can show: every batch recorded under the GTIN, recalled and locked ones first, each with its own link. JSON or HTML by Accept. 404 when no batch is recorded.',
    params: gtinParamsSchema,
    responses: {
      200: {
        description: 'the batches of the product',
        schema: productCodeViewSchema,
        alternatives: ['text/html'],
      },
    },
    errors: [400, 404, 503],
    handle: (req) => scanReply(req, 'product', () => resolveProduct(ctx, req), renderProductPage),
  };
}

/** The code routes of DESIGN §7. */
export function codeRoutes(ctx: RouteContext): ApiRoute[] {
  return [
    productRoute(ctx),
    resolverRoute(ctx, false),
    resolverRoute(ctx, true),
    qrRoute(ctx, 'svg'),
    qrRoute(ctx, 'png'),
  ];
}
