import type { z } from 'zod';

import { findItem } from '../../src/catalogue/item.catalogue';
import { dateOfInstant } from '../../src/time/iso-time';
import type { productCodeViewSchema, resolverViewSchema } from './api.schemas';

/**
 * The page a phone shows after scanning a batch's code (随手扫码查): self-contained HTML (no
 * script, no external resource), Chinese and English labels, the batch status first and large,
 * then the latest official findings. Every value is escaped.
 */

/** What the resolver shows. */
export type ResolverView = z.output<typeof resolverViewSchema>;

/** What the resolver shows for a plain product barcode. */
export type ProductCodeView = z.output<typeof productCodeViewSchema>;

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);
}

const STATUS_LABELS: Readonly<Record<ResolverView['status'], { zh: string; en: string; tone: string }>> = {
  active: { zh: '正常', en: 'Active', tone: 'ok' },
  released: { zh: '已解除锁定', en: 'Released', tone: 'ok' },
  locked: { zh: '已锁定 · 暂停销售', en: 'Locked — on hold', tone: 'warn' },
  recalled: { zh: '已召回 · 请勿食用', en: 'Recalled — do not consume', tone: 'bad' },
};

const VERDICT_LABELS: Readonly<Record<'pass' | 'fail', string>> = {
  pass: '合格 Pass',
  fail: '不合格 Fail',
};

/** Content-Security-Policy of the page: nothing but its own inline style. */
export const RESOLVER_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const STYLE = `
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;padding:1rem;color:#1b1b1b;background:#f6f7f9}
main{max-width:40rem;margin:0 auto}
h1{font-size:1.25rem;margin:.25rem 0}
.status{font-size:1.6rem;font-weight:700;padding:1rem;border-radius:.5rem;margin:1rem 0;text-align:center}
.status small{display:block;font-size:.9rem;font-weight:400}
.ok{background:#e3f5e8;color:#14532d}.warn{background:#fff4d6;color:#7a4b00}.bad{background:#fde2e2;color:#8b1111}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
dt{color:#555}dd{margin:0;word-break:break-all}
table{width:100%;border-collapse:collapse;margin-top:.5rem;background:#fff}
th,td{border:1px solid #d6d9de;padding:.4rem;text-align:left;font-size:.9rem;vertical-align:top;overflow-wrap:anywhere}
td.fail{color:#8b1111;font-weight:700}
small.sampling{display:block;margin-top:.2rem;color:#666;font-weight:400}
.part{white-space:nowrap}
footer{margin-top:1rem;font-size:.75rem;color:#666;word-break:break-all}
`;

function page(title: string, content: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${content}
</main>
</body>
</html>
`;
}

function resultText(finding: ResolverView['findings'][number]): string {
  if (finding.result !== undefined)
    return finding.result === 'detected' ? '检出 Detected' : '未检出 Not detected';
  if (finding.nd === true) return '未检出 ND';
  const value = finding.value === undefined ? '—' : String(finding.value);
  return finding.unit === null ? value : `${value} ${finding.unit}`;
}

/**
 * Sampling number and dates (HTML), a small line under the item's name; each part breaks only
 * between parts.
 */
function samplingLine(finding: ResolverView['findings'][number]): string {
  const sampled = dateOfInstant(finding.sampledAt);
  const tested = dateOfInstant(finding.testedAt);
  const parts = [finding.samplingNo, sampled === tested ? sampled : `${sampled} / ${tested}`];
  return parts.map((part) => `<span class="part">${escapeHtml(part)}</span>`).join(' · ');
}

function findingRow(finding: ResolverView['findings'][number]): string {
  return `<tr><td>${escapeHtml(finding.nameZh)}<br><small>${escapeHtml(finding.nameEn)}</small>
<small class="sampling">${samplingLine(finding)}</small></td>
<td class="${finding.verdict}">${escapeHtml(VERDICT_LABELS[finding.verdict])}</td>
<td>${escapeHtml(resultText(finding))}</td></tr>`;
}

/** The findings with the failed ones first, each group in its given order. */
function failuresFirst(findings: ResolverView['findings']): ResolverView['findings'] {
  return [
    ...findings.filter((finding) => finding.verdict === 'fail'),
    ...findings.filter((finding) => finding.verdict !== 'fail'),
  ];
}

/**
 * Three columns, so that the table fits a phone held upright: the sampling number and the
 * sampling / test dates go on a small line under the item's name.
 */
function findingsTable(findings: ResolverView['findings']): string {
  if (findings.length === 0) return '<p>暂无监督抽检结果 · No official findings yet</p>';
  return `<table>
<thead><tr><th>检测项目 Item<small class="sampling">抽样编号 · 抽样 / 检测日期<br>Sampling no. · sampled / tested</small></th><th>结论 Verdict</th><th>结果 Result</th></tr></thead>
<tbody>
${failuresFirst(findings).map(findingRow).join('\n')}
</tbody>
</table>`;
}

/** The large status banner at the top of a page, in its tone's colours. */
function statusBanner(tone: string, zh: string, en: string): string {
  return `<div class="status ${tone}" role="status">${escapeHtml(zh)}<small>${escapeHtml(en)}</small></div>`;
}

/** The facts under the banner, label and value per row; rows without a value are left out. */
function factList(rows: readonly (readonly [string, string | undefined])[]): string {
  const shown = rows.flatMap(([label, value]) =>
    value === undefined ? [] : [`<dt>${label}</dt><dd>${escapeHtml(value)}</dd>`],
  );
  return `<dl>\n${shown.join('\n')}\n</dl>`;
}

/** The HTML page of one batch. */
export function renderResolverPage(view: ResolverView): string {
  const status = STATUS_LABELS[view.status];
  const productName = view.product.name ?? view.product.code;
  const block = view.anchor.block === null ? '—' : String(view.anchor.block);
  return page(
    `${productName} · ${view.batchNo}`,
    `<h1>${escapeHtml(productName)}</h1>
${statusBanner(status.tone, status.zh, status.en)}
${factList([
  ['产品 Product', view.product.code],
  ['商品条码 GTIN', view.gtin],
  ['批号 Batch', view.batchNo],
  ['序列号 Serial', view.serial],
  ['企业 Company', view.product.companyId],
])}
<h2>最新监督抽检结果 · Latest official findings</h2>
${findingsTable(view.findings)}
<footer>链上凭证 Ledger anchor: 区块 block ${escapeHtml(block)} · 交易 tx ${escapeHtml(view.anchor.txId)}</footer>`,
  );
}

/** The summary at the top of a product's page: the worst status among its batches. */
function productSummary(batches: ProductCodeView['batches']): { text: string; small: string; tone: string } {
  const recalled = batches.filter((b) => b.status === 'recalled').length;
  const locked = batches.filter((b) => b.status === 'locked').length;
  if (recalled > 0)
    return {
      text: `${String(recalled)} 个批次已召回 · 请核对批号`,
      small: `${String(recalled)} batch(es) recalled — check the batch number on the pack`,
      tone: 'bad',
    };
  if (locked > 0)
    return {
      text: `${String(locked)} 个批次已锁定 · 请核对批号`,
      small: `${String(locked)} batch(es) on hold — check the batch number on the pack`,
      tone: 'warn',
    };
  return { text: '未发现锁定或召回的批次', small: 'No batch on hold or recalled', tone: 'ok' };
}

/** An item's Chinese name with its English one below (the code itself if the catalogue lacks it). */
function itemName(itemCode: string): string {
  const item = findItem(itemCode);
  return item
    ? `${escapeHtml(item.nameZh)}<br><small>${escapeHtml(item.nameEn)}</small>`
    : escapeHtml(itemCode);
}

function batchRow(batch: ProductCodeView['batches'][number]): string {
  const status = STATUS_LABELS[batch.status];
  const failed = batch.failedItems.length === 0 ? '—' : batch.failedItems.map(itemName).join('<br>');
  return `<tr><td><a class="part" href="${escapeHtml(batch.link)}">${escapeHtml(batch.batchNo)}</a></td>
<td class="${status.tone}">${escapeHtml(status.zh)}<br><small>${escapeHtml(status.en)}</small></td>
<td>${failed}</td></tr>`;
}

/** The HTML page of a product scanned by its plain barcode: every batch and its status. */
export function renderProductPage(view: ProductCodeView): string {
  const productName = view.product.name ?? view.product.code;
  const summary = productSummary(view.batches);
  return page(
    productName,
    `<h1>${escapeHtml(productName)}</h1>
${statusBanner(summary.tone, summary.text, summary.small)}
${factList([
  ['产品 Product', view.product.code],
  ['商品条码 GTIN', view.gtin],
  ['企业 Company', view.product.companyId],
])}
<h2>批次 · Batches</h2>
<table>
<thead><tr><th>批号 Batch</th><th>状态 Status</th><th>不合格项目 Failed items</th></tr></thead>
<tbody>
${view.batches.map(batchRow).join('\n')}
</tbody>
</table>`,
  );
}

/** A small HTML page for a scan that found nothing (of a batch, or of a product), or went wrong. */
export function renderResolverError(status: number, message: string, subject: 'batch' | 'product'): string {
  const notFound =
    subject === 'batch' ? '未找到该批次 · Batch not found' : '未找到该产品 · Product not found';
  const heading = status === 404 ? notFound : '无法查询 · Cannot look this up';
  return page(heading, `<h1>${escapeHtml(heading)}</h1>\n<p>${escapeHtml(message)}</p>`);
}
