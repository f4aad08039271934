import { describeIssues, type FieldIssue } from './issues.js';

/**
 * The typed errors every service throws. Each carries the HTTP status and the UPPER_SNAKE code of
 * the public contract, so the one error handler per service can map them without guessing.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that does not satisfy its schema: 400 with the field paths. */
export class ValidationError extends DomainError {
  readonly status = 400;
  constructor(
    readonly issues: FieldIssue[],
    message = `invalid input: ${describeIssues(issues)}`,
  ) {
    super('VALIDATION_FAILED', message, { issues });
  }
}

/** A business rule refused the command (一长三包, placement, custody order...). 409 unless stated. */
export class RuleViolation extends DomainError {
  readonly status: number;
  constructor(code: string, message: string, options: { status?: number; details?: unknown } = {}) {
    super(code, message, options.details);
    this.status = options.status ?? 409;
  }
}

/** The stream moved on since the command read it: the client may reload and retry. */
export class ConcurrencyConflict extends DomainError {
  readonly status = 409;
  constructor(
    readonly streamId: string,
    readonly expected: string | number,
    readonly actual: number,
  ) {
    super('CONCURRENCY_CONFLICT', `stream ${streamId} is at version ${actual}, expected ${String(expected)}`, { streamId, expected, actual });
  }
}

export class NotFound extends DomainError {
  readonly status = 404;
  constructor(what: string, id: string) {
    super('NOT_FOUND', `${what} ${id} not found`, { what, id });
  }
}

export class Unauthenticated extends DomainError {
  readonly status = 401;
  constructor(message = 'missing or invalid bearer credentials') {
    super('UNAUTHENTICATED', message);
  }
}

export class Forbidden extends DomainError {
  readonly status = 403;
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

/** A bad environment variable: named, so an operator can fix it without reading code. */
export class ConfigError extends Error {
  constructor(readonly issues: FieldIssue[]) {
    super(`invalid configuration: ${describeIssues(issues)}`);
    this.name = 'ConfigError';
  }
}
