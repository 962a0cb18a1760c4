/**
 * The small error hierarchy of the domain core. Every error carries a stable `code`
 * (`AREA.WHAT`) that clients and the chaincode rely on, a message that names the field
 * and the rule, and optional per-field details. The HTTP layer maps the class to a status.
 */

/** One problem with one field of an input, by its path (`items.0.unit`). */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/** The base class: a failure the caller can understand and act on. */
export abstract class DomainError extends Error {
  abstract readonly kind: 'invalid' | 'forbidden' | 'not-found' | 'conflict' | 'unauthenticated';

  constructor(
    readonly code: string,
    message: string,
    readonly details: readonly FieldIssue[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** A plain object that survives JSON (and so a chaincode error message). */
  toJSON(): { code: string; kind: string; message: string; details?: FieldIssue[] } {
    const base = { code: this.code, kind: this.kind, message: this.message };
    return this.details.length > 0 ? { ...base, details: [...this.details] } : base;
  }
}

/** Bad input: a field is missing, malformed or breaks a rule. Maps to 400. */
export class ValidationError extends DomainError {
  readonly kind = 'invalid' as const;
}

/** The caller is known but may not do this. Maps to 403. */
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden' as const;
}

/** The thing asked for does not exist. Maps to 404. */
export class NotFoundError extends DomainError {
  readonly kind = 'not-found' as const;
}

/** The request contradicts what is already recorded. Maps to 409. */
export class ConflictError extends DomainError {
  readonly kind = 'conflict' as const;
}
