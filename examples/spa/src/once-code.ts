/** Asks our backend (backend.mjs) for a fresh once-code; the SDK calls this for every session it starts. */
export async function fetchOnceCode(): Promise<string> {
  const response = await fetch('/api/once-code', { method: 'POST' });
  if (!response.ok) throw new Error(`the backend could not mint a once-code (HTTP ${response.status})`);
  return ((await response.json()) as { onceCode: string }).onceCode;
}

/** Where the dhkit server is and which robot to show: the backend writes them into index.html's meta tags. */
export function dhkitSettings(): { serverAddress: string; robotId: string } {
  const meta = (name: string) => document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';
  return { serverAddress: meta('dhkit-server'), robotId: meta('dhkit-robot') };
}
