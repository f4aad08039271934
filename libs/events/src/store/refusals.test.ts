import t from 'tap';
import { refusedByPostgres, sessionLost } from './refusals.js';

const pgError = (code: string) => Object.assign(new Error('from Postgres'), { code });

t.test('given a backend ended or a connection broken, when the error is read, then the session was lost, not the statement', async (t) => {
  for (const error of [
    pgError('57P01'),
    pgError('57P03'),
    pgError('08006'),
    new Error('Connection terminated unexpectedly'),
    new Error('read ECONNRESET'),
  ]) {
    t.ok(sessionLost(error), error.message);
  }
});

t.test('given Postgres refusing the data or a rule, when the error is read, then no session was lost', async (t) => {
  for (const error of [pgError('22P05'), pgError('23505'), pgError('40001'), new Error('append needs at least one event')]) {
    t.notOk(sessionLost(error), (error as { code?: string }).code ?? error.message);
  }
  t.ok(refusedByPostgres(pgError('22P05')));
  t.notOk(refusedByPostgres(pgError('57P01')));
});
