import { pino, type Logger } from 'pino';

/**
 * Personal data that must never reach a log line, wherever it sits in a logged object: the
 * reporter's phone, the child's name, DNA references (victim privacy).
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
  'req.headers.authorization',
  'headers.authorization',
];

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
