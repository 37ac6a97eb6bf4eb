// The admin API as the in-process benchmarks call it (fetch, JSON, the bench admin key).
import { BENCH_ADMIN_KEY } from './dhkit-process.mjs';

/** One admin call; resolves with the answer's JSON. */
export async function adminCall(serverUrl, method, path, body, adminKey = BENCH_ADMIN_KEY) {
  const response = await fetch(serverUrl + path, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  return response.json();
}

/** A fresh once-code for one visitor of `robotId`. */
export async function mintOnceCode(serverUrl, robotId = 'demo') {
  return (await adminCall(serverUrl, 'POST', `/v1/robots/${robotId}/once-codes`, {})).onceCode;
}
