/**
 * A worker thread that checks the links of stretches of the chain for verify.ts, on the second core,
 * while the main thread replays the cases: hashing is most of a verification's work, and each
 * stretch's links can be checked apart once the entry before the stretch is known.
 */
import { parentPort } from 'node:worker_threads';
import { checkStretch, type Stretch } from './stretch.js';

parentPort!.on('message', (stretch: Stretch) => parentPort!.postMessage(checkStretch(stretch)));
