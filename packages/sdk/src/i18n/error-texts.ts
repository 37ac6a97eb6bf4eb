/**
 * What a visitor reads when something goes wrong: what happened and what to do, in their language. The
 * catalog's own messages (packages/protocol) are for integrators and logs; these are for visitors, so they
 * never name internals (once-codes, concurrency, robots).
 */
import type { ErrorCode, LanguageCode } from '@dhkit/protocol';

/**
 * Codes the SDK reports that are not (yet) in the shared catalog. MEDIA_BLOCKED: pictures or videos of an
 * answer were left out (foreign host, not https, wrong type); the answer itself is shown.
 */
type SdkErrorCode = 'MEDIA_BLOCKED';
export type VisitorErrorCode = ErrorCode | SdkErrorCode;

/**
 * Weak errors: the conversation goes on (the answer is there, as text or a default answer); shown to visitors only
 * with `enableWeakErrorInfo`.
 */
export const WEAK_ERROR_CODES: ReadonlySet<VisitorErrorCode> = new Set<VisitorErrorCode>([
  'SPEECH_SYNTHESIS_FAILED',
  'BRAIN_UNAVAILABLE',
  'BRAIN_TIMEOUT',
  'MEDIA_BLOCKED',
]);

export const VISITOR_ERROR_TEXTS: Readonly<Record<VisitorErrorCode, Readonly<Record<LanguageCode, string>>>> = {
  ONCE_CODE_INVALID: {
    en_US: 'This conversation link has expired. Please reload the page.',
    zh_CN: '会话链接已失效，请刷新页面。',
  },
  ONCE_CODE_LOCKED: {
    en_US: 'Too many attempts. Please wait a few minutes, then reload the page.',
    zh_CN: '尝试次数过多，请等待几分钟后刷新页面。',
  },
  CONCURRENCY_LIMIT: {
    en_US: 'Many visitors are talking right now — please try again in a minute.',
    zh_CN: '当前咨询人数较多，请稍后再试。',
  },
  ROBOT_NOT_FOUND: {
    en_US: 'The assistant is not available right now. Please try again later or contact the site.',
    zh_CN: '数字人暂不可用，请稍后再试或联系网站管理员。',
  },
  ORIGIN_NOT_ALLOWED: {
    en_US: 'The assistant is not available on this website. Please contact the site owner.',
    zh_CN: '该数字人未在本网站开放，请联系网站管理员。',
  },
  QUESTION_EMPTY: {
    en_US: 'Please type a question first.',
    zh_CN: '请先输入问题。',
  },
  QUESTION_TOO_LONG: {
    en_US: 'That question is too long — please shorten it to {max} characters or fewer.',
    zh_CN: '问题太长，请精简到 {max} 字以内。',
  },
  NOT_IN_TEXT_MODE: {
    en_US: 'Voice chat is on. Switch to typing to send a written question.',
    zh_CN: '当前为语音对话，请切换到文字输入后再发送。',
  },
  LANGUAGE_NOT_SUPPORTED: {
    en_US: 'This language is not available. Please choose another one.',
    zh_CN: '暂不支持该语言，请选择其他语言。',
  },
  SESSION_ENDED: {
    en_US: 'The conversation has ended. Reload the page to start a new one.',
    zh_CN: '对话已结束，请刷新页面重新开始。',
  },
  SESSION_NOT_FOUND: {
    en_US: 'This conversation is no longer available. Reload the page to start a new one.',
    zh_CN: '该对话已失效，请刷新页面重新开始。',
  },
  UNAUTHORIZED: {
    en_US: 'The conversation could not be verified. Please reload the page.',
    zh_CN: '对话验证失败，请刷新页面。',
  },
  INVALID_REQUEST: {
    en_US: 'That did not work. Please try again.',
    zh_CN: '操作未成功，请重试。',
  },
  // An admin route's error (document import): a visitor never meets it, so the generic text.
  DOCUMENT_UNREADABLE: {
    en_US: 'That did not work. Please try again.',
    zh_CN: '操作未成功，请重试。',
  },
  PAYLOAD_TOO_LARGE: {
    en_US: 'That message is too large. Please send something shorter.',
    zh_CN: '内容过长，请精简后再发送。',
  },
  NOT_FOUND: {
    en_US: 'Something the assistant needs is missing. Please reload the page.',
    zh_CN: '缺少必要的内容，请刷新页面。',
  },
  SERVER_BUSY: {
    en_US: 'The service is busy right now — please try again in a moment.',
    zh_CN: '服务繁忙，请稍后再试。',
  },
  RATE_LIMITED: {
    en_US: 'That was a lot of questions at once — please wait a moment, then ask again.',
    zh_CN: '提问过于频繁，请稍候再问。',
  },
  SPEECH_SYNTHESIS_FAILED: {
    en_US: 'The voice is unavailable for this answer; you can still read it.',
    zh_CN: '本次回答暂时无法播放语音，您仍可阅读文字内容。',
  },
  SPEECH_RECOGNITION_FAILED: {
    en_US: 'Sorry, I did not catch that. Please say it again or type your question.',
    zh_CN: '没有听清，请再说一遍或输入文字。',
  },
  VOICE_INPUT_NOT_CONFIGURED: {
    en_US: 'Voice input is not available here. Please type your question.',
    zh_CN: '当前无法使用语音输入，请输入文字提问。',
  },
  MICROPHONE_PERMISSION_DENIED: {
    en_US: 'The microphone is blocked. Allow it in your browser settings, or type your question.',
    zh_CN: '麦克风被禁用，请在浏览器设置中允许使用，或输入文字提问。',
  },
  MICROPHONE_UNAVAILABLE: {
    en_US: 'No microphone could be used. Connect one, or type your question.',
    zh_CN: '没有可用的麦克风，请连接麦克风或输入文字提问。',
  },
  BRAIN_UNAVAILABLE: {
    en_US: 'I cannot look that up right now, so this is a general answer. Please try again later.',
    zh_CN: '暂时无法查询该问题，以上为通用回答，请稍后再试。',
  },
  BRAIN_TIMEOUT: {
    en_US: 'That took too long, so this is a general answer. Please ask again in a moment.',
    zh_CN: '查询超时，以上为通用回答，请稍后再问一次。',
  },
  NETWORK_ERROR: {
    en_US: 'The connection was lost. Check your network, then reload the page.',
    zh_CN: '网络连接已断开，请检查网络后刷新页面。',
  },
  CHUNK_LOAD_FAILED: {
    en_US: 'Part of the assistant could not be loaded. Please reload the page.',
    zh_CN: '数字人的部分功能未能加载，请刷新页面。',
  },
  BROWSER_NOT_SUPPORTED: {
    en_US: 'This browser cannot show the assistant. Please use a current Chrome, Edge, Safari or Firefox.',
    zh_CN: '当前浏览器无法使用数字人，请使用最新版 Chrome、Edge、Safari 或 Firefox。',
  },
  CANCELLED: {
    en_US: 'The assistant was closed before it was ready.',
    zh_CN: '数字人在准备就绪前已关闭。',
  },
  INTERNAL_ERROR: {
    en_US: 'Something went wrong on our side. Please try again shortly.',
    zh_CN: '服务出现问题，请稍后再试。',
  },
  MEDIA_BLOCKED: {
    en_US: 'Some pictures or videos in this answer cannot be shown.',
    zh_CN: '回答中的部分图片或视频无法显示。',
  },
};
