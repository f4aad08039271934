import { UnmaskingReason } from '@rapid-search/events';
import { z } from 'zod';

/** `?reason=` of a read that may show personal data: the read refuses to unmask under a grant without it. */
export const ReasonQuery = z.object({
  reason: UnmaskingReason.optional().describe(
    'why you read personal data (1–500 characters): required with the grant personal-data, where the read is recorded as PersonalDataUnmasked; officers and masked reads need none',
  ),
});
