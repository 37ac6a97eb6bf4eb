// One attack of bench:hostile, in its own process (its event loop must not slow the measuring one).
// argv[2]: JSON {attack, serverUrl, adminKey, durationMs}. Prints one JSON line: what the protections did.
import { loadProtocol, openVisitor } from './channel.mjs';

const { attack, serverUrl, adminKey, durationMs } = JSON.parse(process.argv[2]);
await loadProtocol();
const until = performance.now() + durationMs;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const count = (visitor, code) => visitor.messages.filter((m) => m.type === 'error' && m.code === code).length;
const chatId = (prefix, n, digits = 5) => `${prefix}-${String(n).padStart(digits, '0')}`;

/** Sends `message(n)` every `intervalMs` until the attack's time is up or the server closes the socket; how many went. */
async function sendPaced(visitor, intervalMs, message) {
  let sent = 0;
  while (performance.now() < until && visitor.socket.readyState === 1) {
    visitor.socket.send(JSON.stringify(message(sent++)));
    await sleep(intervalMs);
  }
  return sent;
}

const attacks = {
  /** 20,000 questions on one socket as fast as it goes. */
  async questionFlood() {
    const visitor = await openVisitor(serverUrl, adminKey, 'demo');
    let sent = 0;
    for (; sent < 20_000 && visitor.socket.readyState === 1; sent++) {
      visitor.socket.send(JSON.stringify({ type: 'question', chatId: chatId('flood', sent, 6), text: `hello ${sent}` }));
      if (sent % 200 === 0) await sleep(0);
    }
    const closeCode = await Promise.race([visitor.closed, sleep(Math.max(0, until - performance.now())).then(() => null)]);
    return {
      sent,
      rateLimited: count(visitor, 'RATE_LIMITED'),
      turnsStarted: visitor.messages.filter((m) => m.type === 'turnStart').length,
      closeCode,
    };
  },
  /** Questions at 45/s (under the frame limit, over the question limit), for the whole attack. */
  async pacedQuestions() {
    const visitor = await openVisitor(serverUrl, adminKey, 'demo');
    const sent = await sendPaced(visitor, 22, (n) => ({ type: 'question', chatId: chatId('paced', n, 6), text: '你好' }));
    return {
      sent,
      rateLimited: count(visitor, 'RATE_LIMITED'),
      turnsStarted: visitor.messages.filter((m) => m.type === 'turnStart').length,
    };
  },
  /**
   * Asks for long speech and never reads its socket, pinging all along (so only backpressure may end it), until the
   * server ends the session; then reads again to see how it was told.
   */
  async slowReader() {
    const visitor = await openVisitor(serverUrl, adminKey, 'demo');
    visitor.socket._socket.pause();
    const startedAt = performance.now();
    const sentence = 'This sentence is long enough to be spoken for a while by the speech engine. ';
    const text = sentence.repeat(Math.floor(2000 / sentence.length));
    for (let i = 0; i < 20; i++)
      visitor.socket.send(JSON.stringify({ type: 'drivenText', chatId: 'slow-reader-0001', text, isLast: i === 19 }));
    const ping = setInterval(() => visitor.socket.readyState === 1 && visitor.socket.send(JSON.stringify({ type: 'ping', t: 1 })), 1000);
    const isLive = async () => {
      const headers = { authorization: `Bearer ${adminKey}` };
      const sessions = await (await fetch(`${serverUrl}/v1/robots/demo/sessions`, { headers })).json();
      return JSON.stringify(sessions).includes(visitor.info.sessionId);
    };
    let live = true;
    while (live && performance.now() < until) {
      await sleep(1000);
      live = await isLive();
    }
    clearInterval(ping);
    if (live) return { sessionEndedByServer: false };
    const endedAfterMs = Math.round(performance.now() - startedAt);
    visitor.socket._socket.resume();
    const closeCode = await Promise.race([visitor.closed, sleep(20_000).then(() => null)]);
    const sessionEnd = visitor.messages.find((m) => m.type === 'sessionEnd')?.reason ?? null;
    return { sessionEndedByServer: true, endedAfterMs, sessionEnd, closeCode };
  },
  /** An LLM robot whose (hostile) upstream streams 4,000 unclosed `[`; asked as often as the limit allows. */
  async pathologicalAnswer() {
    const visitor = await openVisitor(serverUrl, adminKey, 'brackets');
    const asked = await sendPaced(visitor, 250, (n) => ({ type: 'question', chatId: chatId('brackets', n), text: 'tell me' }));
    return { asked, turnsEnded: visitor.messages.filter((m) => m.type === 'turnEnd').length, rateLimited: count(visitor, 'RATE_LIMITED') };
  },
  /** A robot with a 1,000-entry lexicon, made to speak 2,000-character driven texts. */
  async lexicon() {
    const visitor = await openVisitor(serverUrl, adminKey, 'lexicon');
    const text = 'The SKU term7x and term999x are here, 行长说 fine. '.repeat(45).slice(0, 2000);
    const sent = await sendPaced(visitor, 100, (n) => ({ type: 'drivenText', chatId: chatId('lexicon', n), text, isLast: true }));
    return { sent, rateLimited: count(visitor, 'RATE_LIMITED') };
  },
  /** 500-character questions of frequent characters at 5/s against a 2,000-entry knowledge base. */
  async longQuestions() {
    const visitor = await openVisitor(serverUrl, adminKey, 'bigkb');
    const question = '的是在了和有我你他这'.repeat(50);
    const sent = await sendPaced(visitor, 200, (n) => ({ type: 'question', chatId: chatId('long-q', n), text: question }));
    return { sent, rateLimited: count(visitor, 'RATE_LIMITED'), turnsEnded: visitor.messages.filter((m) => m.type === 'turnEnd').length };
  },
  /** Once-code guesses, each with a new forged leftmost X-Forwarded-For (the server trusts one proxy hop). */
  async forgedForwardedFor() {
    const statuses = {};
    let sent = 0;
    while (performance.now() < until && sent < 3000) {
      const response = await fetch(`${serverUrl}/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.${(sent >> 8) & 255}.${sent & 255}, 198.51.100.7` },
        body: JSON.stringify({ robotId: 'demo', onceCode: `guess-${sent++}-0000000000000000` }),
      });
      const code = (await response.json()).error?.code ?? response.status;
      statuses[code] = (statuses[code] ?? 0) + 1;
    }
    return { sent, answers: statuses };
  },
  /**
   * Wrong admin keys as fast as they are answered, from the attacker's own address as the trusted proxy reports it
   * (without it the attacker would share 127.0.0.1 with the bench's operator, whose admin calls the throttle then
   * refuses too).
   */
  async adminGuesses() {
    const statuses = {};
    let sent = 0;
    while (performance.now() < until && sent < 3000) {
      const response = await fetch(`${serverUrl}/v1/robots`, {
        headers: { authorization: `Bearer guess-${sent++}-${'x'.repeat(32)}`, 'x-forwarded-for': '198.51.100.8' },
      });
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      await response.arrayBuffer();
    }
    return { sent, answers: statuses };
  },
};

const result = await attacks[attack]();
console.log(JSON.stringify(result));
process.exit(0);
