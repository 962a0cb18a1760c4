import { DomainError, type FieldIssue } from '../../src/errors/domain.error';
import {
  ContractError,
  LedgerUnavailableError,
  TransientLedgerError,
  type ContractErrorKind,
} from '../ledger/ledger.errors';

/**
 * How every failure becomes an HTTP answer (DESIGN §7): one table from error class (or domain
 * error kind) to status, and one body shape `{ error: { code, message, details? } }`.
 */

/** No token, or a token the gateway does not know. Maps to 401. */
export class UnauthenticatedError extends DomainError {
  readonly kind = 'unauthenticated' as const;
}

/** The error body every failing route answers with. */
export interface ApiErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly details?: readonly FieldIssue[];
  };
}

/** A failure ready to send: status, body, extra headers, and whether it is a fault worth logging. */
export interface HttpFailure {
  readonly status: number;
  readonly body: ApiErrorBody;
  readonly headers: Readonly<Record<string, string>>;
  /** True for a 500: the error itself is logged, the client only learns `INTERNAL`. */
  readonly internal: boolean;
}

/** Seconds a client should wait after an MVCC conflict or a busy peer that outlived the retries. */
export const TRANSIENT_RETRY_AFTER_SECONDS = 1;

const STATUS_OF_KIND: Readonly<Record<Exclude<ContractErrorKind, 'unknown'>, number>> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
};

/** What body-parser (and the router) report through `type` / `status`, by stable code. */
const PARSER_FAILURES: Readonly<Record<string, { status: number; code: string; message: string }>> = {
  'entity.parse.failed': { status: 400, code: 'INPUT.NOT_JSON', message: 'the body is not a JSON document' },
  'entity.too.large': {
    status: 413,
    code: 'INPUT.TOO_LARGE',
    message: 'the body is larger than this endpoint accepts',
  },
  'encoding.unsupported': {
    status: 415,
    code: 'INPUT.UNSUPPORTED_ENCODING',
    message: 'the body uses a content encoding this server does not accept',
  },
  'charset.unsupported': {
    status: 415,
    code: 'INPUT.UNSUPPORTED_CHARSET',
    message: 'the body must be UTF-8 JSON',
  },
};

function body(code: string, message: string, details: readonly FieldIssue[] = []): ApiErrorBody {
  return { error: details.length > 0 ? { code, message, details } : { code, message } };
}

function failure(
  status: number,
  errorBody: ApiErrorBody,
  headers: Readonly<Record<string, string>> = {},
): HttpFailure {
  return { status, body: errorBody, headers, internal: status === 500 };
}

/** The `type`/`status` of an http-errors style error (body-parser, router), if it is one. */
function clientErrorOf(error: unknown): { status: number; type?: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, type } = error as { status?: unknown; type?: unknown };
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  return typeof type === 'string' ? { status, type } : { status };
}

function domainFailure(error: DomainError | ContractError): HttpFailure | undefined {
  if (error.kind === 'unknown') return undefined;
  const headers: Record<string, string> =
    error.kind === 'unauthenticated' ? { 'WWW-Authenticate': 'Bearer' } : {};
  return failure(STATUS_OF_KIND[error.kind], body(error.code, error.message, error.details), headers);
}

function ledgerFailure(error: unknown): HttpFailure | undefined {
  if (error instanceof LedgerUnavailableError) {
    const seconds = Math.max(1, Math.ceil(error.retryAfterSeconds));
    return failure(503, body('LEDGER.UNAVAILABLE', 'the ledger cannot be reached; retry later'), {
      'Retry-After': String(seconds),
    });
  }
  if (error instanceof TransientLedgerError) {
    return failure(
      503,
      body('LEDGER.BUSY', `the ledger did not accept the transaction after retrying (${error.reason})`),
      { 'Retry-After': String(TRANSIENT_RETRY_AFTER_SECONDS) },
    );
  }
  return undefined;
}

function parserFailure(error: unknown): HttpFailure | undefined {
  const client = clientErrorOf(error);
  if (!client) return undefined;
  const known = client.type === undefined ? undefined : PARSER_FAILURES[client.type];
  if (known) return failure(known.status, body(known.code, known.message));
  return failure(client.status, body('INPUT.REJECTED', 'the request could not be read'));
}

/**
 * Maps any thrown value to its HTTP answer: domain and contract errors by kind (400, 401, 403,
 * 404, 409), an unreachable or busy ledger to 503 with `Retry-After`, body-parser failures to
 * 400 `INPUT.NOT_JSON` / 413 `INPUT.TOO_LARGE`, and anything else to a bare 500 `INTERNAL`.
 */
export function toHttpFailure(error: unknown): HttpFailure {
  const known =
    error instanceof DomainError || error instanceof ContractError
      ? domainFailure(error)
      : (ledgerFailure(error) ?? parserFailure(error));
  return known ?? failure(500, body('INTERNAL', 'internal error'));
}

/** The 404 of a path no route serves. */
export function routeNotFound(method: string, path: string): HttpFailure {
  return failure(404, body('ROUTE.NOT_FOUND', `no route for ${method} ${path}; see GET /openapi.json`));
}
