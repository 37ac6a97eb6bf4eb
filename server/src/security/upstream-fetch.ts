/**
 * fetch for upstream services (LLM, webhook, speech engines, renderers): redirects are followed only within
 * the same origin. fetch's default follows any redirect with the same headers, so a webhook's signature or an
 * LLM's Authorization header would go to whatever host a compromised or misconfigured upstream names.
 */
const MAX_REDIRECTS = 3;

class CrossOriginRedirectError extends Error {
  constructor(from: string, to: string) {
    super(`The upstream at ${new URL(from).origin} redirected to another origin (${safeOrigin(to)}); not followed.`);
    this.name = 'CrossOriginRedirectError';
  }
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an invalid URL';
  }
}

export async function fetchUpstream(url: string | URL, init: RequestInit = {}): Promise<Response> {
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    const response = await fetch(current, { ...init, redirect: 'manual' });
    const location = response.status >= 300 && response.status < 400 ? response.headers.get('location') : null;
    if (location === null) return response;
    await response.body?.cancel().catch(() => {});
    const next = new URL(location, current);
    if (next.origin !== current.origin) throw new CrossOriginRedirectError(current.href, next.href);
    if (hop + 1 > MAX_REDIRECTS) throw new Error(`The upstream at ${current.origin} redirected more than ${MAX_REDIRECTS} times.`);
    current = next;
  }
}
