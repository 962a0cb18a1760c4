import type { Request } from 'express';
import type { z } from 'zod';

import { ValidationError } from '../../src/errors/domain.error';
import { parseInput } from '../../src/records/parse';

/**
 * The one door from an HTTP request to a domain value: body, query and path parameters each go
 * through a zod schema, and a failure is a 400 that names the field (`items.0.unit`).
 */

/**
 * The JSON body of a request, before parsing.
 *
 * @throws {ValidationError} `INPUT.NOT_JSON` when the request carried no JSON body.
 */
export function jsonBodyOf(req: Request): unknown {
  const body: unknown = req.body;
  if (body === undefined) {
    throw new ValidationError(
      'INPUT.NOT_JSON',
      'the body must be a JSON document sent with Content-Type: application/json',
      [{ path: '(body)', message: 'missing or not sent as application/json' }],
    );
  }
  return body;
}

/**
 * The request body parsed with `schema`.
 *
 * @throws {ValidationError} `INPUT.NOT_JSON` or `INPUT.INVALID` naming each field at fault.
 */
export function parseBody<S extends z.ZodType>(req: Request, schema: S, what: string): z.output<S> {
  return parseInput(schema, jsonBodyOf(req), what);
}

/**
 * The query string parsed with `schema`.
 *
 * @throws {ValidationError} `INPUT.INVALID` naming each parameter at fault.
 */
export function parseQuery<S extends z.ZodType>(req: Request, schema: S): z.output<S> {
  return parseInput(schema, req.query, 'query');
}

/**
 * The path parameters parsed with `schema`.
 *
 * @throws {ValidationError} `INPUT.INVALID` naming each parameter at fault.
 */
export function parseParams<S extends z.ZodType>(req: Request, schema: S): z.output<S> {
  return parseInput(schema, req.params, 'path');
}

/** A plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `Idempotency-Key` header, trimmed, when present and not empty. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get('idempotency-key')?.trim();
  return key === undefined || key === '' ? undefined : key;
}
