import t from 'tap';
import { Pause } from './pause.js';

t.test('given a long wait, when it is woken, then it ends at once', async (t) => {
  const pause = new Pause();
  const started = Date.now();
  const waiting = pause.wait(60_000);
  pause.wake();
  await waiting;
  t.ok(Date.now() - started < 1000);
});

t.test('given a closed pause, when a wait begins after the close, then it ends at once', async (t) => {
  const pause = new Pause();
  pause.close();
  const started = Date.now();
  await pause.wait(60_000);
  t.ok(Date.now() - started < 1000);
});
