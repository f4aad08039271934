import { pino, type Logger } from 'pino';

/**
 * Personal data that must never reach a log line, wherever it sits in a logged object: the
 * reporter's phone, the child's name, a household's head, DNA references (victim privacy).
 */
const REDACT = [
  'phone',
  '*.phone',
  '*.*.phone',
  'reporter',
  '*.reporter',
  '*.*.reporter',
  'child.name',
  '*.child.name',
  '*.*.child.name',
  'profileRef',
  '*.profileRef',
  'matchRef',
  '*.matchRef',
  'evidenceRef',
  '*.evidenceRef',
  'headOfHousehold',
  '*.headOfHousehold',
  '*.*.headOfHousehold',
  'req.headers.authorization',
  'headers.authorization',
];

/**
 * A Postgres error's message, detail, context (`where`) and even its stack's first line may quote
 * the statement's parameters, so of those errors only the SQLSTATE and where in Postgres it arose
 * are logged. Every other error is logged as pino would.
 */
function serializeError(error: unknown): unknown {
  const pgError = error as { code?: unknown; severity?: unknown; routine?: unknown; table?: unknown; constraint?: unknown; column?: unknown };
  if (error instanceof Error && typeof pgError.code === 'string' && typeof pgError.severity === 'string') {
    return {
      type: error.name,
      sqlState: pgError.code,
      severity: pgError.severity,
      routine: pgError.routine,
      table: pgError.table,
      constraint: pgError.constraint,
      column: pgError.column,
    };
  }
  return pino.stdSerializers.err(error as Error);
}

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service, ...(process.env.RS_INSTANCE ? { instance: process.env.RS_INSTANCE } : {}) },
    redact: { paths: REDACT, censor: '[redacted]' },
    serializers: { err: serializeError },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
