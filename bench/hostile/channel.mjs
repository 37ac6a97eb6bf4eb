// A minimal channel client for bench:hostile (the normal visitor and the attackers): admission, hello,
// questions, and the first audio frame of an answer.
import WebSocket from 'ws';

async function mintCode(serverUrl, adminKey, robotId) {
  const response = await fetch(`${serverUrl}/v1/robots/${robotId}/once-codes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}` },
  });
  return (await response.json()).onceCode;
}

export async function openVisitor(serverUrl, adminKey, robotId) {
  const onceCode = await mintCode(serverUrl, adminKey, robotId);
  const response = await fetch(`${serverUrl}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ robotId, onceCode }),
  });
  if (response.status !== 201) throw new Error(`admission ${response.status}: ${await response.text()}`);
  const info = await response.json();
  const socket = new WebSocket(serverUrl.replace('http', 'ws') + info.channelPath);
  const visitor = { info, socket, messages: [], audio: new Map(), closed: null, listeners: new Set() };
  visitor.closed = new Promise((resolve) => socket.on('close', (code) => resolve(code)));
  socket.on('message', (data, isBinary) => {
    const now = performance.now();
    if (isBinary) {
      // Audio frame header: u16 header length, then JSON {chatId, …} (packages/protocol audio-frame format).
      const chatId = audioChatId(data);
      if (chatId && !visitor.audio.has(chatId)) visitor.audio.set(chatId, now);
    } else {
      visitor.messages.push(JSON.parse(data.toString()));
    }
    for (const listener of visitor.listeners) listener();
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  socket.send(JSON.stringify({ type: 'hello', token: info.token, protocol: 1 }));
  await waitFor(visitor, () => visitor.messages.some((m) => m.type === 'welcome'), 10_000);
  return visitor;
}

let decode;
function audioChatId(data) {
  return decode(new Uint8Array(data))?.header.chatId;
}
export async function loadProtocol() {
  ({ decodeAudioFrame: decode } = await import('../../packages/protocol/dist/index.js'));
}

function waitFor(visitor, done, timeoutMs) {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (done()) {
        cleanup();
        resolve();
      }
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error('timed out'));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      visitor.listeners.delete(check);
    };
    visitor.listeners.add(check);
    check();
  });
}

/**
 * Question → first audio frame, in ms. With `interrupt`, the visitor stops the answer at its first audio (as a
 * visitor who asks the next question does): more questions per phase, without the rest of each answer's speech.
 */
export async function askTimed(visitor, text, { timeoutMs = 20_000, interrupt = false } = {}) {
  const chatId = `q-${Math.random().toString(36).slice(2, 12)}`;
  const started = performance.now();
  visitor.socket.send(JSON.stringify({ type: 'question', chatId, text }));
  await waitFor(visitor, () => visitor.audio.has(chatId), timeoutMs);
  const ms = visitor.audio.get(chatId) - started;
  if (interrupt) visitor.socket.send(JSON.stringify({ type: 'interrupt' }));
  await waitFor(visitor, () => visitor.messages.some((m) => m.type === 'turnEnd' && m.chatId === chatId), timeoutMs).catch(() => {});
  return ms;
}
