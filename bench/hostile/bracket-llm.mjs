// The pathological LLM of bench:hostile, in its own process (its writes must not slow the measuring one): an
// OpenAI-compatible endpoint that streams 4,000 unclosed `[` in 4-character chunks. Prints its port.
import { createServer } from 'node:http';

const event = (content) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
const llm = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  for (let i = 0; i < 1000; i++) response.write(event('[[[['));
  response.end('data: [DONE]\n\n');
});
llm.listen(0, '127.0.0.1', () => console.log(llm.address().port));
process.on('disconnect', () => process.exit(0));
