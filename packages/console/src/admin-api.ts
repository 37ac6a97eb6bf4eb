/**
 * The admin API as the console uses it: every call carries the admin key the operator typed (kept in
 * sessionStorage by the app, never in a URL or a cookie); every refusal becomes an AdminApiError with the
 * server's catalog code and message, so pages show the server's own validation messages.
 */
import type {
  AuditEntry,
  DocumentImportResult,
  KnowledgeEntry,
  KnowledgeSearchReply,
  LiveSessionsPage,
  QuestionAnalytics,
  Robot,
  SlowTurn,
  UnansweredQuestion,
} from '@dhkit/protocol';

export class AdminApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

export type KnowledgeDraft = Pick<KnowledgeEntry, 'question' | 'similarQuestions' | 'answer' | 'language' | 'tags'>;

/** One page of a long list: `nextOffset` asks for the next one (null on the last). */
export interface Page<T> {
  rows: T[];
  nextOffset: number | null;
}

/** A page of the knowledge table and how many entries match in all. */
interface KnowledgeTablePage {
  entries: KnowledgeEntry[];
  total: number;
}

/** The server's catalog code and message from a refusal's body; the HTTP status where the body has none. */
function refusal(response: Response, body: unknown): AdminApiError {
  const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
  return new AdminApiError(error?.code ?? `HTTP_${response.status}`, error?.message ?? response.statusText, response.status);
}

const json = (body: unknown): RequestInit => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

export class AdminApi {
  constructor(private readonly adminKey: string) {}

  private async call<T>(method: string, path: string, init: RequestInit = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(path, {
        ...init,
        method,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${this.adminKey}` },
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch (error) {
      throw new AdminApiError('NETWORK_ERROR', error instanceof Error ? error.message : String(error), 0);
    }
    if (response.status === 204) return undefined as T;
    const type = response.headers.get('content-type') ?? '';
    const body: unknown = type.includes('json') ? await response.json().catch(() => null) : await response.text();
    if (!response.ok) throw refusal(response, body);
    return body as T;
  }

  /** Checks the key: any admin read refuses a wrong one. */
  async signIn(): Promise<void> {
    await this.listRobots();
  }

  listRobots = async (): Promise<Robot[]> => (await this.call<{ robots: Robot[] }>('GET', '/v1/robots')).robots;
  createRobot = (robot: Partial<Robot>) => this.call<Robot>('POST', '/v1/robots', json(robot));
  updateRobot = (id: string, patch: Partial<Robot>) => this.call<Robot>('PATCH', `/v1/robots/${encodeURIComponent(id)}`, json(patch));
  deleteRobot = (id: string) => this.call<void>('DELETE', `/v1/robots/${encodeURIComponent(id)}`);
  onceCode = (id: string) =>
    this.call<{ onceCode: string; expiresAt: string }>('POST', `/v1/robots/${encodeURIComponent(id)}/once-codes`, json({}));
  avatars = async (): Promise<Array<{ id: string; name?: string }>> =>
    (
      await fetch('/avatars/')
        .then((r) => (r.ok ? r.json() : { avatars: [] }))
        .catch(() => ({ avatars: [] }))
    ).avatars ?? [];

  private knowledgePath = (robotId: string, rest = '') => `/v1/robots/${encodeURIComponent(robotId)}/knowledge${rest}`;
  listKnowledge = async (robotId: string): Promise<KnowledgeEntry[]> =>
    (await this.call<{ entries: KnowledgeEntry[] }>('GET', this.knowledgePath(robotId))).entries;
  /** One page of the knowledge table, searched and paged on the server (`query` matches any text of an entry). */
  knowledgePage = (robotId: string, page: { limit: number; offset: number; query: string }) => {
    const search = new URLSearchParams({ limit: String(page.limit), offset: String(page.offset) });
    if (page.query.trim()) search.set('q', page.query.trim());
    return this.call<KnowledgeTablePage>('GET', this.knowledgePath(robotId, `?${search}`));
  };
  addKnowledge = (robotId: string, entries: Partial<KnowledgeDraft>[]) =>
    this.call<{ imported: number }>('POST', this.knowledgePath(robotId), json({ entries, mode: 'append' }));
  importCsv = (robotId: string, csv: string, mode: 'append' | 'replace') =>
    this.call<{ imported: number }>('POST', this.knowledgePath(robotId, `?mode=${mode}`), {
      body: csv,
      headers: { 'content-type': 'text/csv' },
    });
  exportCsv = (robotId: string) =>
    this.call<string>('GET', this.knowledgePath(robotId, '?format=csv'), { headers: { accept: 'text/csv' } });
  /** An FAQ document (Markdown, HTML, text, PDF, DOCX) as entries; `dryRun` previews without writing. */
  importDocument = (robotId: string, file: File, dryRun: boolean) =>
    this.call<DocumentImportResult>(
      'POST',
      this.knowledgePath(robotId, `/documents?name=${encodeURIComponent(file.name)}${dryRun ? '&dryRun=true' : ''}`),
      { body: file, headers: { 'content-type': file.type || 'application/octet-stream' } },
    );
  replaceEntry = (robotId: string, id: number, entry: Partial<KnowledgeDraft>) =>
    this.call<KnowledgeEntry>('PUT', this.knowledgePath(robotId, `/${id}`), json(entry));
  patchEntry = (robotId: string, id: number, patch: Partial<KnowledgeDraft>) =>
    this.call<KnowledgeEntry>('PATCH', this.knowledgePath(robotId, `/${id}`), json(patch));
  deleteEntry = (robotId: string, id: number) => this.call<void>('DELETE', this.knowledgePath(robotId, `/${id}`));
  search = (robotId: string, question: string) =>
    this.call<KnowledgeSearchReply>('POST', this.knowledgePath(robotId, '/search'), json({ question, limit: 5 }));

  analytics = (robotId: string, from: Date, to: Date, limit = 50) =>
    this.call<QuestionAnalytics>(
      'GET',
      `/v1/robots/${encodeURIComponent(robotId)}/analytics?from=${from.toISOString()}&to=${to.toISOString()}&limit=${limit}`,
    );

  private window = (from: Date, to: Date) => `from=${from.toISOString()}&to=${to.toISOString()}`;

  /** Unanswered questions grouped by the server, those already learned left out; one page of `limit`. */
  unansweredQuestions = async (robotId: string, from: Date, to: Date, offset = 0, limit = 50): Promise<Page<UnansweredQuestion>> => {
    const { questions, nextOffset } = await this.call<{ questions: UnansweredQuestion[]; nextOffset: number | null }>(
      'GET',
      `/v1/robots/${encodeURIComponent(robotId)}/analytics/questions?` +
        `status=unanswered&${this.window(from, to)}&limit=${limit}&offset=${offset}`,
    );
    return { rows: questions, nextOffset };
  };
  /** The slowest turns (question → first audio) with their stages; one page of `limit`. */
  slowestTurns = async (robotId: string, from: Date, to: Date, offset = 0, limit = 10): Promise<Page<SlowTurn>> => {
    const { turns, nextOffset } = await this.call<{ turns: SlowTurn[]; nextOffset: number | null }>(
      'GET',
      `/v1/robots/${encodeURIComponent(robotId)}/analytics/slowest-turns?${this.window(from, to)}&limit=${limit}&offset=${offset}`,
    );
    return { rows: turns, nextOffset };
  };
  /** The question becomes a similar question of the entry (entryId), or a new entry (answer). */
  learn = (robotId: string, body: { question: string; entryId: number } | { question: string; answer: string; language?: string }) =>
    this.call<KnowledgeEntry>('POST', this.knowledgePath(robotId, '/learn'), json(body));

  /** A sentence in the robot's voice (its own speech engine), as WAV. */
  voiceSample = async (robotId: string, language: string, voice?: string): Promise<Blob> => {
    const response = await fetch(`/v1/robots/${encodeURIComponent(robotId)}/voice-sample`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ language, ...(voice ? { voice } : {}) }),
      cache: 'no-store',
      credentials: 'omit',
    });
    if (!response.ok) throw refusal(response, await response.json().catch(() => null));
    return response.blob();
  };

  /** One page of a robot's live sessions, with the leases in use across all processes. */
  sessions = (robotId: string, offset = 0, limit = 50) =>
    this.call<LiveSessionsPage>('GET', `/v1/robots/${encodeURIComponent(robotId)}/sessions?limit=${limit}&offset=${offset}`);
  kick = (sessionId: string) => this.call<void>('DELETE', `/v1/sessions/${encodeURIComponent(sessionId)}`);

  audit = (beforeId?: number) =>
    this.call<{ entries: AuditEntry[]; nextBeforeId: number | null }>(
      'GET',
      `/v1/audit?limit=50${beforeId ? `&beforeId=${beforeId}` : ''}`,
    );
}
