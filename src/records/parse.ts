import type { z } from 'zod';
import { ValidationError, type FieldIssue } from '../errors/domain.error';

/**
 * Parses `input` with `schema` or throws a {@link ValidationError} whose details name each
 * field by its dotted path (`items.0.unit`) with the rule it broke. This is the one door
 * through which outside data becomes a domain value, in the gateway and in the chaincode.
 * @throws {ValidationError} code `INPUT.INVALID` (or the given code) when the input does not parse.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
  code = 'INPUT.INVALID',
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details: FieldIssue[] = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
  const first = details[0];
  const summary = first ? `${first.path}: ${first.message}` : 'invalid';
  throw new ValidationError(code, `invalid ${what}: ${summary}`, details);
}

/**
 * Parses a JSON text (a chaincode argument, a file) and then the value inside it.
 * @throws {ValidationError} `INPUT.NOT_JSON` when the text is not JSON, else as {@link parseInput}.
 */
export function parseJsonInput<S extends z.ZodType>(schema: S, text: string, what: string): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ValidationError('INPUT.NOT_JSON', `invalid ${what}: not a JSON document`, [
      { path: '(body)', message: 'not a JSON document' },
    ]);
  }
  return parseInput(schema, value, what);
}
