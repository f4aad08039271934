import type { DomainEventOf } from '@rapid-search/events';
import type { CapProfile } from './message.js';
import { readableTime } from './time.js';

/** The words of one `info` block; only what the public release may carry, nothing of the reporter. */
export interface InfoTexts {
  event: string;
  senderName: string;
  headline: string;
  description: string;
  instruction: string;
  contact: string;
}

type Reported = DomainEventOf<'MissingChildReported'>['data'];
type Language = 'zh-CN' | 'en-US';

const SEX = {
  'zh-CN': { female: '女', male: '男', unknown: '性别不详' },
  'en-US': { female: 'girl', male: 'boy', unknown: 'child' },
} as const;

function childLine(lang: Language, { child }: Reported): string {
  const sex = SEX[lang][child.sex];
  if (lang === 'zh-CN') {
    const age = child.ageYears !== undefined ? `，${child.ageYears}岁` : child.dateOfBirth ? `，出生于${child.dateOfBirth}` : '';
    return `${child.name}，${sex}${age}。${child.description ?? ''}`;
  }
  const age = child.ageYears !== undefined ? `, aged ${child.ageYears}` : child.dateOfBirth ? `, born ${child.dateOfBirth}` : '';
  return `${child.name}, ${sex}${age}. ${child.description ?? ''}`;
}

function placeLine(lang: Language, { lastSeen }: Reported): string {
  const place = lastSeen.address ?? (lang === 'zh-CN' ? `行政区划 ${lastSeen.regionCode}` : `region ${lastSeen.regionCode}`);
  return lang === 'zh-CN'
    ? `最后出现：${readableTime(lastSeen.at)}，${place}（${lastSeen.lat},${lastSeen.lon}）。`
    : `Last seen ${readableTime(lastSeen.at)} at ${place} (${lastSeen.lat},${lastSeen.lon}).`;
}

const common = (lang: Language, profile: CapProfile) => ({
  event: lang === 'zh-CN' ? '儿童失踪' : 'Missing child',
  senderName: profile.senderName,
  contact: profile.contact,
});

export function releaseTexts(lang: Language, report: Reported, profile: CapProfile): InfoTexts {
  return {
    ...common(lang, profile),
    headline: lang === 'zh-CN' ? `儿童失踪：${report.child.name}` : `Missing child: ${report.child.name}`,
    description: `${childLine(lang, report).trim()} ${placeLine(lang, report)}`,
    instruction:
      lang === 'zh-CN' ? '如看到该儿童，请立即拨打110，不要自行追赶。' : 'If you see this child, call 110 at once; do not give chase yourself.',
  };
}

/** Why the release stands down: the child found, or the report withdrawn as false. */
export function cancelTexts(lang: Language, report: Reported, reason: string, profile: CapProfile): InfoTexts {
  const withdrawn = reason === 'withdrawn';
  const zh = withdrawn ? '此前发布的儿童失踪信息系虚假报告，已撤回。' : `${report.child.name}已找到，感谢公众协助。`;
  const en = withdrawn
    ? 'The earlier missing-child report was false and has been withdrawn.'
    : `${report.child.name} has been found. Thank you for your help.`;
  return {
    ...common(lang, profile),
    headline:
      lang === 'zh-CN'
        ? withdrawn
          ? '儿童失踪信息撤回'
          : `儿童已找到：${report.child.name}`
        : withdrawn
          ? 'Missing-child alert withdrawn'
          : `Child found: ${report.child.name}`,
    description: lang === 'zh-CN' ? zh : en,
    instruction: lang === 'zh-CN' ? '无需再协助查找。' : 'No further help is needed.',
  };
}
