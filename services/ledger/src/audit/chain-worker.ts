/**
 * A worker thread that checks the links of stretches of the chain for verify.ts, on the second core,
 * while the main thread replays the cases: hashing is most of a verification's work, and each
 * stretch's links can be checked apart once the entry before the stretch is known. The stretch's
 * buffers go back with the verdict, to be filled again rather than allocated anew.
 */
import { parentPort } from 'node:worker_threads';
import { checkStretch, type Stretch, type StretchChecked } from './stretch.js';

parentPort!.on('message', (stretch: Stretch) => {
  const checked: StretchChecked = { verdict: checkStretch(stretch), bytes: stretch.bytes.buffer, fields: stretch.fields.buffer };
  parentPort!.postMessage(checked, [checked.bytes, checked.fields]);
});
