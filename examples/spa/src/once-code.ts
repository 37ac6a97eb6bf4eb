/** What our backend (backend.mjs) answers: where the dhkit server is, which robot, and a fresh once-code. */
export interface Admission {
  serverAddress: string;
  robotId: string;
  onceCode: string;
}

/** Asks our backend for a fresh once-code; each one admits one session, once. */
export async function fetchAdmission(): Promise<Admission> {
  const response = await fetch('/api/once-code', { method: 'POST' });
  if (!response.ok) throw new Error(`the backend could not mint a once-code (HTTP ${response.status})`);
  return (await response.json()) as Admission;
}
