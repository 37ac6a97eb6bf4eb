/**
 * The one error catalog shared by server and SDK. Every error a client can see carries one of these codes.
 * `docs/errors.md` lists the same table; a unit test keeps the two in step.
 */

export type LanguageCode = 'zh_CN' | 'en_US';

export interface ErrorDefinition {
  /** HTTP status the server answers with when this error ends a request. */
  readonly status: number;
  /** The Huawei MetaStudio intelligent-interaction SDK code, for users migrating from it. */
  readonly compat?: string;
  readonly message: { readonly zh_CN: string; readonly en_US: string };
}

export const ERROR_CATALOG = {
  ONCE_CODE_INVALID: {
    status: 401,
    compat: 'MSS.47010046',
    message: {
      zh_CN: '一次性鉴权码无效或已过期，请刷新页面重试。',
      en_US: 'The once-code is invalid, used or expired. Reload the page to get a new one.',
    },
  },
  ONCE_CODE_LOCKED: {
    status: 429,
    compat: 'MSS.47010047',
    message: {
      zh_CN: '鉴权失败次数过多，请稍后再试。',
      en_US: 'Too many failed once-code attempts. Try again later.',
    },
  },
  CONCURRENCY_LIMIT: {
    status: 429,
    compat: 'MSS.20010135',
    message: {
      zh_CN: '当前访问人数较多，请稍后再试。',
      en_US: 'Many visitors are talking right now. Please try again shortly.',
    },
  },
  ROBOT_NOT_FOUND: {
    status: 404,
    message: { zh_CN: '数字人不存在。', en_US: 'No such robot.' },
  },
  ORIGIN_NOT_ALLOWED: {
    status: 403,
    message: {
      zh_CN: '当前网站未被允许使用该数字人。',
      en_US: 'This website is not allowed to use this robot.',
    },
  },
  QUESTION_EMPTY: {
    status: 400,
    compat: 'MSS.47010146',
    message: { zh_CN: '问题不能为空。', en_US: 'The question is empty.' },
  },
  QUESTION_TOO_LONG: {
    status: 400,
    compat: 'MSS.47010145',
    message: { zh_CN: '问题太长，请精简后再问。', en_US: 'The question is too long. Please shorten it.' },
  },
  NOT_IN_TEXT_MODE: {
    status: 409,
    compat: 'MSS.47010144',
    message: {
      zh_CN: '当前不是文字对话模式，请先开始对话。',
      en_US: 'Not in text mode. Start a text chat first.',
    },
  },
  LANGUAGE_NOT_SUPPORTED: {
    status: 400,
    message: { zh_CN: '不支持该语言。', en_US: 'This language is not supported.' },
  },
  SESSION_ENDED: {
    status: 410,
    message: { zh_CN: '对话已结束。', en_US: 'The session has ended.' },
  },
  SESSION_NOT_FOUND: {
    status: 404,
    message: { zh_CN: '会话不存在。', en_US: 'No such session.' },
  },
  UNAUTHORIZED: {
    status: 401,
    message: { zh_CN: '未授权。', en_US: 'Missing or wrong credentials.' },
  },
  INVALID_REQUEST: {
    status: 400,
    message: { zh_CN: '请求格式不正确。', en_US: 'The request is malformed.' },
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    message: { zh_CN: '请求内容过大。', en_US: 'The request body is too large.' },
  },
  DOCUMENT_UNREADABLE: {
    status: 422,
    message: { zh_CN: '无法从该文档导入问答。', en_US: 'No questions and answers could be imported from the document.' },
  },
  NOT_FOUND: {
    status: 404,
    message: { zh_CN: '资源不存在。', en_US: 'Not found.' },
  },
  SERVER_BUSY: {
    status: 503,
    message: { zh_CN: '服务繁忙，请稍后再试。', en_US: 'The service is busy. Please try again shortly.' },
  },
  RATE_LIMITED: {
    status: 429,
    message: {
      zh_CN: '操作过于频繁，请稍后再试。',
      en_US: 'Too many requests in a short time. Please wait a moment and try again.',
    },
  },
  SPEECH_SYNTHESIS_FAILED: {
    status: 502,
    message: {
      zh_CN: '语音合成失败，字幕仍可查看。',
      en_US: 'Speech synthesis failed; the answer is still shown as text.',
    },
  },
  MEDIA_BLOCKED: {
    status: 422,
    message: {
      zh_CN: '回答中的部分图片或视频未显示。',
      en_US: 'Some pictures or videos of the answer were not shown.',
    },
  },
  SPEECH_RECOGNITION_FAILED: {
    status: 502,
    message: {
      zh_CN: '没有听清，请再说一遍或输入文字。',
      en_US: 'Speech recognition failed. Please say it again or type your question.',
    },
  },
  VOICE_INPUT_NOT_CONFIGURED: {
    status: 409,
    message: {
      zh_CN: '该数字人未开启语音输入，请输入文字。',
      en_US: 'Voice input is not set up for this robot. Please type your question.',
    },
  },
  MICROPHONE_PERMISSION_DENIED: {
    status: 403,
    message: {
      zh_CN: '无法使用麦克风：访问被拒绝。请在浏览器设置中允许本网站使用麦克风，或输入文字。',
      en_US: 'The microphone is blocked. Allow this site to use it in the browser settings, or type your question.',
    },
  },
  MICROPHONE_UNAVAILABLE: {
    status: 400,
    message: {
      zh_CN: '未找到可用的麦克风，请连接麦克风或输入文字。',
      en_US: 'No usable microphone was found. Connect one, or type your question.',
    },
  },
  BRAIN_UNAVAILABLE: {
    status: 502,
    message: {
      zh_CN: '问答服务暂时不可用，已使用默认回答。',
      en_US: 'The answering service is unavailable right now; a default answer was given.',
    },
  },
  BRAIN_TIMEOUT: {
    status: 504,
    message: {
      zh_CN: '问答服务响应超时，已使用默认回答。',
      en_US: 'The answering service took too long; a default answer was given.',
    },
  },
  NETWORK_ERROR: {
    status: 503,
    message: {
      zh_CN: '网络连接中断，请检查网络后重试。',
      en_US: 'The connection to the server was lost. Check the network and try again.',
    },
  },
  CHUNK_LOAD_FAILED: {
    status: 503,
    message: {
      zh_CN: 'SDK 模块加载失败。',
      en_US: 'Part of the SDK did not load.',
    },
  },
  BROWSER_NOT_SUPPORTED: {
    status: 400,
    message: {
      zh_CN: '当前浏览器不支持数字人，请使用最新版 Chrome、Edge、Safari 或 Firefox。',
      en_US: 'This browser cannot run the digital human. Use a current Chrome, Edge, Safari or Firefox.',
    },
  },
  CANCELLED: {
    // 499: nginx's "client closed request"; the SDK gives up, no server answers with it.
    status: 499,
    message: {
      zh_CN: '数字人在准备就绪前已被销毁。',
      en_US: 'The digital human was destroyed before it was ready.',
    },
  },
  INTERNAL_ERROR: {
    status: 500,
    message: { zh_CN: '服务内部错误。', en_US: 'Internal server error.' },
  },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export const ERROR_CODES = Object.keys(ERROR_CATALOG) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CATALOG, value);
}

/** The body of every HTTP error answer: `{"error": {"code", "message"}}`. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; compat?: string };
}

export function errorMessage(code: ErrorCode, language: LanguageCode = 'en_US'): string {
  return ERROR_CATALOG[code].message[language];
}
