import type { LanguageCode } from '@dhkit/protocol';
import type { DigitalHumanEventMap, DigitalHumanEventName, JobInfo } from '../core/events.js';
import { LANGUAGE_NAMES } from '../i18n/strings.js';
import { errorPayload } from './results.js';

/** The reference's `jobInfoChange` / `getJobInfo()` shape: jobId is '' until the task is ready. */
export interface ReferenceJobInfo {
  jobId: string;
  /** The reference's signalling address; dhkit's channel is internal, so this is ''. */
  websocketAddr: string;
  /** dhkit's own job info (state, session id, mode, language). */
  jobInfo: JobInfo | null;
}

export function referenceJobInfo(job: JobInfo | null): ReferenceJobInfo {
  const ready = job !== null && (job.state === 'READY' || job.state === 'CHATTING');
  return { jobId: ready ? job.jobId : '', websocketAddr: '', jobInfo: job };
}

/**
 * dhkit's event payload turned into the reference's. Names are the same; `error` gets the `MSS.…` code,
 * `jobInfoChange` the reference's JobInfo and `languageInfoChange` its LanguageInfo. The others already match
 * (chatId, text, isLast, restTime, reason).
 */
export function referencePayload<K extends DigitalHumanEventName>(event: K, payload: DigitalHumanEventMap[K]): unknown {
  if (event === 'error') return errorPayload(payload as DigitalHumanEventMap['error']);
  if (event === 'jobInfoChange') return referenceJobInfo(payload as JobInfo);
  if (event === 'languageInfoChange') return referenceLanguageInfo(payload as DigitalHumanEventMap['languageInfoChange']);
  return payload;
}

/** The reference's LanguageInfo: a result with `{language, language_desc}` items. */
export interface ReferenceLanguageInfo {
  result: true;
  currentLanguage: LanguageCode;
  languageList: Array<{ language: LanguageCode; language_desc: string }>;
}

export function referenceLanguageInfo(info: { currentLanguage: LanguageCode; languageList: LanguageCode[] }): ReferenceLanguageInfo {
  return {
    result: true,
    currentLanguage: info.currentLanguage,
    languageList: info.languageList.map((language) => ({ language, language_desc: LANGUAGE_NAMES[language] })),
  };
}
