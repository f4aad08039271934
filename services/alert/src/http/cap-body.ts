import { Forbidden, type BodyParser } from '@rapid-search/events';
import { capIntake } from '../domain/cap/intake.js';
import { readCapAlert } from '../domain/cap/read.js';

/**
 * A CAP 1.2 message as the body of `POST /v1/alerts` (domain/cap/intake.ts maps it), from the
 * upstream system it names as its `sender`: the calling system's own id, anything else is 403. Its
 * `identifier` stands in for an Idempotency-Key the request leaves out.
 */
export const capBody: BodyParser = {
  contentTypes: ['application/cap+xml', 'application/xml'],
  parse: (xml, request) => {
    const { sender, identifier, body } = capIntake(readCapAlert(xml));
    const caller = request.principal.upstreamSystemId;
    if (sender !== caller) throw new Forbidden(`the CAP sender ${sender} is not the calling upstream system${caller ? ` ${caller}` : ''}`);
    request.headers['idempotency-key'] ??= identifier;
    return body;
  },
};
