import { randomBytes } from 'node:crypto';
import pg from 'pg';
import t from 'tap';
import { migrate } from '../store/migrations.js';
import { createTestDatabase } from '../testing/index.js';
import { Keyring, KEYRING_SCHEMA } from './keyring.js';
import { keyringMigrations } from './migrations.js';
import { PersonalData, reuseSealed } from './personal-data.js';
import { ERASED, indexKeyOf } from './seal.js';

const db = await createTestDatabase('personal_data');
const pool = new pg.Pool({ connectionString: db.url, max: 4 });
await migrate(pool, KEYRING_SCHEMA, keyringMigrations);
t.teardown(async () => {
  await pool.end();
  await db.drop();
});

const kek = randomBytes(32);
/** Two services holding the same key-encryption key, as alert and ledger do. */
const alert = new PersonalData(new Keyring(pool, kek), indexKeyOf(kek));
const ledger = new PersonalData(new Keyring(pool, kek), indexKeyOf(kek));
const report = (caseId: string) => ({
  caseId,
  child: { name: '王小丫', sex: 'female' },
  reporter: { name: '王大山', phone: '13912345678', relation: 'father' },
});

t.test('given a report, when one service seals it, then another service opens it for an entitled reader', async (t) => {
  const sealed = await alert.sealEvent('case-a', 'MissingChildReported', report('case-a'));
  t.notMatch(JSON.stringify(sealed), /王小丫|王大山|13912345678/);
  t.same(await ledger.open(sealed), report('case-a'));
});

t.test('given two services sealing the first fields of one case at once, when both are opened, then one key served both', async (t) => {
  const [a, b] = await Promise.all([alert.sealValue('case-b', '13700000000'), ledger.sealValue('case-b', '13700000000')]);
  t.equal(a, b);
  const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ${KEYRING_SCHEMA}.data_keys WHERE subject = 'case-b'`);
  t.equal(rows[0].n, 1);
});

t.test('given a sealed report, when its case is erased, then every service reads the fields as erased at once', async (t) => {
  const sealed = await alert.sealEvent('case-c', 'MissingChildReported', report('case-c'));
  t.equal(await ledger.keyring.erase('case-c'), true);
  const read = (await alert.open(sealed)) as ReturnType<typeof report>;
  t.same([read.child.name, read.reporter.name, read.reporter.phone], [ERASED, ERASED, ERASED]);
  t.equal(read.child.sex, 'female', 'what is not personal stays');
});

t.test('given an erased case, when a field of it is sealed again or the key erased again, then nothing readable is made', async (t) => {
  await alert.sealValue('case-d', 'first');
  await ledger.keyring.erase('case-d');
  t.equal(await ledger.sealValue('case-d', '13800000000'), ERASED);
  t.equal(await ledger.keyring.erase('case-d'), false, 'a second erasure destroys nothing more');
});

t.test('given a case never sealed, when it is erased, then a later field of it cannot be sealed readably', async (t) => {
  t.equal(await ledger.keyring.erase('case-e'), true);
  t.equal(await alert.sealValue('case-e', '13800000001'), ERASED);
});

t.test('given a fresh key whose vault row committed with the case, when sealed under it, then another service opens the fields', async (t) => {
  const { key, row } = alert.keyring.fresh('case-f');
  // What the opening append's alongside writer does, in the append's transaction.
  await pool.query(`INSERT INTO ${KEYRING_SCHEMA}.data_keys (key_id, subject, wrapped) VALUES ($1, $2, decode($3, 'base64'))`, [
    row.key_id,
    row.subject,
    row.wrapped,
  ]);
  alert.keyring.remember('case-f', key);
  const sealed = await alert.sealEvent('case-f', 'MissingChildReported', report('case-f'), key);
  t.same(await ledger.open(sealed), report('case-f'));
  t.equal(await alert.sealValue('case-f', '13912345678'), (sealed as ReturnType<typeof report>).reporter.phone, 'later seals use the same key');
});

t.test('given a fresh key whose row never committed, when the case is sealed later, then the vault makes the key and it opens', async (t) => {
  alert.keyring.fresh('case-g');
  const sealed = await alert.sealEvent('case-g', 'MissingChildReported', report('case-g'));
  t.same(await ledger.open(sealed), report('case-g'));
});

t.test('given the vault, when a database user tries to restore or delete an erased key, then it is refused', async (t) => {
  await alert.sealValue('case-f', 'x');
  await ledger.keyring.erase('case-f');
  await t.rejects(pool.query(`UPDATE ${KEYRING_SCHEMA}.data_keys SET wrapped = '\\x00', erased_at = NULL WHERE subject = 'case-f'`), {
    code: '23514',
  });
  await t.rejects(pool.query(`DELETE FROM ${KEYRING_SCHEMA}.data_keys WHERE subject = 'case-f'`), { code: '23514' });
});

t.test('given a sealed-looking text in a free-text field, when opened, then it is left as it is', async (t) => {
  const phone = await alert.sealValue('case-g', '13800000002');
  const opened = await ledger.open({ text: phone, contact: { phone } });
  t.same(opened, { text: phone, contact: { phone: '13800000002' } });
});

t.test('given another key-encryption key, when it opens the fields, then they stay sealed', async (t) => {
  const sealed = await alert.sealValue('case-h', '13800000003');
  const stranger = new PersonalData(new Keyring(pool, randomBytes(32)), indexKeyOf(kek));
  await t.rejects(stranger.open({ phone: sealed }));
});

t.test('given a record sealed for a row, when an event copies its values, then the event takes them sealed and nothing else', async (t) => {
  const clear = report('case-r');
  const sealed = await alert.sealFields('case-r', clear, ['child.name', 'reporter.name', 'reporter.phone']);
  const event = { child: { name: '王小丫' }, reporter: { name: '别人', phone: '13912345678' }, note: '王小丫' };
  const reused = reuseSealed(event, ['child.name', 'reporter.name', 'reporter.phone', 'reporter.email'], clear, sealed);
  t.same(reused, { child: { name: sealed.child.name }, reporter: { name: '别人', phone: sealed.reporter.phone }, note: '王小丫' });
  t.equal(event.child.name, '王小丫', 'the event itself is left as it was');
});
