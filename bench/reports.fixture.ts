import { creditCodeCheckCharacter } from '../src/identifiers/credit-code.identifier';

/** Synthetic but valid programme data for the benchmarks. */
export function companyId(n: number): string {
  const body = `913501${String(n).padStart(11, '0')}`;
  return body + creditCodeCheckCharacter(body);
}

const ITEMS = ['procymidone', 'chlorpyrifos', 'lead', 'cadmium', 'omethoate'] as const;

/** A self-test report with five items, the JSON an enterprise lab would post. */
export function selfTestReport(company: string, product: number, n: number): Record<string, unknown> {
  return {
    reportNo: `R${String(n)}`,
    companyId: company,
    product: { code: `P${String(product)}`, name: `韭菜 ${String(product)}`, category: 'leek' },
    batchNo: `B${String(n % 97)}`,
    productionDate: `2026-10-${String(1 + (n % 28)).padStart(2, '0')}`,
    lab: { name: '企业自检实验室' },
    testedAt: '2026-10-30T10:00:00+08:00',
    items: ITEMS.map((itemCode, i) => ({
      itemCode,
      value: Number((0.001 * (1 + ((n + i) % 9))).toFixed(3)),
      verdict: 'pass',
    })),
  };
}

/** An official result for one product of a company; `procymidone` (the first item) at the given figure. */
export function officialResult(
  company: string,
  product: number,
  n: number,
  procymidone = 0.004,
): Record<string, unknown> {
  return {
    samplingNo: `DC${String(n)}`,
    samplingType: 'supervision',
    sampledAt: '2026-11-02T09:00:00+08:00',
    companyId: company,
    product: { code: `P${String(product)}`, name: `韭菜 ${String(product)}`, category: 'leek' },
    batchNo: `B${String(n % 97)}`,
    productionDate: '2026-10-15',
    lab: { name: '省食品检验研究院' },
    testedAt: '2026-11-03T10:00:00+08:00',
    items: ITEMS.map((itemCode, i) => ({ itemCode, value: i === 0 ? procymidone : 0.004, verdict: 'pass' })),
  };
}
