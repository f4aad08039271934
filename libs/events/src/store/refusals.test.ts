import t from 'tap';
import { refusedByPostgres, sessionLost, storableJson, UnstorableInput } from './refusals.js';

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

t.test('given data with a U+0000 or a lone surrogate, when made storable, then it is refused as Postgres refuses it', async (t) => {
  for (const [value, sqlState] of [
    [{ reason: 'nul \u0000 here' }, '22P05'],
    [{ reason: 'lone \ud800 surrogate' }, '22P02'],
    [{ reason: 'lone low \udc00' }, '22P02'],
    [['a\\', 'after a backslash \u0000'], '22P05'],
  ] as const) {
    t.throws(() => storableJson(value), new UnstorableInput(sqlState), JSON.stringify(value));
  }
});

t.test('given data that only looks like such an escape, when made storable, then it is its JSON text unchanged', async (t) => {
  for (const value of [
    { reason: 'a literal \\u0000, six characters' },
    { reason: 'an escape \u001b and a pair \ud83d\ude00' },
    { reason: '\\\\u0000 after two backslashes' },
    'plain',
  ]) {
    t.equal(storableJson(value), JSON.stringify(value), JSON.stringify(value));
  }
});
