import { Registry } from 'prom-client';

import { toHttpFailure } from '../../../gateway/http/http.errors';
import { createHttpMetrics } from '../../../gateway/http/metrics';
import { backoffDelay, DEFAULT_RETRY_POLICY, withRetry } from '../../../gateway/ledger/retry.policy';
import {
  ContractError,
  LedgerUnavailableError,
  TransientLedgerError,
} from '../../../gateway/ledger/ledger.errors';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../../src/errors/domain.error';

describe('toHttpFailure', () => {
  it.each([
    [new ValidationError('INPUT.INVALID', 'bad', [{ path: 'companyId', message: 'wrong' }]), 400],
    [new ForbiddenError('ACCESS.ROLE', 'no'), 403],
    [new NotFoundError('BATCH.NOT_FOUND', 'none'), 404],
    [new ConflictError('REPORT.CONFLICT', 'taken'), 409],
    [ContractError.fromMessage('{"code":"INPUT.INVALID","kind":"invalid","message":"bad payload"}'), 400],
    [ContractError.fromMessage('{"code":"ACCESS.COMPANY","kind":"forbidden","message":"not yours"}'), 403],
    [ContractError.fromMessage('{"code":"X.NOT_FOUND","kind":"not-found","message":"gone"}'), 404],
    [ContractError.fromMessage('{"code":"X.CONFLICT","kind":"conflict","message":"taken"}'), 409],
  ])('maps %p to %i with its code', (error, status) => {
    const failure = toHttpFailure(error);
    expect(failure.status).toBe(status);
    expect(failure.body.error.code).toBe((error as { code: string }).code);
    expect(failure.internal).toBe(false);
  });

  it('keeps the field details of a validation error', () => {
    const failure = toHttpFailure(
      new ValidationError('INPUT.INVALID', 'bad', [{ path: 'items.0.unit', message: 'x' }]),
    );
    expect(failure.body.error.details).toEqual([{ path: 'items.0.unit', message: 'x' }]);
  });

  it('maps an unreachable ledger to 503 with its retry hint, and a busy one to 503 with 1 s', () => {
    expect(toHttpFailure(new LedgerUnavailableError('down', 4.2))).toMatchObject({
      status: 503,
      headers: { 'Retry-After': '5' },
      internal: false,
    });
    expect(toHttpFailure(new TransientLedgerError('conflict', 'mvcc-conflict'))).toMatchObject({
      status: 503,
      headers: { 'Retry-After': '1' },
    });
  });

  it('maps body-parser failures to 400 INPUT.NOT_JSON and 413 INPUT.TOO_LARGE', () => {
    expect(
      toHttpFailure(Object.assign(new SyntaxError('x'), { status: 400, type: 'entity.parse.failed' })),
    ).toMatchObject({
      status: 400,
      body: { error: { code: 'INPUT.NOT_JSON' } },
    });
    expect(
      toHttpFailure(Object.assign(new Error('x'), { status: 413, type: 'entity.too.large' })),
    ).toMatchObject({
      status: 413,
      body: { error: { code: 'INPUT.TOO_LARGE' } },
    });
  });

  it('answers anything else, an unstructured chaincode failure included, with a bare 500', () => {
    for (const error of [
      new TypeError('secret detail'),
      ContractError.fromMessage('chaincode panicked'),
      'text',
    ]) {
      const failure = toHttpFailure(error);
      expect(failure).toMatchObject({ status: 500, internal: true });
      expect(failure.body).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
    }
  });
});

describe('withRetry', () => {
  const fast = { attempts: 4, initialDelayMs: 1, maxDelayMs: 2 };

  it('retries transient failures and returns the first success', async () => {
    let calls = 0;
    const retried: number[] = [];
    const result = await withRetry(
      () => {
        calls += 1;
        return calls < 3
          ? Promise.reject(new TransientLedgerError('conflict', 'mvcc-conflict'))
          : Promise.resolve('committed');
      },
      fast,
      (_error, attempt) => retried.push(attempt),
    );
    expect(result).toBe('committed');
    expect(retried).toEqual([1, 2]);
  });

  it('gives up after the last attempt with the transient error', async () => {
    let calls = 0;
    const work = (): Promise<never> => {
      calls += 1;
      return Promise.reject(new TransientLedgerError('busy', 'unavailable'));
    };
    await expect(withRetry(work, fast)).rejects.toBeInstanceOf(TransientLedgerError);
    expect(calls).toBe(4);
  });

  it('never retries a refusal', async () => {
    let calls = 0;
    const work = (): Promise<never> => {
      calls += 1;
      return Promise.reject(new ContractError('ACCESS.ROLE', 'no', 'forbidden'));
    };
    await expect(withRetry(work, fast)).rejects.toBeInstanceOf(ContractError);
    expect(calls).toBe(1);
  });

  it('backs off exponentially from 20 ms, never beyond 320 ms', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(DEFAULT_RETRY_POLICY, n))).toEqual([
      20, 40, 80, 160, 320, 320,
    ]);
  });
});

describe('createHttpMetrics', () => {
  it('reuses the metrics already on a shared registry', async () => {
    const registry = new Registry();
    createHttpMetrics(registry).countSubmit('RegisterBatch', 'committed');
    createHttpMetrics(registry).countSubmit('RegisterBatch', 'committed');
    expect(await registry.metrics()).toMatch(
      /gateway_ledger_submits_total\{fcn="RegisterBatch",outcome="committed"\} 2/,
    );
  });
});
